"""FTS5 and LIKE helpers: every user term becomes a quoted FTS5 string or an escaped
LIKE pattern bound as a parameter, so no user text is ever parsed as syntax."""

from __future__ import annotations

from collections.abc import Sequence


def fts_string(term: str) -> str:
    """``term`` as an FTS5 string literal: operators, ``*``, ``:``, ``^`` are plain text."""
    return '"' + term.replace("\x00", "").replace('"', '""') + '"'


def fts_all(terms: Sequence[str], column: str | None = None) -> str:
    """An FTS5 expression matching rows that contain every term (each a phrase)."""
    prefix = f"{column} : " if column else ""
    return " AND ".join(f"{prefix}{fts_string(t)}" for t in terms)


def fts_any(terms: Sequence[str]) -> str:
    return " OR ".join(fts_string(t) for t in terms)


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(text: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) for "contains ``text``"."""
    return f"%{like_escape(text)}%"


def ends_with(text: str) -> str:
    return f"%{like_escape(text)}"
