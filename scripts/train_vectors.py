"""Train word vectors on kernel prose and convert them for spaCy (an experiment's input).

    pip install floret            # not a threadscan dependency: only this script needs it
    apt-get install linux-source-6.1
    python scripts/vector_corpus.py /usr/src/linux-source-6.1.tar.xz /tmp/kernel.txt
    python scripts/train_vectors.py /tmp/kernel.txt /tmp/kernel-vectors [--model skipgram]

Writes ``OUT.vec`` (fastText text format) and ``OUT/`` (``spacy init vectors``: the 20,000
most frequent lower-cased words, 100 dimensions; rarer words are mapped to their nearest kept
vector). One training thread, so a re-run gives the same vectors. What they were tried for
and what they gave: docs/EVALUATION.md, round 6 (``train_textcat.py --arch ensemble --vectors
OUT``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

DIM = 100
EPOCHS = 5
MIN_COUNT = 5
KEEP = 20000


def train(corpus: Path, vec: Path, model: str) -> None:
    """fastText vectors (floret's trainer, plain fastText mode) written as text."""
    import floret

    started = time.monotonic()
    ft = floret.train_unsupervised(str(corpus), model=model, dim=DIM, epoch=EPOCHS,
                                   minCount=MIN_COUNT, thread=1, verbose=0)
    ft.save_vectors(str(vec))
    print(f"{vec}: {len(ft.words)} words in {time.monotonic() - started:.0f}s")


def convert(vec: Path, out: Path) -> None:
    """spaCy vectors keyed by the lower-cased token, pruned to the most frequent words."""
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "en", str(vec), str(out),
                    "--prune", str(KEEP), "--attr", "LOWER",
                    "--name", "threadscan_kernel_vectors"], check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--model", choices=("skipgram", "cbow"), default="skipgram")
    args = ap.parse_args(argv)
    vec = args.out.with_suffix(".vec")
    train(args.corpus, vec, args.model)
    convert(vec, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
