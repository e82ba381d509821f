"""The lock side and the debate side of a summary: changes per function, order edges,
and each objection with the code it is about and what came of it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from threadscan.model import DiffLine, Hunk, Message, Objection, OrderEdge, ThreadAnalysis
from threadscan.report.people import Context, same_person
from threadscan.report.summary import (
    ChangeItem,
    Citation,
    CodeRef,
    DebateItem,
    EdgeItem,
    FunctionLocks,
    Outcome,
    Participant,
    RoleName,
)

MAX_LINES = 8
MAX_REFS = 3
MAX_REPLY = 300


def function_locks(ctx: Context) -> tuple[FunctionLocks, ...]:
    """Lock changes grouped by (file, function), in order of first appearance."""
    groups: dict[tuple[str, str | None], list[ChangeItem]] = {}
    for ch in ctx.analysis.lock_changes:
        item = ChangeItem(
            ch.kind, ch.lock, ch.primitive, ch.sign, ch.role, ch.detail, ch.hunk_ids,
            ctx.cite(ch.msgid),
        )
        groups.setdefault((ch.file, ch.function), []).append(item)
    return tuple(FunctionLocks(f, fn, tuple(items)) for (f, fn), items in groups.items())


def edge_items(ctx: Context) -> tuple[EdgeItem, ...]:
    return to_edge_items(ctx.analysis.lock_order, ctx.cite)


def to_edge_items(
    edges: Sequence[OrderEdge], cite: Callable[[str], Citation]
) -> tuple[EdgeItem, ...]:
    """Order edges without duplicates; an edge is an inversion when its reverse exists."""
    live = {(e.outer, e.inner) for e in edges if e.change != "removed"}
    seen: set[tuple[object, ...]] = set()
    out = []
    for e in edges:
        key = (e.outer, e.inner, e.origin, e.change, e.trylock, e.function)
        if key in seen:
            continue
        seen.add(key)
        inverted = e.change != "removed" and (e.inner, e.outer) in live and e.outer != e.inner
        out.append(
            EdgeItem(
                e.outer, e.inner, e.origin, e.change, e.trylock, inverted, e.function,
                e.evidence, cite(e.msgid),
            )
        )
    return tuple(out)


def debate_items(
    ctx: Context, parts: Sequence[Participant], later: Sequence[ThreadAnalysis]
) -> tuple[DebateItem, ...]:
    """Every objection in thread order, with its code, its speaker's role and its outcome."""
    objs = sorted(
        enumerate(ctx.analysis.objections), key=lambda p: (ctx.order.get(p[1].msgid, 0), p[0])
    )
    return tuple(
        DebateItem(
            number=n,
            speaker=speaker_name(obj.speaker, parts),
            role=speaker_role(obj.speaker, parts),
            stance=obj.stance,
            categories=obj.categories,
            sentence=obj.sentence,
            quoted=obj.quoted,
            locks=obj.locks,
            functions=obj.functions,
            code=code_refs(ctx, obj),
            outcome=outcome(ctx, obj, later),
            cite=ctx.cite(obj.msgid),
        )
        for n, (_, obj) in enumerate(objs, start=1)
    )


def speaker_role(speaker: str | None, parts: Sequence[Participant]) -> RoleName:
    found = _speaker_parts(speaker, parts)
    return found[0].role if found else "participant"


def speaker_name(speaker: str | None, parts: Sequence[Participant]) -> str | None:
    """The participant's name for a speaker written as an address or a first name
    ("peterz@infradead.org", "George"), when exactly one participant is that person."""
    found = _speaker_parts(speaker, parts)
    return found[0].name if len(found) == 1 and found[0].name else speaker


def _speaker_parts(speaker: str | None, parts: Sequence[Participant]) -> list[Participant]:
    from threadscan.model import Person

    return [p for p in parts if speaker and same_person(speaker, Person(p.name, p.email))]


def hunk_index(analysis: ThreadAnalysis) -> dict[str, Hunk]:
    return {h.id: h for p in analysis.patches for h in p.hunks}


