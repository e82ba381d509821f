"""Writes to the corpus. Every function runs inside the caller's transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import MappingProxyType

from threadscan.model import STAND_IN, Message, Objection, Skip, Thread, ThreadAnalysis
from threadscan.store import analysis_codec as ac
from threadscan.store import codec
from threadscan.store.fts import contains

CHUNK = 500  # host parameters per IN (...) list
REPLACED = "page text replaced by the mail it stood in for"
ANALYSIS_TABLES = (
    "patches", "hunks", "lock_ops", "lock_changes", "lock_order", "objections", "approvals",
    "analyses",
)


def _insert(
    conn: sqlite3.Connection, table: str, cols: Sequence[str], rows: list[codec.Row]
) -> None:
    if rows:
        marks = ", ".join("?" * len(cols))
        conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)


FTS_OF = MappingProxyType({  # content table -> (its FTS table, indexed columns, rows indexed)
    "segments": ("segments_fts", ("text", "kind"), "kind NOT IN ('footer', 'signature')"),
    "hunks": ("hunks_fts", ("removed", "added"), "1"),
    "objections": ("objections_fts", ("sentence",), "1"),
})


@contextmanager
def _indexed(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """Rows inserted into ``table`` in the block join its FTS table after it, in one statement
    (migration 0005: a trigger per row made FTS5 flush its terms at every statement)."""
    after = int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
    yield
    fts, cols, where = FTS_OF[table]
    names = ", ".join(cols)
    conn.execute(f"INSERT INTO {fts}(rowid, {names}) SELECT id, {names} FROM {table} "
                 f"WHERE id > ? AND {where} ORDER BY id", (after,))


def existing_msgids(conn: sqlite3.Connection, msgids: Sequence[str], where: str = "",
                    *args: str) -> set[str]:
    """The stored ones among ``msgids`` (``where``: a further condition, with its ``args``)."""
    found: set[str] = set()
    also = f" AND {where}" if where else ""
    for i in range(0, len(msgids), CHUNK):
        part = list(msgids[i : i + CHUNK])
        sql = f"SELECT msgid FROM messages WHERE msgid IN ({', '.join('?' * len(part))}){also}"
        found.update(r[0] for r in conn.execute(sql, (*part, *args)))
    return found


def upsert_messages(conn: sqlite3.Connection, msgs: Iterable[Message]) -> tuple[int, int]:
    """Store messages not yet stored (by Message-ID); return (stored, duplicates). Mail
    replaces page text that stood in for it (``model.STAND_IN``)."""
    batch = list(msgs)
    known = existing_msgids(conn, [m.msgid for m in batch])
    known -= _drop_stand_ins(conn, [m.msgid for m in batch if m.msgid in known
                                    and not any(STAND_IN in d for d in m.defects)])
    fresh: dict[str, Message] = {}
    for m in batch:
        if m.msgid not in known and m.msgid not in fresh:
            fresh[m.msgid] = m
    new = list(fresh.values())
    _insert(conn, "messages", codec.MESSAGE_COLUMNS, [codec.message_row(m) for m in new])
    seg_rows = [r for m in new for r in codec.segment_rows(m)]
    with _indexed(conn, "segments"):
        _insert(conn, "segments", codec.SEGMENT_COLUMNS, seg_rows)
    att_rows = [r for m in new for r in codec.attachment_rows(m)]
    _insert(conn, "attachments", codec.ATTACHMENT_COLUMNS, att_rows)
    return len(new), len(batch) - len(new)


def _drop_stand_ins(conn: sqlite3.Connection, msgids: Sequence[str]) -> set[str]:
    """Delete the stored stand-ins among ``msgids``."""
    dropped = existing_msgids(conn, msgids, "defects LIKE ? ESCAPE '\\'", contains(STAND_IN))
    conn.executemany(  # said, not silent: the page's text is gone, its mail is here
        "INSERT OR IGNORE INTO skips (source, kind, locator, url, list_id, reason, msgid) "
        "SELECT prov_source, prov_kind, prov_locator, prov_url, prov_list_id, ?, msgid "
        "FROM messages WHERE msgid = ?", [(REPLACED, m) for m in sorted(dropped)])
    delete_messages(conn, sorted(dropped))
    return dropped


def delete_messages(conn: sqlite3.Connection, msgids: Sequence[str]) -> None:
    """Delete messages (their segments go with them) and the threads that held them, with
    their analyses: the thread's other messages wait to be threaded again."""
    tids = sorted(_threads_of(conn, list(msgids)))
    conn.executemany("DELETE FROM messages WHERE msgid = ?", [(m,) for m in msgids])
    _drop_threads(conn, tids)


