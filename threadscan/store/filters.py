"""Structured filters of a ``Query`` as SQL conditions for one kind of result.

Each kind of result (objection ``o``, lock change ``c``, message ``m``, thread
``t``) is a ``Scope`` that says how to reach its message, thread, hunks, locks
and objections. Filters then read the same for every kind:

- code filters (file, function, dfa/dfb, lock) match the result's own code: an
  objection's links, a lock change's own file/function/lock and hunks, the
  hunks and lock lines of a message, or of any message of a thread;
- category/stance/unresolved match the objection itself, or, for messages and
  threads, any objection in them; for lock changes, any objection in the thread;
- author/list/date/subject match the message (for threads: any message; dates:
  the thread's span overlaps the range); for objections ``f:`` matches the speaker
  or, for an objection not seen only as a quote, the author's name or address, and
  ``speaker:`` the speaker only.

*Unresolved*: an objection is unresolved when no message in its thread written by
the patch author (the author of the thread's first non-quoted patch, else of its
root) is dated after the message the objection was raised in.
"""

from __future__ import annotations

from dataclasses import dataclass

from threadscan.lockname import lock_tail, normalize_lock
from threadscan.store.analysis_codec import file_tail
from threadscan.store.fts import contains, ends_with, fts_all
from threadscan.store.query import Query

Clause = tuple[str, tuple[object, ...]]
ESC = " ESCAPE '\\'"


_LINKS = ("(SELECT objection_id, kind, target AS lock, target_tail AS lock_tail "
          "FROM objection_links)")


@dataclass(frozen=True)
class Scope:
    """How filters reach related rows. Sources are uncorrelated ``SELECT key ... WHERE``
    texts (each run once, not once per row), tested with ``key IN (source AND cond)``."""

    name: str
    key: str  # the result's own key: o.id, c.id, m.msgid, t.id
    msg: str | None  # alias of the result's message row (None: a thread)
    thread: str  # SQL expression of the result's thread id
    hunks: str  # SELECT <key> ... hunks h ... WHERE
    locks: tuple[str, ...]  # SELECT <key> ... lock rows x (x.lock, x.lock_tail) ... WHERE
    objections: tuple[str, str]  # (key expr, SELECT ... FROM objections o2 WHERE)


SCOPES: dict[str, Scope] = {
    "objections": Scope(
        "objections", "o.id", "om", "o.thread_id",
        "SELECT l.objection_id FROM objection_links l JOIN hunks h ON h.hunk_id = l.target "
        "WHERE l.kind = 'hunk'",
        ("SELECT x.objection_id FROM " + _LINKS + " x WHERE x.kind = 'lock'",),
        ("o.id", "SELECT o2.id FROM objections o2 WHERE 1")),
    "lock_changes": Scope(
        "lock_changes", "c.id", "m", "c.thread_id",
        "SELECT c2.id FROM lock_changes c2, json_each(c2.hunk_ids) j JOIN hunks h "
        "ON h.hunk_id = j.value WHERE 1",
        ("SELECT x.id FROM lock_changes x WHERE 1",),
        ("c.thread_id", "SELECT o2.thread_id FROM objections o2 WHERE 1")),
    "messages": Scope(
        "messages", "m.msgid", "m", "m.thread_id", "SELECT h.msgid FROM hunks h WHERE 1",
        ("SELECT x.msgid FROM lock_ops x WHERE 1",),
        ("m.msgid", "SELECT o2.msgid FROM objections o2 WHERE 1")),
    "threads": Scope(
        "threads", "t.id", None, "t.id", "SELECT h.thread_id FROM hunks h WHERE 1",
        ("SELECT x.thread_id FROM lock_ops x WHERE 1",
         "SELECT ox.thread_id FROM objections ox JOIN " + _LINKS + " x "
         "ON x.objection_id = ox.id WHERE x.kind = 'lock'"),
        ("t.id", "SELECT o2.thread_id FROM objections o2 WHERE 1")),
}


def any_of(clauses: list[Clause]) -> Clause:
    sql = " OR ".join(f"({c[0]})" for c in clauses)
    return f"({sql})", tuple(p for c in clauses for p in c[1])


def lock_match(col: str, tail_col: str, term: str) -> Clause:
    """``->lock`` or a bare member name: any owner; a full expression: it or a suffix."""
    norm = normalize_lock(term)
    tail = lock_tail(norm)
    if norm.startswith(("->", ".")) or norm == tail:
        return f"{tail_col} = ?", (tail,)
    return (f"{tail_col} = ? AND ({col} = ? OR {col} LIKE ?{ESC} OR {col} LIKE ?{ESC})",
            (tail, norm, ends_with("->" + norm), ends_with("." + norm)))


def file_match(col: str, tail_col: str, term: str) -> Clause:
    path = term.strip().removeprefix("a/").removeprefix("b/")
    if "/" not in path:
        return f"{tail_col} = ?", (path,)
    return (f"{tail_col} = ? AND ({col} = ? OR {col} LIKE ?{ESC})",
            (file_tail(path), path, ends_with("/" + path)))


def _in(key: str, source: str, cond: Clause) -> Clause:
    return f"{key} IN ({source} AND {cond[0]})", cond[1]


