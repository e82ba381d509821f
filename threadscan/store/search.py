"""``run_search``: a ``Query`` -> SQL (all user text bound as parameters) -> ``Hit``s.

Two phases: the first selects the keys of the best ``limit`` results with every
filter applied (ranked by FTS5 bm25 when there is full text, newest first
otherwise); the second builds each ``Hit`` with its snippet and citation.
Full-text terms must all occur in one segment (a paragraph of own text, a quote,
a diff) of a message, or in one objection sentence; ``-term`` excludes results
whose message (objection) contains it anywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence

from threadscan.errors import QueryError
from threadscan.store.codec import date_from_parts
from threadscan.store.filters import SCOPES, Clause, all_clauses
from threadscan.store.fts import fts_all, fts_any
from threadscan.store.query import Query
from threadscan.store.types import WHATS, Hit, What

MAX_LIMIT = 10_000
# Ranking reads at most this many matching segments, the most recently stored first,
# so that a very common word costs tens of milliseconds, not seconds.
RANK_WINDOW = 5_000


def _seg_cte(q: Query) -> Clause:
    """CTE ``x(msgid, score, seg)``: matching segments (of the ``in:`` kinds), best first.

    Quoted words rank below the same words written in the message itself.
    """
    kinds = _kinds_sql("sk.kind", q.kinds)
    join = " JOIN segments sk ON sk.id = segments_fts.rowid" if q.kinds else ""
    sql = (
        "WITH f AS MATERIALIZED (SELECT segments_fts.rowid AS seg, bm25(segments_fts) AS score "
        f"FROM segments_fts{join} WHERE segments_fts MATCH ?{kinds[0]} "
        f"ORDER BY segments_fts.rowid DESC LIMIT {RANK_WINDOW}), "
        "x AS (SELECT s.msgid AS msgid, f.score * (CASE WHEN s.kind = 'quote' OR s.depth > 0 "
        "THEN 0.5 ELSE 1.0 END) AS score, f.seg AS seg FROM f JOIN segments s ON s.id = f.seg) "
    )
    return sql, (fts_all(q.terms), *kinds[1])


def _kinds_sql(col: str, kinds: Sequence[str]) -> Clause:
    if not kinds:
        return "", ()
    return f" AND {col} IN ({', '.join('?' * len(kinds))})", tuple(kinds)


SEG_ROWIDS = "SELECT rowid FROM segments_fts WHERE segments_fts MATCH ?"
Key = tuple[object, float, int | None]  # (result key, score, best segment rowid)


def run_search(conn: sqlite3.Connection, q: Query, what: What, limit: int) -> list[Hit]:
    if what not in WHATS:
        raise QueryError(f"cannot search {what!r} (one of: {', '.join(WHATS)})")
    if not 0 < limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
    sql, params = phase_one(q, what)
    keys: list[Key] = conn.execute(sql + " LIMIT ?", (*params, limit)).fetchall()
    build = {"objections": _objection_hit, "lock_changes": _change_hit,
             "messages": _message_hit, "threads": _thread_hit}[what]
    return [build(conn, q, k) for k in keys]


def _where(clauses: Sequence[Clause]) -> Clause:
    if not clauses:
        return "", ()
    return " WHERE " + " AND ".join(c[0] for c in clauses), tuple(
        p for c in clauses for p in c[1])


def phase_one(q: Query, what: What) -> Clause:
    """SQL selecting (key, score, segment rowid) rows, best first, without LIMIT."""
    scope = SCOPES[what]
    clauses = all_clauses(q, scope)
    if what == "objections":
        return _objections_sql(q, clauses)
    if what == "lock_changes":
        if q.terms:
            ksql, kparams = _kinds_sql("sx.kind", q.kinds)
            clauses.append((  # patch mails only: the match is computed once, not per change
                "c.msgid IN (SELECT sx.msgid FROM segments sx WHERE sx.msgid IN (SELECT msgid "
                f"FROM lock_changes){ksql} AND +sx.id IN ({SEG_ROWIDS}))",
                (*kparams, fts_all(q.terms))))
        clauses.extend(_excluding("c.msgid", q))
        where, params = _where(clauses)
        return (f"SELECT c.id, 0.0, NULL FROM lock_changes c {_msg_join(q)} messages m ON "
                f"m.msgid = c.msgid{where} ORDER BY m.epoch DESC, c.id", params)
    if what == "messages":
        return _messages_sql(q, clauses)
    return _threads_sql(q, clauses)


def _mentions(msgid_col: str, match: str, kinds: Sequence[str] = ()) -> Clause:
    """The message has a segment matching ``match`` (checked per row, match set once)."""
    ksql, kparams = _kinds_sql("sx.kind", kinds)
    return (f"EXISTS (SELECT 1 FROM segments sx WHERE sx.msgid = {msgid_col}{ksql} "
            f"AND sx.id IN ({SEG_ROWIDS}))", (*kparams, match))


def _msg_join(q: Query) -> str:
    """LEFT JOIN keeps rows whose message is not stored; with message filters such rows
    cannot match anyway, and CROSS JOIN keeps the (small) result table the outer loop."""
    filtered = q.authors or q.speakers or q.lists or q.since or q.until or q.subject
    return "CROSS JOIN" if filtered else "LEFT JOIN"


def _excluding(msgid_col: str, q: Query) -> list[Clause]:
    if not q.exclude:
        return []
    sql, params = _mentions(msgid_col, fts_any(q.exclude))
    return [(f"NOT {sql}", params)]


def _objections_sql(q: Query, clauses: list[Clause]) -> Clause:
    if q.exclude:
        clauses.append(("o.id NOT IN (SELECT rowid FROM objections_fts WHERE objections_fts "
                        "MATCH ?)", (fts_any(q.exclude),)))
    base = f"FROM objections o {_msg_join(q)} messages om ON om.msgid = o.msgid"
    if not q.terms:
        where, params = _where(clauses)
        return f"SELECT o.id, 0.0, NULL {base}{where} ORDER BY om.epoch DESC, o.id", params
    clauses.insert(0, ("objections_fts MATCH ?", (fts_all(q.terms),)))
    where, params = _where(clauses)
    return ("SELECT o.id, bm25(objections_fts), NULL FROM objections_fts JOIN objections o "
            f"ON o.id = objections_fts.rowid {_msg_join(q)} messages om "
            f"ON om.msgid = o.msgid{where} ORDER BY bm25(objections_fts), o.id", params)


def _messages_sql(q: Query, clauses: list[Clause]) -> Clause:
    clauses.extend(_excluding("m.msgid", q))
    if not q.terms:
        where, params = _where(clauses)
        return (f"SELECT m.msgid, 0.0, NULL FROM messages m{where} "
                "ORDER BY m.epoch DESC, m.msgid", params)
    where, params = _where(clauses)
    hits = "SELECT msgid, MIN(score) AS score, seg FROM x GROUP BY msgid"
    cte, cte_params = _seg_cte(q)
    return (f"{cte}SELECT m.msgid, h.score, h.seg FROM ({hits}) h JOIN messages m ON "
            f"m.msgid = h.msgid{where} ORDER BY h.score, m.msgid", (*cte_params, *params))


def _threads_sql(q: Query, clauses: list[Clause]) -> Clause:
    if q.exclude:
        sql, params = _mentions("mx.msgid", fts_any(q.exclude))
        clauses.append((f"NOT EXISTS (SELECT 1 FROM messages mx WHERE mx.thread_id = t.id "
                        f"AND {sql})", params))
    if not q.terms:
        where, params = _where(clauses)
        return (f"SELECT t.id, 0.0, NULL FROM threads t{where} "
                "ORDER BY t.last_epoch DESC, t.id", params)
    where, params = _where(clauses)
    hits = ("SELECT mt.thread_id AS tid, MIN(y.score) AS score, y.seg AS seg FROM "
            "(SELECT msgid, MIN(score) AS score, seg FROM x GROUP BY msgid) y"
            " JOIN messages mt ON mt.msgid = y.msgid WHERE mt.thread_id IS NOT NULL "
            "GROUP BY mt.thread_id")
    cte, cte_params = _seg_cte(q)
    return (f"{cte}SELECT t.id, h.score, h.seg FROM ({hits}) h "
            f"JOIN threads t ON t.id = h.tid{where} ORDER BY h.score, t.id",
            (*cte_params, *params))


# ------------------------------------------------------------------ phase two


def _segment_snippet(conn: sqlite3.Connection, q: Query, seg: int | None) -> str:
    if seg is None or not q.terms:
        return ""
    row = conn.execute(
        "SELECT snippet(segments_fts, 0, '[', ']', '…', 16) FROM segments_fts "
        "WHERE segments_fts MATCH ? AND rowid = ?", (fts_all(q.terms), seg)).fetchone()
    return str(row[0]) if row else ""


def _message_facts(
    conn: sqlite3.Connection, msgid: str
) -> tuple[str | None, str, dt.datetime | None, str]:
    """(archive url, subject, date, author) of a stored message."""
    row = conn.execute(
        "SELECT prov_url, subject_raw, date_utc, tz_offset, author_name, author_email "
        "FROM messages WHERE msgid = ?", (msgid,)).fetchone()
    if row is None:
        return None, "", None, ""
    return row[0], row[1], date_from_parts(row[2], row[3]), row[4] or row[5]


def _objection_hit(conn: sqlite3.Connection, q: Query, key: Key) -> Hit:
    oid, score, _ = key
    tid, msgid, speaker, sentence, stance, cats = conn.execute(
        "SELECT thread_id, msgid, speaker, sentence, stance, categories FROM objections "
        "WHERE id = ?", (oid,)).fetchone()
    snippet = sentence
    if q.terms:
        snippet = conn.execute(
            "SELECT snippet(objections_fts, 0, '[', ']', '…', 24) FROM objections_fts "
            "WHERE objections_fts MATCH ? AND rowid = ?", (fts_all(q.terms), oid)).fetchone()[0]
    links = dict(reversed(conn.execute(
        "SELECT kind, target FROM objection_links WHERE objection_id = ? ORDER BY idx",
        (oid,)).fetchall()))
    url, subject, date, _author = _message_facts(conn, msgid)
    file = None
    if "hunk" in links:
        row = conn.execute("SELECT file FROM hunks WHERE hunk_id = ?", (links["hunk"],)).fetchone()
        file = row[0] if row else None
    return Hit("objections", tid, msgid, url, subject, snippet, date,
               speaker, float(score), stance, tuple(json.loads(cats)), links.get("lock"),
               links.get("function"), file)


def _change_hit(conn: sqlite3.Connection, q: Query, key: Key) -> Hit:
    tid, msgid, file, function, kind, lock, primitive, detail = conn.execute(
        "SELECT thread_id, msgid, file, function, kind, lock, primitive, detail "
        "FROM lock_changes WHERE id = ?", (key[0],)).fetchone()
    url, subject, date, author = _message_facts(conn, msgid)
    where = f" in {function}()" if function else ""
    snippet = detail or f"{kind}: {primitive}({lock}){where}"
    return Hit("lock_changes", tid, msgid, url, subject, snippet, date,
               author, 0.0, lock=lock, function=function, file=file, kind=kind)


def _message_hit(conn: sqlite3.Connection, q: Query, key: Key) -> Hit:
    msgid, score, seg = key
    url, subject, date, author = _message_facts(conn, str(msgid))
    tid = conn.execute("SELECT thread_id FROM messages WHERE msgid = ?", (msgid,)).fetchone()[0]
    return Hit("messages", tid, str(msgid), url, subject, _segment_snippet(conn, q, seg),
               date, author, float(score))


def _thread_hit(conn: sqlite3.Connection, q: Query, key: Key) -> Hit:
    tid, score, seg = key
    subject, count = conn.execute(
        "SELECT subject, message_count FROM threads WHERE id = ?", (tid,)).fetchone()
    row = conn.execute("SELECT msgid FROM segments WHERE id = ?", (seg,)).fetchone()
    row = row or conn.execute(
        "SELECT msgid FROM messages WHERE thread_id = ? ORDER BY epoch IS NULL, epoch LIMIT 1",
        (tid,)).fetchone()
    msgid = str(row[0]) if row else str(tid)
    url, _subject, date, author = _message_facts(conn, msgid)
    snippet = _segment_snippet(conn, q, seg) or f"{count} messages"
    return Hit("threads", str(tid), msgid, url, subject, snippet, date,
               author or None, float(score))
