"""One call through the installed daemon (packaged config: ng on
127.0.0.1:2223, endpoint learning as shipped): two parties on loopback send
RTP both ways until query says the caller's RTP stream is in the kernel,
at most 20 s (400 packets each way). Prints that stream's 'kernel' state
last. Run by t/pkg/guest.sh in the qemu guest."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integ"))
import media  # noqa: E402
import ng as ngmod  # noqa: E402


def main():
    call = sys.argv[1]
    c = ngmod.NG(("127.0.0.1", 2223), timeout=10)
    with media.Peer() as a, media.Peer() as b:
        to_a = media.sdp_port(c.offer(a.sdp(codecs="0"), call, "A")["sdp"])
        to_b = media.sdp_port(c.answer(b.sdp(codecs="0"), call, "A", "B")["sdp"])
        state = None
        deadline = time.monotonic() + 20
        for i in range(400):
            a.send(media.rtp(seq=i + 1, ssrc=0xA0A0A0A0), to_b)
            b.send(media.rtp(seq=i + 1, ssrc=0xB0B0B0B0), to_a)
            time.sleep(0.05)
            if i % 10 == 9:
                r = ngmod.query(c, call)
                state = r["tags"]["A"]["medias"][0]["streams"][0].get("kernel")
                if state == "kernelized" or time.monotonic() > deadline:
                    break
        print(state)


main()
