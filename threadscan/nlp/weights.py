"""Cue phrase precision learned from labeled threads: which matched phrases are weak.

A category cue phrase ("latency", "PREEMPT_RT", "don't need") that, in the labeled train
threads, mostly occurs in sentences that are not objections is *weak*: it proposes an
objection only together with a stance frame ("should", "why", "is wrong" ...). The table is
data made by ``scripts/train_textcat.py`` (counts per ``<rule id>:<matched text>`` over reviewer
sentences of the train threads) and ships beside the textcat weights as ``cue-weights.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from threadscan.errors import ModelError
from threadscan.model import CATEGORIES
from threadscan.nlp.rules import Hit

WEIGHTS_FILE = "cue-weights.json"
PRIOR = 2.0  # pseudo-counts of smoothing
PRIOR_PRECISION = 0.3  # what an unseen phrase is assumed to score
MIN_PRECISION = 0.3  # below this (smoothed) a phrase is weak; grouped CV on train threads
MIN_SUPPORT = 3  # sentences a phrase must occur in to be judged at all


def phrase_key(hit: Hit) -> str:
    """The rule and the cue phrase as listed (any spelling of it counts as the phrase)."""
    return f"{hit.rule}:{hit.phrase or hit.text.lower()}"


def count(rows: Iterable[tuple[tuple[Hit, ...], bool]]) -> dict[str, list[int]]:
    """``[not objection, objection]`` sentence counts per live category phrase."""
    counts: dict[str, list[int]] = {}
    for hits, positive in rows:
        for key in {phrase_key(h) for h in hits if h.group in CATEGORIES and not h.negated}:
            counts.setdefault(key, [0, 0])[positive] += 1
    return counts


def weak_keys(counts: dict[str, list[int]], min_precision: float = MIN_PRECISION) -> frozenset[str]:
    def precision(neg: int, pos: int) -> float:
        return (pos + PRIOR * PRIOR_PRECISION) / (neg + pos + PRIOR)

    return frozenset(k for k, (neg, pos) in counts.items()
                     if neg + pos >= MIN_SUPPORT and precision(neg, pos) < min_precision)


def mark(hits: tuple[Hit, ...], weak: frozenset[str]) -> tuple[Hit, ...]:
    if not weak:
        return hits
    return tuple(replace(h, weak=True) if phrase_key(h) in weak else h for h in hits)


def save(path: Path, counts: dict[str, list[int]]) -> None:
    doc = {"doc": (__doc__ or "").split("\n\n")[0], "prior": PRIOR,
           "prior_precision": PRIOR_PRECISION, "min_precision": MIN_PRECISION,
           "min_support": MIN_SUPPORT, "counts": dict(sorted(counts.items()))}
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def load_weak(model_dir: Path) -> frozenset[str]:
    """The weak phrases of a model directory (none when it has no table)."""
    path = model_dir / WEIGHTS_FILE
    if not path.exists():
        return frozenset()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        counts = {str(k): [int(v[0]), int(v[1])] for k, v in doc["counts"].items()}
        return weak_keys(counts, float(doc.get("min_precision", MIN_PRECISION)))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as err:
        raise ModelError(f"malformed cue weights: {err!r}", file=str(path)) from err
