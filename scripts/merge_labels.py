"""Write a thread's label file from the extractor's candidates plus an annotation file.

    python scripts/merge_labels.py FIXTURE.mbox ANNOTATIONS.jsonl

ANNOTATIONS holds one JSON object per labeled sentence: ``{"id", "stance", "categories",
"locks", "functions", "note"}`` (only ``id`` and ``stance`` are required). Every candidate the
extractor lists and the annotation file does not name is written as stance ``none``. The split
is the fixed hash rule of ``training/labels/README.md``. The result goes to
``training/labels/threads/<stem>.jsonl`` (or ``--out DIR``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from threadscan.model import CATEGORIES, STANCES  # noqa: E402


def split_of(thread_file: str) -> str:
    digest = int(hashlib.sha1(thread_file.encode()).hexdigest(), 16)
    return "heldout" if digest % 3 == 0 else "train"


def load_extractor():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "scripts"))
    import extract_sentences

    return extract_sentences


def checked(ann: dict) -> dict:
    stance, cats = ann["stance"], ann.get("categories", [])
    if stance not in (*STANCES, "none") or not set(cats) <= set(CATEGORIES):
        raise SystemExit(f"{ann['id']}: bad stance/categories {stance} {cats}")
    if (stance == "none") != (not cats):
        raise SystemExit(f"{ann['id']}: stance {stance} with categories {cats}")
    return ann


def merge(mbox: Path, annotations: Path) -> list[dict]:
    anns = {a["id"]: checked(a) for a in map(json.loads, annotations.read_text().splitlines()) if a}
    out = []
    for cand in load_extractor().iter_candidates(mbox):
        rec = asdict(cand)
        ann = anns.pop(rec["id"], {})
        rec.update(stance=ann.get("stance", "none"), categories=ann.get("categories", []),
                   locks=ann.get("locks", []), functions=ann.get("functions", []),
                   split=split_of(rec["thread"]))
        if ann.get("note"):
            rec["note"] = ann["note"]
        out.append(rec)
    if anns:
        raise SystemExit(f"annotations for unknown ids: {sorted(anns)[:5]}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mbox", type=Path)
    parser.add_argument("annotations", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "training" / "labels" / "threads",
                        help="folder for the label file (a second annotator's copy: elsewhere)")
    args = parser.parse_args()
    records = merge(args.mbox, args.annotations)
    target = args.out / f"{args.mbox.stem}.jsonl"
    target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    print(f"{target.name}: {len(records)} sentences, "
          f"{sum(r['stance'] != 'none' for r in records)} objection-bearing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
