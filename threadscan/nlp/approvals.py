"""Approvals: Acked-by / Reviewed-by / Tested-by trailers and "looks good" prose.

Only the message's own words count: trailer segments at depth 0 (a quoted
trailer is someone else's old tag) and the first sentences of its own text
("Looks good to me", "LGTM", "Applied, thanks"). A non-reply patch posting's
carried tags are kept too: they are approvals of the series, recorded with
the posting's msgid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from threadscan.mail.headers import parse_person
from threadscan.model import Approval, Message, Person
from threadscan.nlp.sentences import split_sentences

_TRAILER = re.compile(r"^\s*(Acked|Reviewed|Tested)-by:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_LOOKS_GOOD = re.compile(
    r"^(?:this\s+|it\s+|patch\s+|the patch\s+|series\s+|v\d+\s+)?(?:looks|seems)\s+"
    r"(?:good|fine|ok(?:ay)?|sane|correct|reasonable)\b|^lgtm\b|^(?:applied|queued)\b"
    r"(?:[^.?!]{0,60})?(?:thanks|thank you)?|^makes sense to me\b|^ack(?:ed)?[.!]?$",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:but|except|however|not|n't)\b", re.IGNORECASE)
_KINDS = {"acked": "Acked-by", "reviewed": "Reviewed-by", "tested": "Tested-by"}
MAX_PROSE = 3  # sentences of own text looked at per segment


def trailer_approvals(msg: Message) -> list[Approval]:
    out: list[Approval] = []
    for seg in msg.segments:
        if seg.kind not in ("trailer", "text") or seg.depth:
            continue
        for m in _TRAILER.finditer(seg.text):
            kind = _KINDS[m.group(1).lower()]
            out.append(Approval(msg.msgid, _trailer_person(m.group(2)), kind, m.group(0).strip()))
    return out


def _trailer_person(written: str) -> str:
    """"Name <email>" as the mail parser reads a From: value (archive obfuscation such as
    pipermail's "<user at host>" undone), so an approver is the same person on every
    archive; as written when it names no one with an address."""
    return _name_addr(parse_person(written), written)


def _name_addr(p: Person, fallback: str) -> str:
    return f"{p.name} <{p.email}>" if p.name and p.email else fallback


def prose_approvals(msg: Message) -> list[Approval]:
    if not msg.subject.is_reply and not msg.parent_ids:
        return []
    out: list[Approval] = []
    for seg in msg.segments_of("text"):
        for sentence in split_sentences(seg.text)[:MAX_PROSE]:
            if _LOOKS_GOOD.search(sentence) and not _NEGATED.search(sentence):
                who = _name_addr(msg.author, msg.author.display)
                out.append(Approval(msg.msgid, who, "looks-good", sentence))
                return out
    return out


def approvals(messages: Iterable[Message]) -> tuple[Approval, ...]:
    """Every approval in the messages, in message order, without duplicates."""
    found: list[Approval] = []
    for msg in messages:
        found.extend(trailer_approvals(msg))
        found.extend(prose_approvals(msg))
    return tuple(dict.fromkeys(found))
