"""Outlook-style reply headers ("-----Original Message-----", "From:", "Sent:", "Subject:").

A reply written above such a header block (top-posting) quotes the whole rest of the mail
without markers: the block names the quoted sender, and the rest moves one depth down. A
block quoted with markers ("> From: X", "> Sent: ...") opens the quoted message it names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from threadscan.model import SegmentKind

__all__ = ["mark_quoted_headers", "top_posted"]

_OUTLOOK_RULE = re.compile(r"^(?:-{2,}\s*Original Message\s*-{2,}|_{20,})\s*$", re.I)
_OUTLOOK_FIELD = re.compile(r"^(From|Sent|Date|To|Cc|Subject)\s*:\s*(.{0,300})$")
_OUTLOOK_FIRST = frozenset("-_FSDTC")  # first characters of _OUTLOOK_RULE / _OUTLOOK_FIELD
_OUTLOOK_KEYS = re.compile(r"(?:^|\s)(From|Sent|Date|To|Subject):")
_ADDRESS_RUN = re.compile(r"[@;]|^\s*<")  # a wrapped To:/Cc: line ("foundation.org>; Bjorn ...")


def top_posted(
    split: list[tuple[int, str]], kinds: list[SegmentKind], names: list[str | None]
) -> list[tuple[int, str]]:
    """A reply above an Outlook-style header ("From:/Sent:/Subject:"): the rest is a quote."""
    start = _outlook_header(split)
    if start is None:
        return split
    end = start
    while end < len(split) and (
        split[end][1].strip() == "" or _in_block([t for _, t in split[start:end + 1]])
    ):
        kinds[end] = "attribution"
        names[start] = _sender(split[end][1]) or names[start]
        end += 1
    return split[:end] + [(d + 1, t) for d, t in split[end:]]


def _in_block(block: Sequence[str]) -> bool:
    """Whether the last line of ``block`` (a header block so far) belongs to it: a field, the
    rule, or a wrapped address list of a To:/Cc: field above it."""
    line = block[-1]
    if _OUTLOOK_RULE.match(line) or _OUTLOOK_FIELD.match(line):
        return True
    fields = [m.group(1).lower() for t in block[:-1] if (m := _OUTLOOK_FIELD.match(t))]
    return bool(fields) and fields[-1] in ("to", "cc") and bool(_ADDRESS_RUN.search(line))


def _sender(line: str) -> str | None:
    """Who a header block's ``From:`` line names (None for its other lines)."""
    m = _OUTLOOK_FIELD.match(line)
    if not m or m.group(1).lower() != "from":
        return None
    from threadscan.mail.headers import parse_person

    person = parse_person(m.group(2))
    return person.name or person.email or None


def _outlook_header(split: Sequence[tuple[int, str]]) -> int | None:
    """Index of an Outlook header block that follows some reply text at depth 0."""
    seen_text = False
    for i, (depth, text) in enumerate(split):
        if depth:
            return None
        if text[:1] in _OUTLOOK_FIRST and (_OUTLOOK_RULE.match(text) or _OUTLOOK_FIELD.match(text)):
            window = " ".join(t for _, t in split[i : i + 7])
            fields = {m.lower() for m in _OUTLOOK_KEYS.findall(window)}
            if (
                seen_text
                and "from" in fields
                and ({"sent", "date"} & fields)
                and "subject" in fields
            ):
                return i
        seen_text = seen_text or bool(text.strip())
    return None


def mark_quoted_headers(
    split: Sequence[tuple[int, str]], kinds: list[SegmentKind], names: list[str | None]
) -> None:
    """A header block inside a quote ("> -----Original Message-----", "> From: X",
    "> Sent: ..."): its lines are attribution, its From line names X."""
    starts = [i for i, (depth, text) in enumerate(split)
              if depth and text[:1] in "-_F" and _is_header_block(split, i)]  # rule or From:
    for i in starts:
        if kinds[i] != "attribution":
            _mark_block(split, kinds, names, i)


def _is_header_block(split: Sequence[tuple[int, str]], i: int) -> bool:
    if not (_OUTLOOK_RULE.match(split[i][1]) or _OUTLOOK_FIELD.match(split[i][1])):
        return False
    window = " ".join(t for d, t in split[i : i + 7] if d == split[i][0])
    fields = {m.lower() for m in _OUTLOOK_KEYS.findall(window)}
    return "from" in fields and bool({"sent", "date"} & fields)


def _mark_block(split: Sequence[tuple[int, str]], kinds: list[SegmentKind],
                names: list[str | None], i: int) -> None:
    """Marks the header block that starts at line ``i``."""
    depth = split[i][0]
    end = i
    while end < len(split) and split[end][0] == depth and _in_block(
            [t for _, t in split[i:end + 1]]):
        kinds[end] = "attribution"
        names[end] = _sender(split[end][1])
        end += 1
