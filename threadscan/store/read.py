"""Reads from the corpus: messages, threads and stored analyses back as model objects."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence

from threadscan.errors import UsageError
from threadscan.model import (
    Attachment,
    Link,
    Message,
    Objection,
    Person,
    Segment,
    Thread,
    ThreadAnalysis,
    ThreadNode,
)
from threadscan.store import analysis_codec as ac
from threadscan.store import codec
from threadscan.store.fts import contains, fts_string
from threadscan.store.types import ThreadRow
from threadscan.store.write import CHUNK

_MSG_SQL = f"SELECT {', '.join(codec.MESSAGE_COLUMNS)} FROM messages"


def messages(conn: sqlite3.Connection, msgids: Sequence[str]) -> list[Message]:
    """The stored messages among ``msgids``, in the order asked (unknown ids are absent)."""
    found: dict[str, Message] = {}
    ids = list(dict.fromkeys(msgids))
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        where = f" WHERE msgid IN ({', '.join('?' * len(part))})"
        for m in _build(conn, conn.execute(_MSG_SQL + where, part).fetchall()):
            found[m.msgid] = m
    return [found[m] for m in ids if m in found]


def _build(conn: sqlite3.Connection, rows: list[codec.Row]) -> list[Message]:
    if not rows:
        return []
    ids = [r[0] for r in rows]
    marks = ", ".join("?" * len(ids))
    segs: dict[str, list[Segment]] = {i: [] for i in ids}
    for r in conn.execute(
        "SELECT msgid, kind, depth, speaker, line, text FROM segments "
        f"WHERE msgid IN ({marks}) ORDER BY msgid, idx", ids):
        segs[r[0]].append(codec.segment_from_row(r[1:]))
    atts: dict[str, list[Attachment]] = {i: [] for i in ids}
    for r in conn.execute(
        "SELECT msgid, filename, content_type, text FROM attachments "
        f"WHERE msgid IN ({marks}) ORDER BY msgid, idx", ids):
        atts[r[0]].append(codec.attachment_from_row(r[1:]))
    return [codec.message_from_row(r, segs[r[0]], atts[r[0]]) for r in rows]


def iter_messages(conn: sqlite3.Connection, batch: int = 1000) -> Iterator[Message]:
    """Every stored message, oldest first (undated last), loaded ``batch`` at a time."""
    ids = [r[0] for r in conn.execute(
        "SELECT msgid FROM messages ORDER BY epoch IS NULL, epoch, msgid")]
    for i in range(0, len(ids), batch):
        yield from messages(conn, ids[i : i + batch])


def iter_headers(conn: sqlite3.Connection) -> Iterator[Message]:
    """Every stored message without its body (no segments, attachments), oldest first."""
    sql = _MSG_SQL + " ORDER BY epoch IS NULL, epoch, msgid"
    for row in conn.execute(sql):
        yield codec.message_from_row(row, (), ())


def _when(epoch: float | None) -> dt.datetime | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, dt.UTC)


def threads(conn: sqlite3.Connection) -> list[ThreadRow]:
    """All threads, most recently active first."""
    sql = ("SELECT id, subject, message_count, participants, first_epoch, last_epoch "
           "FROM threads ORDER BY last_epoch IS NULL, last_epoch DESC, id")
    return [
        ThreadRow(tid, subj, n, codec.loads_strs(people), _when(first), _when(last))
        for tid, subj, n, people, first, last in conn.execute(sql)
    ]


def resolve_thread(conn: sqlite3.Connection, key: str) -> str:
    """The thread id for a thread id or any msgid in it; unknown -> ``UsageError``."""
    key = key.strip().strip("<>")
    for sql in ("SELECT id FROM threads WHERE id = ?",
                "SELECT thread_id FROM thread_nodes WHERE msgid = ? AND ghost = 0",
                "SELECT thread_id FROM thread_nodes WHERE msgid = ?"):
        row = conn.execute(sql, (key,)).fetchone()
        if row:
            return str(row[0])
    if conn.execute("SELECT 1 FROM messages WHERE msgid = ?", (key,)).fetchone():
        raise UsageError("message is stored but not threaded yet (run ingest)", msgid=key)
    raise UsageError("no thread or message with this id in the corpus", msgid=key)


def load_thread(conn: sqlite3.Connection, tid: str) -> Thread:
    subject = conn.execute("SELECT subject FROM threads WHERE id = ?", (tid,)).fetchone()[0]
    nodes = tuple(
        ThreadNode(msgid, parent, bool(ghost))
        for msgid, parent, ghost in conn.execute(
            "SELECT msgid, parent, ghost FROM thread_nodes WHERE thread_id = ? ORDER BY pos",
            (tid,))
    )
    return Thread(tid, subject, nodes)


def load_analysis(conn: sqlite3.Connection, key: str) -> ThreadAnalysis:
    """The stored analysis of the thread ``key`` names (a thread id or any msgid in it)."""
    tid = resolve_thread(conn, key)
    thread = load_thread(conn, tid)

    def rows(table: str, cols: Sequence[str]) -> list[codec.Row]:
        sql = f"SELECT {', '.join(cols)} FROM {table} WHERE thread_id = ? ORDER BY pos"
        return conn.execute(sql, (tid,)).fetchall()

    return ThreadAnalysis(
        thread=thread,
        messages=tuple(messages(conn, thread.message_ids)),
        patches=tuple(ac.patch_from_row(r) for r in rows("patches", ac.PATCH_COLUMNS)),
        lock_ops=tuple(ac.lock_op_from_row(r) for r in rows("lock_ops", ac.LOCK_OP_COLUMNS)),
        lock_changes=tuple(
            ac.lock_change_from_row(r) for r in rows("lock_changes", ac.LOCK_CHANGE_COLUMNS)),
        lock_order=tuple(ac.order_from_row(r) for r in rows("lock_order", ac.ORDER_COLUMNS)),
        objections=_objections(conn, tid),
        approvals=tuple(ac.approval_from_row(r) for r in rows("approvals", ac.APPROVAL_COLUMNS)),
    )


def _objections(conn: sqlite3.Connection, tid: str) -> tuple[Objection, ...]:
    cols = ", ".join(ac.OBJECTION_COLUMNS)
    rows = conn.execute(
        f"SELECT id, {cols} FROM objections WHERE thread_id = ? ORDER BY pos", (tid,)).fetchall()
    links: dict[int, list[Link]] = {r[0]: [] for r in rows}
    for oid, kind, target, evidence in conn.execute(
        "SELECT l.objection_id, l.kind, l.target, l.evidence FROM objection_links l "
        "JOIN objections o ON o.id = l.objection_id WHERE o.thread_id = ? "
        "ORDER BY l.objection_id, l.idx", (tid,)):
        links[oid].append(Link(kind, target, evidence))
    return tuple(ac.objection_from_row(r[1:], links[r[0]]) for r in rows)


_VERSIONS_SQL = """
SELECT t.id, MAX(COALESCE(m.subject_version, 1)) AS v FROM threads t
JOIN messages m ON m.thread_id = t.id
WHERE lower(t.subject) = lower(?) AND t.id != ? GROUP BY t.id HAVING v > ? ORDER BY v, t.id
"""


def later_version_threads(conn: sqlite3.Connection, tid: str) -> list[str]:
    """Threads with the same (clean) subject whose highest ``vN`` is above this thread's."""
    subject, version = conn.execute(
        "SELECT t.subject, MAX(COALESCE(m.subject_version, 1)) FROM threads t "
        "LEFT JOIN messages m ON m.thread_id = t.id WHERE t.id = ?", (tid,)).fetchone()
    if subject is None:
        return []
    return [r[0] for r in conn.execute(_VERSIONS_SQL, (subject, tid, version or 1))]


