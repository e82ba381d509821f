"""Agreement between two annotators of the same threads (a ceiling for the tagger's scores).

    python scripts/agreement.py [--first training/labels/threads]
                                [--second training/labels/agreement]

For every label file in SECOND, the file of the same name in FIRST is the other annotation of
the same sentences (same ids, made by ``scripts/merge_labels.py``). Prints objection-detection
agreement (F1 of one annotator against the other: symmetric), per-category F1 and their macro
average over the categories either annotator used, and stance agreement where both saw an
objection.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from threadscan.model import CATEGORIES  # noqa: E402


def records(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if r}


def pairs(first: Path, second: Path) -> list[tuple[dict, dict]]:
    out = []
    for path in sorted(second.glob("*.jsonl")):
        a, b = records(first / path.name), records(path)
        if a.keys() != b.keys():
            raise SystemExit(f"{path.name}: the two annotations list different sentences")
        out.extend((a[k], b[k]) for k in a)
    return out


def f1(x: list[bool], y: list[bool]) -> float | None:
    both, total = sum(i and j for i, j in zip(x, y, strict=True)), sum(x) + sum(y)
    return 2 * both / total if total else None


def report(ps: list[tuple[dict, dict]]) -> list[str]:
    bearing = [(a["stance"] != "none", b["stance"] != "none") for a, b in ps]
    lines = [f"{len(ps)} sentences; objection-bearing: first {sum(x for x, _ in bearing)}, "
             f"second {sum(y for _, y in bearing)}, both {sum(x and y for x, y in bearing)}",
             f"detection agreement F1 {f1(*map(list, zip(*bearing, strict=True))):.2f}"]
    per = {c: f1([c in a["categories"] for a, _ in ps], [c in b["categories"] for _, b in ps])
           for c in CATEGORIES}
    used = {c: v for c, v in per.items() if v is not None}
    lines.append("category F1: " + ", ".join(f"{c} {v:.2f}" for c, v in used.items()))
    lines.append(f"category macro-F1 {sum(used.values()) / len(used):.2f}")
    both = [(a, b) for a, b in ps if a["stance"] != "none" and b["stance"] != "none"]
    agree = sum(a["stance"] == b["stance"] for a, b in both) / max(len(both), 1)
    lines.append(f"stance agreement where both saw an objection {agree:.2f}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=Path, default=ROOT / "training" / "labels" / "threads")
    parser.add_argument("--second", type=Path, default=ROOT / "training" / "labels" / "agreement")
    args = parser.parse_args()
    print("\n".join(report(pairs(args.first, args.second))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
