"""Who took part in a thread and in which role; which versions and approvals were seen.

Roles: ``author`` posted the patch (or wrote a quoted diff); ``maintainer`` applied or
queued it, or signed it off as the committer; ``reviewer`` gave a Reviewed-by/Acked-by
(or raised objections); everyone else is a ``participant``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from threadscan.mail.attribution import fold_name
from threadscan.mail.headers import parse_person
from threadscan.model import Message, Person, ThreadAnalysis
from threadscan.report.summary import (
    ApprovalItem,
    Citation,
    Participant,
    RoleName,
    VersionInfo,
)

APPLIED = re.compile(  # a line's first word; a lower-case one only where a paragraph starts
    r"^[ \t]*(?:Applied|Queued|Pushed|Picked up|Merged)\b"
    r"|(?:\A|\n[ \t]*\n)[ \t]*(?i:applied|queued|pushed|picked up|merged)\b"
    r"|\b(?i:i've|i have|i) (?i:applied|queued|pushed|picked up)\b",
    re.MULTILINE,
)
REVIEW_KINDS = ("Reviewed-by", "Acked-by", "looks-good")
ROLE_RANK: dict[RoleName, int] = {"author": 0, "maintainer": 1, "reviewer": 2, "participant": 3}


def person_key(name: str, email: str) -> str:
    """A stable key for a person: the e-mail when fully known, else the name."""
    return email.lower() if email and "xxx" not in email and "..." not in email else name.lower()


def same_person(speaker: str, person: Person) -> bool:
    """Does a free-text speaker name (``"George Dunlap"``, an address) denote ``person``?"""
    said = fold_name(speaker)
    if not said:
        return False
    if person.email and said in (person.email.lower(), f"<{person.email.lower()}>"):
        return True
    name = fold_name(person.name)
    return bool(name) and (said == name or said.split()[0] == name.split()[0] == said)


@dataclass(frozen=True)
class Context:
    """Indexes over one analysis that every summary part needs."""

    analysis: ThreadAnalysis
    by_id: dict[str, Message]
    order: dict[str, int]
    parent: dict[str, str | None]
    authors: tuple[Person, ...]

    @classmethod
    def of(cls, analysis: ThreadAnalysis) -> Context:
        by_id = {m.msgid: m for m in analysis.messages}
        order = {n.msgid: i for i, n in enumerate(analysis.thread.nodes)}
        for msg in analysis.messages:
            order.setdefault(msg.msgid, len(order))
        parent = {n.msgid: n.parent for n in analysis.thread.nodes}
        return cls(analysis, by_id, order, parent, patch_authors(analysis, by_id))

    def cite(self, msgid: str) -> Citation:
        msg = self.by_id.get(msgid)
        return Citation(msgid, msg.provenance.url if msg else None)

    def is_author(self, speaker: str | None) -> bool:
        return speaker is not None and any(same_person(speaker, p) for p in self.authors)

    def messages_in_order(self) -> list[Message]:
        return sorted(self.analysis.messages, key=lambda m: self.order.get(m.msgid, 0))


def patch_authors(analysis: ThreadAnalysis, by_id: dict[str, Message]) -> tuple[Person, ...]:
    """Who wrote the patch: posters of patches in non-reply ``[PATCH]`` mails, else posters
    of any diff (a fix sent as a reply), else speakers of quoted diffs, else the poster of
    a root ``[PATCH]``, else (patch not archived) the person quoted by the first reply, else
    the poster the tagger infers (``_missing_posters``)."""
    posted = [by_id[p.msgid] for p in analysis.patches if not p.quoted and p.msgid in by_id]
    found = _unique([m.author for m in posted if not m.subject.is_reply]) or _unique(
        [m.author for m in posted])
    if not found:
        speakers = [s.speaker for m in analysis.messages for s in m.segments
                    if s.kind == "diff" and s.depth > 0 and s.speaker]
        found = _unique([Person(sp, "") for sp in speakers if sp])
    root = by_id.get(analysis.thread.id)
    if not found and root is not None and root.subject.prefixes:
        if not root.subject.is_reply:
            return (root.author,)
        quoted = [s.speaker for s in root.segments if s.kind == "quote" and s.depth == 1]
        if quoted and quoted[0] and not same_person(quoted[0], root.author):
            return (Person(quoted[0], ""),)
    return tuple(found or _missing_posters(analysis))


def _missing_posters(analysis: ThreadAnalysis) -> list[Person]:
    """(The posting not archived, nor its root) whom the tagger takes for the poster: the
    address git wrote into the root's Message-ID, the person a reply to it quotes first."""
    from threadscan.nlp.tag import missing_posters

    names = missing_posters(analysis.messages)
    return _unique([m.author for m in analysis.messages if m.author.display in names]
                   or [Person(n, "") for n in sorted(names)])


