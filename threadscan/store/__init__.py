"""The corpus store: SQLite + FTS5, the only module that touches SQLite.

Public surface: ``Corpus`` (open, write, read, search), ``parse_query`` /
``Query``, ``lock_graph`` / ``GraphEdge``, and the records ``Hit``,
``ThreadRow``, ``Stats``, ``TopLock``.
"""

from __future__ import annotations

from threadscan.store.corpus import Corpus
from threadscan.store.graph import EdgeEvidence, GraphEdge, lock_graph
from threadscan.store.query import Query, parse_query
from threadscan.store.schema import default_path
from threadscan.store.types import WHATS, Hit, Stats, ThreadRow, TopLock, What

__all__ = [
    "WHATS",
    "Corpus",
    "EdgeEvidence",
    "GraphEdge",
    "Hit",
    "Query",
    "Stats",
    "ThreadRow",
    "TopLock",
    "What",
    "default_path",
    "lock_graph",
    "parse_query",
]