def code_clauses(q: Query, s: Scope) -> list[Clause]:
    out: list[Clause] = []
    if q.locks:
        out.append(any_of([_in(s.key, src, lock_match("x.lock", "x.lock_tail", lk))
                           for lk in q.locks for src in s.locks]))
    if q.files:
        own = [file_match("c.file", "c.file_tail", f) for f in q.files]
        out.append(any_of(own) if s.name == "lock_changes" else any_of(
            [_in(s.key, s.hunks, file_match("h.file", "h.file_tail", f)) for f in q.files]))
    if q.functions:
        out.append(any_of([_function(s, fn.strip().removesuffix("()")) for fn in q.functions]))
    for col, terms in (("removed", q.removed), ("added", q.added)):
        for term in terms:
            out.append(_in(s.key, s.hunks, (
                "h.id IN (SELECT rowid FROM hunks_fts WHERE hunks_fts MATCH ?)",
                (fts_all([term], col),))))
    return out


def _function(s: Scope, fn: str) -> Clause:
    if s.name == "lock_changes":
        return "c.function = ?", (fn,)
    via_hunk = _in(s.key, s.hunks, ("h.function = ?", (fn,)))
    if s.name != "objections":
        return via_hunk
    named = ("o.id IN (SELECT l.objection_id FROM objection_links l WHERE l.kind = 'function' "
             "AND l.target = ?)", (fn,))
    return any_of([named, via_hunk])


UNRESOLVED = "o2.unresolved = 1"  # maintained by write.refresh_unresolved


def objection_clauses(q: Query, s: Scope) -> list[Clause]:
    conds: list[Clause] = []
    if q.categories:
        marks = ", ".join("?" * len(q.categories))
        conds.append((f"o2.id IN (SELECT objection_id FROM objection_categories "
                      f"WHERE category IN ({marks}))", tuple(q.categories)))
    if q.stances:
        conds.append((f"o2.stance IN ({', '.join('?' * len(q.stances))})", tuple(q.stances)))
    if q.unresolved:
        conds.append((UNRESOLVED, ()))
    if not conds:
        return []
    key, source = s.objections
    return [_in(key, source, (" AND ".join(c[0] for c in conds),
                              tuple(p for c in conds for p in c[1])))]


def message_clauses(q: Query, s: Scope) -> list[Clause]:
    """Author, list, date, subject and has-lock-change conditions."""
    conds = _message_conds(q, s, s.msg or "mm")
    if s.msg is None and conds:
        sql = " AND ".join(c[0] for c in conds)
        conds = [(f"t.id IN (SELECT mm.thread_id FROM messages mm WHERE {sql})",
                  tuple(p for c in conds for p in c[1]))]
    if s.msg is None:
        conds.extend(_thread_span(q) + [(f"t.subject LIKE ?{ESC}", (contains(x),))
                                        for x in q.subject])
    if q.has_lock_change:
        conds.append(("m.msgid IN (SELECT msgid FROM lock_changes)", ()) if s.name == "messages"
                     else (f"{s.thread} IN (SELECT thread_id FROM lock_changes)", ()))
    return conds


def _message_conds(q: Query, s: Scope, m: str) -> list[Clause]:
    out: list[Clause] = []
    people = (*q.authors, *q.speakers)
    if people and s.name == "objections":
        by_author: list[Clause] = [
            (f"o.quoted = 0 AND (om.author_name LIKE ?{ESC} OR om.author_email LIKE ?{ESC})",
             (contains(p), contains(p))) for p in q.authors]
        by_speaker: list[Clause] = [(f"o.speaker LIKE ?{ESC}", (contains(p),)) for p in people]
        out.append(any_of(by_speaker + by_author))
    elif people and s.name == "messages" and q.speakers and not q.authors:
        out.append(any_of([(f"m.msgid IN (SELECT sg.msgid FROM segments sg WHERE "
                            f"sg.speaker LIKE ?{ESC})", (contains(p),)) for p in q.speakers]))
    # "+col" keeps the planner on the date order (early exit under LIMIT) for messages;
    # threads (m = "mm") use the covering (list_id, thread_id) index instead.
    col = m if s.msg is None else f"+{m}"
    if people and not out:
        out.append(any_of([_author(col, p) for p in people]))
    if q.lists:
        out.append(any_of([(f"{col}.list_id IN (SELECT DISTINCT list_id FROM messages WHERE "
                            f"list_id LIKE ?{ESC})", (contains(x),)) for x in q.lists]))
    if s.msg is not None:
        if q.since:
            out.append((f"{m}.epoch >= ?", (q.since.timestamp(),)))
        if q.until:
            out.append((f"{m}.epoch < ?", (q.until.timestamp(),)))
        out.extend((f"{m}.subject_raw LIKE ?{ESC}", (contains(x),)) for x in q.subject)
    return out


def _author(m: str, who: str) -> Clause:
    """Name or address contains ``who``; matched against the distinct values (indexed)."""
    return (f"({m}.author_email IN (SELECT DISTINCT author_email FROM messages WHERE "
            f"author_email LIKE ?{ESC}) OR {m}.author_name IN (SELECT DISTINCT author_name "
            f"FROM messages WHERE author_name LIKE ?{ESC}))", (contains(who), contains(who)))


def _thread_span(q: Query) -> list[Clause]:
    out: list[Clause] = []
    if q.since:
        out.append(("t.last_epoch >= ?", (q.since.timestamp(),)))
    if q.until:
        out.append(("t.first_epoch < ?", (q.until.timestamp(),)))
    return out


def quoted_clause(q: Query, s: Scope) -> list[Clause]:
    """For objections, ``in:text`` / ``in:quote`` pick said-here or seen-only-quoted."""
    if s.name != "objections" or ("text" in q.kinds) == ("quote" in q.kinds):
        return []
    return [("o.quoted = ?", (int("quote" in q.kinds),))]


def all_clauses(q: Query, s: Scope) -> list[Clause]:
    return [*code_clauses(q, s), *objection_clauses(q, s), *message_clauses(q, s),
            *quoted_clause(q, s)]
