"""SRTP/SRTCP for test peers: Debian's libsrtp2 through ctypes (the reference
implementation of RFC 3711, RFC 7714 AEAD, every SDES suite it has), and
a=crypto lines for SDPs.

    key = srtp.new_key("AES_CM_128_HMAC_SHA1_80")
    tx = srtp.Session("AES_CM_128_HMAC_SHA1_80", key, inbound=False)
    wire = tx.protect(media.rtp(seq=1))
    rx = srtp.Session(suite, key, inbound=True)
    plain = rx.unprotect(wire)        # raises srtp.Error("auth"/"replay")
"""

import base64
import ctypes
import ctypes.util
import os
import re

# suite: (key bytes, salt bytes, RTP policy setter, RTCP policy setter)
SUITES = {
    "AES_CM_128_HMAC_SHA1_80": (16, 14, "aes_cm_128_hmac_sha1_80", "aes_cm_128_hmac_sha1_80"),
    "AES_CM_128_HMAC_SHA1_32": (16, 14, "aes_cm_128_hmac_sha1_32", "aes_cm_128_hmac_sha1_80"),
    "AEAD_AES_256_GCM": (32, 12, "aes_gcm_256_16_auth", "aes_gcm_256_16_auth"),
    "AEAD_AES_128_GCM": (16, 12, "aes_gcm_128_16_auth", "aes_gcm_128_16_auth"),
    "AES_256_CM_HMAC_SHA1_80": (32, 14, "aes_cm_256_hmac_sha1_80", "aes_cm_256_hmac_sha1_80"),
    "AES_256_CM_HMAC_SHA1_32": (32, 14, "aes_cm_256_hmac_sha1_32", "aes_cm_256_hmac_sha1_80"),
    "AES_192_CM_HMAC_SHA1_80": (24, 14, "aes_cm_192_hmac_sha1_80", "aes_cm_192_hmac_sha1_80"),
    "AES_192_CM_HMAC_SHA1_32": (24, 14, "aes_cm_192_hmac_sha1_32", "aes_cm_192_hmac_sha1_80"),
    "NULL_HMAC_SHA1_80": (16, 14, "null_cipher_hmac_sha1_80", "null_cipher_hmac_sha1_80"),
    # no setter of its own: the 80-bit one with a 4-byte tag (RTP only)
    "NULL_HMAC_SHA1_32": (16, 14, "null_cipher_hmac_sha1_80", "null_cipher_hmac_sha1_80"),
}


class _Crypto(ctypes.Structure):
    _fields_ = [("cipher_type", ctypes.c_uint32), ("cipher_key_len", ctypes.c_int),
                ("auth_type", ctypes.c_uint32), ("auth_key_len", ctypes.c_int),
                ("auth_tag_len", ctypes.c_int), ("sec_serv", ctypes.c_int)]


class _MasterKey(ctypes.Structure):
    _fields_ = [("key", ctypes.c_char_p), ("mki_id", ctypes.c_char_p),
                ("mki_size", ctypes.c_uint)]


class _Policy(ctypes.Structure):
    pass


_Policy._fields_ = [("ssrc_type", ctypes.c_int), ("ssrc_value", ctypes.c_uint),
                    ("rtp", _Crypto), ("rtcp", _Crypto), ("key", ctypes.c_char_p),
                    ("keys", ctypes.POINTER(ctypes.POINTER(_MasterKey))),
                    ("num_master_keys", ctypes.c_ulong), ("deprecated_ekt", ctypes.c_void_p),
                    ("window_size", ctypes.c_ulong), ("allow_repeat_tx", ctypes.c_int),
                    ("enc_xtn_hdr", ctypes.c_void_p), ("enc_xtn_hdr_count", ctypes.c_int),
                    ("next", ctypes.POINTER(_Policy))]

SSRC_ANY_INBOUND, SSRC_ANY_OUTBOUND = 2, 3
ERR_AUTH, ERR_REPLAY, ERR_REPLAY_OLD = 7, 9, 10

_lib = None


def _libsrtp():
    global _lib
    if _lib is None:
        name = ctypes.util.find_library("srtp2") or "libsrtp2.so.1"
        _lib = ctypes.CDLL(name)
        if _lib.srtp_init() != 0:
            raise RuntimeError("srtp_init failed")
    return _lib


