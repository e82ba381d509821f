"""Labeled sentences for training and evaluation (the two label formats, one type).

Thread labels (``training/labels/threads/*.jsonl``): one object per sentence
with ``stance``, ``categories``, ``locks``, ``functions``, ``split``.
Shared dev labels (``review-sentences.dev.jsonl``): ``labels`` = [stance, tags...];
extension stances map per OBJECTION-GUIDE.md (rejection -> objection;
ack/approval/agreement -> none), tags outside v1 are dropped except
``x-lock-imbalance`` -> deadlock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from threadscan.errors import ModelError
from threadscan.model import CATEGORIES

STANCE_MAP = {
    "objection": "objection", "question": "question", "suggestion": "suggestion",
    "rejection": "objection", "none": "none", "ack": "none", "approval": "none",
    "agreement": "none",
}
TAG_MAP = {"x-lock-imbalance": "deadlock"}


@dataclass(frozen=True)
class Labeled:
    text: str
    stance: str  # objection | question | suggestion | none
    categories: tuple[str, ...]
    split: str  # train | heldout | dev
    locks: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    thread: str = ""
    msgid: str = ""
    speaker: str = ""


def _cats(tags: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for tag in tags:
        cat = TAG_MAP.get(tag, tag)
        if cat in CATEGORIES and cat not in out:
            out.append(cat)
    return tuple(out)


def parse_label(obj: dict[str, object], default_split: str = "dev") -> Labeled:
    """One decoded JSON label (either format) -> Labeled; ModelError when unusable."""
    try:
        if "labels" in obj:
            tags = [str(t) for t in obj["labels"]]  # type: ignore[attr-defined]
            stance = STANCE_MAP.get(tags[0], "none")
            return Labeled(str(obj["text"]), stance, _cats(tags[1:]) if stance != "none" else (),
                           default_split)
        stance = STANCE_MAP.get(str(obj["stance"]), "none")
        cats = _cats(obj.get("categories") or ())  # type: ignore[arg-type]
        return Labeled(
            text=str(obj["text"]), stance=stance, categories=cats if stance != "none" else (),
            split=str(obj.get("split") or default_split),
            locks=tuple(obj.get("locks") or ()),  # type: ignore[arg-type]
            functions=tuple(obj.get("functions") or ()),  # type: ignore[arg-type]
            thread=str(obj.get("thread") or ""), msgid=str(obj.get("msgid") or ""),
            speaker=str(obj.get("speaker") or ""),
        )
    except (KeyError, IndexError, TypeError) as err:
        raise ModelError(f"unusable label {obj!r:.120}: {err!r}") from err


def iter_labels(path: Path, default_split: str = "dev") -> Iterator[Labeled]:
    """Labels of one JSONL file; a bad line raises ModelError naming file and line."""
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield parse_label(json.loads(line), default_split)
        except (ValueError, ModelError) as err:
            raise ModelError(f"bad label: {err}", file=str(path), line=no) from err


def load_dir(root: Path) -> list[Labeled]:
    """All labels under ``root``: ``threads/*.jsonl`` plus ``review-sentences.dev.jsonl``."""
    out: list[Labeled] = []
    for path in sorted((root / "threads").glob("*.jsonl")):
        out.extend(iter_labels(path, "train"))
    dev = root / "review-sentences.dev.jsonl"
    if dev.exists():
        out.extend(iter_labels(dev, "dev"))
    return out
