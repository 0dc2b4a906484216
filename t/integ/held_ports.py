"""Which media ports a daemon holds, seen the same way on both daemons: a
UDP port is held when it cannot be bound; port pairs held by calls from
rtprelay's statistics, or by probing rtpengine's range (it has no "ports"
in its statistics: COMPAT.md, Replies, `statistics`)."""

import errno
import socket
import time

import daemon


def bound(port, host="127.0.0.1"):
    """True if the UDP port is taken on host (a daemon holds it)."""
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((host, port))
        return False
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            return True
        raise
    finally:
        s.close()


def pairs_used(d, hosts=("127.0.0.1",)):
    """Port pairs held by the daemon's calls: rtprelay's statistics (released
    pairs may stay bound as spares there); rtpengine closes a released pair,
    so the RTP ports bound in its range on hosts are the pairs held."""
    if daemon.IS_RTPENGINE:
        return sum(1 for h in hosts for p in range(d.port_min - d.port_min % 2, d.port_max + 1, 2)
                   if bound(p, h))
    return d.ng.command("statistics")["statistics"]["ports"]["pairs_used"]


def pairs_left(d, want, hosts=("127.0.0.1",)):
    """pairs_used, polled up to 2 s under rtpengine until it is `want`:
    rtpengine closes a deleted call's ports from its timer, a moment after
    the reply; rtprelay before it."""
    deadline = time.monotonic() + (2.0 if daemon.IS_RTPENGINE else 0)
    n = pairs_used(d, hosts)
    while n != want and time.monotonic() < deadline:
        time.sleep(0.05)
        n = pairs_used(d, hosts)
    return n
