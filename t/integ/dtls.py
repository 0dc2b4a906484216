"""DTLS-SRTP for test peers: certificates (openssl CLI), their
fingerprints, and handshakes run by t/integ/dtls_peer.py (pyOpenSSL, in
Debian's python3) on a media.Peer's own RTP socket, so the relay sees the
handshake and the media from the same address.

    cert = dtls.Cert(tmpdir)                 # cert.fingerprint("sha-256")
    hs = dtls.start(peer, relay_port, "client", cert, expect=fp_line)
    keys = hs.result()                       # {"suite", "send_key", "recv_key"}
    tx, rx = dtls.sessions(keys)             # srtp.Session pair
"""

import json
import os
import subprocess
import tempfile

import srtp

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "dtls_peer.py")
# pyOpenSSL is Debian's (python3-openssl): its interpreter, not necessarily ours
PYTHON = os.environ.get("RTPRELAY_DTLS_PYTHON", "/usr/bin/python3")
OPENSSL_NAMES = {"sha-1": "-sha1", "sha-224": "-sha224", "sha-256": "-sha256",
                 "sha-384": "-sha384", "sha-512": "-sha512"}


def available():
    """None, or why the DTLS peer cannot run here."""
    try:
        r = subprocess.run([PYTHON, "-c", "from OpenSSL import SSL; SSL.DTLS_METHOD"],
                           capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "%s: %s" % (PYTHON, e)
    return None if r.returncode == 0 else "pyOpenSSL missing (apt-get install python3-openssl)"


class Cert:
    """A self-signed prime256v1 certificate and key in a temporary folder."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="rtprelay-dtls-")
        self.cert = os.path.join(self.dir, "cert.pem")
        self.key = os.path.join(self.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", self.key,
                        "-out", self.cert, "-days", "30", "-subj", "/CN=dtls-test-peer"],
                       check=True, capture_output=True, timeout=30)

    def fingerprint(self, hash_name="sha-256"):
        """The a=fingerprint value, "sha-256 AB:CD:..."."""
        r = subprocess.run(["openssl", "x509", "-in", self.cert, "-noout", "-fingerprint",
                            OPENSSL_NAMES[hash_name]], check=True, capture_output=True,
                           text=True, timeout=30)
        return "%s %s" % (hash_name, r.stdout.strip().split("=", 1)[1])


class Handshake:
    """A running dtls_peer.py; result() waits for its JSON line."""

    def __init__(self, proc):
        self.proc = proc

    def result(self, timeout=15):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            return {"ok": False, "error": "peer process timed out", "stderr": err}
        lines = [l for l in out.splitlines() if l.startswith("{")]
        if not lines:
            return {"ok": False, "error": "no result", "stderr": err}
        return json.loads(lines[-1])


def start(peer, relay_port, role, cert, expect=None, profiles=None, timeout=10.0,
          client_hello_only=False, host="127.0.0.1", rtcp=False):
    """A handshake from peer's RTP socket (its RTCP one with rtcp) with the
    relay at host:relay_port."""
    sock = peer.rtcp_sock if rtcp else peer.sock
    argv = [PYTHON, PEER, "--fd", str(sock.fileno()), "--remote",
            "%s:%d" % (host, relay_port), "--role", role, "--cert", cert.cert, "--key",
            cert.key, "--timeout", str(timeout)]
    if expect:
        argv += ["--expect", expect]
    if profiles:
        argv += ["--profiles", profiles]
    if client_hello_only:
        argv.append("--client-hello-only")
    proc = subprocess.Popen(argv, pass_fds=(sock.fileno(),), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    return Handshake(proc)


def sessions(keys):
    """(outbound, inbound) SRTP sessions of the peer from its handshake's keys."""
    return (srtp.Session(keys["suite"], bytes.fromhex(keys["send_key"]), inbound=False),
            srtp.Session(keys["suite"], bytes.fromhex(keys["recv_key"]), inbound=True))
