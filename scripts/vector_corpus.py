"""Write the prose of a Linux kernel source tarball as a word-vector training corpus.

    python scripts/vector_corpus.py /usr/src/linux-source-6.1.tar.xz OUT.txt

The tarball comes from Debian's ``linux-source-6.1`` package (``apt-get install
linux-source-6.1``). The prose is every C comment of the ``.c``/``.h`` files and every
``Documentation/`` text file: the kernel's own words about its locking ("must be called with
the lock held", "to avoid a deadlock with ..."), the vocabulary review threads use. Output:
one paragraph a line, lower-cased, tokenized by threadscan's code tokenizer (so ``kvm->lock``
stays one word, as the tagger sees it), tokens separated by single spaces. Deterministic:
members are read in tarball order.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from threadscan.nlp.pipeline import blank_nlp  # noqa: E402

COMMENT = re.compile(r"/\*(.*?)\*/|//([^\n]*)", re.S)
DECOR = re.compile(r"^[ \t]*\*+ ?|^[ \t]*[-=~^*#]{3,}[ \t]*$", re.M)
SPDX = re.compile(r"SPDX-License-Identifier|Copyright|\(C\)", re.I)
MIN_WORDS = 4


def member_texts(tar: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of the C sources and Documentation text files of a kernel tarball."""
    with tarfile.open(tar, "r:*") as tf:
        for m in tf:
            if not m.isfile() or not _wanted(m.name):
                continue
            f = tf.extractfile(m)
            if f is not None:
                yield m.name, f.read().decode("utf-8", "replace")


def _wanted(name: str) -> bool:
    if "/Documentation/" in name:
        return name.endswith((".rst", ".txt")) or "." not in name.rsplit("/", 1)[-1]
    return name.endswith((".c", ".h"))


def paragraphs(name: str, text: str) -> Iterator[str]:
    """Prose paragraphs: comments of C files, blank-line paragraphs of documentation."""
    chunks = (a or b for a, b in COMMENT.findall(text)) if name.endswith((".c", ".h")) \
        else [text]
    for chunk in chunks:
        for para in re.split(r"\n[ \t*]*\n", DECOR.sub("", chunk)):
            words = para.split()
            if len(words) >= MIN_WORDS and not SPDX.search(para):
                yield " ".join(words)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tarball", type=Path)
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    tok = blank_nlp().tokenizer
    seen: set[bytes] = set()
    lines = words = 0
    with args.out.open("w", encoding="utf-8") as out:
        paras = (p for n, t in member_texts(args.tarball) for p in paragraphs(n, t))
        for doc in tok.pipe(p for p in paras if not _dup(seen, p)):
            toks = [t.lower_ for t in doc if not t.is_space]
            out.write(" ".join(toks) + "\n")
            lines += 1
            words += len(toks)
    print(f"{args.out}: {lines} paragraphs, {words} tokens")
    return 0


def _dup(seen: set[bytes], para: str) -> bool:
    """True for a paragraph seen before (licence blurbs, copied comments)."""
    h = hashlib.blake2b(para.encode(), digest_size=12).digest()
    if h in seen:
        return True
    seen.add(h)
    return False


if __name__ == "__main__":
    raise SystemExit(main())
