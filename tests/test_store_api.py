"""The store's public surface is pinned, and only the store imports sqlite3."""

from __future__ import annotations

import re
from pathlib import Path

import threadscan.store as store

PACKAGE = Path(store.__file__).resolve().parents[1]


def test_public_names_are_pinned() -> None:
    assert sorted(store.__all__) == sorted([
        "WHATS", "Corpus", "EdgeEvidence", "GraphEdge", "Hit", "Query", "Stats",
        "ThreadRow", "TopLock", "What", "default_path", "lock_graph", "parse_query",
    ])
    for name in store.__all__:
        assert getattr(store, name) is not None


def test_only_the_store_imports_sqlite3() -> None:
    offenders = [
        str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
        if "store" not in p.relative_to(PACKAGE).parts[:1]
        and re.search(r"^\s*(import sqlite3|from sqlite3 )", p.read_text(), re.M)
    ]
    assert offenders == []