class Error(Exception):
    """kind: "auth", "replay" or "error"."""

    def __init__(self, kind, code):
        super().__init__("%s (libsrtp2 error %d)" % (kind, code))
        self.kind = kind


def new_key(suite):
    k, s = SUITES[suite][:2]
    return os.urandom(k + s)


def b64(key):
    return base64.b64encode(key).decode().rstrip("=")


def crypto_line(tag, suite, key, extra=""):
    """An a=crypto line (with CRLF)."""
    return "a=crypto:%d %s inline:%s%s\r\n" % (tag, suite, b64(key), extra)


def parse_crypto(sdp):
    """[(tag, suite, key bytes, rest)] of the a=crypto lines of an SDP."""
    out = []
    for tag, suite, key, rest in re.findall(
            r"^a=crypto:(\d+) (\S+) inline:([A-Za-z0-9+/=]+)(\S*)[^\r\n]*", sdp, re.M):
        out.append((int(tag), suite, base64.b64decode(key + "=" * (-len(key) % 4)), rest))
    return out


class Session:
    """One direction of SRTP+SRTCP with one master key."""

    def __init__(self, suite, key, inbound, mki=None):
        lib = _libsrtp()
        k, s, rtp, rtcp = SUITES[suite]
        if len(key) != k + s:
            raise ValueError("%s wants %d key bytes, got %d" % (suite, k + s, len(key)))
        p = _Policy()
        for name, pol in ((rtp, p.rtp), (rtcp, p.rtcp)):
            # the 128-bit AES-CM setter is a macro for the default one
            fn = "rtp_default" if name == "aes_cm_128_hmac_sha1_80" else name
            getattr(lib, "srtp_crypto_policy_set_" + fn)(ctypes.byref(pol))
        if suite == "NULL_HMAC_SHA1_32":
            p.rtp.auth_tag_len = 4
        p.ssrc_type = SSRC_ANY_INBOUND if inbound else SSRC_ANY_OUTBOUND
        self._key = ctypes.create_string_buffer(bytes(key), len(key))
        self.mki = mki
        if mki is not None:
            value, size = mki
            self._mki = ctypes.create_string_buffer(value.to_bytes(size, "big"), size)
            self._mk = _MasterKey(ctypes.cast(self._key, ctypes.c_char_p),
                                  ctypes.cast(self._mki, ctypes.c_char_p), size)
            self._mks = (ctypes.POINTER(_MasterKey) * 1)(ctypes.pointer(self._mk))
            p.keys = self._mks
            p.num_master_keys = 1
        else:
            p.key = ctypes.cast(self._key, ctypes.c_char_p)
        p.window_size = 128
        p.allow_repeat_tx = 0
        self._session = ctypes.c_void_p()
        rc = lib.srtp_create(ctypes.byref(self._session), ctypes.byref(p))
        if rc != 0:
            raise Error("error", rc)
        self._lib = lib

    def __del__(self):
        if getattr(self, "_session", None):
            self._lib.srtp_dealloc(self._session)
            self._session = None

    def _run(self, fn, pkt, extra_args=()):
        buf = ctypes.create_string_buffer(bytes(pkt), len(pkt) + 256)
        n = ctypes.c_int(len(pkt))
        rc = fn(self._session, buf, ctypes.byref(n), *extra_args)
        if rc != 0:
            raise Error("auth" if rc == ERR_AUTH else
                        "replay" if rc in (ERR_REPLAY, ERR_REPLAY_OLD) else "error", rc)
        return buf.raw[:n.value]

    def protect(self, pkt):
        if self.mki:
            return self._run(self._lib.srtp_protect_mki, pkt, (1, 0))
        return self._run(self._lib.srtp_protect, pkt)

    def unprotect(self, pkt):
        if self.mki:
            return self._run(self._lib.srtp_unprotect_mki, pkt, (1,))
        return self._run(self._lib.srtp_unprotect, pkt)

    def protect_rtcp(self, pkt):
        if self.mki:
            return self._run(self._lib.srtp_protect_rtcp_mki, pkt, (1, 0))
        return self._run(self._lib.srtp_protect_rtcp, pkt)

    def unprotect_rtcp(self, pkt):
        if self.mki:
            return self._run(self._lib.srtp_unprotect_rtcp_mki, pkt, (1,))
        return self._run(self._lib.srtp_unprotect_rtcp, pkt)
