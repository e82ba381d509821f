"""public-inbox (lore.kernel.org) page text: a message page, or a thread page's messages.

A message page shows the mail's own header block ("From: Name <addr>", "To:", "Cc:" with
continuation lines, "Subject:", "Date: ... [thread overview]", "Message-ID: <id> (raw)",
"In-Reply-To:") above the body, and ends the body at "next prev parent reply other
threads:[~...]" (then the thread overview and reply instructions). A thread page (``/T/``)
shows every message of the thread as "* subject", "@ date ` name" (indented by depth),
"From: Name @ date UTC (permalink / raw)", and the body up to "^ permalink raw reply".
A thread page shows no Message-ID and no sender's address: ids are synthesized, each reply
is linked to the message above it at the depth of its parent, and a sender's address is
taken from the page's attributions and sign-offs when they name it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from threadscan.mail.page import HEADER_FIELD, PageHead, build_message
from threadscan.model import Message, Person, Provenance, Skip

__all__ = ["parse_lore"]

_STAMP = r"\d{4}-\d\d-\d\d\s+\d{1,2}:\d\d(?::\d\d)?"
_T_FROM = re.compile(
    rf"^From: (?P<name>.*?)[ \t]?@ (?P<date>{_STAMP}) UTC[ \t]*\(permalink / raw\)\s*$"
)
_T_AT = re.compile(rf"^@ {_STAMP}(?P<indent> +`)?")
_T_SUBJECT = re.compile(r"^\* (?P<subject>\S.*)$")
_T_END = re.compile(r"^\^ permalink raw reply\b|^end of thread, other threads:\[~")
_T_ADDRESS = re.compile(r"^\s+\S")  # "  To: ...", "  Cc: ...", tab-indented continuations
_PAGE_END = re.compile(
    r"^\s*(?:(?:next|prev|parent|reply)\s+)*other threads:\[~|^Thread overview: \d+\+? messages"
    r"|^Reply instructions:\s*$"
)
_LISTS = ("to", "cc")
_HEAD_SCAN = 60


@dataclass(frozen=True)
class _Block:
    """One message of a thread page: where its lines are, what its header said."""

    subject: str
    name: str
    stamp: str
    depth: int
    start: int  # first body line
    end: int  # line after the body


def parse_lore(text: str, provenance: Provenance, kind: str = "lore") -> list[Message | Skip]:
    """Every message of a lore page's text (or of another page that shows its mail's header
    block, ``kind`` "headers"); a Skip with the reason when none is found."""
    lines = text.split("\n")
    blocks = _thread_blocks(lines)
    if blocks:
        return list(_thread_messages(lines, blocks, provenance))
    found = _message_page(lines, provenance, kind)
    return [found or Skip(provenance, f"{kind} page text without a From: header block")]


# ---------------------------------------------------------------- message page


def _message_page(lines: Sequence[str], provenance: Provenance, kind: str) -> Message | None:
    """The header block (first "From:" line near the top), the body up to the page chrome."""
    start = next((i for i, ln in enumerate(lines[:_HEAD_SCAN]) if ln.startswith("From:")), None)
    if start is None:
        return None
    fields, body_start = _fields(lines, start)
    if "from" not in fields:
        return None
    body_start = _skip_blank(lines, body_start)
    end = next((i for i in range(body_start, len(lines)) if _PAGE_END.match(lines[i])), len(lines))
    head = _head(fields, body_start)
    from threadscan.mail.headers import parse_person

    return _build(head, parse_person(fields["from"]), lines[body_start:end], provenance, kind)


def _fields(lines: Sequence[str], start: int) -> tuple[dict[str, str], int]:
    """Header fields from ``start``; a To/Cc/References value may continue on the next lines
    (indented, or unindented address lists as some renderers print them)."""
    fields: dict[str, str] = {}
    key = ""
    i = start
    while i < len(lines):
        line = lines[i]
        m = HEADER_FIELD.match(line)
        if m and m.group("key").lower() not in fields:
            key = m.group("key").lower()
            fields[key] = m.group("value").strip()
        elif key and line.strip() and _continues(key, line):
            fields[key] = f"{fields[key]} {line.strip()}"
        else:
            break
        i += 1
    return fields, i


def _continues(key: str, line: str) -> bool:
    if key in _LISTS:
        return line[:1].isspace() or "@" in line or line.rstrip().endswith(",")
    if key == "references":
        return bool(re.fullmatch(r"\s*(?:<[^<>\s]+>\s*)+", line))
    return line[:1].isspace()


def _head(fields: dict[str, str], body_start: int) -> PageHead:
    from threadscan.mail.headers import normalize_msgid, parse_date_zone

    date_text = _without(fields.get("date", ""), "[thread overview]")
    when, zoned = parse_date_zone(date_text)
    return PageHead(
        subject=fields.get("subject", ""),
        date=when,
        date_text=date_text,
        zone_known=zoned,
        msgid=normalize_msgid(_without(fields.get("message-id", ""), "(raw)")),
        in_reply_to=normalize_msgid(fields.get("in-reply-to")) or None,
        body_start=body_start,
    )


def _without(value: str, link: str) -> str:
    """The value without the link text lore prints after it ("(raw)", "[thread overview]")."""
    value = value.rstrip()
    return value[: -len(link)].rstrip() if value.endswith(link) else value


# ---------------------------------------------------------------- thread page


def _thread_blocks(lines: Sequence[str]) -> list[_Block]:
    """The messages of a thread page, each from its "From: ... (permalink / raw)" line."""
    starts = [(i, m) for i, ln in enumerate(lines) if (m := _T_FROM.match(ln))]
    blocks: list[_Block] = []
    for n, (i, m) in enumerate(starts):
        limit = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        end = next((j for j in range(i + 1, limit) if _T_END.match(lines[j])), limit)
        subject, depth = _overview_of(lines, blocks[-1].end if blocks else 0, i)
        body = _skip_blank(lines, _skip_addresses(lines, i + 1, end))
        blocks.append(_Block(subject, m.group("name"), m.group("date"), depth, body, end))
    return blocks


def _overview_of(lines: Sequence[str], lower: int, at: int) -> tuple[str, int]:
    """The "* subject" line and the depth of the "@ date ` name" line above a message."""
    subject, depth = "", 0
    for j in range(lower, at):
        if m := _T_SUBJECT.match(lines[j]):
            subject = m.group("subject").strip()
        elif m := _T_AT.match(lines[j]):
            indent = m.group("indent")
            depth = len(indent) // 2 if indent else 0  # " `" 1, "   `" 2, ...
    return subject, depth


def _skip_addresses(lines: Sequence[str], i: int, end: int) -> int:
    """The indented "To:"/"Cc:" lines (and their continuations) under a thread page's From."""
    while i < end and lines[i].strip() and _T_ADDRESS.match(lines[i]):
        i += 1
    return i


