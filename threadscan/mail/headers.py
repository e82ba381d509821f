"""Header fields: RFC 2047 words, people, dates, Message-IDs.

Every function takes the header text as found (possibly garbage) and returns
model values; nothing here raises on bad input. Decoding problems come back as
defect strings so the caller can record them on the ``Message``.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import datetime as dt
import hashlib
import re
import tomllib
from email.utils import parsedate_tz
from functools import lru_cache
from importlib import resources

from threadscan.model import Person

Decoded = tuple[str, tuple[str, ...]]  # text, defects

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)[ \t\r\n]+(=\?)")
_FOLD = re.compile(r"\r?\n[ \t]*")
_UNKNOWN_CHARSETS = frozenset({"unknown-8bit", "x-unknown", "unknown", "8bit", "x-user-defined"})
_SURROGATE = re.compile("[\udc80-\udcff]")

_ANGLE_ADDR = re.compile(r"^(?P<name>.*?)<(?P<addr>[^<>]*)>\s*$", re.S)
_PAREN_NAME = re.compile(r"^(?P<addr>\S+(?:\s+at\s+\S+)?)\s*\((?P<name>.*)\)\s*$", re.S)
# Token regexes start only at a token boundary (the lookbehind), so a long run of
# token characters without a match costs linear, not quadratic, time.
_TRAILING_AT = re.compile(r"(?<![^\s<>()\"])(?P<user>[^\s<>()\"]+)\s+at\s+(?P<host>[\w.-]+\.\w+)$")
_AT_WORD = re.compile(r"^\s*(?P<user>[^\s@<>()]+)\s+at\s+(?P<host>[\w.-]+\.\w+)\s*$")
_BARE_ADDR = re.compile(r"(?<![^\s<>()\",;])[^\s<>()\",;]+@[^\s<>()\",;]+")
_OBFUSCATED = re.compile(r"@x{3,}|\.\.\.@|domain\.hidden|@\.\.\.|\[at\]", re.I)

_MSGID = re.compile(r"<([^<>]+)>")
_MSGID_BARE = re.compile(r"(?<![^\s<>,;\"()])[^\s<>,;\"()]+@[^\s<>,;\"()]+")

_ARCHIVE_DATE = re.compile(
    r"^\w{3},?\s+(?P<mon>\w{3})\s+(?P<day>\d{1,2})\s+(?P<time>\d{1,2}:\d\d(?::\d\d)?)\s+"
    r"(?:(?P<tz1>[A-Za-z]{1,5}|[+-]\d{4})\s+)?(?P<year>\d{4})(?:\s+(?P<tz2>[A-Za-z]{1,5}|[+-]\d{4}))?$"
)
_TZ_NAME_IN_PARENS = re.compile(r"\(([A-Za-z]{1,5})\)\s*$")
_TRAILING_TZ_NAME = re.compile(r"\s([A-Za-z]{2,5})\s*$")
_CLOCK_12 = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2})(?::(?P<m>\d\d))?(?::(?P<s>\d\d))?\s*(?P<ap>[ap])\.?\s?m\b\.?", re.I
)
_NOON = re.compile(r"\b(?P<word>noon|midnight)\b", re.I)
_MONTH_DOT = re.compile(
    r"\b(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?(?=\s\d)", re.I
)
_NUMERIC_ZONE = re.compile(r"[+-]\d\d:?\d\d(?=\s|\(|$)|\dZ$")
_ZONE_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{1,5}(?![A-Za-z])")
DATE_NO_ZONE = "date has no time zone; UTC assumed"


# ---------------------------------------------------------------- RFC 2047


def recover_8bit(value: str) -> Decoded:
    """Decode raw 8-bit bytes that the stdlib parser kept as surrogate escapes."""
    if not _SURROGATE.search(value):
        return value, ()
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8"), ("raw 8-bit header decoded as utf-8",)
    except UnicodeDecodeError:
        return raw.decode("latin-1"), ("raw 8-bit header is not utf-8: decoded as latin-1",)


def decode_bytes(data: bytes, charset: str | None) -> Decoded:
    """Bytes in a declared charset to text; bad or unknown charsets are defects, not errors."""
    name = (charset or "").strip().strip("\"'").split("*")[0].lower()
    if name in _UNKNOWN_CHARSETS or not name:
        try:
            return data.decode("utf-8"), ()
        except UnicodeDecodeError:
            return data.decode("latin-1"), (f"charset {name or 'missing'!r}: decoded as latin-1",)
    try:
        codecs.lookup(name)
    except (LookupError, ValueError):
        return _fallback(data, f"unknown charset {name!r}")
    try:
        return data.decode(name), ()
    except (UnicodeDecodeError, ValueError):
        return _fallback(data, f"bytes invalid in charset {name!r}")


def _fallback(data: bytes, why: str) -> Decoded:
    try:
        return data.decode("utf-8"), (f"{why}: decoded as utf-8",)
    except UnicodeDecodeError:
        return data.decode("latin-1"), (f"{why}: decoded as latin-1",)


def _decode_word(match: re.Match[str]) -> Decoded:
    charset, enc, payload = match.group(1), match.group(2).lower(), match.group(3)
    try:
        if enc == "b":
            data = base64.b64decode(payload + "=" * (-len(payload) % 4))
        else:
            data = _q_decode(payload)
    except (binascii.Error, ValueError):
        return match.group(0), (f"bad encoded-word {match.group(0)[:40]!r}",)
    return decode_bytes(data, charset)


def _q_decode(payload: str) -> bytes:
    text = payload.replace("_", " ")
    out = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "=" and re.fullmatch(r"[0-9A-Fa-f]{2}", text[i + 1 : i + 3]):
            out.append(int(text[i + 1 : i + 3], 16))
            i += 3
        else:
            out.extend(text[i].encode("utf-8", "surrogateescape"))
            i += 1
    return bytes(out)


def decode_header(value: str | None) -> Decoded:
    """Unfold a header value, recover raw 8-bit text, decode RFC 2047 words."""
    if value is None:
        return "", ()
    text, defects = recover_8bit(_FOLD.sub(" ", str(value)))
    text = _BETWEEN_WORDS.sub(r"\1\2", text)
    parts: list[str] = []
    found: list[str] = list(defects)
    last = 0
    for match in _ENCODED_WORD.finditer(text):
        parts.append(text[last : match.start()])
        word, errs = _decode_word(match)
        parts.append(word)
        found.extend(errs)
        last = match.end()
    parts.append(text[last:])
    clean = "".join(parts).replace("\x00", "")
    if len(clean) != len("".join(parts)):
        found.append("NUL bytes in header")
    return clean.strip(), tuple(found)


# ---------------------------------------------------------------- people


def parse_person(value: str | None) -> Person:
    """A From-like value to a Person; archive obfuscation undone where it can be."""
    text, _ = decode_header(value)
    text = text.replace("\uff20", "@").strip()
    if not text:
        return Person(name="", email="")
    name, addr = _split_person(text)
    addr = _deobfuscate(addr)
    name = _clean_name(name)
    if name and (_BARE_ADDR.fullmatch(name) or name.lower() == addr):
        name = ""
    obfuscated = bool(_OBFUSCATED.search(addr) or _OBFUSCATED.search(text))
    return Person(name=name, email=addr.lower(), obfuscated=obfuscated)


def _split_person(text: str) -> tuple[str, str]:
    m = _ANGLE_ADDR.match(text)
    if m:
        return m.group("name"), m.group("addr").strip()
    m = _PAREN_NAME.match(text) if text.endswith(")") else None  # guard: else quadratic
    if m:
        return m.group("name"), m.group("addr").strip()
    m = _AT_WORD.match(text)
    if m:
        return "", f"{m.group('user')}@{m.group('host')}"
    m = _TRAILING_AT.search(text)
    if m:
        return text[: m.start()], f"{m.group('user')}@{m.group('host')}"
    m = _BARE_ADDR.search(text)
    if m:
        rest = (text[: m.start()] + text[m.end() :]).strip(" \"'<>(),")
        return rest, m.group(0)
    return text, ""


def _deobfuscate(addr: str) -> str:
    m = _AT_WORD.match(addr)
    if m:
        return f"{m.group('user')}@{m.group('host')}"
    return addr.strip().strip("<>\"'")


def _clean_name(name: str) -> str:
    name = name.strip().strip(",;")
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        name = name[1:-1]
    name = name.replace('\\"', '"').replace("\\\\", "\\")
    return " ".join(name.split())


# ---------------------------------------------------------------- dates


@lru_cache(maxsize=1)
def tz_offsets() -> dict[str, int]:
    """Timezone abbreviation -> minutes east of UTC (from ``data/timezones.toml``)."""
    text = resources.files("threadscan.mail").joinpath("data/timezones.toml").read_text("utf-8")
    table = tomllib.loads(text)["offsets"]
    return {str(k).upper(): int(v) for k, v in table.items()}


def parse_date(value: str | None) -> dt.datetime | None:
    """An aware datetime from an RFC 2822 or archive-style date; None when unreadable.

    A date that states no zone comes back in UTC; ``parse_date_zone`` says when
    that happened so the caller can record ``DATE_NO_ZONE`` as a defect.
    """
    return parse_date_zone(value)[0]


def parse_date_zone(value: str | None) -> tuple[dt.datetime | None, bool]:
    """(aware datetime or None, whether the text stated its time zone).

    Besides RFC 2822, ctime-style archive dates and ISO 8601, reads 12-hour
    clocks as web archives print them: "July 8, 2020 1:33 pm",
    "Dec. 1, 2025, 9:47 a.m. UTC", "Jan. 7, 2026, noon UTC".
    """
    text, _ = decode_header(value)
    text = _twenty_four_hour(" ".join(text.split()))
    if not text:
        return None, False
    for parse in (_parse_archive, _parse_rfc2822, _parse_iso):
        try:
            when = parse(text)
        except (ValueError, OverflowError, TypeError, IndexError):
            when = None
        if when is not None:
            return when, states_zone(text)
    return None, False


def states_zone(text: str) -> bool:
    """Does a date text name its zone (numeric offset, 'Z', or a known abbreviation)?"""
    if _NUMERIC_ZONE.search(text):
        return True
    names = tz_offsets()
    return any(word.upper() in names for word in _ZONE_WORD.findall(text))


def _twenty_four_hour(text: str) -> str:
    """'1:33 pm' -> '13:33', 'noon' -> '12:00', 'Dec.' -> 'Dec' (other text unchanged)."""
    text = _NOON.sub(lambda m: "12:00" if m.group("word").lower() == "noon" else "00:00", text)
    text = _CLOCK_12.sub(_clock, text)
    return _MONTH_DOT.sub(r"\g<mon>", text)


def _clock(m: re.Match[str]) -> str:
    hour = int(m.group("h")) % 12 + (12 if m.group("ap").lower() == "p" else 0)
    seconds = f":{m.group('s')}" if m.group("s") else ""
    return f"{hour:02d}:{m.group('m') or '00'}{seconds}"


def _zone(name: str | None) -> dt.timezone | None:
    if not name:
        return None
    if re.fullmatch(r"[+-]\d{4}", name):
        sign = -1 if name[0] == "-" else 1
        minutes = int(name[1:3]) * 60 + int(name[3:5])
        return dt.timezone(dt.timedelta(minutes=sign * minutes))
    offset = tz_offsets().get(name.upper())
    return None if offset is None else dt.timezone(dt.timedelta(minutes=offset))


def _parse_archive(text: str) -> dt.datetime | None:
    """ctime-like archive dates: 'Sat Oct 14 07:22:34 AEDT 2023'."""
    m = _ARCHIVE_DATE.match(text)
    if not m:
        return None
    zone_name = m.group("tz1") or m.group("tz2")
    zone = _zone(zone_name) or dt.UTC
    stamp = f"{m.group('day')} {m.group('mon')} {m.group('year')} {m.group('time')}"
    fmt = "%d %b %Y %H:%M:%S" if m.group("time").count(":") == 2 else "%d %b %Y %H:%M"
    return dt.datetime.strptime(stamp, fmt).replace(tzinfo=zone)


def _parse_rfc2822(text: str) -> dt.datetime | None:
    parts = parsedate_tz(text)
    if parts is None:
        return None
    year, month, day, hour, minute, second = parts[:6]
    if not 1 <= year <= 9999:
        return None
    naive = dt.datetime(year, month, day, hour, minute, second)
    offset = parts[9]
    if offset is None or (offset == 0 and "+0000" not in text):
        zone = _named_zone(text)
        if zone is not None:
            return naive.replace(tzinfo=zone)
    return naive.replace(tzinfo=dt.timezone(dt.timedelta(seconds=offset or 0)))


def _parse_iso(text: str) -> dt.datetime | None:
    """ISO 8601 ('2023-10-14 07:22:34+11:00'); a missing zone is taken as UTC."""
    when = dt.datetime.fromisoformat(text.replace(" UTC", "+00:00").replace("Z", "+00:00"))
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _named_zone(text: str) -> dt.timezone | None:
    m = _TZ_NAME_IN_PARENS.search(text) or _TRAILING_TZ_NAME.search(text)
    if not m or re.search(r"[+-]\d{4}", text):
        return None
    return _zone(m.group(1))


# ---------------------------------------------------------------- message ids


def normalize_msgid(value: str | None) -> str:
    """'<abc@host>' -> 'abc@host'; the first id when several are given; '' for none."""
    text, _ = decode_header(value)
    m = _MSGID.search(text)
    if m and "".join(m.group(1).split()):
        return "".join(m.group(1).split())
    m = _MSGID_BARE.search(text)
    if m:
        return m.group(0).strip()
    return "".join(text.split()).strip("<>")


def parse_references(value: str | None) -> tuple[str, ...]:
    """Every id in a References/In-Reply-To value, in order, without duplicates."""
    text, _ = decode_header(value)
    found = ["".join(m.group(1).split()) for m in _MSGID.finditer(text)]
    if not found:
        found = [m.group(0) for m in _MSGID_BARE.finditer(text)]
    seen: list[str] = []
    for mid in found:
        mid = mid.strip()
        if mid and mid not in seen:
            seen.append(mid)
    return tuple(seen)


def synth_msgid(author: str, date: str, subject: str, body: str) -> str:
    """A deterministic Message-ID for mail that has none."""
    digest = hashlib.sha1("\x1f".join((author, date, subject, body)).encode("utf-8", "replace"))
    return f"threadscan-{digest.hexdigest()[:16]}@synthetic"