def code_refs(ctx: Context, obj: Objection) -> tuple[CodeRef, ...]:
    """The hunks an objection links to, then the hunks holding those of its functions they do
    not hold; without a hunk link, the hunks of its functions, else of its locks. A function
    no hunk of the thread holds is shown by the hunks whose changed lines call it, else by
    those that call it in their context, else as not in the patch."""
    hunks = hunk_index(ctx.analysis)
    chosen = [hunks[h] for h in obj.hunks if h in hunks]
    held = {h.id: held_functions(h) for h in hunks.values()}
    missing = [fn for fn in obj.functions if not any(fn in held[h.id] for h in chosen)]
    chosen += [h for fn in missing for h in hunks.values() if fn in held[h.id]]
    chosen += [h for fn in missing if not any(fn in held[h.id] for h in hunks.values())
               for h in _callers(hunks.values(), fn)]
    if not chosen and obj.locks:
        ids = [i for c in ctx.analysis.lock_changes if c.lock in obj.locks for i in c.hunk_ids]
        chosen = [hunks[i] for i in dict.fromkeys(ids) if i in hunks]
    quoted = {h.id for p in ctx.analysis.patches if p.quoted for h in p.hunks}
    unique: dict[tuple[str, int, int], Hunk] = {}
    for h in sorted(chosen, key=lambda h: h.id in quoted):  # a posted hunk beats its quote
        unique.setdefault((h.file, h.old_start, h.new_start), h)
    refs = [hunk_ref(h, obj.locks, ctx, obj.functions) for h in unique.values()]
    covered = {fn for h in unique.values() for fn in held[h.id]} | {
        fn for fn in obj.functions if any(_calls(h, fn, changed=False) for h in unique.values())}
    refs += [
        CodeRef(None, fn, None, "", (), 0) for fn in dict.fromkeys(obj.functions)
        if fn not in covered
    ]
    return tuple(refs[:MAX_REFS])


def _callers(hunks: Iterable[Hunk], function: str) -> list[Hunk]:
    """The hunks whose changed lines call ``function`` (a lock API, a helper the patch calls
    but does not change: "But why is this not spin_lock_irq()?"), else those whose context
    does."""
    hunks = list(hunks)
    return [h for h in hunks if _calls(h, function)] or [
        h for h in hunks if _calls(h, function, changed=False)]


def _calls(hunk: Hunk, function: str, changed: bool = True) -> bool:
    """Whether a changed line (``changed``; else any line) of the hunk calls ``function``."""
    call = re.compile(rf"\b{re.escape(function)}\s*\(")
    return any((ln.sign != " " or not changed) and call.search(ln.text) for ln in hunk.lines)


def held_functions(hunk: Hunk) -> frozenset[str]:
    """The functions a hunk changes lines of (its @@ section names the one before it when it
    starts a new function), else its section's function."""
    return frozenset(_changed_functions(hunk))


def _changed_functions(hunk: Hunk) -> list[str]:
    """``held_functions`` in the order of the hunk's lines."""
    changed = [f for _, f in _changed_lines(hunk) if f]
    return list(dict.fromkeys(changed)) or ([hunk.function] if hunk.function else [])


def _changed_lines(hunk: Hunk) -> list[tuple[DiffLine, str | None]]:
    """The hunk's changed lines, each with the function it is in."""
    from threadscan.nlp.link import code_functions

    return [(ln, f) for ln, f in zip(hunk.lines, code_functions(hunk), strict=True)
            if ln.sign != " "]


def shown_function(hunk: Hunk, named: Sequence[str]) -> str | None:
    """The function to name a hunk by: one of ``named`` (the objection's) that the hunk
    changes, else its section's function when it changes that one, else the first it
    changes (a hunk that adds a function is @@-labelled with the one before it)."""
    held = _changed_functions(hunk)
    return next((f for f in named if f in held), None) or (
        hunk.function if hunk.function in held or not held else held[0])


def hunk_ref(hunk: Hunk, locks: Sequence[str], ctx: Context,
             functions: Sequence[str] = ()) -> CodeRef:
    """A hunk with the changed lines that matter: lock-op lines and lines naming its locks;
    named by ``shown_function`` (``functions``: the objection's)."""
    op_lines = {
        (op.old_no, op.new_no) for op in ctx.analysis.lock_ops if op.hunk_id == hunk.id
    }
    changed = [ln for ln in hunk.lines if ln.sign != " "]
    name = shown_function(hunk, functions)
    keep = [
        ln for ln in changed
        if (ln.old_no, ln.new_no) in op_lines or any(lk and lk in ln.text for lk in locks)
    ] or _changed_in(hunk, name) or changed
    shown = keep[:MAX_LINES]
    header = f"@@ -{hunk.old_start},{hunk.old_len} +{hunk.new_start},{hunk.new_len} @@"
    return CodeRef(
        file=hunk.file,
        function=name,
        hunk=hunk.id,
        header=f"{header} {hunk.section}".rstrip(),
        lines=tuple(f"{ln.sign}{ln.text}" for ln in shown),
        omitted=len(changed) - len(shown),
    )


def _changed_in(hunk: Hunk, function: str | None) -> list[DiffLine]:
    """The hunk's changed lines in ``function`` (a hunk spanning several functions is shown
    by the lines of the one it is named by)."""
    return [ln for ln, f in _changed_lines(hunk) if function and f == function]


