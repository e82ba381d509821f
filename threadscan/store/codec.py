"""Messages to rows and back. Pure functions; no SQL is run here.

The row layouts match ``sql/0001_initial.sql``; ``MESSAGE_COLUMNS`` names them
in the order ``message_row`` produces and ``message_from_row`` reads.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, cast

from threadscan.model import (
    Attachment,
    Message,
    Person,
    Provenance,
    Segment,
    SegmentKind,
    Subject,
)

Row = tuple[Any, ...]

MESSAGE_COLUMNS: tuple[str, ...] = (
    "msgid", "author_name", "author_email", "author_obfuscated", "date_utc", "epoch",
    "tz_offset", "subject_raw", "subject_clean", "subject_prefixes", "subject_version",
    "subject_index", "subject_total", "is_reply", "in_reply_to", "refs", "list_id",
    "msgid_synthetic", "defects", "prov_source", "prov_kind", "prov_locator", "prov_url",
    "prov_list_id",
)
SEGMENT_COLUMNS: tuple[str, ...] = ("msgid", "idx", "kind", "depth", "speaker", "line", "text")
ATTACHMENT_COLUMNS: tuple[str, ...] = ("msgid", "idx", "filename", "content_type", "text")


def safe_text(text: str) -> str:
    """``text`` unless it holds lone surrogates (which SQLite cannot take): then '?' for them."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def dumps(value: Sequence[str]) -> str:
    return json.dumps(list(value))  # ASCII escapes: any str survives, even lone surrogates


def loads_strs(text: str) -> tuple[str, ...]:
    return tuple(str(v) for v in json.loads(text))


def date_parts(date: dt.datetime | None) -> tuple[str | None, float | None, int | None]:
    """(ISO UTC, epoch seconds, original UTC offset in seconds)."""
    if date is None:
        return None, None, None
    offset = date.utcoffset()
    utc = date.astimezone(dt.UTC)
    return utc.isoformat(), utc.timestamp(), int(offset.total_seconds()) if offset else 0


def date_from_parts(date_utc: str | None, tz_offset: int | None) -> dt.datetime | None:
    if date_utc is None:
        return None
    utc = dt.datetime.fromisoformat(date_utc)
    return utc.astimezone(dt.timezone(dt.timedelta(seconds=tz_offset or 0)))


def message_row(msg: Message) -> Row:
    subj, prov = msg.subject, msg.provenance
    return (
        msg.msgid, safe_text(msg.author.name), msg.author.email, int(msg.author.obfuscated),
        *date_parts(msg.date),
        safe_text(subj.raw), safe_text(subj.clean), dumps(subj.prefixes), subj.version,
        subj.index, subj.total,
        int(subj.is_reply), msg.in_reply_to, dumps(msg.references), msg.list_id,
        int(msg.msgid_synthetic), dumps(msg.defects),
        prov.source, prov.kind, prov.locator, prov.url, prov.list_id,
    )


def segment_rows(msg: Message) -> list[Row]:
    return [
        (msg.msgid, i, s.kind, s.depth, s.speaker and safe_text(s.speaker), s.line,
         safe_text(s.text))
        for i, s in enumerate(msg.segments)
    ]


def attachment_rows(msg: Message) -> list[Row]:
    return [
        (msg.msgid, i, safe_text(a.filename), a.content_type, safe_text(a.text))
        for i, a in enumerate(msg.attachments)
    ]


def segment_from_row(row: Row) -> Segment:
    """From (kind, depth, speaker, line, text)."""
    kind, depth, speaker, line, text = row
    return Segment(cast(SegmentKind, kind), text, int(depth), speaker, int(line))


def attachment_from_row(row: Row) -> Attachment:
    """From (filename, content_type, text)."""
    return Attachment(row[0], row[1], row[2])


def message_from_row(
    row: Row, segments: Sequence[Segment], attachments: Sequence[Attachment]
) -> Message:
    """Rebuild a Message from a row in ``MESSAGE_COLUMNS`` order."""
    r = dict(zip(MESSAGE_COLUMNS, row, strict=True))
    subject = Subject(
        raw=r["subject_raw"], clean=r["subject_clean"], is_reply=bool(r["is_reply"]),
        prefixes=loads_strs(r["subject_prefixes"]), version=r["subject_version"],
        index=r["subject_index"], total=r["subject_total"],
    )
    provenance = Provenance(
        source=r["prov_source"], kind=r["prov_kind"], locator=r["prov_locator"],
        url=r["prov_url"], list_id=r["prov_list_id"],
    )
    return Message(
        msgid=r["msgid"],
        author=Person(r["author_name"], r["author_email"], bool(r["author_obfuscated"])),
        date=date_from_parts(r["date_utc"], r["tz_offset"]),
        subject=subject, in_reply_to=r["in_reply_to"], references=loads_strs(r["refs"]),
        segments=tuple(segments), provenance=provenance, list_id=r["list_id"],
        msgid_synthetic=bool(r["msgid_synthetic"]), defects=loads_strs(r["defects"]),
        attachments=tuple(attachments),
    )
