#!/usr/bin/env python3
"""Write the parity corpus: one JSON file per case in t/parity/corpus/.

The corpus files are checked in; this script is how most of them were
made (families of cases from a few SDP templates). Re-running it rewrites
the files it generates and leaves hand-written ones (not named here) alone:

    python3 t/parity/gen_corpus.py            # then review `git diff t/parity/corpus`

A case file:

    {"category": "...", "description": "...",
     "steps": [{"command": "offer", "args": {"from-tag": "A", "sdp": "...", ...}},
               {"command": "answer", "args": {"from-tag": "A", "to-tag": "B", ...}}, ...]}

run.py adds the call-id (one per case) and sends every step to both
daemons; args are ng keys exactly as sent (lists stay lists).
"""

import json
import os

from corpus_build import CASES, CORPUS
from corpus_rtp import (plain, multi, nonrtp, zero, conn, replace, midext, mux, ipv6, branches,
                        direction, ptime, codecs)
from corpus_secure import avpf, dtls, ice, sdes, sdpattr


def main():
    for fn in (plain, multi, nonrtp, zero, conn, replace, midext, mux, ipv6, branches, direction,
               ptime, codecs, sdes, sdpattr, ice, dtls, avpf):
        fn()
    os.makedirs(CORPUS, exist_ok=True)
    for name, c in sorted(CASES.items()):
        with open(os.path.join(CORPUS, name + ".json"), "w") as f:
            json.dump(c, f, indent=1, sort_keys=False)
            f.write("\n")
    print("%d cases written to %s" % (len(CASES), os.path.relpath(CORPUS)))


if __name__ == "__main__":
    main()
