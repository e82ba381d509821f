"""The versioned cue data (``data/cues.v1.json``) as a frozen ``CueSet``.

The cue file is data, not code: phrases per rule id (PhraseMatcher, LOWER),
token patterns (spaCy Matcher) and code-name lists (``apis``), grouped per
category and per stance. Lock primitive names come from the cue file and,
when engineer D's table exists, from ``extract/data/primitives.toml``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from threadscan.errors import ModelError

CUES_PATH = Path(__file__).with_name("data") / "cues.v1.json"
PRIMITIVES_PATH = Path(__file__).parents[1] / "extract" / "data" / "primitives.toml"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class CueGroup:
    """One category or stance: rule id -> phrases / token patterns (JSON) / API names."""

    name: str
    phrases: tuple[tuple[str, tuple[str, ...]], ...]
    patterns: tuple[tuple[str, str], ...]  # (rule id, JSON list of Matcher patterns)
    apis: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class CueSet:
    version: str
    lock_api_regex: str
    lock_api: frozenset[str]
    global_locks: frozenset[str]
    splats: tuple[str, ...]
    negators: frozenset[str]
    doubt_regex: str
    categories: tuple[CueGroup, ...]
    stances: tuple[CueGroup, ...]
    context_required: tuple[tuple[str, str], ...] = ()  # category -> regex the sentence needs
    reference_regex: str = r"(?!x)x"  # spans that cite, not claim: commit titles, #syz lines
    remedy_regex: str = r"(?!x)x"  # after a negated cue: the negation is the remedy's
    prohibition_regex: str = r"(?!x)x"  # before a cue: "must not be called" forbids, not denies
    absence_suffixes: frozenset[str] = frozenset()  # "race-free": the cue names an absence

    @property
    def locking_regex(self) -> str:
        """Words that make a text about locking (the ``design`` context regex)."""
        return locking_regex_of(self.context_required)

    def is_lock_api(self, name: str) -> bool:
        return name in self.lock_api or bool(re.match(self.lock_api_regex, name))


def locking_regex_of(required: tuple[tuple[str, str], ...]) -> str:
    """The locking words among a cue set's required contexts (the ``design`` one), or ""."""
    return dict(required).get("design", "")


def _group(name: str, raw: dict[str, Any]) -> CueGroup:
    phrases = tuple((rid, tuple(str(p).lower() for p in ps)) for rid, ps in raw["phrases"].items())
    patterns = tuple((rid, json.dumps(ps)) for rid, ps in raw.get("patterns", {}).items())
    apis = tuple((rid, tuple(ps)) for rid, ps in raw.get("apis", {}).items())
    return CueGroup(name, phrases, patterns, apis)


def _walk_names(node: object) -> Iterator[str]:
    """Values of ``name``/``pair`` keys anywhere in the primitive table."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("name", "pair") and isinstance(value, str):
                yield value
            else:
                yield from _walk_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_names(value)


def primitive_names(path: Path = PRIMITIVES_PATH) -> frozenset[str]:
    """Lock primitive names from the extract stage's table, if it is there and readable."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return frozenset()
    return frozenset(s for s in _walk_names(table) if _IDENT.match(s))


def parse_cues(raw: dict[str, Any], extra_api: frozenset[str] = frozenset()) -> CueSet:
    """Build a CueSet from the decoded cue file; raise ModelError when it is malformed."""
    try:
        re.compile(raw["lock_api_regex"])
        re.compile(raw["doubt_regex"])
        re.compile(raw.get("reference_regex", CueSet.reference_regex))
        re.compile(raw.get("remedy_regex", CueSet.remedy_regex))
        re.compile(raw.get("prohibition_regex", CueSet.prohibition_regex))
        return CueSet(
            version=str(raw["version"]),
            lock_api_regex=raw["lock_api_regex"],
            lock_api=frozenset(raw["lock_api"]) | extra_api,
            global_locks=frozenset(s.lower() for s in raw["global_locks"]),
            splats=tuple(s.lower() for s in raw["splats"]),
            negators=frozenset(raw["negators"]),
            doubt_regex=raw["doubt_regex"],
            categories=tuple(_group(k, v) for k, v in raw["categories"].items()),
            stances=tuple(_group(k, v) for k, v in raw["stance"].items()),
            reference_regex=raw.get("reference_regex", CueSet.reference_regex),
            remedy_regex=raw.get("remedy_regex", CueSet.remedy_regex),
            prohibition_regex=raw.get("prohibition_regex", CueSet.prohibition_regex),
            absence_suffixes=frozenset(raw.get("absence_suffixes", ())),
            context_required=tuple(
                (k, re.compile(v).pattern) for k, v in raw.get("context_required", {}).items()
            ),
        )
    except (KeyError, TypeError, AttributeError, re.error) as err:
        raise ModelError(f"malformed cue data: {err!r}") from err


def load_cues(path: Path = CUES_PATH) -> CueSet:
    """Read and validate the cue file (and merge the primitive table when present)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelError(f"cannot read cue data: {err}", file=str(path)) from err
    return parse_cues(raw, primitive_names())
