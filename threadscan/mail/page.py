"""Archive page text -> messages (pipermail, MHonArc, HyperKitty, Patchwork, lore, Google Groups).

``parse_page`` detects the archive kind from the text (signatures in
``data/pages.toml``), finds the header (subject, author, date) the page shows,
and parses the body with ``body.segment_lines``. Patchwork pages (several
messages each flattened onto one line) are rebuilt by ``unflatten``; text
whose quote markers were lost is recovered by ``unquoted``. What a page does
not say (a date, an address) is left empty and recorded as a defect.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from threadscan.mail.attribution import first_name, name_line, parse_attribution, sign_off_name
from threadscan.model import Message, Person, Provenance, Segment, Skip

if TYPE_CHECKING:
    from threadscan.mail.quote import BodyLine

__all__ = ["HEADER_FIELD", "PageHead", "build_message", "detect_kind", "parse_page"]

HEADER_FIELD = re.compile(  # a mail header field as pages print it (also lore's header block)
    r"^(?P<key>(?i:from|date|subject|message-id|in-reply-to|references|to|cc|sender|reply-to|"
    r"list-id|delivered-to|user-agent|organization|mail-followup-to))\s*:\s*(?P<value>.*)$"
)
_HEAD_LINES = 12
HEADERLESS = "parsed from header-less page text"  # the defect that marks such a page
_NAV = re.compile(r"^\s*[\[<]\s*(?:Date|Thread|Prev|Next|Index)")
_LISTED_FROM = re.compile(r"^(?:[*+\u2022o]\s+)?From:\s+([^<>@:]{2,60})$")
_OWN_TAG = re.compile(
    r"^(?P<tag>Reviewed|Acked|Tested|Signed-off)-by:\s*(?P<who>[^<>]+<[^<>\s]+@[^<>\s]+>)"
)


@dataclass(frozen=True)
class PageHead:
    """What a page says about its message outside the body."""

    subject: str = ""
    author: Person | None = None
    date: dt.datetime | None = None
    date_text: str = ""
    zone_known: bool = True  # False: the page's date named no zone (UTC assumed)
    msgid: str = ""
    in_reply_to: str | None = None
    body_start: int = 0  # first body line


@lru_cache(maxsize=1)
def _kinds() -> tuple[tuple[str, int, tuple[re.Pattern[str], ...]], ...]:
    text = resources.files("threadscan.mail").joinpath("data/pages.toml").read_text("utf-8")
    rows = tomllib.loads(text)["kind"]
    return tuple(
        (str(r["name"]), int(r.get("window", 4000)), tuple(re.compile(p) for p in r["any"]))
        for r in rows
    )


def detect_kind(text: str) -> str:
    """'patchwork' | 'lore' | 'pipermail' | 'mhonarc' | 'hyperkitty' | 'headers' (another page
    showing a header block) | 'text' (header-less, e.g. Google Groups)."""
    for name, window, patterns in _kinds():
        head = text[:window]
        if any(p.search(head) for p in patterns):
            return name
    return "text"


def parse_page(
    text: str, provenance: Provenance, known: Mapping[str, str] | None = None
) -> list[Message | Skip]:
    """Every message the page text holds; a Skip (with the reason) when there is none.
    ``known``: own texts of earlier messages by sender, to align a page that lost its quote
    markers against (``mail.unquoted``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return [Skip(provenance, "empty page text")]
    kind = detect_kind(text)
    try:
        if kind == "patchwork":
            from threadscan.mail.unflatten import parse_patchwork

            return list(parse_patchwork(text, provenance))
        if kind in ("lore", "headers"):
            from threadscan.mail.lorepage import parse_lore

            return parse_lore(text, provenance, kind)
        if kind == "text":
            return [_parse_plain(text, provenance, known)]
        if kind == "hyperkitty" and (thread := _hyperkitty_thread(text, provenance)):
            return list(thread)
        return [_parse_archive(text, kind, provenance)]
    except RecursionError as exc:  # pathological nesting: keep going, say why
        return [Skip(provenance, f"page text too deeply nested: {exc}")]


# ---------------------------------------------------------------- pipermail / MHonArc


def _hyperkitty_thread(text: str, provenance: Provenance) -> list[Message] | None:
    from threadscan.mail.hkpage import parse_thread_page

    return parse_thread_page(text.split("\n"), provenance)


def _parse_archive(text: str, kind: str, provenance: Provenance) -> Message:
    lines = text.split("\n")
    head = _head_reader(kind)(lines)
    if kind != "hyperkitty" or head.author is None:  # there, "From:/Date:" lines are quotes
        head = _header_fields(lines, head)
    body = lines[head.body_start :]
    defects = [f"parsed from {kind} page text"]
    author = head.author or _author_from_body(body, defects)
    from threadscan.mail.body import segment_lines

    segments = segment_lines(body, author.display or None)
    return build_message(head, author, segments, "\n".join(body), provenance, defects, locator=kind)


def _head_reader(kind: str) -> Callable[[Sequence[str]], PageHead]:
    if kind == "hyperkitty":
        from threadscan.mail.hkpage import hyperkitty_head

        return hyperkitty_head
    return _pipermail_head if kind == "pipermail" else _mhonarc_head


def _pipermail_head(lines: Sequence[str]) -> PageHead:
    """Subject line, 'Name name at host' line, ctime date line (Mailman 2 pipermail)."""
    from threadscan.mail.headers import parse_date_zone, parse_person

    filled = [(i, ln.strip()) for i, ln in enumerate(lines[: _HEAD_LINES * 2]) if ln.strip()]
    for pos, (i, value) in enumerate(filled):
        when, zoned = parse_date_zone(value) if len(value) < 60 else (None, False)
        if when is None or pos < 1:
            continue
        subject = filled[0][1] if pos >= 2 else ""
        author = parse_person(filled[pos - 1][1])
        if not author.name and pos >= 3:  # name and address on separate lines
            author = parse_person(f"{filled[pos - 2][1]} {filled[pos - 1][1]}")
        return PageHead(subject=subject, author=author, date=when, date_text=value,
                        zone_known=zoned, body_start=i + 1)
    return PageHead(subject=filled[0][1] if filled else "", body_start=0)


def _mhonarc_head(lines: Sequence[str]) -> PageHead:
    """The first non-navigation line is the subject; the body follows it."""
    for i, line in enumerate(lines[: _HEAD_LINES * 2]):
        value = line.strip()
        if not value or _NAV.match(value) or value in ("\xa0",):
            continue
        if parse_attribution(value) or value.startswith(">"):
            return PageHead(body_start=i)
        return PageHead(subject=value, body_start=i + 1)
    return PageHead(body_start=0)


def _header_fields(lines: Sequence[str], head: PageHead) -> PageHead:
    """'From: / Date: / Subject: / Message-ID:' lines after the head, when the page has them."""
    from threadscan.mail.headers import normalize_msgid, parse_date_zone, parse_person

    i = head.body_start
    while i < len(lines) and _skippable(lines[i], head.subject):
        i += 1
    from threadscan.mail.body import strip_bullet

    found: dict[str, str] = {}  # a text renderer may print MHonArc's field list as bullets
    while i < len(lines) and (m := HEADER_FIELD.match(strip_bullet(lines[i]))):
        if m.group("key").lower() in found:  # git's in-body "From:" starts the body
            break
        found[m.group("key").lower()] = m.group("value").strip()
        i += 1
    if not found:
        return head
    when, zoned = parse_date_zone(found.get("date"))
    return replace(
        head,
        subject=found.get("subject", head.subject),
        author=parse_person(found["from"]) if "from" in found else head.author,
        date=when or head.date,
        date_text=found.get("date", head.date_text),
        zone_known=zoned if when else head.zone_known,
        msgid=normalize_msgid(found.get("message-id")),
        in_reply_to=normalize_msgid(found.get("in-reply-to")) or head.in_reply_to,
        body_start=i,
    )


def _skippable(line: str, subject: str) -> bool:
    """Blank, navigation, or the subject repeated: what may sit between title and headers."""
    value = line.strip()
    return not value or value == subject.strip() or bool(_NAV.match(value))


def _author_from_body(body: Sequence[str], defects: list[str]) -> Person:
    """No From on the page: the depth-0 sign-off ("Thanks,\nNathan", a name alone on its line
    closing the reply, the name opening the signature block), else the sender's own tag
    ("Reviewed-by: X <addr>"); a first name is completed from the people the page names
    (attributions, tags, link lists)."""
    from threadscan.mail.body import classify_lines
    from threadscan.mail.quote import full_name

    classified = classify_lines(body)
    own = [ln.text for ln in classified if ln.depth == 0 and ln.kind in ("text", "signature")]
    people = _page_people(classified)
    found = _last_sign_off(own) or _lone_name(own, people) or _signature_name(classified)
    signed = (found or "").rstrip(".,!") or None
    tagged = _own_tag(classified)
    if not signed and tagged is None:
        defects.append("no author on page")
        return Person(name="", email="")
    if tagged is not None and (not signed or first_name(signed) == first_name(tagged.name)):
        defects.append(f"author from own tag {tagged.name!r}")
        return tagged
    name = full_name(signed or "", [p.name for p in people])
    email = next((p.email for p in people if p.name == name and p.email), "")
    defects.append(f"author from sign-off {signed!r}")
    from threadscan.mail.headers import parse_person

    return parse_person(f"{name} <{email}>") if email else Person(name=name, email="")


def _page_people(classified: Sequence[BodyLine]) -> list[Person]:
    """Who the page names: attribution lines, review and sign-off tags, and archive link
    lists ("From: Name" under each linked subject)."""
    from threadscan.mail.attribution import page_addresses

    people = _attributed_people(ln.text for ln in classified if ln.kind == "attribution")
    addresses = page_addresses([ln.text for ln in classified])
    people += [Person(name=n, email=e) for n, e in addresses.items()]
    people += [Person(name=m.group(1).strip(), email="") for ln in classified
               if ln.kind == "footer" and (m := _LISTED_FROM.match(ln.text.strip()))]
    return people


def _own_tag(classified: Sequence[BodyLine]) -> Person | None:
    """The sender's own tag at depth 0: the last "Signed-off-by:" of a patch (its submitter
    signs last; the review tags a patch carries were collected from others), else the last
    "Reviewed-by/Acked-by/Tested-by: Name <addr>" of a reply."""
    from threadscan.mail.headers import parse_person

    tags = [m for ln in classified if ln.depth == 0 and ln.kind == "trailer"
            and (m := _OWN_TAG.match(ln.text.strip()))]
    signed = [m for m in tags if m.group("tag") == "Signed-off"]
    found = parse_person((signed or tags)[-1].group("who")) if tags else None
    return found if found is not None and found.name else None


def _signature_name(classified: Sequence[BodyLine]) -> str | None:
    """The name that opens the sender's signature block ("-- " then "Julien Grall")."""
    block = [ln.text.strip() for ln in classified
             if ln.depth == 0 and ln.kind == "signature" and ln.text.strip()]
    return name_line(block[1]) if len(block) >= 2 and block[0].startswith("--") else None


def _lone_name(own: Sequence[str], people: Sequence[Person]) -> str | None:
    """A paragraph that is only a name ("Paolo", "Roger.") after the sender's prose, when it
    names a person the page names elsewhere or is no common word. Not a greeting ("Hi
    Juergen", "Oliver," opening the reply)."""
    from threadscan.mail.unquoted import not_names

    known = {first_name(p.name) for p in people} - {""}
    found, prose = None, False
    for block in _paragraphs(own):
        line = block[0].strip()
        if len(block) > 1 or len(line.split()) > 3:
            prose = True
            continue
        name = name_line(line.rstrip(".!")) if prose and not _is_greeting(line) else None
        if name and (first_name(name) in known or first_name(name) not in not_names()):
            found = name
    return found


def _is_greeting(line: str) -> bool:
    from threadscan.mail.unquoted import is_salutation

    return line.endswith(",") or is_salutation(line) is not None


def _paragraphs(lines: Sequence[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _last_sign_off(lines: Sequence[str]) -> str | None:
    """The last sign-off among depth-0 paragraphs ("Thanks!\\nAndres", "Regards,\\nHalil")."""
    names = [name for block in _paragraphs(lines) if (name := sign_off_name(block))]
    return names[-1] if names else None


def _attributed_people(texts: Iterable[str]) -> list[Person]:
    people = []
    for text in texts:
        found = parse_attribution(text)
        if found is not None:
            people.append(Person(name=found.name, email=found.email))
    return people


# ---------------------------------------------------------------- plain text (no header)


def _parse_plain(
    text: str, provenance: Provenance, known: Mapping[str, str] | None = None
) -> Message | Skip:
    """Header-less text (Google Groups rendering): quote markers may be lost."""
    from threadscan.mail.unquoted import recover_quotes

    lines = text.split("\n")
    recovered = recover_quotes(lines, known)
    segments, found = recovered.segments, list(recovered.defects)
    if recovered.author is None and not _mail_shaped(segments):
        from threadscan.mail.body import segment_lines

        segments, found = segment_lines(lines, None), []  # markers intact, no cue found
        if not _mail_shaped(segments):
            return Skip(provenance, "page text shows no mail: no author, quote, diff or trailer")
    defects = [HEADERLESS, *found, "no date on page"]
    if known:
        defects.append(f"quotes aligned with the stored texts of {len(known)} sender(s)")
    author = recovered.author or Person(name="", email="")
    return build_message(PageHead(), author, segments, text, provenance, defects, "text")


def _mail_shaped(segments: Sequence[Segment]) -> bool:
    return bool({s.kind for s in segments} & {"quote", "attribution", "diff", "trailer"})


# ---------------------------------------------------------------- building


def build_message(
    head: PageHead,
    author: Person,
    segments: Sequence[Segment],
    body: str,
    provenance: Provenance,
    defects: Sequence[str],
    locator: str,
    in_reply_to: str | None = None,
) -> Message:
    """A Message from what a page said; synthetic Message-ID when the page shows none."""
    from threadscan.mail.headers import DATE_NO_ZONE, synth_msgid
    from threadscan.mail.subject import parse_subject

    found = list(defects)
    if head.date is None and not any("date" in d for d in found):
        found.append("no date on page")
    if head.date is not None and not head.zone_known:
        found.append(DATE_NO_ZONE)
    msgid = head.msgid
    if not msgid:
        found.append("no Message-ID on page: synthesized")
        msgid = synth_msgid(author.email or author.name, head.date_text, head.subject, body)
    return Message(
        msgid=msgid,
        author=author,
        date=head.date,
        subject=parse_subject(head.subject),
        in_reply_to=in_reply_to or head.in_reply_to,
        references=tuple(x for x in (in_reply_to or head.in_reply_to,) if x),
        segments=tuple(segments),
        provenance=replace(provenance, locator=provenance.locator or locator),
        list_id=provenance.list_id,
        msgid_synthetic=not head.msgid,
        defects=tuple(dict.fromkeys(found)),
    )