def _drop_threads(conn: sqlite3.Connection, tids: Sequence[str]) -> None:
    """Delete threads and their analyses; their messages wait to be threaded again."""
    for tid in tids:
        delete_analysis(conn, tid)
    ids = [(i,) for i in tids]
    conn.executemany("UPDATE messages SET thread_id = NULL WHERE thread_id = ?", ids)
    conn.executemany("DELETE FROM threads WHERE id = ?", ids)


def record_skips(conn: sqlite3.Connection, skips: Iterable[Skip]) -> int:
    """Record skipped items (once each); return how many were new."""
    rows = [
        (s.provenance.source, s.provenance.kind, s.provenance.locator, s.provenance.url,
         s.provenance.list_id, s.reason, s.msgid)
        for s in skips
    ]
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO skips (source, kind, locator, url, list_id, reason, msgid) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return conn.total_changes - before


def replace_threads(conn: sqlite3.Connection, threads: Iterable[Thread]) -> None:
    """Store threads; threads they supersede (same messages, other root) are dropped.

    The stored analyses of these threads are deleted too: a changed thread has none
    until it is analysed again, so an interrupted run leaves work visibly pending.
    """
    batch = list(threads)
    new_ids = {t.id for t in batch}
    old_ids = _threads_of(conn, [n.msgid for t in batch for n in t.nodes]) | new_ids
    _drop_threads(conn, sorted(old_ids))  # superseded or changed: analysed again
    for t in batch:
        _insert_thread(conn, t)
    refresh_unresolved(conn, sorted(new_ids))


UNRESOLVED_SQL = """
UPDATE objections SET unresolved = NOT EXISTS (
    SELECT 1 FROM analyses an JOIN messages r
      ON r.thread_id = an.thread_id AND r.author_email = an.patch_author
    WHERE an.thread_id = objections.thread_id
      AND r.epoch > (SELECT epoch FROM messages WHERE msgid = objections.msgid)
) WHERE thread_id = ?
"""


def refresh_unresolved(conn: sqlite3.Connection, thread_ids: Sequence[str]) -> None:
    """Recompute ``objections.unresolved``: no later message from the patch author."""
    conn.executemany(UNRESOLVED_SQL, [(t,) for t in thread_ids])


def _threads_of(conn: sqlite3.Connection, msgids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(msgids), CHUNK):
        part = msgids[i : i + CHUNK]
        marks = ", ".join("?" * len(part))
        found.update(r[0] for r in conn.execute(
            f"SELECT thread_id FROM thread_nodes WHERE msgid IN ({marks}) UNION "
            f"SELECT thread_id FROM messages WHERE msgid IN ({marks}) AND thread_id IS NOT NULL",
            [*part, *part]))
    return found


