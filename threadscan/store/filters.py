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

from threadscan.store.analysis_codec import file_tail, lock_tail, normalize_lock
from threadscan.store.fts import contains, ends_with, fts_all
from threadscan.store.query import Query

Clause = tuple[str, tuple[object, ...]]
ESC = " ESCAPE '\\'"


@dataclass(frozen=True)
class Scope:
    name: str
    msg: str | None  # alias of the result's message row (None: a thread)
    thread: str  # SQL expression of the result's thread id
    hunks: str  # "FROM ... WHERE ..." giving hunks h related to the result
    locks: tuple[tuple[str, str, str], ...]  # (FROM ... WHERE ..., lock col, tail col)
    objections: str  # "FROM objections o2 WHERE ..." related to the result


SCOPES: dict[str, Scope] = {
    "objections": Scope(
        "objections", "om", "o.thread_id",
        "FROM objection_links l JOIN hunks h ON h.hunk_id = l.target "
        "WHERE l.objection_id = o.id AND l.kind = 'hunk'",
        (("FROM objection_links l WHERE l.objection_id = o.id AND l.kind = 'lock'",
          "l.target", "l.target_tail"),),
        "FROM objections o2 WHERE o2.id = o.id"),
    "lock_changes": Scope(
        "lock_changes", "m", "c.thread_id",
        "FROM json_each(c.hunk_ids) j JOIN hunks h ON h.hunk_id = j.value WHERE 1",
        (("FROM (SELECT 1) WHERE 1", "c.lock", "c.lock_tail"),),
        "FROM objections o2 WHERE o2.thread_id = c.thread_id"),
    "messages": Scope(
        "messages", "m", "m.thread_id", "FROM hunks h WHERE h.msgid = m.msgid",
        (("FROM lock_ops x WHERE x.msgid = m.msgid", "x.lock", "x.lock_tail"),),
        "FROM objections o2 WHERE o2.msgid = m.msgid"),
    "threads": Scope(
        "threads", None, "t.id", "FROM hunks h WHERE h.thread_id = t.id",
        (("FROM lock_ops x WHERE x.thread_id = t.id", "x.lock", "x.lock_tail"),
         ("FROM objections ox JOIN objection_links l ON l.objection_id = ox.id "
          "WHERE ox.thread_id = t.id AND l.kind = 'lock'", "l.target", "l.target_tail")),
        "FROM objections o2 WHERE o2.thread_id = t.id"),
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


def _exists(source: str, cond: Clause) -> Clause:
    return f"EXISTS (SELECT 1 {source} AND {cond[0]})", cond[1]


def code_clauses(q: Query, s: Scope) -> list[Clause]:
    out: list[Clause] = []
    if q.locks:
        out.append(any_of([_exists(src, lock_match(col, tail, lk))
                           for lk in q.locks for src, col, tail in s.locks]))
    if q.files:
        own = [file_match("c.file", "c.file_tail", f) for f in q.files]
        out.append(any_of(own) if s.name == "lock_changes" else any_of(
            [_exists(s.hunks, file_match("h.file", "h.file_tail", f)) for f in q.files]))
    if q.functions:
        out.append(any_of([_function(s, fn.strip().removesuffix("()")) for fn in q.functions]))
    for col, terms in (("removed", q.removed), ("added", q.added)):
        for term in terms:
            out.append(_exists(s.hunks, (
                "h.id IN (SELECT rowid FROM hunks_fts WHERE hunks_fts MATCH ?)",
                (fts_all([term], col),))))
    return out


def _function(s: Scope, fn: str) -> Clause:
    if s.name == "lock_changes":
        return "c.function = ?", (fn,)
    via_hunk = _exists(s.hunks, ("h.function = ?", (fn,)))
    if s.name != "objections":
        return via_hunk
    named = ("EXISTS (SELECT 1 FROM objection_links l WHERE l.objection_id = o.id "
             "AND l.kind = 'function' AND l.target = ?)", (fn,))
    return any_of([named, via_hunk])


UNRESOLVED = (
    "NOT EXISTS (SELECT 1 FROM analyses an JOIN messages r ON r.thread_id = an.thread_id "
    "AND r.author_email = an.patch_author WHERE an.thread_id = o2.thread_id "
    "AND r.epoch > (SELECT epoch FROM messages WHERE msgid = o2.msgid))"
)


def objection_clauses(q: Query, s: Scope) -> list[Clause]:
    conds: list[Clause] = []
    if q.categories:
        marks = ", ".join("?" * len(q.categories))
        conds.append((f"EXISTS (SELECT 1 FROM objection_categories oc WHERE oc.objection_id ="
                      f" o2.id AND oc.category IN ({marks}))", tuple(q.categories)))
    if q.stances:
        conds.append((f"o2.stance IN ({', '.join('?' * len(q.stances))})", tuple(q.stances)))
    if q.unresolved:
        conds.append((UNRESOLVED, ()))
    if not conds:
        return []
    return [(f"EXISTS (SELECT 1 {s.objections} AND " + " AND ".join(c[0] for c in conds) + ")",
             tuple(p for c in conds for p in c[1]))]


def message_clauses(q: Query, s: Scope) -> list[Clause]:
    """Author, list, date, subject and has-lock-change conditions."""
    conds = _message_conds(q, s, s.msg or "mm")
    if s.msg is None and conds:
        sql = " AND ".join(c[0] for c in conds)
        conds = [(f"EXISTS (SELECT 1 FROM messages mm WHERE mm.thread_id = t.id AND {sql})",
                  tuple(p for c in conds for p in c[1]))]
    if s.msg is None:
        conds.extend(_thread_span(q) + [(f"t.subject LIKE ?{ESC}", (contains(x),))
                                        for x in q.subject])
    if q.has_lock_change:
        src = "lock_changes x WHERE x.msgid = m.msgid" if s.name == "messages" else (
            f"lock_changes x WHERE x.thread_id = {s.thread}")
        conds.append((f"EXISTS (SELECT 1 FROM {src})", ()))
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
        out.append(any_of([(f"EXISTS (SELECT 1 FROM segments sg WHERE sg.msgid = m.msgid AND "
                            f"sg.speaker LIKE ?{ESC})", (contains(p),)) for p in q.speakers]))
    elif people:
        out.append(any_of([(f"({m}.author_name LIKE ?{ESC} OR {m}.author_email LIKE ?{ESC})",
                            (contains(p), contains(p))) for p in people]))
    if q.lists:
        out.append(any_of([(f"{m}.list_id LIKE ?{ESC}", (contains(x),)) for x in q.lists]))
    if s.msg is not None:
        if q.since:
            out.append((f"{m}.epoch >= ?", (q.since.timestamp(),)))
        if q.until:
            out.append((f"{m}.epoch < ?", (q.until.timestamp(),)))
        out.extend((f"{m}.subject_raw LIKE ?{ESC}", (contains(x),)) for x in q.subject)
    return out


def _thread_span(q: Query) -> list[Clause]:
    out: list[Clause] = []
    if q.since:
        out.append(("t.last_epoch >= ?", (q.since.timestamp(),)))
    if q.until:
        out.append(("t.first_epoch < ?", (q.until.timestamp(),)))
    return out


def all_clauses(q: Query, s: Scope) -> list[Clause]:
    return [*code_clauses(q, s), *objection_clauses(q, s), *message_clauses(q, s)]
