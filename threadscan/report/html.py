"""One self-contained HTML page for a review thread.

Inline CSS, JS and SVG only: no external requests. A Content-Security-Policy allows
exactly our one script (by hash) and inline styles, so even markup that slipped
through escaping could not run. Every piece of mail text goes through ``escape``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from html import escape
from importlib import resources

from threadscan.model import Message, ThreadAnalysis
from threadscan.report.hunks import anchor, patches_html, shown_patches
from threadscan.report.summary import Citation, DebateItem, Participant, Summary
from threadscan.report.svg import lock_graph_svg
from threadscan.report.text import (
    approval_groups,
    code_place,
    day,
    edge_text,
    header_facts,
    place,
    who,
)


def asset(name: str) -> str:
    return resources.files("threadscan.report").joinpath("assets", name).read_text("utf-8")


def href(url: str | None) -> str | None:
    """Only plain http(s) URLs become links."""
    if url and url.startswith(("https://", "http://")) and not any(c in url for c in "\"'<> "):
        return url
    return None


def token(value: str) -> str:
    """A class-name-safe token (categories/stances are a closed set, but stored data is
    not trusted)."""
    return "".join(c if c.isalnum() or c == "-" else "_" for c in value)


def msg_anchor(msgid: str) -> str:
    return "m-" + anchor(msgid)[2:]


def cite_html(cite: Citation | None) -> str:
    if cite is None:
        return ""
    url = href(cite.url)
    link = f' <a class="ext" href="{escape(url)}" rel="noreferrer">archive</a>' if url else ""
    mid = cite.msgid
    label = mid if len(mid) <= 32 else f"{mid[:14]}…{mid[-14:]}"
    return (f'<span class="cite"><a href="#{msg_anchor(mid)}" title="{escape(mid)}">'
            f"{escape(label)}</a>{link}</span>")


def person_html(p: Participant) -> str:
    return (
        f'<li class="person {token(p.role)}"><span class="role">{escape(p.role)}</span> '
        f"<b>{escape(who(p.name, p.email))}</b> "
        f'<span class="muted">{p.messages} msg · {escape(p.why)}</span></li>'
    )


def header_html(s: Summary) -> str:
    acks = [
        f'<li><span class="tag ok">{escape(kind)}</span> {escape(person)}'
        + (f" ×{len(cites)}" if len(cites) > 1 else "")
        + f' <span class="muted">v{v.version}</span> {" ".join(map(cite_html, cites))}</li>'
        for v in s.version_info for kind, person, cites in approval_groups(v.approvals)
    ]
    approvals = f'<ul class="acks">{"".join(acks)}</ul>' if acks else (
        '<p class="muted">No approvals in this thread.</p>')
    return (
        f"<header><h1>{escape(s.title)}</h1><p class=\"facts\">{escape(header_facts(s))}</p>"
        f'<p class="muted">Thread <code>{escape(s.thread_id)}</code></p>'
        f'<div class="cols"><div><h3>People</h3><ul class="people">'
        f'{"".join(person_html(p) for p in s.participants)}</ul></div>'
        f"<div><h3>Approvals</h3>{approvals}</div></div></header>"
    )


def highlight(text: str, items: Sequence[tuple[int, str]]) -> str:
    """Escaped ``text`` with each objection sentence found in it marked and linked."""
    spans = []
    for num, sentence in items:
        words = sentence.split()
        found = re.search(r"\s+".join(map(re.escape, words)), text) if words else None
        if found:
            spans.append((found.start(), found.end(), num))
    out, pos = [], 0
    for start, end, num in sorted(spans):
        if start >= pos:  # overlapping sentences: the first one wins
            out += [escape(text[pos:start]), f'<mark><a href="#obj-{num}">#{num}</a> '
                    f"{escape(text[start:end])}</mark>"]
            pos = end
    return "".join(out) + escape(text[pos:])


def segment_html(msg: Message, items: Sequence[tuple[int, str]] = ()) -> str:
    out = []
    for seg in msg.segments:
        if seg.kind in ("footer",):
            continue
        who_ = f'<span class="speaker">{escape(seg.speaker)}</span>' if seg.speaker and (
            seg.depth or seg.kind == "quote") else ""
        cls = f"seg {token(seg.kind)} d{min(seg.depth, 4)}"
        if seg.kind == "diff":  # shown in full under Patches; folded here
            lines = seg.text.count("\n") + 1
            out.append(f'<details class="{cls}"><summary>{who_}diff, {lines} lines</summary>'
                       f"<pre>{escape(seg.text)}</pre></details>")
            continue
        body = highlight(seg.text, items) if seg.kind in ("text", "quote") else escape(seg.text)
        out.append(f'<div class="{cls}">{who_}<pre>{body}</pre></div>')
    return "".join(out)


def timeline_html(analysis: ThreadAnalysis, s: Summary) -> str:
    """The thread as a timeline (thread order), each message expandable to its body."""
    by_id = {m.msgid: m for m in analysis.messages}
    counts: dict[str, list[tuple[int, str]]] = {}
    for d in s.debate:
        counts.setdefault(d.cite.msgid, []).append((d.number, d.sentence))
    roles = {p.name or p.email: p.role for p in s.participants}
    parent = {n.msgid: n.parent for n in analysis.thread.nodes}
    items = []
    for node in analysis.thread.nodes:
        depth = min(_depth(parent, node.msgid), 6)
        if node.ghost or node.msgid not in by_id:
            items.append(f'<li class="tl ghost" style="--d:{depth}"><span class="muted">'
                         f"not archived: {escape(node.msgid)}</span></li>")
            continue
        items.append(timeline_item(by_id[node.msgid], depth, counts, roles))
    placed = set(parent)
    items += [timeline_item(m, 0, counts, roles) for m in analysis.messages
              if m.msgid not in placed]  # not in the thread tree: still shown, never dropped
    return f'<ol class="timeline">{"".join(items)}</ol>'


def timeline_item(
    m: Message, depth: int, counts: Mapping[str, list[tuple[int, str]]], roles: Mapping[str, str]
) -> str:
    n = len(counts.get(m.msgid, []))
    badge = f'<span class="count">{n} objection{"s" if n != 1 else ""}</span>' if n else ""
    role = roles.get(m.author.display, "participant")
    url = href(m.provenance.url)
    link = f' <a class="ext" href="{escape(url)}" rel="noreferrer">archive</a>' if url else ""
    defects = "".join(f'<li>{escape(d)}</li>' for d in m.defects)
    return (
        f'<li class="tl {token(role)}" id="{msg_anchor(m.msgid)}" style="--d:{depth}"><details>'
        f'<summary><span class="date">{day(m.date)}</span> '
        f'<b>{escape(m.author.display)}</b> {badge}<br><span class="subj">'
        f"{escape(m.subject.raw)}</span></summary>"
        f'<div class="msg"><p class="muted"><code>{escape(m.msgid)}</code>{link}</p>'
        f'{f"<ul class=defects>{defects}</ul>" if defects else ""}'
        f"{segment_html(m, counts.get(m.msgid, []))}</div>"
        f"</details></li>"
    )


def _depth(parent: Mapping[str, str | None], msgid: str) -> int:
    depth, up = 0, parent.get(msgid)
    while up is not None and depth < 50:  # bounded: a defective tree may hold a cycle
        depth, up = depth + 1, parent.get(up)
    return depth


def debate_html(items: Sequence[DebateItem], alias: dict[str, str]) -> str:
    if not items:
        return '<p class="muted">No objections found in this thread.</p>'
    cats = sorted({c for d in items for c in d.categories})
    buttons = "".join(f'<button type="button" class="chip {token(c)}" data-cat="{token(c)}">'
                      f"{escape(c)}</button>" for c in cats)
    cards = "".join(card_html(d, alias) for d in items)
    return (f'<div class="filters"><button type="button" class="chip all on" data-cat="">all'
            f"</button>{buttons}</div><div class=\"cards\">{cards}</div>")


def card_html(d: DebateItem, alias: dict[str, str]) -> str:
    chips = "".join(f'<span class="chip {token(c)}">{escape(c)}</span>' for c in d.categories)
    code = "".join(
        f'<li><a href="#{alias.get(r.hunk, anchor(r.hunk))}"><code>{escape(code_place(r))}'
        f"</code></a> <span class=\"muted\">{escape(r.header)}</span></li>" if r.hunk else
        f"<li><code>{escape(r.function or '?')}()</code> "
        '<span class="muted">(not in the patch)</span></li>'
        for r in d.code
    )
    locks = "".join(f"<code class=\"lock\">{escape(lk)}</code>" for lk in d.locks)
    locks = f'<p class="locks">locks: {locks}</p>' if locks else ""
    o = d.outcome
    reply = (f"<p class=\"reply\"><b>{escape(o.replier or '')}</b>: “{escape(o.reply)}” "
             f"{cite_html(o.reply_cite)}</p>" if o.reply else "")
    changed = {True: "changed", False: "unchanged", None: "unknown"}[o.code_changed]
    detail = f'<p class="muted">{escape(o.detail)}</p>' if o.detail else ""
    return (
        f'<article class="card {token(d.stance)}" id="obj-{d.number}" '
        f'data-cats="{" ".join(token(c) for c in d.categories)}"><div class="cardhead">'
        f'<span class="num">#{d.number}</span><span class="stance">{escape(d.stance)}</span>'
        f"{chips}"
        f'<span class="who">{escape(d.speaker or "unknown")} <span class="role">{d.role}'
        f'</span>{" · quoted" if d.quoted else ""}</span></div>'
        f"<blockquote>{escape(d.sentence)}</blockquote>{locks}"
        f'{f"<ul class=code>{code}</ul>" if code else ""}'
        f'<div class="outcome {changed}">{reply}{detail}</div>'
        f'<div class="src">{cite_html(d.cite)}</div></article>'
    )


def locks_html(s: Summary) -> str:
    rows = "".join(
        f"<tr><td><code>{escape(place(fl.file, None))}</code></td><td><code>"
        f"{escape(fl.function or '(file scope)')}</code></td><td>{escape(c.sign)}"
        f'{escape(c.kind)}</td><td><code>{escape(c.lock)}</code></td><td><code>'
        f"{escape(c.primitive)}</code></td><td>{escape(c.detail)}</td>"
        f"<td>{cite_html(c.cite)}</td></tr>"
        for fl in s.functions for c in fl.changes
    )
    if not rows:
        return '<p class="muted">No lock changes in posted patches.</p>'
    return ('<div class="scroll"><table class="grid"><tr><th>file</th><th>function</th>'
            "<th>change</th><th>lock</th><th>primitive</th><th>detail</th><th>source</th></tr>"
            f"{rows}</table></div>")


def graph_html(s: Summary) -> str:
    if not s.edges:
        return '<p class="muted">No lock-order edges.</p>'
    rows = "".join(
        f'<li class="{"inv" if e.inversion else ""}">{escape(edge_text(e))}'
        f'{f" — <q>{escape(e.evidence)}</q>" if e.evidence else ""} {cite_html(e.cite)}</li>'
        for e in s.edges
    )
    legend = ('<p class="legend"><span class="l code">code</span><span class="l prose">prose'
              '</span><span class="l trylock">trylock</span><span class="l inversion">'
              "inversion</span></p>")
    graph = f'<div class="graph">{lock_graph_svg(s.edges)}</div>'
    return f'{graph}{legend}<ul class="edges">{rows}</ul>'


def render_html(analysis: ThreadAnalysis, s: Summary) -> str:
    """The whole page."""
    script = asset("page.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
           f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")
    _, alias = shown_patches(analysis)
    body = (
        f"{header_html(s)}<div class=\"layout\"><nav><h2>Thread</h2>"
        f"{timeline_html(analysis, s)}</nav><main>"
        f'<section id="order"><h2>Lock order</h2>{graph_html(s)}</section>'
        f'<section id="debate"><h2>Debate</h2>{debate_html(s.debate, alias)}</section>'
        f'<section id="locks"><h2>Lock changes</h2>{locks_html(s)}</section>'
        f'<section id="patches"><h2>Patches</h2>{patches_html(analysis, s.debate)}</section>'
        f"</main></div>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(s.title)} — threadscan</title><style>{asset('page.css')}</style>"
        f"</head><body>{body}<script>{script}</script></body></html>\n"
    )