def first_sentence(text: str) -> str:
    """The first real sentence of some prose (mail-aware splitting: wrapped lines, bullets,
    salutations, pasted code; a lone "..." or "Hi," is skipped), at most 300 chars."""
    from threadscan.nlp.sentences import split_sentences

    parts = split_sentences(text) or [" ".join(text.split())]
    head = next((p for p in parts if len(re.findall(r"[A-Za-z]{2,}", p)) >= 2), parts[0])
    return head if len(head) <= MAX_REPLY else head[: MAX_REPLY - 1] + "…"


def reply_after(msg: Message, sentence: str) -> str | None:
    """The author's own text answering the quote that holds ``sentence`` (inline reply):
    the first own text after the quote, else the own text just before it (a reply
    written above the quote it answers)."""
    needle = " ".join(sentence.split())
    segs = msg.segments
    for i, seg in enumerate(segs):
        if seg.kind in ("quote", "diff") and seg.depth > 0 and needle in " ".join(seg.text.split()):
            for nxt in segs[i + 1 :]:
                if nxt.kind in ("signature", "footer"):
                    break
                if nxt.kind == "text" and nxt.depth == 0 and nxt.text.strip():
                    return first_sentence(nxt.text)
            for prev in reversed(segs[:i]):
                if prev.kind == "text" and prev.depth == 0 and prev.text.strip():
                    return first_sentence(prev.text)
    return None


def first_own_text(msg: Message) -> str | None:
    for seg in msg.segments:
        if seg.kind == "text" and seg.depth == 0 and len(seg.text.split()) > 3:
            return first_sentence(seg.text)
    return None


def descendants(ctx: Context, msgid: str) -> list[str]:
    """Messages below ``msgid`` in the thread tree, in thread order."""
    out = []
    for mid in sorted(ctx.parent, key=lambda m: ctx.order.get(m, 0)):
        up, seen = ctx.parent.get(mid), {mid}
        while up is not None and up != msgid and up not in seen:  # a cycle ends the walk
            seen.add(up)
            up = ctx.parent.get(up)
        if up == msgid and mid in ctx.by_id:
            out.append(mid)
    return out


def author_reply(ctx: Context, obj: Objection) -> tuple[str, Message] | None:
    """The patch author's next reply to an objection: inline in the message that quotes
    it, else the first author message below it in the thread."""
    for mid in (obj.msgid, *obj.seen_in):
        msg = ctx.by_id.get(mid)
        if msg and obj.quoted and ctx.is_author(msg.author.display):
            text = reply_after(msg, obj.sentence)
            if text:
                return text, msg
    for mid in descendants(ctx, obj.msgid):
        msg = ctx.by_id[mid]
        if ctx.is_author(msg.author.name) or ctx.is_author(msg.author.email):
            text = reply_after(msg, obj.sentence) or first_own_text(msg)
            if text:
                return text, msg
    return None


def outcome(ctx: Context, obj: Objection, later: Sequence[ThreadAnalysis]) -> Outcome:
    changed, detail = code_change(ctx, obj, later)
    suffix = f"; {detail}" if detail else ""
    if ctx.is_author(obj.speaker):
        return Outcome(None, None, None, changed, f"raised by the patch author{suffix}")
    found = author_reply(ctx, obj)
    if found is None:
        return Outcome(None, None, None, changed, f"no reply from the patch author{suffix}")
    text, msg = found
    return Outcome(text, msg.author.display, ctx.cite(msg.msgid), changed, detail)


def lock_signature(analysis: ThreadAnalysis, funcs: set[str], locks: set[str]) -> frozenset[str]:
    """What the posted patches do to the given functions/locks, as comparable strings."""
    ops = {
        f"op {op.function} {op.sign}{op.role} {op.lock} {' '.join(op.text.split())}"
        for op in analysis.lock_ops
        if op.function in funcs or op.lock in locks
    }
    changes = {
        f"change {c.function} {c.kind} {c.lock} {c.sign}{c.role}"
        for c in analysis.lock_changes
        if c.function in funcs or c.lock in locks
    }
    return frozenset(ops | changes)


def code_change(
    ctx: Context, obj: Objection, later: Sequence[ThreadAnalysis]
) -> tuple[bool | None, str]:
    """Did a later version change the lock code this objection is about?"""
    funcs = {r.function for r in code_refs(ctx, obj) if r.function} | set(obj.functions)
    locks = set(obj.locks)
    if not later:
        return None, ""  # nothing to compare with: no claim
    if not funcs and not locks:
        return None, "no linked lock code"
    before = lock_signature(ctx.analysis, funcs, locks)
    for nxt in later:
        version = max((m.subject.version or 1 for m in nxt.messages), default=1)
        if lock_signature(nxt, funcs, locks) != before:
            return True, f"v{version} changed the linked lock code"
    return False, "later versions keep the linked lock code unchanged"
