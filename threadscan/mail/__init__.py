"""The one mail parser: ``RawItem`` -> ``Message`` (or ``Skip``, with the reason).

``parse_item`` never raises: damage becomes a defect on the Message, and an item
that cannot be read at all becomes a ``Skip``. The stdlib ``email`` objects stay
inside this module; callers only see model dataclasses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.parser
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message as EmailMessage
from email.policy import compat32

from threadscan.mail.headers import (
    DATE_NO_ZONE,
    decode_bytes,
    decode_header,
    normalize_msgid,
    parse_date_zone,
    parse_person,
    parse_references,
    synth_msgid,
)
from threadscan.mail.subject import parse_subject
from threadscan.model import Attachment, Message, Person, Provenance, RawItem, Segment, Skip

__all__ = ["parse_item", "parse_mail"]

_CORE_HEADERS = ("from", "date", "subject", "message-id")
_TAG = re.compile(r"<[^>]*>")
_MAX_BYTES = 32 * 1024 * 1024
# UTF-8 of a Latin letter or punctuation read as Windows-1252: "Ã©" (é), "Â " (no-break
# space), "â€™" (right quote)
_CP1252_HIGH = (  # what bytes 0x80-0x9f show as in Windows-1252
    "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_MOJIBAKE = re.compile(
    f"Ã[\u0080-\u00bf{_CP1252_HIGH}]|Â[\u00a0-\u00bf]|â€[\u0080-\u00bf{_CP1252_HIGH}]"
)
_MOJIBAKE_SCAN = 200_000
_SURROGATE = re.compile("[\ud800-\udfff]")
_LIST_ID_ANGLE = re.compile(r"<([^<>\s]+)>")
_LIST_ID_BARE = re.compile(r"\s*([\w.+-]+\.[\w.-]+)\s*")
_LIST_ADDR = re.compile(r"([\w.+-]+)@([\w.-]+\.\w+)")


@dataclass(frozen=True)
class _Body:
    text: str
    attachments: tuple[Attachment, ...]
    defects: tuple[str, ...]


def parse_item(item: RawItem, known: Mapping[str, str] | None = None) -> list[Message | Skip]:
    """Parse one raw item; every failure is a ``Skip`` with its reason, never an exception.
    ``known``: own texts of earlier messages by sender, for a page that lost its quote
    markers (``pipeline`` finds them in the corpus)."""
    try:
        if item.kind == "page-text":
            return _parse_page(item, known)
        return [parse_mail(item.data, item.provenance)]
    except Exception as exc:  # one bad item must never abort a run
        reason = f"cannot parse {item.kind} item: {type(exc).__name__}: {exc}"
        return [Skip(provenance=item.provenance, reason=_printable(reason[:500]))]


def _parse_page(item: RawItem, known: Mapping[str, str] | None) -> list[Message | Skip]:
    from threadscan.mail.page import parse_page

    text, _ = decode_bytes(item.data, "utf-8")
    text, repaired = _unmangled(text)
    found = parse_page(text, item.provenance, known)
    if not repaired:
        return list(found)
    note = "page text was UTF-8 shown as Windows-1252 (mojibake): repaired"
    return [dataclasses.replace(m, defects=(*m.defects, note)) if isinstance(m, Message) else m
            for m in found]


def _unmangled(text: str) -> tuple[str, bool]:
    """Text whose UTF-8 a browser or editor showed as Windows-1252 ("MonnÃ©" for "Monné"),
    repaired when it shows that twice or more and the whole text converts back."""
    if len(_MOJIBAKE.findall(text, 0, _MOJIBAKE_SCAN)) < 2:
        return text, False
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8"), True
        except UnicodeError:
            continue
    return text, False


def parse_mail(data: bytes, provenance: Provenance) -> Message | Skip:
    """RFC 822 bytes to a Message; a Skip when the bytes hold no mail headers at all."""
    if len(data) > _MAX_BYTES:
        return Skip(provenance, f"message of {len(data)} bytes exceeds {_MAX_BYTES}")
    defects = _nul_defects(data)
    try:
        msg = email.message_from_bytes(data, policy=compat32)
    except RecursionError:  # hostile MIME nesting: keep the headers, record the loss
        msg = email.parser.BytesParser(policy=compat32).parsebytes(data, headersonly=True)
        msg.set_payload("")
        defects += ("MIME nesting too deep: body not parsed",)
    table = _header_table(msg)
    if not any(name in table for name in _CORE_HEADERS):
        return Skip(provenance, "no mail headers (From/Date/Subject/Message-ID) found")
    return _build_message(msg, table, provenance, defects)


def _printable(text: str) -> str:
    """Text safe to store: lone surrogates (raw 8-bit leftovers) become U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8") if _SURROGATE.search(text) else text


def _nul_defects(data: bytes) -> tuple[str, ...]:
    return ("NUL bytes in message",) if b"\x00" in data else ()


def _header_table(msg: EmailMessage) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        table.setdefault(str(name).strip().lower(), []).append(str(value))
    return table


def _first(table: dict[str, list[str]], name: str) -> str | None:
    values = table.get(name)
    return values[0] if values else None


