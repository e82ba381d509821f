"""HTML for the patch hunks: lock-operation lines highlighted by role, and the objections
about each hunk anchored beside it (and marked on the lines naming their locks)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from threadscan.model import Hunk, LockOp, Patch, ThreadAnalysis
from threadscan.report.summary import DebateItem

ROLE_CLASS = {
    "acquire": "acq", "cond_acquire": "acq", "guard": "acq", "upgrade": "acq",
    "trylock": "try", "release": "rel", "downgrade": "rel", "wait": "rel",
    "assert_held": "asrt", "annotate": "asrt",
    "init": "decl", "declare": "decl", "define": "decl", "destroy": "decl",
}


def anchor(hunk_id: str) -> str:
    """A safe HTML id for a hunk id (msgids may hold any character)."""
    return "h-" + "".join(c if c.isalnum() or c in "-_" else f"_{ord(c):x}" for c in hunk_id)


def _key(hunk: Hunk) -> tuple[object, ...]:
    return hunk.file, hunk.old_start, hunk.new_start, tuple((ln.sign, ln.text) for ln in hunk.lines)


def shown_patches(analysis: ThreadAnalysis) -> tuple[list[Patch], dict[str, str]]:
    """Posted patches, else quoted views; duplicate hunks (the same hunk quoted again)
    are shown once and their ids aliased to the shown one. Returns (patches, id->anchor)."""
    posted = [p for p in analysis.patches if not p.quoted]
    ordered = posted + [p for p in analysis.patches if p.quoted]
    first: dict[tuple[object, ...], str] = {}
    alias: dict[str, str] = {}
    shown: list[Patch] = []
    for patch in ordered:
        fresh = False
        for hunk in patch.hunks:
            alias[hunk.id] = first.setdefault(_key(hunk), hunk.id)
            fresh = fresh or alias[hunk.id] == hunk.id
        if fresh:
            shown.append(patch)
    return shown, {hid: anchor(target) for hid, target in alias.items()}


def line_roles(analysis: ThreadAnalysis, hunk: Hunk) -> dict[int, LockOp]:
    """Lock ops per line index of ``hunk``: by hunk id, else by the same signed text in
    the same function (a quoted view of a posted hunk)."""
    own = [op for op in analysis.lock_ops if op.hunk_id == hunk.id]
    out: dict[int, LockOp] = {}
    for i, ln in enumerate(hunk.lines):
        for op in own:
            if (op.old_no, op.new_no) == (ln.old_no, ln.new_no) and op.sign == ln.sign:
                out[i] = op
    if own:
        return out
    by_text = {(op.file, op.sign, op.text.strip()): op for op in analysis.lock_ops}
    for i, ln in enumerate(hunk.lines):
        found = by_text.get((hunk.file, ln.sign, ln.text.strip()))
        if found is not None and ln.text.strip():
            out[i] = found
    return out


def marks_for(
    hunk: Hunk, items: Sequence[DebateItem], roles: dict[int, LockOp]
) -> dict[int, list[int]]:
    """Objection numbers per line: changed lines operating on or naming one of its locks,
    else its first changed line."""
    out: dict[int, list[int]] = {}
    for item in items:
        hits = [i for i, ln in enumerate(hunk.lines) if ln.sign != " " and (
            (i in roles and roles[i].lock in item.locks)
            or any(lk and lk in ln.text for lk in item.locks))]
        if not hits:
            hits = [next((i for i, ln in enumerate(hunk.lines) if ln.sign != " "), 0)]
        for i in hits[:3]:
            out.setdefault(i, []).append(item.number)
    return out


def line_html(hunk: Hunk, i: int, op: LockOp | None, marks: list[int]) -> str:
    ln = hunk.lines[i]
    sign_cls = {"+": "add", "-": "del"}.get(ln.sign, "ctx")
    role = f" lk {ROLE_CLASS.get(op.role, 'decl')}" if op else ""
    title = f' title="{escape(op.role)} {escape(op.lock)} via {escape(op.primitive)}"' if op else ""
    badges = "".join(f'<a class="mark" href="#obj-{n}">#{n}</a>' for n in marks)
    return (
        f'<tr class="{sign_cls}{role}"{title}><td class="no">{ln.old_no or ""}</td>'
        f'<td class="no">{ln.new_no or ""}</td><td class="sg">{escape(ln.sign)}</td>'
        f'<td class="code">{escape(ln.text)}</td><td class="mk">{badges}</td></tr>'
    )


def note_html(item: DebateItem) -> str:
    return (
        f'<li class="note {escape(item.stance)}"><a href="#obj-{item.number}">#{item.number}</a> '
        f'<b>{escape(item.speaker or "unknown")}</b>: {escape(item.sentence)}</li>'
    )


def hunk_html(analysis: ThreadAnalysis, hunk: Hunk, items: Sequence[DebateItem]) -> str:
    """One hunk as a table, with the notes of the objections about it alongside."""
    roles = line_roles(analysis, hunk)
    marks = marks_for(hunk, items, roles)
    rows = "".join(line_html(hunk, i, roles.get(i), marks.get(i, []))
                   for i in range(len(hunk.lines)))
    head = (f"@@ -{hunk.old_start},{hunk.old_len} +{hunk.new_start},{hunk.new_len} @@ "
            f"{hunk.section}")
    notes = "".join(note_html(it) for it in items)
    side = f'<ul class="notes">{notes}</ul>' if notes else ""
    return (
        f'<div class="hunk" id="{anchor(hunk.id)}"><div class="hunkhead">'
        f'<code>{escape(head.rstrip())}</code></div>'
        f'<div class="hunkbody{"" if notes else " solo"}">'
        f'<table class="diff">{rows}</table>{side}</div></div>'
    )


def patches_html(analysis: ThreadAnalysis, debate: Sequence[DebateItem]) -> str:
    """Every shown patch, file by file, hunk by hunk."""
    shown, alias = shown_patches(analysis)
    about: dict[str, list[DebateItem]] = {}
    for item in debate:
        for ref in item.code:
            if ref.hunk and item not in about.get(alias.get(ref.hunk, ""), []):
                about.setdefault(alias.get(ref.hunk, anchor(ref.hunk)), []).append(item)
    out = []
    for patch in shown:
        view = f"quoted view (depth {patch.depth})" if patch.quoted else "posted"
        defects = "".join(f"<li>{escape(d)}</li>" for d in patch.defects)
        out.append(f'<div class="patch"><div class="patchhead">{escape(patch.msgid)} '
                   f'<span class="tag">{view}</span></div>'
                   + (f'<ul class="defects">{defects}</ul>' if defects else ""))
        for f in patch.files:
            out.append(f'<h4 class="file">{escape(f.path)}</h4>')
            out += [hunk_html(analysis, h, about.get(anchor(h.id), []))
                    for h in f.hunks if alias.get(h.id) == anchor(h.id)]
        out.append("</div>")
    return "\n".join(out)
