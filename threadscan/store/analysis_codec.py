"""ThreadAnalysis pieces to rows and back. Pure functions; no SQL is run here.

Row layouts match ``sql/0002_analysis.sql``. Patches keep their whole
FileDiff -> Hunk -> DiffLine tree as JSON; hunks of non-quoted patches are also
flattened into rows (file, function, removed/added text) for searching.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from threadscan.lockname import lock_tail
from threadscan.model import (
    Approval,
    Category,
    DiffLine,
    FileDiff,
    Hunk,
    Link,
    LockChange,
    LockOp,
    Objection,
    OrderEdge,
    Patch,
    Role,
    Sign,
    Stance,
)
from threadscan.store.codec import Row, dumps, loads_strs, safe_text

LOCK_OP_COLUMNS = (
    "msgid", "file", "function", "sign", "role", "primitive", "family", "lock", "lock_tail",
    "hunk_id", "old_no", "new_no", "text", "mode", "ctx", "sleeps", "via",
)
LOCK_CHANGE_COLUMNS = (
    "msgid", "file", "file_tail", "function", "kind", "lock", "lock_tail", "primitive", "sign",
    "role", "detail", "hunk_ids",
)
ORDER_COLUMNS = (
    "outer_lock", "inner_lock", "outer_tail", "inner_tail", "origin", "msgid", "function",
    "trylock", "change", "evidence",
)
OBJECTION_COLUMNS = (
    "msgid", "speaker", "sentence", "stance", "categories", "fired", "quoted", "depth",
    "seen_in", "confidence",
)
APPROVAL_COLUMNS = ("msgid", "person", "kind", "text")
PATCH_COLUMNS = (
    "msgid", "quoted", "depth", "series", "version", "idx", "total", "defects", "files",
)
HUNK_COLUMNS = ("hunk_id", "msgid", "file", "file_tail", "function", "removed", "added")


def file_tail(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def patch_row(p: Patch) -> Row:
    files = json.dumps([_file_json(f) for f in p.files])
    return (
        p.msgid, int(p.quoted), p.depth, p.series, p.version, p.index, p.total,
        dumps(p.defects), files,
    )


def hunk_rows(p: Patch) -> list[Row]:
    """Search rows for the hunks of a non-quoted patch (quoted patches are views)."""
    if p.quoted:
        return []
    return [
        (
            h.id, p.msgid, h.file, file_tail(h.file), h.function,
            safe_text("\n".join(ln.text for ln in h.lines if ln.sign == "-")),
            safe_text("\n".join(ln.text for ln in h.lines if ln.sign == "+")),
        )
        for h in p.hunks
    ]


def patch_from_row(row: Row) -> Patch:
    msgid, quoted, depth, series, version, index, total, defects, files = row
    return Patch(
        msgid=msgid, files=tuple(_file_from_json(f) for f in json.loads(files)),
        quoted=bool(quoted), depth=depth, series=series, version=version, index=index,
        total=total, defects=loads_strs(defects),
    )


def _file_json(f: FileDiff) -> dict[str, Any]:
    """A file diff as JSON-ready dicts, keys in field order (what ``dataclasses.asdict``
    gives, without its deep copy: on a big patch series asdict was the store's hot spot)."""
    return {"path": f.path, "old_path": f.old_path, "hunks": [
        {"id": h.id, "file": h.file, "old_start": h.old_start, "old_len": h.old_len,
         "new_start": h.new_start, "new_len": h.new_len, "section": h.section,
         "function": h.function,
         "lines": [{"sign": ln.sign, "text": ln.text, "old_no": ln.old_no, "new_no": ln.new_no}
                   for ln in h.lines]}
        for h in f.hunks]}


def _file_from_json(d: dict[str, Any]) -> FileDiff:
    hunks = tuple(
        Hunk(
            id=h["id"], file=h["file"], old_start=h["old_start"], old_len=h["old_len"],
            new_start=h["new_start"], new_len=h["new_len"], section=h["section"],
            function=h["function"],
            lines=tuple(
                DiffLine(cast(Sign, ln["sign"]), ln["text"], ln["old_no"], ln["new_no"])
                for ln in h["lines"]
            ),
        )
        for h in d["hunks"]
    )
    return FileDiff(path=d["path"], old_path=d["old_path"], hunks=hunks)


def lock_op_row(op: LockOp) -> Row:
    return (
        op.msgid, op.file, op.function, op.sign, op.role, op.primitive, op.family, op.lock,
        lock_tail(op.lock), op.hunk_id, op.old_no, op.new_no, safe_text(op.text), op.mode, op.ctx,
        op.sleeps, op.via,
    )


def lock_op_from_row(row: Row) -> LockOp:
    r = dict(zip(LOCK_OP_COLUMNS, row, strict=True))
    del r["lock_tail"]
    return LockOp(**r)


def lock_change_row(lc: LockChange) -> Row:
    return (
        lc.msgid, lc.file, file_tail(lc.file), lc.function, lc.kind, lc.lock,
        lock_tail(lc.lock), lc.primitive, lc.sign, lc.role, safe_text(lc.detail),
        dumps(lc.hunk_ids),
    )


def lock_change_from_row(row: Row) -> LockChange:
    r = dict(zip(LOCK_CHANGE_COLUMNS, row, strict=True))
    return LockChange(
        msgid=r["msgid"], file=r["file"], function=r["function"], kind=r["kind"],
        lock=r["lock"], primitive=r["primitive"], sign=cast(Sign, r["sign"]),
        role=cast(Role, r["role"]), detail=r["detail"], hunk_ids=loads_strs(r["hunk_ids"]),
    )


def order_row(e: OrderEdge) -> Row:
    return (
        e.outer, e.inner, lock_tail(e.outer), lock_tail(e.inner), e.origin, e.msgid,
        e.function, int(e.trylock), e.change, safe_text(e.evidence),
    )


def order_from_row(row: Row) -> OrderEdge:
    outer, inner, _ot, _it, origin, msgid, function, trylock, change, evidence = row
    return OrderEdge(
        outer=outer, inner=inner, origin=origin, msgid=msgid, function=function,
        trylock=bool(trylock), change=change, evidence=evidence,
    )


def objection_row(o: Objection) -> Row:
    return (
        o.msgid, o.speaker and safe_text(o.speaker), safe_text(o.sentence), o.stance,
        dumps(o.categories), dumps(o.fired),
        int(o.quoted), o.depth, dumps(o.seen_in), o.confidence,
    )


def link_rows(o: Objection) -> list[tuple[int, str, str, str, str]]:
    """(idx, kind, target, target_tail, evidence) per link."""
    return [
        (i, lk.kind, lk.target, lock_tail(lk.target) if lk.kind == "lock" else lk.target,
         safe_text(lk.evidence))
        for i, lk in enumerate(o.links)
    ]


def objection_from_row(row: Row, links: Sequence[Link]) -> Objection:
    msgid, speaker, sentence, stance, cats, fired, quoted, depth, seen_in, conf = row
    return Objection(
        msgid=msgid, speaker=speaker, sentence=sentence, stance=cast(Stance, stance),
        categories=cast(tuple[Category, ...], loads_strs(cats)), links=tuple(links),
        fired=loads_strs(fired), quoted=bool(quoted), depth=depth,
        seen_in=loads_strs(seen_in), confidence=conf,
    )


def approval_row(a: Approval) -> Row:
    return (a.msgid, safe_text(a.person), a.kind, safe_text(a.text))


def approval_from_row(row: Row) -> Approval:
    return Approval(*row)