def _build_message(
    msg: EmailMessage, table: dict[str, list[str]], prov: Provenance, defects: tuple[str, ...]
) -> Message:
    found = list(defects) + [type(d).__name__ for d in msg.defects]
    author = _author(table, found)
    date_text = _first(table, "date")
    date = _date(table, found)
    subject_text, subject_defects = decode_header(_first(table, "subject"))
    found.extend(subject_defects)
    body = _body(msg)
    found.extend(body.defects)
    msgid = normalize_msgid(_first(table, "message-id"))
    synthetic = not msgid
    if synthetic:
        found.append("no Message-ID: synthesized")
        msgid = synth_msgid(author.email or author.name, date_text or "", subject_text, body.text)
    irt = parse_references(_first(table, "in-reply-to"))
    return Message(
        msgid=msgid,
        author=author,
        date=date,
        subject=parse_subject(subject_text),
        in_reply_to=irt[0] if irt else None,
        references=parse_references(" ".join(table.get("references", []))),
        segments=_segments(body.text, author, found),
        provenance=prov,
        list_id=_list_id(table) or prov.list_id,
        msgid_synthetic=synthetic,
        defects=tuple(dict.fromkeys(_printable(d) for d in found)),
        attachments=body.attachments,
    )


def _author(table: dict[str, list[str]], found: list[str]) -> Person:
    value = _first(table, "from") or _first(table, "sender")
    if value is None:
        found.append("no From header")
    _, defects = decode_header(value)
    found.extend(defects)
    return parse_person(value)


def _date(table: dict[str, list[str]], found: list[str]) -> dt.datetime | None:
    value = _first(table, "date")
    when, zoned = parse_date_zone(value)
    if when is not None:
        return _zone_checked(when, zoned, found)
    for received in table.get("received", []):
        when, zoned = parse_date_zone(received.rpartition(";")[2])
        if when is not None:
            why = f"unreadable Date {value[:60]!r}" if value else "no Date header"
            found.append(f"{why}: taken from Received")
            return _zone_checked(when, zoned, found)
    found.append(f"unreadable Date {value[:60]!r}" if value else "no Date header")
    return None


def _zone_checked(when: dt.datetime, zoned: bool, found: list[str]) -> dt.datetime:
    """A date that named no zone was read as UTC: say so on the message."""
    if not zoned:
        found.append(DATE_NO_ZONE)
    return when


def _list_id(table: dict[str, list[str]]) -> str | None:
    value, _ = decode_header(_first(table, "list-id"))
    m = _LIST_ID_ANGLE.search(value) or _LIST_ID_BARE.fullmatch(value)
    if m:
        return m.group(1).lower()
    for name in ("x-mailing-list", "mailing-list"):
        value, _ = decode_header(_first(table, name))
        m = _LIST_ADDR.search(value)
        if m:
            return f"{m.group(1)}.{m.group(2)}".lower()
    return None


def _segments(text: str, author: Person, found: list[str]) -> tuple[Segment, ...]:
    try:
        from threadscan.mail.body import parse_body

        return tuple(parse_body(text, author.display or None))
    except Exception as exc:  # the message is kept; the failure is recorded on it
        found.append(f"body parser failed: {type(exc).__name__}: {exc}"[:300])
        return (Segment(kind="text", text=text, speaker=author.display or None),) if text else ()


# ---------------------------------------------------------------- body and attachments


def _body(msg: EmailMessage) -> _Body:
    text: str | None = None
    attachments: list[Attachment] = []
    defects: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            defects.extend(type(d).__name__ for d in part.defects)
            continue
        ctype, filename, inline = _part_info(part)
        if ctype == "text/plain" and inline and text is None:
            text = _part_text(part, defects)
        else:
            body = _part_text(part, defects) if ctype.startswith("text/") else ""
            attachments.append(Attachment(filename=filename, content_type=ctype, text=body))
    if text is None:
        text = _html_fallback(attachments, defects)
    return _Body(text, tuple(attachments), tuple(defects))


def _html_fallback(attachments: list[Attachment], defects: list[str]) -> str:
    for part in attachments:
        if part.content_type == "text/html" and not part.filename:
            defects.append("no text/plain part: body taken from text/html")
            return html.unescape(_TAG.sub("", part.text))
    return ""


def _part_info(part: EmailMessage) -> tuple[str, str, bool]:
    try:
        ctype = part.get_content_type()
    except Exception:  # malformed Content-Type: RFC 2045 says treat as text/plain
        ctype = "text/plain"
    try:
        filename, _ = decode_header(part.get_filename())
        disposition = part.get_content_disposition()
    except Exception:  # malformed parameters: keep the part, lose the name
        filename, disposition = "", None
    inline = disposition != "attachment" and not filename
    return _printable(ctype), filename, inline


def _part_text(part: EmailMessage, defects: list[str]) -> str:
    defects.extend(type(d).__name__ for d in part.defects)
    try:
        payload = part.get_payload(decode=True)
    except Exception as exc:  # broken transfer encoding: keep the raw text
        defects.append(f"undecodable transfer encoding: {type(exc).__name__}")
        payload = str(part.get_payload()).encode("utf-8", "surrogateescape")
    if not isinstance(payload, bytes):
        return ""
    try:
        charset = part.get_content_charset()
    except Exception:  # garbage charset parameter
        charset = None
    text, errs = decode_bytes(payload, charset)
    defects.extend(errs)
    if "\x00" in text:
        defects.append("NUL bytes in body")
        text = text.replace("\x00", "")
    return text.replace("\r\n", "\n")