def unplaced(conn: sqlite3.Connection, defect: str) -> list[str]:
    """Synthetic Message-IDs without a parent whose defects include ``defect``."""
    rows = conn.execute(
        "SELECT msgid FROM messages WHERE msgid_synthetic = 1 AND in_reply_to IS NULL "
        "AND defects LIKE ? ESCAPE '\\'", (contains(defect),))
    return [r[0] for r in rows]


def writers_of(conn: sqlite3.Connection, passages: Sequence[str], limit: int,
               quoted: bool = False) -> list[str]:
    """Messages whose own prose (depth 0; ``quoted``: their first-level quotes) holds the
    passages (each an FTS5 phrase), those holding most of them first: the stored messages a
    page without quote markers quotes (or that quote it)."""
    kind, depth = ("quote", 1) if quoted else ("text", 0)
    counts: dict[str, int] = {}
    for passage in passages:
        rows = conn.execute(
            "SELECT DISTINCT s.msgid FROM segments_fts f JOIN segments s ON s.id = f.rowid "
            "WHERE segments_fts MATCH ? AND s.kind = ? AND s.depth = ? LIMIT ?",
            (fts_string(passage), kind, depth, limit))
        for (msgid,) in rows:
            counts[msgid] = counts.get(msgid, 0) + 1
    return sorted(counts, key=lambda m: -counts[m])[:limit]


def thread_senders(conn: sqlite3.Connection, msgids: Sequence[str]) -> list[tuple[str, Person]]:
    """(msgid, sender) of the messages of the threads holding ``msgids``: by thread id once
    threads are built, else (mail stored earlier in the same run) by the root each
    message references."""
    rows: list[tuple[str, str, str]] = []
    for i in range(0, len(msgids), CHUNK):
        part = list(msgids[i:i + CHUNK])
        marks = ", ".join("?" * len(part))
        rows += conn.execute(
            "SELECT msgid, author_name, author_email FROM messages WHERE thread_id IN "
            f"(SELECT thread_id FROM messages WHERE msgid IN ({marks}) AND thread_id IS NOT "
            "NULL)", part).fetchall()
        roots = {(codec.loads_strs(refs) or (msgid,))[0] for msgid, refs in conn.execute(
            f"SELECT msgid, refs FROM messages WHERE msgid IN ({marks}) AND thread_id IS NULL",
            part)}
        for root in roots:  # the root as an element of a stored refs list (codec.dumps)
            rows += conn.execute(
                "SELECT msgid, author_name, author_email FROM messages WHERE thread_id IS "
                "NULL AND (msgid = ? OR refs LIKE ? ESCAPE '\\')",
                (root, contains(codec.dumps([root])[1:-1]))).fetchall()
    return [(msgid, Person(name, email)) for msgid, name, email in dict.fromkeys(rows)]
