"""The review summary of one thread: who, which versions, what locks changed, the debate.

``build_summary(analysis)`` is pure: it reads a ``ThreadAnalysis`` (and optionally the
analyses of later versions of the same series) and returns a frozen ``Summary``. Every
claim in it carries a ``Citation`` (message id + archive URL when known).
``render_summary(analysis, fmt)`` turns it into text, Markdown, JSON or one HTML page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from threadscan.errors import UsageError
from threadscan.model import Category, Stance, ThreadAnalysis

Format = Literal["text", "md", "json", "html"]
FORMATS: tuple[Format, ...] = ("text", "md", "json", "html")
ALIASES = {"txt": "text", "markdown": "md"}
RoleName = Literal["author", "maintainer", "reviewer", "participant"]


@dataclass(frozen=True)
class Citation:
    """Where a claim comes from: the message, and its archive URL when known."""

    msgid: str
    url: str | None = None


@dataclass(frozen=True)
class Participant:
    name: str
    email: str
    role: RoleName
    why: str  # "posted the patch", "Reviewed-by trailer", "applied the patch", "wrote replies"
    messages: int
    first: dt.datetime | None
    last: dt.datetime | None
    cites: tuple[Citation, ...]


@dataclass(frozen=True)
class ApprovalItem:
    person: str
    kind: str
    text: str
    cite: Citation


@dataclass(frozen=True)
class VersionInfo:
    version: int  # an unversioned "[PATCH]" is v1
    messages: int
    patches: int  # posted (not quoted) patches
    quoted_patches: int  # patches seen only quoted in replies
    first: dt.datetime | None
    approvals: tuple[ApprovalItem, ...]
    cites: tuple[Citation, ...]


@dataclass(frozen=True)
class ChangeItem:
    kind: str
    lock: str
    primitive: str
    sign: str
    role: str
    detail: str
    hunks: tuple[str, ...]
    cite: Citation


@dataclass(frozen=True)
class FunctionLocks:
    file: str
    function: str | None
    changes: tuple[ChangeItem, ...]


@dataclass(frozen=True)
class EdgeItem:
    outer: str
    inner: str
    origin: str  # code | prose
    change: str  # added | removed | kept | stated
    trylock: bool
    inversion: bool  # the reverse edge is present too
    function: str | None
    evidence: str
    cite: Citation


@dataclass(frozen=True)
class CodeRef:
    """The code an objection is about: a hunk (with its changed lines) or a function."""

    file: str | None
    function: str | None
    hunk: str | None
    header: str  # "@@ -114,15 +114,20 @@ p2m_pod_cache_add"
    lines: tuple[str, ...]  # changed lines, with their +/- sign
    omitted: int  # changed lines not shown


@dataclass(frozen=True)
class Outcome:
    reply: str | None  # first sentence of the patch author's next reply
    replier: str | None
    reply_cite: Citation | None
    code_changed: bool | None  # None: no later version given or no code linked
    detail: str


@dataclass(frozen=True)
class DebateItem:
    number: int
    speaker: str | None
    role: RoleName
    stance: Stance
    categories: tuple[Category, ...]
    sentence: str
    quoted: bool
    locks: tuple[str, ...]
    functions: tuple[str, ...]
    code: tuple[CodeRef, ...]
    outcome: Outcome
    cite: Citation


@dataclass(frozen=True)
class Summary:
    thread_id: str
    subject: str
    series: str | None
    versions: tuple[int, ...]
    first: dt.datetime | None
    last: dt.datetime | None
    message_count: int
    ghosts: int
    participants: tuple[Participant, ...]
    version_info: tuple[VersionInfo, ...]
    functions: tuple[FunctionLocks, ...]
    edges: tuple[EdgeItem, ...]
    debate: tuple[DebateItem, ...]

    @property
    def title(self) -> str:
        """The subject as shown: a page that gave none (Google Groups text) says so."""
        return self.subject or NO_SUBJECT


NO_SUBJECT = "(no subject)"


def build_summary(
    analysis: ThreadAnalysis, *, later_versions: Sequence[ThreadAnalysis] = ()
) -> Summary:
    """The review summary of ``analysis``; ``later_versions`` decide debate outcomes."""
    from threadscan.report import debate, people

    ctx = people.Context.of(analysis)
    dates = [m.date for m in analysis.messages if m.date is not None]
    parts = people.participants(ctx)
    return Summary(
        thread_id=analysis.thread.id,
        subject=analysis.thread.subject,
        series=people.series_name(analysis),
        versions=people.versions_seen(analysis, later_versions),
        first=min(dates, default=None),
        last=max(dates, default=None),
        message_count=len(analysis.messages),
        ghosts=len(analysis.thread.ghosts),
        participants=parts,
        version_info=people.version_info(ctx),
        functions=debate.function_locks(ctx),
        edges=debate.edge_items(ctx),
        debate=debate.debate_items(ctx, parts, later_versions),
    )


def thread_version(analysis: ThreadAnalysis) -> int:
    """The series version a thread discusses: the highest ``vN`` of its mails (v1 if none)."""
    return max((m.subject.version or 1 for m in analysis.messages), default=1)


def pick_later_versions(
    analysis: ThreadAnalysis, candidates: Sequence[ThreadAnalysis]
) -> tuple[ThreadAnalysis, ...]:
    """The candidates that are later versions of the same series, oldest first.

    Same series = same cover-letter/series subject (case and spacing ignored)."""
    from threadscan.report.people import series_name

    def key(a: ThreadAnalysis) -> str:
        return " ".join((series_name(a) or a.thread.subject).lower().split())

    mine, version = key(analysis), thread_version(analysis)
    later = [c for c in candidates if c.thread.id != analysis.thread.id
             and key(c) == mine and thread_version(c) > version]
    return tuple(sorted(later, key=thread_version))


def render_summary(analysis: ThreadAnalysis, fmt: str = "text", **kw: Any) -> str:
    """Render the review summary as ``text`` (100 cols), ``md``, ``json`` or ``html``.

    Keyword ``later_versions`` (a sequence of ``ThreadAnalysis``) is passed to
    ``build_summary``; ``width`` sets the text width.
    """
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        raise UsageError(f"unknown summary format {fmt!r}; use one of {', '.join(FORMATS)}")
    summary = build_summary(analysis, later_versions=kw.get("later_versions", ()))
    if fmt == "text":
        from threadscan.report.text import render_text

        return render_text(summary, width=int(kw.get("width", 100)))
    if fmt == "md":
        from threadscan.report.markdown import render_markdown

        return render_markdown(summary)
    if fmt == "json":
        import json

        from threadscan.report.jsondoc import summary_document

        return json.dumps(summary_document(summary), indent=2, ensure_ascii=False) + "\n"
    from threadscan.report.html import render_html

    return render_html(analysis, summary)
