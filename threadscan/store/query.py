"""Query strings -> a typed ``Query`` (public-inbox vocabulary plus threadscan's own).

    deadlock "lock order" lock:->sysfs_lock cat:lock-order,deadlock d:2021..2022 -f:syzbot

Bare words and "quoted phrases" are full-text terms (all must match; ``-word``
excludes). Prefixes (a value may be "quoted"):

    s:       subject contains          f: / author:  author name or email contains
    speaker: objection speaker         l: / list:    list id (suffix match)
    d:       date range: 2021, 2021-05, 2021-05-27, A..B, ..B, A..
    dfn:     file (path or a path suffix)   dfhh: / function:  function name
    dfa:     removed line text          dfb:          added line text
    lock:    lock expression; ``->lock`` or a bare member name matches any owner
    cat:     category (comma = any of)  stance:       objection|question|suggestion
    is:unresolved                       has:lock-change
    in:      where words must be: text (own words), quote, diff, trailer, attribution
             (objections: in:text = said in the mail, in:quote = seen only as a quote)

Repeating a filter prefix means any of its values; free text, ``s:``, ``dfa:``
and ``dfb:`` values must all match. Anything that cannot be searched safely
raises ``QueryError``; nothing here builds SQL.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any, cast

from threadscan.errors import QueryError
from threadscan.model import CATEGORIES, STANCES, Category, Stance

MAX_QUERY = 2000
MAX_TERM = 200
MAX_TERMS = 64
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WORDS = re.compile(r"\w")
_DATE = re.compile(r"^(\d{4})(?:-?(\d{2}))?(?:-?(\d{2}))?$")

PREFIXES: dict[str, str] = {
    "s": "subject", "subject": "subject", "f": "authors", "from": "authors",
    "author": "authors", "speaker": "speakers", "l": "lists", "list": "lists",
    "dfn": "files", "file": "files", "dfhh": "functions", "function": "functions",
    "func": "functions", "dfa": "removed", "dfb": "added", "lock": "locks",
    "cat": "categories", "category": "categories", "stance": "stances",
    "d": "date", "date": "date", "dt": "date", "is": "flag", "has": "flag", "b": "terms",
    "in": "kinds",
}
KINDS: tuple[str, ...] = ("text", "quote", "diff", "trailer", "attribution")
_SLOT_PREFIX = {"locks": "lock", "functions": "function", "files": "file", "authors": "f",
                "speakers": "speaker", "lists": "list"}
FLAGS: dict[str, str] = {
    "unresolved": "unresolved", "lock-change": "has_lock_change",
    "lock_change": "has_lock_change", "lockchange": "has_lock_change",
}


@dataclass(frozen=True)
class Query:
    terms: tuple[str, ...] = ()  # full text, all must match
    exclude: tuple[str, ...] = ()  # full text that must not match
    subject: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # dfa:
    added: tuple[str, ...] = ()  # dfb:
    locks: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    stances: tuple[Stance, ...] = ()
    since: dt.datetime | None = None  # inclusive, UTC
    until: dt.datetime | None = None  # exclusive, UTC
    has_lock_change: bool = False
    unresolved: bool = False
    kinds: tuple[str, ...] = ()  # in: segment kinds the full-text terms must be in
    text: str = field(default="", compare=False)  # the string it was parsed from

    @property
    def is_empty(self) -> bool:
        return self == Query()

    def with_filters(
        self, *, category: str | None = None, stance: str | None = None,
        lock: str | None = None, function: str | None = None, file: str | None = None,
        author: str | None = None, speaker: str | None = None, list_id: str | None = None,
        since: str | None = None, until: str | None = None, has_lock_change: bool = False,
        unresolved: bool = False,
    ) -> Query:
        """This query plus command-line style filters (dates: YYYY[-MM[-DD]], inclusive)."""
        q = self
        for slot, value in (("locks", lock), ("functions", function), ("files", file),
                            ("authors", author), ("speakers", speaker), ("lists", list_id)):
            if value:
                q = _apply(q, False, _SLOT_PREFIX[slot], value)
        if category:
            q = replace(q, categories=(*q.categories, *_categories(category)))
        if stance:
            q = replace(q, stances=(*q.stances, _stance(stance)))
        if since:
            q = replace(q, since=_date_bound(since, end=False))
        if until:
            q = replace(q, until=_date_bound(until, end=True))
        return replace(q, has_lock_change=q.has_lock_change or has_lock_change,
                       unresolved=q.unresolved or unresolved)


def parse_query(text: str) -> Query:
    """Parse a query string; ``QueryError`` says exactly what is wrong with it."""
    _check_text(text)
    q = Query(text=text)
    tokens = tokenize(text)
    if len(tokens) > MAX_TERMS:
        raise QueryError(f"too many terms ({len(tokens)}, at most {MAX_TERMS})")
    for negate, prefix, value in tokens:
        q = _apply(q, negate, prefix, value)
    return q


def _check_text(text: str) -> None:
    if len(text) > MAX_QUERY:
        raise QueryError(f"query too long ({len(text)} characters, at most {MAX_QUERY})")
    bad = _CONTROL.search(text)
    if bad:
        raise QueryError(f"query contains a control character {bad.group()!r} "
                         f"at position {bad.start()}")


def tokenize(text: str) -> list[tuple[bool, str | None, str]]:
    """Split into (negated, prefix or None, value) triples; quotes keep spaces."""
    out: list[tuple[bool, str | None, str]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negate = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        start = i + 1 if negate else i
        m = re.match(r"([A-Za-z]+):(?=\S)", text[start:])
        prefix = m.group(1).lower() if m and m.group(1).lower() in PREFIXES else None
        j = start + (m.end() if prefix and m else 0)
        value, i = _read_value(text, j)
        out.append((negate, prefix, value))
    return out


def _read_value(text: str, i: int) -> tuple[str, int]:
    if i < len(text) and text[i] == '"':
        end = text.find('"', i + 1)
        if end < 0:
            raise QueryError(f"unbalanced quote at position {i}: close it with \"")
        return text[i + 1 : end], end + 1
    end = i
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[i:end], end


def _apply(q: Query, negate: bool, prefix: str | None, value: str) -> Query:
    value = value.strip()
    if len(value) > MAX_TERM:
        raise QueryError(f"term too long ({len(value)} characters, at most {MAX_TERM})")
    slot = PREFIXES[prefix] if prefix else "terms"
    if negate and slot != "terms":
        raise QueryError(f"'-' (exclude) works on words and phrases, not on {prefix}:")
    if not value:
        return q if slot == "terms" else _fail(f"{prefix}: needs a value")
    if slot == "terms":
        key = "exclude" if negate else "terms"
        return _with(q, key, (*getattr(q, key), value)) if _WORDS.search(value) else q
    if slot == "date":
        since, until = parse_date_range(value)
        return replace(q, since=since or q.since, until=until or q.until)
    if slot == "flag":
        return _flag(q, prefix or "", value)
    if slot == "categories":
        return replace(q, categories=(*q.categories, *_categories(value)))
    if slot == "stances":
        return replace(q, stances=(*q.stances, _stance(value)))
    if slot == "kinds":
        return replace(q, kinds=(*q.kinds, *_kinds(value)))
    return _with(q, slot, (*getattr(q, slot), value))


def _with(q: Query, name: str, value: object) -> Query:
    changes: dict[str, Any] = {name: value}
    return replace(q, **changes)


def _fail(message: str) -> Query:
    raise QueryError(message)


def _flag(q: Query, prefix: str, value: str) -> Query:
    name = FLAGS.get(value.lower())
    if name is None or (prefix == "is") != (name == "unresolved"):
        raise QueryError(f"unknown flag {prefix}:{value} (use is:unresolved or has:lock-change)")
    return _with(q, name, True)


def _categories(value: str) -> tuple[Category, ...]:
    cats = tuple(v.strip().lower() for v in value.split(",") if v.strip())
    for c in cats:
        if c not in CATEGORIES:
            raise QueryError(f"unknown category {c!r} (one of: {', '.join(CATEGORIES)})")
    return cast(tuple[Category, ...], cats)


def _kinds(value: str) -> tuple[str, ...]:
    kinds = tuple(v.strip().lower() for v in value.split(",") if v.strip())
    for k in kinds:
        if k not in KINDS:
            raise QueryError(f"unknown segment kind in:{k} (one of: {', '.join(KINDS)})")
    return kinds


def _stance(value: str) -> Stance:
    v = value.strip().lower()
    if v not in STANCES:
        raise QueryError(f"unknown stance {value!r} (one of: {', '.join(STANCES)})")
    return v  # type: ignore[return-value]


def parse_date_range(value: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``2021`` / ``2021-05`` / ``2021-05-27`` / ``A..B`` -> [since, until) in UTC."""
    if ".." not in value:
        return _date_bound(value, end=False), _date_bound(value, end=True)
    lo, _, hi = value.partition("..")
    since = _date_bound(lo, end=False) if lo else None
    until = _date_bound(hi, end=True) if hi else None
    if since and until and since >= until:
        raise QueryError(f"empty date range {value!r}: the start is after the end")
    return since, until


def _date_bound(text: str, *, end: bool) -> dt.datetime:
    m = _DATE.match(text.strip())
    if not m:
        raise QueryError(f"bad date {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        start = dt.datetime(year, month, day, tzinfo=dt.UTC)
    except ValueError as err:
        raise QueryError(f"bad date {text!r}: {err}") from err
    if not end:
        return start
    try:
        if m.group(3):
            return start + dt.timedelta(days=1)
        if m.group(2):
            return start.replace(year=year + month // 12, month=month % 12 + 1)
        return start.replace(year=year + 1)
    except (ValueError, OverflowError) as err:
        raise QueryError(f"date out of range {text!r}") from err