def _unique(people: Iterable[Person]) -> list[Person]:
    out: list[Person] = []
    for person in people:
        if not any(person == p or same_person(person.name, p) for p in out):
            out.append(person)
    return out


def series_name(analysis: ThreadAnalysis) -> str | None:
    """The clean subject of a ``[PATCH]`` root (the cover letter), else the series of
    the patches, else the clean subject of any ``[PATCH ...]`` message."""
    root = next((m for m in analysis.messages if m.msgid == analysis.thread.id), None)
    if root is not None and "PATCH" in (x.upper() for x in root.subject.prefixes):
        return root.subject.clean
    ordered = sorted(analysis.patches, key=lambda p: p.quoted)
    found = next((p.series for p in ordered if p.series), None)
    return found or next((m.subject.clean for m in analysis.messages
                          if "PATCH" in (x.upper() for x in m.subject.prefixes)), None)


def versions_seen(
    analysis: ThreadAnalysis, later_versions: Sequence[ThreadAnalysis] = ()
) -> tuple[int, ...]:
    seen = {m.subject.version or 1 for a in (analysis, *later_versions) for m in a.messages}
    return tuple(sorted(seen))


def version_info(ctx: Context) -> tuple[VersionInfo, ...]:
    """Per version: messages, posted patches, first date and approvals."""
    out = []
    for version in versions_seen(ctx.analysis):
        msgs = [m for m in ctx.messages_in_order() if (m.subject.version or 1) == version]
        ids = {m.msgid for m in msgs}
        patches = [p for p in ctx.analysis.patches if not p.quoted and p.msgid in ids]
        quoted = sum(1 for p in ctx.analysis.patches if p.quoted and p.msgid in ids)
        approvals = tuple(
            ApprovalItem(a.person, a.kind, a.text, ctx.cite(a.msgid))
            for a in ctx.analysis.approvals
            if a.msgid in ids
        )
        cited = [p.msgid for p in patches] or [m.msgid for m in msgs]
        dates = [m.date for m in msgs if m.date is not None]
        out.append(
            VersionInfo(
                version, len(msgs), len(patches), quoted, min(dates, default=None), approvals,
                tuple(ctx.cite(mid) for mid in dict.fromkeys(cited)),
            )
        )
    return tuple(out)


@dataclass
class _Acc:
    """Mutable accumulator, local to one ``participants`` call."""

    person: Person
    role: RoleName = "participant"
    why: str = "wrote replies"
    dates: tuple[dt.datetime, ...] = ()
    msgids: tuple[str, ...] = ()

    def promote(self, role: RoleName, why: str) -> None:
        if ROLE_RANK[role] < ROLE_RANK[self.role]:
            self.role, self.why = role, why


