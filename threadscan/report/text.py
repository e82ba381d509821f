"""Plain-text review summary (fits ``width`` columns, 100 by default).

Claims end in ``[n]``; the numbered sources (message id + archive URL) close the report.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from threadscan.model import UNKNOWN_FILE
from threadscan.report.summary import (
    ApprovalItem,
    Citation,
    CodeRef,
    DebateItem,
    EdgeItem,
    Participant,
    Summary,
    VersionInfo,
)

CODE = "\x00"  # marks a code line: cut to width, never wrapped
_RANGE = re.compile(r"@@[^@]*@@")  # a hunk header's line ranges


@dataclass
class Footnotes:
    """Numbers citations in order of first use; local to one render call."""

    numbers: dict[Citation, int] = field(default_factory=dict)

    def ref(self, *cites: Citation | None) -> str:
        nums = []
        for cite in cites:
            if cite is not None:
                nums.append(self.numbers.setdefault(cite, len(self.numbers) + 1))
        return "".join(f"[{n}]" for n in dict.fromkeys(nums))

    def listing(self) -> list[tuple[int, Citation]]:
        return [(n, c) for c, n in self.numbers.items()]


def day(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "?"


def who(name: str, email: str) -> str:
    if name and email:
        return f"{name} <{email}>"
    return name or email or "(unknown)"


def span(first: dt.datetime | None, last: dt.datetime | None) -> str:
    if first is None:
        return "dates unknown"
    return day(first) if day(first) == day(last) else f"{day(first)} .. {day(last)}"


def header_facts(s: Summary) -> str:
    versions = ", ".join(f"v{v}" for v in s.versions) or "none"
    ghosts = f" (+{s.ghosts} referenced, not archived)" if s.ghosts else ""
    return (
        f"Series: {s.series or '(none)'} | versions {versions} | "
        f"{s.message_count} message{'' if s.message_count == 1 else 's'}{ghosts} | "
        f"{span(s.first, s.last)}"
    )


def participant_line(p: Participant, notes: Footnotes) -> str:
    count = f"{p.messages} msg" + ("s" if p.messages != 1 else "")
    when = f" ({span(p.first, p.last)})" if p.first else ""
    return (f"{p.role:<11} {who(p.name, p.email)} — {count}{when}, {p.why} "
            f"{notes.ref(*p.cites[:3])}")


def approval_groups(approvals: Sequence[ApprovalItem]
                    ) -> list[tuple[str, str, tuple[Citation, ...]]]:
    """(kind, person, citations) per kind and person, in first-seen order: one reviewer's
    Reviewed-by on nine patches of a series is one entry."""
    groups: dict[tuple[str, str], list[Citation]] = {}
    for a in approvals:
        groups.setdefault((a.kind, a.person), []).append(a.cite)
    return [(kind, person, tuple(cites)) for (kind, person), cites in groups.items()]


def approvals_text(approvals: Sequence[ApprovalItem], notes: Footnotes,
                   person: Callable[[str], str] = str) -> str:
    """"Reviewed-by Nilay Shroff ×9 [4][5][6]; ..." (the first three citations)."""
    return "; ".join(
        f"{kind} {person(who)}" + (f" ×{len(cites)}" if len(cites) > 1 else "")
        + f" {notes.ref(*cites[:3])}" for kind, who, cites in approval_groups(approvals))


def version_line(v: VersionInfo, notes: Footnotes) -> str:
    acks = approvals_text(v.approvals, notes)
    quoted = f" (+{v.quoted_patches} quoted in replies)" if v.quoted_patches else ""
    return (
        f"v{v.version}: {v.patches} posted patch(es){quoted}, {v.messages} message(s), "
        f"first {day(v.first)} "
        f"{notes.ref(*v.cites[:3])}" + (f"; approvals: {acks}" if acks else "; no approvals")
    )


def edge_line(e: EdgeItem, notes: Footnotes) -> str:
    return f"{edge_text(e)} {notes.ref(e.cite)}"


def edge_text(e: EdgeItem) -> str:
    marks = [e.origin, e.change]
    marks += ["trylock"] if e.trylock else []
    marks += ["INVERSION"] if e.inversion else []
    where = f" in {e.function}()" if e.function else ""
    return f"{e.outer} -> {e.inner} ({', '.join(marks)}){where}"


def shown_before(items: Sequence[DebateItem]) -> dict[tuple[int, str], int]:
    """(objection number, hunk) -> the number of the first objection about that hunk, for
    each later one: a summary shows a hunk's changed lines once and refers back to them."""
    first: dict[str, int] = {}
    out = {}
    for d in items:
        for ref in d.code:
            if ref.hunk is None:
                continue
            seen = first.setdefault(ref.hunk, d.number)
            if seen != d.number:
                out[(d.number, ref.hunk)] = seen
    return out