def _insert_thread(conn: sqlite3.Connection, t: Thread) -> None:
    conn.executemany("UPDATE messages SET thread_id = ? WHERE msgid = ?",
                     [(t.id, mid) for mid in t.message_ids])
    first, last, count = conn.execute(
        "SELECT MIN(epoch), MAX(epoch), COUNT(*) FROM messages WHERE thread_id = ?", (t.id,)
    ).fetchone()
    people: list[str] = []
    for name, email in conn.execute(
        "SELECT author_name, author_email FROM messages WHERE thread_id = ? "
        "ORDER BY epoch IS NULL, epoch, msgid", (t.id,)
    ):
        who = name or email
        if who and who not in people:
            people.append(who)
    conn.execute(
        "INSERT INTO threads (id, subject, first_epoch, last_epoch, message_count, participants)"
        " VALUES (?, ?, ?, ?, ?, ?)", (t.id, t.subject, first, last, count, codec.dumps(people)))
    _insert(conn, "thread_nodes", ("thread_id", "pos", "msgid", "parent", "ghost"),
            [(t.id, i, n.msgid, n.parent, int(n.ghost)) for i, n in enumerate(t.nodes)])


def delete_analysis(conn: sqlite3.Connection, thread_id: str) -> None:
    for table in ANALYSIS_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE thread_id = ?", (thread_id,))


def save_analysis(conn: sqlite3.Connection, a: ThreadAnalysis) -> None:
    """Replace the analysis rows of ``a.thread``."""
    tid = a.thread.id
    delete_analysis(conn, tid)
    conn.execute("INSERT INTO analyses (thread_id, patch_author) VALUES (?, ?)",
                 (tid, patch_author(a)))
    _insert_rows(conn, tid, "patches", ac.PATCH_COLUMNS, [ac.patch_row(p) for p in a.patches])
    hunks = [r for p in a.patches for r in ac.hunk_rows(p)]
    with _indexed(conn, "hunks"):
        _insert(conn, "hunks", ("thread_id", *ac.HUNK_COLUMNS), [(tid, *r) for r in hunks])
    _insert_rows(conn, tid, "lock_ops", ac.LOCK_OP_COLUMNS, [ac.lock_op_row(o) for o in a.lock_ops])
    _insert_rows(conn, tid, "lock_changes", ac.LOCK_CHANGE_COLUMNS,
                 [ac.lock_change_row(c) for c in a.lock_changes])
    _insert_rows(conn, tid, "lock_order", ac.ORDER_COLUMNS, [ac.order_row(e) for e in a.lock_order])
    _insert_rows(conn, tid, "approvals", ac.APPROVAL_COLUMNS,
                 [ac.approval_row(x) for x in a.approvals])
    with _indexed(conn, "objections"):
        for pos, o in enumerate(a.objections):
            _insert_objection(conn, tid, pos, o)
    refresh_unresolved(conn, [tid])


def _insert_rows(
    conn: sqlite3.Connection, tid: str, table: str, cols: Sequence[str], rows: list[codec.Row]
) -> None:
    _insert(conn, table, ("thread_id", "pos", *cols),
            [(tid, pos, *row) for pos, row in enumerate(rows)])


def _insert_objection(conn: sqlite3.Connection, tid: str, pos: int, o: Objection) -> None:
    cols = ("thread_id", "pos", *ac.OBJECTION_COLUMNS)
    cur = conn.execute(
        f"INSERT INTO objections ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        (tid, pos, *ac.objection_row(o)))
    oid = cur.lastrowid
    conn.executemany("INSERT OR IGNORE INTO objection_categories VALUES (?, ?)",
                     [(oid, c) for c in o.categories])
    conn.executemany(
        "INSERT INTO objection_links (objection_id, idx, kind, target, target_tail, evidence) "
        "VALUES (?, ?, ?, ?, ?, ?)", [(oid, *r) for r in ac.link_rows(o)])


def patch_author(a: ThreadAnalysis) -> str | None:
    """Email of the author of the first non-quoted patch, else of the first message."""
    by_id = {m.msgid: m for m in a.messages}
    for p in a.patches:
        if not p.quoted and p.msgid in by_id:
            return by_id[p.msgid].author.email or None
    root = by_id.get(a.thread.id) or (a.messages[0] if a.messages else None)
    return root.author.email or None if root else None