def participants(ctx: Context) -> tuple[Participant, ...]:
    """Everyone who wrote, was quoted with a diff, approved or objected, with a role."""
    accs: dict[str, _Acc] = {}
    for msg in ctx.messages_in_order():
        acc = _find(accs, msg.author)
        acc.msgids += (msg.msgid,)
        acc.dates += (msg.date,) if msg.date else ()
        if APPLIED.search(own_text(msg)):
            acc.promote("maintainer", "applied the patch")
    for person, msgid in committers(ctx):
        _find(accs, person).promote("maintainer", "signed off as committer")
        _find(accs, person).msgids += (msgid,)
    _add_reviewers(ctx, accs)
    posters = {p.msgid for p in ctx.analysis.patches if not p.quoted}
    unposted = "wrote the patch (" + (
        "seen quoted" if any(p.quoted for p in ctx.analysis.patches) else "not archived") + ")"
    for person in ctx.authors:
        posted = any(ctx.by_id[m].author == person for m in posters if m in ctx.by_id)
        _find(accs, person).promote("author", "posted the patch" if posted else unposted)
    return tuple(_finish(ctx, a) for a in sorted(accs.values(), key=_rank))


def _add_reviewers(ctx: Context, accs: dict[str, _Acc]) -> None:
    for appr in ctx.analysis.approvals:
        acc = _find(accs, parse_person(appr.person))
        acc.msgids += (appr.msgid,)
        if appr.kind in REVIEW_KINDS:
            acc.promote("reviewer", f"{appr.kind} given")
        elif acc.role == "participant" and not acc.dates:  # wrote nothing here: a tester
            acc.why = f"{appr.kind} given"
    for obj in ctx.analysis.objections:
        if obj.speaker and not ctx.is_author(obj.speaker):
            acc = _find(accs, Person(obj.speaker, ""))
            acc.msgids += (obj.msgid,)
            acc.promote("reviewer", "raised objections")


def _rank(acc: _Acc) -> tuple[int, dt.datetime, str]:
    first = min(acc.dates, default=dt.datetime.max.replace(tzinfo=dt.UTC))
    return ROLE_RANK[acc.role], first, acc.person.display.lower()


def _is(person: Person, other: Person) -> bool:
    """The same person: by e-mail, or by name either way."""
    return bool(
        (person.email and person.email == other.email)
        or (person.name and same_person(person.name, other))
        or (other.name and same_person(other.name, person))
    )


def _find(accs: dict[str, _Acc], person: Person) -> _Acc:
    """The accumulator for ``person``, matching by e-mail or by name; created if new."""
    for acc in accs.values():
        old = acc.person
        if _is(person, old):
            if not old.name and person.name:
                acc.person = Person(person.name, old.email, old.obfuscated)
            return acc
    key = person_key(person.name, person.email)
    accs[key] = _Acc(person)
    return accs[key]


def _finish(ctx: Context, acc: _Acc) -> Participant:
    msgids = tuple(dict.fromkeys(acc.msgids))
    own = [mid for mid in msgids if mid in ctx.by_id and _is(ctx.by_id[mid].author, acc.person)]
    return Participant(
        name=acc.person.name,
        email=acc.person.email,
        role=acc.role,
        why=acc.why,
        messages=len(own),
        first=min(acc.dates, default=None),
        last=max(acc.dates, default=None),
        cites=tuple(ctx.cite(mid) for mid in msgids),
    )


def own_text(msg: Message) -> str:
    """The author's own prose (depth-0 text segments)."""
    return "\n".join(s.text for s in msg.segments if s.kind == "text" and s.depth == 0)


def committers(ctx: Context) -> Iterable[tuple[Person, str]]:
    """The last Signed-off-by of each posted patch when it is not the poster."""
    posted = {p.msgid for p in ctx.analysis.patches if not p.quoted}
    for mid in sorted(posted, key=lambda m: ctx.order.get(m, 0)):
        msg = ctx.by_id.get(mid)
        if msg is None:
            continue
        signers = [
            line.split(":", 1)[1]
            for seg in msg.segments_of("trailer")
            if seg.depth == 0
            for line in seg.text.splitlines()
            if line.lower().startswith("signed-off-by:")
        ]
        if signers:
            last = parse_person(signers[-1])
            if last.email != msg.author.email and not same_person(last.name, msg.author):
                yield last, mid
