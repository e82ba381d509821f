"""HyperKitty (Mailman 3) page text: a message page, or a thread page with its replies.

Each message shows its sender's name, the day ("21 Mar 2022"; replies of a thread page
"21 Mar", the year left out) and the time ("6:04 a.m.", the archive's clock, no zone) on
lines of their own, then the body. A page's subject is its title "<subject> - <list> -
HyperKitty" when the text has it, else (a browser's copy) the line above the first
sender, past the navigation ("thread", "older", "newer"). A thread page shows no
Message-ID and not who answers whom: ids are synthesized, and a reply answers the latest
earlier message by the person its attribution names ("On ..., X wrote:"), else the first
message. Quoted text is folded to "..." by the
page unless the reader unfolded it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from threadscan.mail.page import PageHead, build_message
from threadscan.model import Message, Provenance, Segment

__all__ = ["hyperkitty_head", "parse_thread_page"]

_DAY = re.compile(r"^(?P<day>\d{1,2}) (?P<month>[A-Z][a-z]{2})(?: (?P<year>\d{4}))?$")
_TIME = re.compile(r"^\d{1,2}(?::\d{2})? [ap]\.m\.$|^(?:noon|midnight)$")  # Django's "P"
_TITLE = re.compile(r" - \S+ - HyperKitty\s*$")
_NAV = frozenset({"HyperKitty", "thread", "older", "newer"})
_NAME_MAX = 80
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ROLLOVER_MONTHS = 6
_HEAD_SCAN = 36


@dataclass(frozen=True)
class _Stamp:
    """Where one message starts: its sender line, its day and time, its first body line."""

    name: str
    day: re.Match[str]
    time: str
    start: int  # sender line
    body: int


def hyperkitty_head(lines: Sequence[str]) -> PageHead:
    """The first message's subject, sender, date and first body line."""
    stamps = _stamps(lines, limit=_HEAD_SCAN)
    filled = [ln.strip() for ln in lines[:_HEAD_SCAN] if ln.strip()]
    if not stamps:
        return PageHead(subject=_TITLE.sub("", filled[0]) if filled else "")
    first = stamps[0]
    above = [ln.strip() for ln in lines[: first.start] if ln.strip()]
    return _head(first, _subject(above), None)


def parse_thread_page(lines: Sequence[str], provenance: Provenance) -> list[Message] | None:
    """Every message of a thread page; None when the page shows one message or none."""
    stamps = _stamps(lines)
    if len(stamps) < 2:
        return None
    from threadscan.mail.body import segment_lines
    from threadscan.mail.headers import parse_person

    subject = _subject([ln.strip() for ln in lines[: stamps[0].start] if ln.strip()])
    found: list[Message] = []
    previous: dt.datetime | None = None
    for n, stamp in enumerate(stamps):
        end = stamps[n + 1].start if n + 1 < len(stamps) else len(lines)
        head = _head(stamp, subject if n == 0 else f"Re: {subject}", previous)
        previous = head.date or previous
        author = parse_person(stamp.name)
        body = list(lines[stamp.body : end])
        segments = segment_lines(body, author.display or None)
        defects = ["parsed from hyperkitty page text"]
        parent = _parent(segments, found)
        found.append(build_message(head, author, segments, "\n".join(body), provenance, defects,
                                   f"hyperkitty:{stamp.start}", in_reply_to=parent))
    return found


def _parent(segments: Sequence[Segment], earlier: Sequence[Message]) -> str | None:
    """The message a reply answers: the latest earlier one by the person its first
    attribution names ("On ..., X wrote:"; the quote itself is folded away), else the
    thread's first message."""
    if not earlier:
        return None
    from threadscan.mail.attribution import first_name, parse_attribution

    said = (parse_attribution(s.text.split("\n")[0]) for s in segments if s.kind == "attribution")
    named = next((a.name for a in said if a is not None and a.name), "")
    first = first_name(named)
    by = [m for m in earlier if first and first_name(m.author.name) == first]
    return (by[-1] if by else earlier[0]).msgid


def _stamps(lines: Sequence[str], limit: int | None = None) -> list[_Stamp]:
    """Each "name / day / time" run of three non-blank lines."""
    filled = [(i, ln.strip()) for i, ln in enumerate(lines[:limit]) if ln.strip()]
    found = []
    for pos in range(1, len(filled) - 1):
        day = _DAY.match(filled[pos][1])
        name = filled[pos - 1][1]
        if day and _TIME.match(filled[pos + 1][1]) and len(name) <= _NAME_MAX:
            found.append(_Stamp(name, day, filled[pos + 1][1], filled[pos - 1][0],
                                filled[pos + 1][0] + 1))
    return found


def _head(stamp: _Stamp, subject: str, previous: dt.datetime | None) -> PageHead:
    """A message's head; a day shown without its year takes the year of the message before
    it, or the next year when that would put it months earlier (December, then January)."""
    from threadscan.mail.headers import parse_date_zone, parse_person

    day = stamp.day
    text = f"{day.group(0)} {stamp.time}"
    if day.group("year") is None and previous is not None:
        year = _year_of(day.group("month"), previous)
        text = f"{day.group('day')} {day.group('month')} {year} {stamp.time}"
    when, zoned = parse_date_zone(text)
    return PageHead(subject=subject, author=parse_person(stamp.name), date=when, date_text=text,
                    zone_known=zoned, body_start=stamp.body)


def _year_of(month: str, previous: dt.datetime) -> int:
    number = _MONTHS.index(month) + 1 if month in _MONTHS else previous.month
    return previous.year + 1 if number < previous.month - _ROLLOVER_MONTHS else previous.year


def _subject(above: Sequence[str]) -> str:
    """The title line when the text has it, else the last line above the first sender that
    is not navigation."""
    if above and _TITLE.search(above[0]):
        return _TITLE.sub("", above[0])
    candidates = [value for value in above if value not in _NAV]
    return candidates[-1] if candidates else ""
