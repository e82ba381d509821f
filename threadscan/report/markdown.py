"""Markdown review summary: tables for people and versions, a section per objection.

Mail text is untrusted: Markdown/HTML metacharacters in it are escaped so a subject like
``<script>`` or ``](javascript:...)`` renders as text. Sources are numbered footnote links.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from threadscan.report.summary import DebateItem, EdgeItem, Summary
from threadscan.report.text import (
    Footnotes,
    approvals_text,
    code_place,
    day,
    header_facts,
    place,
    shown_before,
    who,
)

MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")


def esc(text: str) -> str:
    """Escape Markdown and inline-HTML metacharacters; newlines become spaces."""
    return MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code_span(text: str) -> str:
    """Inline code that cannot be broken out of (backticks and newlines removed)."""
    return "`" + text.replace("`", "'").replace("\n", " ") + "`"


def link(url: str | None) -> str:
    """An autolink for plain http(s) URLs only; anything else is shown as code."""
    if not url:
        return ""
    if re.fullmatch(r"https?://[^\s<>`]+", url):
        return f"<{url}>"
    return code_span(url)


def fence(lines: list[str]) -> list[str]:
    longest = max((len(m) for ln in lines for m in re.findall(r"`+|~+", ln)), default=0)
    mark = "`" * max(3, longest + 1)
    return [f"{mark}diff", *lines, mark]


def debate_md(d: DebateItem, notes: Footnotes, shown: Mapping[tuple[int, str], int]
              ) -> list[str]:
    cats = esc(", ".join(d.categories))
    quoted = " · quoted" if d.quoted else ""
    out = [
        f"### {d.number}. {esc(d.stance)} — {cats}",
        "",
        f"**{esc(d.speaker or 'unknown')}** ({d.role}){quoted} {notes.ref(d.cite)}",
        "",
        f"> {esc(d.sentence)}",
        "",
    ]
    for ref in d.code:
        if ref.hunk is None:
            out += [f"Code: {code_span((ref.function or '?') + '()')} (not in the patch)", ""]
            continue
        header = f" {code_span(ref.header)}" if ref.header else ""
        out += [f"Code: {code_span(code_place(ref))}{header}"]
        earlier = shown.get((d.number, ref.hunk))
        if earlier is not None:
            out[-1] += f" — its changed lines are shown under objection {earlier}"
        elif ref.lines:
            extra = [f"# ... {ref.omitted} more changed line(s)"] if ref.omitted else []
            out += ["", *fence([*ref.lines, *extra])]
        out.append("")
    if d.locks:
        out += ["Locks: " + ", ".join(code_span(lk) for lk in d.locks), ""]
    o = d.outcome
    if o.reply:
        out.append(f"Outcome: {esc(o.replier or '')} replied: “{esc(o.reply)}” "
                   f"{notes.ref(o.reply_cite)}" + (f"; {esc(o.detail)}" if o.detail else ""))
    else:
        out.append(f"Outcome: {esc(o.detail)}")
    return [*out, ""]


def edge_md(e: EdgeItem, notes: Footnotes) -> str:
    marks = [e.origin, e.change, *(["trylock"] if e.trylock else [])]
    marks += ["**inversion**"] if e.inversion else []
    where = f" in {code_span(e.function + '()')}" if e.function else ""
    return (f"- {code_span(e.outer)} → {code_span(e.inner)} ({', '.join(marks)}){where} "
            f"{notes.ref(e.cite)}")


def render_markdown(s: Summary) -> str:
    notes = Footnotes()
    out = [f"# {esc(s.title)}", "", esc(header_facts(s)), "",
           f"Thread id: {code_span(s.thread_id)}", "", "## Participants", ""]
    out += ["| role | person | messages | why | sources |", "|---|---|---|---|---|"]
    out += [
        f"| {p.role} | {esc(who(p.name, p.email))} | {p.messages} | {esc(p.why)} "
        f"| {notes.ref(*p.cites[:3])} |"
        for p in s.participants
    ]
    out += ["", "## Versions", "",
            "| version | posted patches | quoted patches | messages | first | approvals |",
            "|---|---|---|---|---|---|"]
    for v in s.version_info:
        acks = approvals_text(v.approvals, notes, esc)
        out.append(f"| v{v.version} {notes.ref(*v.cites[:3])} | {v.patches} "
                   f"| {v.quoted_patches} | {v.messages} "
                   f"| {day(v.first)} | {acks or '—'} |")
    out += ["", "## Lock changes", ""]
    for fl in s.functions:
        scope = "" if fl.function else " (file scope)"
        out.append(f"- {code_span(place(fl.file, fl.function))}{scope}")
        out += [
            f"  - {c.kind}: {code_span(c.lock)} via {code_span(c.primitive)}"
            + (f" — {esc(c.detail)}" if c.detail else "") + f" {notes.ref(c.cite)}"
            for c in fl.changes
        ]
    out += [] if s.functions else ["No lock changes in posted patches."]
    out += ["", "## Lock order", ""]
    out += [edge_md(e, notes) for e in s.edges] or ["No order edges."]
    out += ["", "## Debate", ""]
    shown = shown_before(s.debate)
    debate = [ln for d in s.debate for ln in debate_md(d, notes, shown)]
    out += debate or ["No objections found.", ""]
    out += ["## Sources", ""]
    out += [f"{n}. {code_span(c.msgid)} {link(c.url)}".rstrip() for n, c in notes.listing()]
    return "\n".join(out).rstrip() + "\n"
