"""Corpus statistics: size, threads per list, objections per category, top locks."""

from __future__ import annotations

import sqlite3

from threadscan.store.types import Stats, TopLock

TOP_LOCKS = 10

_TOP_LOCKS_SQL = """
WITH mentions AS (
    SELECT l.target AS lock, o.thread_id AS tid, 1 AS obj, 0 AS chg
    FROM objection_links l JOIN objections o ON o.id = l.objection_id WHERE l.kind = 'lock'
    UNION ALL
    SELECT lock, thread_id, 0, 1 FROM lock_changes
)
SELECT lock, SUM(obj), SUM(chg), COUNT(DISTINCT tid) FROM mentions
GROUP BY lock ORDER BY SUM(obj) DESC, COUNT(DISTINCT tid) DESC, SUM(chg) DESC, lock LIMIT ?
"""


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def corpus_stats(conn: sqlite3.Connection, top: int = TOP_LOCKS) -> Stats:
    """Stats of the whole corpus. A lock is "discussed" by objections linked to it."""
    per_list = conn.execute(
        "SELECT COALESCE(list_id, '(unknown)'), COUNT(DISTINCT thread_id) FROM messages "
        "WHERE thread_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    per_cat = conn.execute(
        "SELECT category, COUNT(*) FROM objection_categories GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    tops = tuple(TopLock(lock, int(o), int(c), int(t))
                 for lock, o, c, t in conn.execute(_TOP_LOCKS_SQL, (top,)))
    return Stats(
        messages=_count(conn, "messages"), threads=_count(conn, "threads"),
        skips=_count(conn, "skips"), patches=_count(conn, "patches"),
        lock_changes=_count(conn, "lock_changes"), objections=_count(conn, "objections"),
        threads_per_list=tuple((str(a), int(b)) for a, b in per_list),
        objections_per_category=tuple((str(a), int(b)) for a, b in per_cat),
        top_locks=tops,
    )