def _skip_blank(lines: Sequence[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _thread_messages(
    lines: Sequence[str], blocks: Sequence[_Block], provenance: Provenance
) -> list[Message]:
    from threadscan.mail.attribution import page_addresses

    emails = page_addresses(lines)
    parents: dict[int, str] = {}
    found = []
    for block in blocks:
        when = dt.datetime.strptime(" ".join(block.stamp.split()), _stamp_format(block.stamp))
        head = PageHead(subject=block.subject, date=when.replace(tzinfo=dt.UTC),
                        date_text=f"{block.stamp} UTC")
        parent = parents.get(block.depth - 1) if block.depth else None
        message = _build(head, _person(block.name, emails), lines[block.start : block.end],
                         provenance, f"lore:{block.start}", in_reply_to=parent)
        parents[block.depth] = message.msgid
        found.append(message)
    return found


def _person(name: str, emails: dict[str, str]) -> Person:
    """A thread page shows the sender's name only; the address the page gives for that name
    elsewhere (an attribution, a sign-off) completes it."""
    from threadscan.mail.headers import parse_person

    email = emails.get(name)
    return parse_person(f"{name} <{email}>") if email else Person(name=name, email="")


def _stamp_format(stamp: str) -> str:
    return "%Y-%m-%d %H:%M:%S" if stamp.count(":") == 2 else "%Y-%m-%d %H:%M"


def _build(
    head: PageHead,
    author: Person,
    body: Sequence[str],
    provenance: Provenance,
    locator: str,
    in_reply_to: str | None = None,
) -> Message:
    from threadscan.mail.body import segment_lines

    segments = segment_lines(body, author.display or None)
    defects = [f"parsed from {locator.split(':')[0]} page text"]
    if not author.email:
        defects.append("no address on page")
    return build_message(head, author, segments, "\n".join(body), provenance, defects, locator,
                         in_reply_to=in_reply_to)
