"""Patchwork page text rendered line by line: the submission, its comments, the diff.

The layout (Patchwork 2.x/3.x, as ``sources.detect.render_text`` or a browser
renders it)::

    [PATCHv2,1/7] zram: introduce compressed data writeback     <- the subject (h1)
    Message ID | <2025...-2-senozhatsky@chromium.org> (mailing list archive) |
    Series | zram: introduce compressed data writeback | expand |
    Commit Message                                              <- "Message" for a cover
    Sergey Senozhatsky Dec. 1, 2025, 9:47 a.m. UTC              <- author, date
    ...commit message...
    Comments
    zhangdongdong Jan. 7, 2026, 3:50 a.m. UTC | #1              <- one per comment
    ...comment...
    Patch
    diff --git ...                                              <- belongs to the submission

The submission keeps its Message-ID; comments get synthetic ones and reply to
it (the page does not say which comment answers which). Addresses come from
attribution lines on the same page ("On ..., Name <addr> wrote:") when present.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from threadscan.mail.attribution import page_addresses
from threadscan.mail.page import PageHead, build_message
from threadscan.model import Message, Person, Provenance, Skip

__all__ = ["has_meta_lines", "parse_lines"]

_META = re.compile(
    r"^\s*(?P<name>\S.{0,80}?)\s+(?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"[a-z]*\.? \d{1,2}, \d{4}, (?:\d{1,2}(?::\d\d)? [ap]\.m\.|noon|midnight)(?: [A-Z]{2,5})?)"
    r"(?:\s*\|\s*#(?P<number>\d+))?\s*$"
)
_ACTIONS = re.compile(r"^\s*\d+(?:\s+(?:diff|mbox|series))+\s*$")
_FOOTER = re.compile(r"^\s*patchwork patch tracking system\b")
_HEADINGS = frozenset({"Commit Message", "Message", "Comments", "Patch"})
_HUNK_GAP = re.compile(r"^(@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@) {2}")  # markup adds a space
_LABELS = frozenset({"Addressed", "Unaddressed", "Action required"})


def has_meta_lines(lines: Sequence[str]) -> bool:
    """Is this the line-by-line layout (a "Name <date>" line under a heading)?"""
    return any(
        line.strip() in ("Commit Message", "Message") and i + 1 < len(lines)
        and _META.match(lines[i + 1])
        for i, line in enumerate(lines)
    )


def parse_lines(
    lines: Sequence[str], fields: Mapping[str, str], provenance: Provenance
) -> list[Message | Skip]:
    """The submission (with its diff) first, then every comment, in page order."""
    metas = [i for i, line in enumerate(lines) if _META.match(line)]
    if not metas:
        return [Skip(provenance, "patchwork page without messages")]
    subject = _subject(lines)
    emails = page_addresses(lines)
    out: list[Message | Skip] = []
    root: str | None = None
    for n, start in enumerate(metas):
        end = metas[n + 1] if n + 1 < len(metas) else len(lines)
        body = _body(lines, start + 1, end)
        if n == 0:
            body += _patch(lines, start + 1)
        message = _message(lines[start], body, subject, fields if n == 0 else {}, emails,
                           provenance, start, root)
        root = root or message.msgid
        out.append(message)
    return out


def _subject(lines: Sequence[str]) -> str:
    """The heading just above the first "Key | value |" row."""
    for i, line in enumerate(lines):
        if "|" in line and i and line.split("|")[0].strip() == "Message ID":
            return lines[i - 1].strip()
    return ""


def _body(lines: Sequence[str], start: int, end: int, keep: str | None = None) -> list[str]:
    """A message's lines: status labels, headings, buttons and the footer left out.

    Blank lines around it go, except trailing lines equal to ``keep`` (" ": the
    blank context lines that end a diff).
    """
    body: list[str] = []
    for i in range(start, end):
        line, value = lines[i], lines[i].strip()
        if _FOOTER.match(line) or _ACTIONS.match(line) or _is_heading(lines, i):
            break
        if value in _LABELS and not any(x.strip() for x in body):
            continue
        body.append(line)
    while body and not body[-1].strip() and body[-1] != keep:
        body.pop()
    while body and not body[0].strip():
        body.pop(0)
    return body


def _is_heading(lines: Sequence[str], i: int) -> bool:
    """A section heading: "Comments" above a meta line, "Patch" above the diff."""
    if lines[i].strip() not in _HEADINGS:
        return False
    after = next((ln for ln in lines[i + 1 : i + 4] if ln.strip()), "")
    return bool(_META.match(after)) or after.startswith(("diff ", "Index: ", "--- "))


def _patch(lines: Sequence[str], start: int) -> list[str]:
    """The "Patch" section (the diff of the submission), when the page shows one."""
    for i in range(start, len(lines)):
        if lines[i].strip() == "Patch" and _is_heading(lines, i):
            diff = [_HUNK_GAP.sub(r"\1 ", ln) for ln in _body(lines, i + 1, len(lines), keep=" ")]
            return ["", *diff] if diff else []
    return []


def _message(
    meta: str,
    body: list[str],
    subject: str,
    fields: Mapping[str, str],
    emails: Mapping[str, str],
    provenance: Provenance,
    index: int,
    root: str | None,
) -> Message:
    from threadscan.mail.body import segment_lines
    from threadscan.mail.headers import normalize_msgid, parse_date_zone, parse_person

    m = _META.match(meta)
    assert m is not None  # callers pass meta lines only
    name = m.group("name").strip()
    email = emails.get(name, "")
    author = parse_person(f"{name} <{email}>") if email else Person(name=name, email="")
    when, zoned = parse_date_zone(m.group("date"))
    msgid = normalize_msgid(fields.get("message id", "").split("(")[0]) if fields else ""
    head = PageHead(
        subject=subject if root is None else f"Re: {subject}",
        date=when, date_text=m.group("date"), zone_known=zoned, msgid=msgid,
    )
    segments = segment_lines(body, author.display or None)
    defects = ["parsed from patchwork page text"]
    return build_message(head, author, segments, "\n".join(body), provenance, defects,
                         locator=f"patchwork:{index}", in_reply_to=root)