def code_place(ref: CodeRef) -> str:
    """Where a hunk is: its file, and the function it is named by when it has one."""
    return place(ref.file, ref.function)


def place(file: str | None, function: str | None, scope: str = "") -> str:
    """"file: function()" (``scope`` without a function: "(file scope)"); a quoted hunk
    without its file header is named by its function alone."""
    if file in (None, "", UNKNOWN_FILE):
        return f"{function}() (file not quoted)" if function else "(file not quoted)"
    return f"{file}: {function}()" if function else f"{file}{': ' + scope if scope else ''}"


def code_lines(ref: CodeRef, earlier: int | None = None) -> list[str]:
    """The code an objection is about; ``earlier``: the objection whose entry already shows
    this hunk's changed lines."""
    if ref.hunk is None:
        return [f"code: {ref.function or '?'}() (not in the patch)"]
    where = code_place(ref)
    if earlier is not None:
        at = _RANGE.match(ref.header)  # which of the function's hunks
        return [f"code: {where}{' ' + at.group() if at else ''} (shown under #{earlier})"]
    out = [f"code: {where}", *([f"{CODE}  {ref.header}"] if ref.header else [])]
    out += [f"{CODE}    {ln}" for ln in ref.lines]
    out += [f"    ... {ref.omitted} more changed line(s)"] if ref.omitted else []
    return out


def debate_lines(d: DebateItem, notes: Footnotes, width: int,
                 shown: Mapping[tuple[int, str], int]) -> list[str]:
    cats = ", ".join(d.categories)
    quoted = " (quoted)" if d.quoted else ""
    head = f"#{d.number} {d.stance} [{cats}] by {d.speaker or 'unknown'} ({d.role}){quoted}"
    body = textwrap.wrap(f'"{d.sentence}" {notes.ref(d.cite)}', width - 6)
    out = [head, *("    " + ln for ln in body)]
    for ref in d.code:
        earlier = shown.get((d.number, ref.hunk or ""))
        out += [_indent(ln, "    ") for ln in code_lines(ref, earlier)]
    if d.locks:
        out.append(f"    locks: {', '.join(d.locks)}")
    o = d.outcome
    reply = f'{o.replier} replied: "{o.reply}" {notes.ref(o.reply_cite)}' if o.reply else ""
    said = "; ".join(x for x in (reply, o.detail) if x)
    out += textwrap.wrap(f"outcome: {said}", width - 2,
                         initial_indent="    ", subsequent_indent="      ")
    return out


def section(title: str, lines: list[str], empty: str) -> list[str]:
    return ["", title.upper(), *([_indent(ln, "  ") for ln in lines] or [f"  ({empty})"])]


def render_text(s: Summary, *, width: int = 100) -> str:
    """The summary as plain text lines of at most ``width`` columns (code lines cut)."""
    notes = Footnotes()
    out = [f"THREAD {s.title}", header_facts(s), f"Thread id: {s.thread_id}"]
    out += section("Participants", [participant_line(p, notes) for p in s.participants], "none")
    out += section("Versions", [version_line(v, notes) for v in s.version_info], "none")
    changes = []
    for fl in s.functions:
        changes.append(place(fl.file, fl.function, "(file scope)"))
        changes += [
            f"  {c.sign}{c.kind:<18} {c.lock} via {c.primitive}"
            + (f" — {c.detail}" if c.detail else "") + f" {notes.ref(c.cite)}"
            for c in fl.changes
        ]
    out += section("Lock changes", changes, "no lock changes in posted patches")
    out += section("Lock order", [edge_line(e, notes) for e in s.edges], "no order edges")
    shown = shown_before(s.debate)
    debate = [ln for d in s.debate for ln in [*debate_lines(d, notes, width, shown), ""]]
    out += section("Debate", debate[:-1], "no objections found")
    out += section("Sources", [f"[{n}] {c.msgid} {c.url or ''}".rstrip()
                               for n, c in notes.listing()], "none")
    return "\n".join(part for line in out for part in fit(line, width)) + "\n"


def _indent(line: str, pad: str) -> str:
    return CODE + pad + line[1:] if line.startswith(CODE) else pad + line


def fit(line: str, width: int) -> list[str]:
    """Wrap a prose line (continuations indented 2 more); cut a code line; never break
    a source line's URL."""
    if line.startswith(CODE):
        code = line[1:].expandtabs(8).rstrip()
        return [code if len(code) <= width else code[: width - 1] + "…"]
    line = line.rstrip()
    if len(line) <= width or (line.lstrip().startswith("[") and "://" in line):
        return [line]
    lead = " " * (len(line) - len(line.lstrip()))
    return textwrap.wrap(line, width, subsequent_indent=lead + "  ", break_long_words=False,
                         break_on_hyphens=False) or [line]
