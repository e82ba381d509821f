"""JSON documents: ``thread_document`` (``show --json``) and ``summary_document``.

Both are plain dicts of str/int/float/bool/None/list/dict with a fixed key order and a
deterministic list order (messages in thread order; everything else by the thread
position of its message, then as the pipeline produced it). Schemas live in
``docs/schema/show.schema.json`` and ``docs/schema/summary.schema.json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from threadscan.model import (
    Approval,
    Hunk,
    LockChange,
    LockOp,
    Message,
    Objection,
    OrderEdge,
    Patch,
    ThreadAnalysis,
)
from threadscan.report.summary import Summary

SHOW_SCHEMA = "threadscan.show/1"
SUMMARY_SCHEMA = "threadscan.summary/1"
T = TypeVar("T")


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def thread_document(analysis: ThreadAnalysis) -> dict[str, Any]:
    """The whole analysis of one thread as a stable JSON-ready dict."""
    pos = {n.msgid: i for i, n in enumerate(analysis.thread.nodes)}

    def ordered(items: Iterable[T], msgid: Callable[[T], str]) -> list[T]:
        listed = list(enumerate(items))
        listed.sort(key=lambda p: (pos.get(msgid(p[1]), len(pos)), msgid(p[1]), p[0]))
        return [item for _, item in listed]

    thread = analysis.thread
    return {
        "schema": SHOW_SCHEMA,
        "thread": {"id": thread.id, "subject": thread.subject, "ghosts": list(thread.ghosts)},
        "messages": [message_doc(m) for m in ordered(analysis.messages, _mid)],
        "patches": [patch_doc(p) for p in ordered(analysis.patches, _mid)],
        "lock_ops": [op_doc(o) for o in ordered(analysis.lock_ops, _mid)],
        "lock_changes": [change_doc(c) for c in ordered(analysis.lock_changes, _mid)],
        "lock_order": [edge_doc(e) for e in ordered(analysis.lock_order, _mid)],
        "objections": [objection_doc(o) for o in ordered(analysis.objections, _mid)],
        "approvals": [approval_doc(a) for a in ordered(analysis.approvals, _mid)],
    }


def _mid(item: Any) -> str:
    return str(item.msgid)


def message_doc(m: Message) -> dict[str, Any]:
    return {
        "msgid": m.msgid,
        "msgid_synthetic": m.msgid_synthetic,
        "author": {
            "name": m.author.name,
            "email": m.author.email,
            "obfuscated": m.author.obfuscated,
        },
        "date": iso(m.date),
        "subject": m.subject.raw,
        "in_reply_to": m.in_reply_to,
        "references": list(m.references),
        "list": m.list_id,
        "url": m.provenance.url,
        "source": {"kind": m.provenance.kind, "source": m.provenance.source,
                   "locator": m.provenance.locator},
        "defects": list(m.defects),
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type} for a in m.attachments
        ],
        "segments": [
            {"kind": s.kind, "depth": s.depth, "speaker": s.speaker, "text": s.text,
             "line": s.line}
            for s in m.segments
        ],
    }


def hunk_doc(h: Hunk) -> dict[str, Any]:
    return {
        "id": h.id,
        "function": h.function,
        "section": h.section,
        "old_start": h.old_start,
        "old_len": h.old_len,
        "new_start": h.new_start,
        "new_len": h.new_len,
        "lines": [
            {"sign": ln.sign, "text": ln.text, "old_no": ln.old_no, "new_no": ln.new_no}
            for ln in h.lines
        ],
    }


def patch_doc(p: Patch) -> dict[str, Any]:
    return {
        "msgid": p.msgid,
        "quoted": p.quoted,
        "depth": p.depth,
        "series": p.series,
        "version": p.version,
        "index": p.index,
        "total": p.total,
        "files": [
            {"path": f.path, "old_path": f.old_path, "hunks": [hunk_doc(h) for h in f.hunks]}
            for f in p.files
        ],
        "defects": list(p.defects),
    }


def op_doc(o: LockOp) -> dict[str, Any]:
    return {
        "msgid": o.msgid, "file": o.file, "function": o.function, "sign": o.sign,
        "role": o.role, "primitive": o.primitive, "family": o.family, "lock": o.lock,
        "hunk": o.hunk_id, "old_no": o.old_no, "new_no": o.new_no, "text": o.text,
        "mode": o.mode, "ctx": o.ctx, "sleeps": o.sleeps, "via": o.via,
    }


def change_doc(c: LockChange) -> dict[str, Any]:
    return {
        "msgid": c.msgid, "file": c.file, "function": c.function, "sign": c.sign,
        "role": c.role, "primitive": c.primitive, "lock": c.lock, "kind": c.kind,
        "detail": c.detail, "hunks": list(c.hunk_ids),
    }


def edge_doc(e: OrderEdge) -> dict[str, Any]:
    return {
        "outer": e.outer, "inner": e.inner, "origin": e.origin, "msgid": e.msgid,
        "function": e.function, "trylock": e.trylock, "change": e.change,
        "evidence": e.evidence,
    }


def objection_doc(o: Objection) -> dict[str, Any]:
    return {
        "msgid": o.msgid,
        "speaker": o.speaker,
        "sentence": o.sentence,
        "stance": o.stance,
        "categories": list(o.categories),
        "locks": list(o.locks),
        "functions": list(o.functions),
        "hunks": list(o.hunks),
        "evidence": [
            {"kind": lk.kind, "target": lk.target, "evidence": lk.evidence} for lk in o.links
        ],
        "fired": list(o.fired),
        "quoted": o.quoted,
        "depth": o.depth,
        "seen_in": list(o.seen_in),
        "confidence": o.confidence,
    }


def approval_doc(a: Approval) -> dict[str, Any]:
    return {"msgid": a.msgid, "person": a.person, "kind": a.kind, "text": a.text}


def jsonable(value: Any) -> Any:
    """A frozen dataclass tree (the Summary) as JSON-ready values, field order kept."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [jsonable(v) for v in value]
    return value


def summary_document(summary: Summary) -> dict[str, Any]:
    """The ``Summary`` as a document (``summary --format json``)."""
    body = {f.name: jsonable(getattr(summary, f.name)) for f in dataclasses.fields(summary)}
    return {"schema": SUMMARY_SCHEMA, **body}
