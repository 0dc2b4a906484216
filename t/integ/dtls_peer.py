#!/usr/bin/python3
"""A DTLS-SRTP peer for the tests: one handshake (RFC 5764) on a UDP
socket it inherits, with pyOpenSSL (Debian's python3-openssl), then the
SRTP keys it exported as one JSON line on stdout; the test does SRTP with
them (t/integ/srtp.py). Run by t/integ/dtls.py with Debian's python3, as a
process of its own: the test harness's interpreter may lack pyOpenSSL.

    dtls_peer.py --fd N --remote HOST:PORT --role client|server
                 --cert C.pem --key K.pem [--profiles P1:P2] [--expect FP]
                 [--timeout S] [--client-hello-only]

--expect: the fingerprint ("sha-256 AB:...") the relay's certificate must
have (its a=fingerprint). --client-hello-only: send one ClientHello and
exit (a stranger's). Output: {"ok": true, "profile": ..., "suite": ...,
"send_key": hex, "recv_key": hex} or {"ok": false, "error": ...}.
"""

import argparse
import json
import select
import socket
import sys
import time

from OpenSSL import SSL
from OpenSSL._util import ffi, lib

LABEL = b"EXTRACTOR-dtls_srtp"
# profile: (SDES suite name for t/integ/srtp.py, key bytes, salt bytes)
PROFILES = {
    "SRTP_AES128_CM_SHA1_80": ("AES_CM_128_HMAC_SHA1_80", 16, 14),
    "SRTP_AES128_CM_SHA1_32": ("AES_CM_128_HMAC_SHA1_32", 16, 14),
    "SRTP_AEAD_AES_128_GCM": ("AEAD_AES_128_GCM", 16, 12),
    "SRTP_AEAD_AES_256_GCM": ("AEAD_AES_256_GCM", 32, 12),
}
HASHES = {"sha-1": "sha1", "sha-224": "sha224", "sha-256": "sha256", "sha-384": "sha384",
          "sha-512": "sha512"}


def out(**kw):
    print(json.dumps(kw), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fd", type=int, required=True)
    ap.add_argument("--remote", required=True)
    ap.add_argument("--role", choices=("client", "server"), required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--profiles", default="SRTP_AES128_CM_SHA1_80")
    ap.add_argument("--expect")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--client-hello-only", action="store_true")
    a = ap.parse_args()
    host, port = a.remote.rsplit(":", 1)
    remote = (host.strip("[]"), int(port))
    sock = socket.socket(fileno=a.fd)

    ctx = SSL.Context(SSL.DTLS_METHOD)
    ctx.use_certificate_file(a.cert)
    ctx.use_privatekey_file(a.key)
    ctx.set_tlsext_use_srtp(a.profiles.encode())
    # self-signed on both sides: the fingerprint is the check (below)
    ctx.set_verify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT, lambda *args: True)
    conn = SSL.Connection(ctx, None)
    if a.role == "client":
        conn.set_connect_state()
    else:
        conn.set_accept_state()

    def flush():
        while True:
            try:
                data = conn.bio_read(65536)
            except SSL.WantReadError:
                return
            sock.sendto(data, remote)

    deadline = time.monotonic() + a.timeout
    while True:
        try:
            conn.do_handshake()
            flush()
            break
        except SSL.WantReadError:
            flush()
            if a.client_hello_only:
                out(ok=True, sent="ClientHello")
                return
        except SSL.Error as e:
            flush()
            out(ok=False, error="handshake: %s" % e)
            return
        left = deadline - time.monotonic()
        if left <= 0:
            out(ok=False, error="timeout")
            return
        r, _, _ = select.select([sock], [], [], min(left, 0.5))
        if not r:
            lib.DTLSv1_handle_timeout(conn._ssl)
            continue
        data, src = sock.recvfrom(65536)
        if src[:2] != remote:
            continue  # not the relay: the test's business, not the handshake's
        conn.bio_write(data)

    cert = conn.get_peer_certificate()
    if a.expect:
        name, digest = a.expect.split(" ", 1)
        got = cert.digest(HASHES[name]).decode()
        if got.upper() != digest.upper():
            out(ok=False, error="the relay's certificate is not its a=fingerprint")
            return
    prof = lib.SSL_get_selected_srtp_profile(conn._ssl)
    pname = ffi.string(prof.name).decode() if prof != ffi.NULL else None
    if pname not in PROFILES:
        out(ok=False, error="no SRTP profile negotiated: %s" % pname)
        return
    suite, kl, sl = PROFILES[pname]
    km = conn.export_keying_material(LABEL, 2 * (kl + sl))
    ck, sk = km[:kl], km[kl:2 * kl]
    cs, ss = km[2 * kl:2 * kl + sl], km[2 * kl + sl:]
    client, server = ck + cs, sk + ss
    mine, theirs = (client, server) if a.role == "client" else (server, client)
    out(ok=True, profile=pname, suite=suite, send_key=mine.hex(), recv_key=theirs.hex())
    sock.detach()


if __name__ == "__main__":
    sys.exit(main())
