"""Attribution lines ("On <date>, X wrote:", "X <addr> writes:") and sign-offs.

Pure functions over single lines of text: who is being quoted, with which
address and date, and who signed a block ("Thanks,\\nNathan", "-George").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "DATED_OPENING",
    "ENDINGS",
    "Attribution",
    "first_name",
    "name_line",
    "page_addresses",
    "parse_attribution",
    "parse_attribution_pair",
    "parse_loose_date",
    "sign_off_name",
]

_MAX_LEN = 200
_DIGIT = re.compile(r"\d")
ENDINGS = frozenset(":：)")  # the last character of every attribution form
_ON = r"On|Le|El|Em|Op|Il|W dniu|在|\?"  # "? …, X ??:" is "在 …, X 写道:" through a 7-bit mailer
_ON_WROTE = re.compile(
    rf"^(?:{_ON})\s(?P<body>.{{3,200}}?)\s*(?:wrote|writes|said|"
    r"a écrit|escribió|escreveu|schreef|ha scritto|napisał|pisze|写道|\?\?)\s*[:：]\s*$"
)
# how the forms that carry a date open ("On <date>, X wrote:", "Am <date> schrieb X:", ...)
DATED_OPENING = re.compile(rf"^(?:{_ON}|Am|Excerpts from)\s")
_AM_SCHRIEB = re.compile(
    r"^(?:Am|Op)\s(?P<date>.{3,100}?)\s+(?:schrieb|schreef)\s+(?P<body>.{1,120}?)\s*:\s*$")
# Gmail in Chinese: "Greg KH <gregkh@linuxfoundation.org> 于2021年6月8日周二 下午5:29写道："
_YU_XIEDAO = re.compile(r"^(?P<body>[^于]{1,160}?)\s*于\s*(?P<date>.{3,80}?)\s*写道\s*[:：]\s*$")
# Apple Mail in Chinese: "2025年8月18日 20:20，John Garry <john.g.garry@oracle.com> 写道："
_DATE_XIEDAO = re.compile(
    r"^(?P<date>\d{4}\s*年[^，,]{1,40}?)[，,]\s*(?P<body>.{1,160}?)\s*写道\s*[:：]\s*$")
_EXCERPTS = re.compile(r"^Excerpts from (?P<body>.{1,80}?)'s message of (?P<date>.{1,80}?):\s*$")
_ON_START = re.compile(r"^On\s+\S.{2,150}$")
_WROTE_END = re.compile(r"^(?P<body>\S.{0,160}?)\s+(?:wrote|writes|said)\s*:\s*$")
_QUOTING = re.compile(
    r"^Quoting\s+(?P<body>[^()]{1,120}?)\s*(?:\((?P<date>[^()]{1,80})\))?\s*:\s*$"
)
# alot and its kin write no colon: "Quoting Tamir Duberstein (2025-07-10 08:31:07)"
_QUOTING_DATED = re.compile(
    r"^Quoting\s+(?P<body>[^()]{1,120}?)\s*\((?P<date>\d{4}-\d\d-\d\d[^()]{0,40})\)\s*$")
_WROTE_ON = re.compile(  # "Andy Shevchenko wrote on Wed, Aug 13, 2025 at 04:52:39PM +0300:"
    r"^(?P<body>[^,:]{1,120}?)\s+wrote on\s+(?P<date>[^:]{0,60}\d.{0,40}?)\s*:\s*$")
_MUTT = re.compile(r"^\*\s+(?P<body>[^\[\]]{1,120}?)\s*\[(?P<date>[^\[\]]{1,60})\]\s*:\s*$")
_ADDRS = (
    re.compile(r"<[^<>\s]{1,120}>"),
    re.compile(r"\([^()\s]{1,120}@[^()\s]{1,120}\)"),
    re.compile(r"[^\s<>()]{1,80}@[^\s<>()]{1,120}"),
)
_ADDR_WORDS = re.compile(r"(?P<user>[\w.+-]{1,64}) at (?P<host>[\w-]{1,63}(?:\.[\w-]{1,63}){1,8})")
_DATE_WORD = re.compile(
    r"^(?:\d.*|[+-]\d{4}\)?|\(?[A-Z]{2,5}\)?|(?i:at|on|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|"
    r"sun)(?:day)?|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|[ap]\.?m\.?))[,.]?$"
)
# prose, not a name: one of these words in lower case ("what the patch wrote:"), or first
# when no date vouches for the line ("I think that you wrote:"); capitalized inside a name it
# is a name ("Xue He"), and after a date too ("On 7/8/25 10:00 AM, He Zhe wrote:", but not
# "On Monday, I wrote:")
_PROSE_WORDS = r"(?:patch|the|this|that|which|commit|you|we|i|code|he|she|it)\b"
_NOT_NAME = re.compile(rf"\b{_PROSE_WORDS}")
_NOT_NAME_FIRST = re.compile(rf"(?i:{_PROSE_WORDS})")
_SIGN_OFF = re.compile(
    r"(?i)^(?:thanks|thank you|regards|best regards|kind regards|cheers|br|best|"
    r"thx|ta|greetings|sincerely|many thanks)[,.!]*\s*$"
)
_AFFILIATION = re.compile(r"\s+\([^()]*\)\s*$")  # "Peter Zijlstra (Intel)"
_NAME_LINE = re.compile(r"^-{0,2}\s?(?P<name>[A-Z][\w'.-]{0,30}(?: [A-Z][\w'.-]{0,30}){0,2})\s*$")


@dataclass(frozen=True)
class Attribution:
    """Who a quote is attributed to, as the attribution line says it."""

    name: str  # display name, or the address when no name is given
    email: str  # "" when absent; may be obfuscated ("akrowiak@xxxxxxxxxxxxx")
    date_text: str  # the date as written ("" when absent)
    raw: str  # the whole attribution text (one line, or two joined by a space)

    @property
    def date(self) -> dt.datetime | None:
        return parse_loose_date(self.date_text)


def parse_attribution(line: str) -> Attribution | None:
    """The attribution on one line, or None when the line is not one."""
    last = line.rstrip()[-1:]
    if last not in ENDINGS or (last == ")" and not line.lstrip().startswith("Quoting")):
        return None  # every attribution form ends with a colon (alot's with its date)
    text = " ".join(line.split())
    if not text or len(text) > _MAX_LEN:
        return None
    if last == ")":  # code ends so too: only alot's form
        m = _QUOTING_DATED.match(text)
        return _from_person(m.group("body"), m.group("date"), text) if m else None
    m = _ON_WROTE.match(text)
    if m:
        found = _from_on(m.group("body"), text)
        return found if found and (found.date_text or text[0] != "?") else None
    for pattern in (_QUOTING, _MUTT, _AM_SCHRIEB, _EXCERPTS, _YU_XIEDAO, _DATE_XIEDAO,
                    _WROTE_ON):
        m = pattern.match(text)
        if m:
            return _from_person(m.group("body"), m.group("date") or "", text)
    m = _WROTE_END.match(text)
    if m and not _ON_WROTE.match(text) and not text.lower().startswith("on "):
        return _from_person(m.group("body"), "", text)
    return None


def parse_attribution_pair(first: str, second: str) -> Attribution | None:
    """An attribution wrapped over two lines ("On Thu, 21 Oct 2021 11:23:26 -0400" / "X wrote:")."""
    if len(first) > _MAX_LEN or len(second) > _MAX_LEN:
        return None
    if not first.lstrip().startswith("On") or not second.rstrip().endswith(":"):
        return None  # cheap pre-check of _ON_START / _WROTE_END below
    one, two = " ".join(first.split()), " ".join(second.split())
    if not _ON_START.match(one) or parse_attribution(one) is not None:
        return None
    if not _WROTE_END.match(two) or len(two) > 160:
        return None
    return parse_attribution(f"{one} {two}")


def _from_on(body: str, raw: str) -> Attribution | None:
    """'Tue, Feb 08, 2022 at 05:08:01PM -0700, Alex Williamson' -> name, email, date."""
    addr, rest = _take_address(body)
    head, _, last = rest.rpartition(",")
    if head and last.strip() and not _DIGIT.search(last):
        return _checked(last.strip(" \"'"), addr, head.strip(), raw)
    tokens = rest.replace(",", ", ").split()
    cut = 0
    for i, token in enumerate(tokens):
        if _DATE_WORD.match(token):
            cut = i + 1
    name_tokens = tokens[cut:]
    if cut == 0 and len(tokens) > 4:
        return None
    name = " ".join(name_tokens).strip(" ,\"'")
    date_text = " ".join(tokens[:cut]).strip(" ,")
    return _checked(name, addr, date_text, raw)


def _from_person(body: str, date_text: str, raw: str) -> Attribution | None:
    addr, rest = _take_address(body)
    return _checked(rest.strip(" ,\"'"), addr, date_text.strip(), raw)


def _checked(name: str, addr: str, date_text: str, raw: str) -> Attribution | None:
    name = " ".join(name.split())
    if not name and not addr:
        return None
    first = _NOT_NAME_FIRST.match(name)
    if name and (len(name.split()) > 5 or _NOT_NAME.search(name)
                 or (first and (not date_text or first.end() == len(name)))):
        return None
    return Attribution(name=name or addr, email=addr, date_text=date_text, raw=raw)


def _take_address(text: str) -> tuple[str, str]:
    """Split '<addr>' / '(addr)' / 'user at host' / 'a@b' out of ``text``."""
    m = _ADDR_WORDS.search(text)
    if m:
        addr = f"{m.group('user')}@{m.group('host')}"
    else:
        m = next((found for p in _ADDRS if (found := p.search(text))), None)
        if m is None:
            return "", text
        addr = m.group(0).strip("<>()")
    rest = (text[: m.start()] + " " + text[m.end() :]).replace("<", " ").replace(">", " ")
    rest = rest.replace("()", " ")
    return addr.lower(), " ".join(rest.split()).strip(" ,\"'")


_SIGNED = re.compile(r"^[\s>]*+Signed-off-by:(?P<who>[^<>\n]*+)<(?P<addr>[^<>\s]+@[^<>\s]+)>")


def page_addresses(lines: Sequence[str]) -> dict[str, str]:
    """Display name -> address, from what a page's text says of people: attribution lines
    ("On ..., X <addr> wrote:") and sign-offs ("Signed-off-by: X <addr>"), the first wins.
    For pages that show a sender's name only (Patchwork comments, lore thread pages)."""
    found: dict[str, str] = {}
    for line in lines:
        if (m := _SIGNED.match(line)) is not None and m.group("who").strip():
            found.setdefault(m.group("who").strip(), m.group("addr").lower())
        elif line.rstrip().endswith(":") and "@" in line:
            attribution = parse_attribution(line.lstrip("> "))
            if attribution is not None and attribution.email and attribution.name:
                found.setdefault(attribution.name, attribution.email)
    return found


def fold_name(name: str) -> str:
    """A person's name as compared: accents folded, case and spacing ignored ("Roger Pau
    Monné" and "Roger  Pau Monne" are one person; mailers and archives drop accents), and an
    employer after the name dropped ("Peter Zijlstra (Intel)" is Peter Zijlstra)."""
    import unicodedata

    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(_AFFILIATION.sub("", ascii_).lower().split())


def first_name(name: str) -> str:
    """A display name's first word, lower-cased ("Roger Pau Monné" -> "roger"); "" for none."""
    return name.split()[0].lower() if name.split() else ""


def name_line(line: str) -> str | None:
    """The name a line consists of ("Nathan", "-George", "Roger Pau Monné"), else None."""
    m = _NAME_LINE.match(line.strip())
    return m.group("name") if m else None


def sign_off_name(lines: Sequence[str]) -> str | None:
    """The name a block of lines is signed with ("Thanks,\\nNathan", "-George"), or None."""
    tail = [ln.strip() for ln in lines if ln.strip()][-3:]
    if not tail:
        return None
    last = tail[-1]
    m = _NAME_LINE.match(last)
    if m and last.startswith("-") and not last.startswith("--"):
        return m.group("name")
    if m and len(tail) >= 2 and _SIGN_OFF.match(tail[-2]):
        return m.group("name")
    words = last.split()
    if len(words) >= 2 and _SIGN_OFF.match(" ".join(words[:-1])):
        name = _NAME_LINE.match(words[-1])
        return name.group("name") if name else None
    return None


# ---------------------------------------------------------------- dates in attributions

_MUTT_DATE = re.compile(
    r"(?i)(?:\w{3},?\s+)?(?P<mon>[a-z]{3})\w*\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\s+at\s+"
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]m)?\s*(?P<tz>[+-]\d{4})?"
)
_ISO_AT = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})\s+at\s+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?"
    r"\s*(?P<tz>[+-]\d{4})?"
)
_ZONE = re.compile(r"[+-]\d{4}\b|\b(?:UTC|GMT|[A-Z]{1,4}[SD]T|CET|CEST|EET|IST|JST|KST)\b")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def parse_loose_date(text: str) -> dt.datetime | None:
    """Dates as attribution lines write them; aware, or None (naive dates are not guessed)."""
    if not text or not _ZONE.search(text):
        return None  # a date without a zone is not guessed
    from threadscan.mail.headers import parse_date

    when = parse_date(text)
    if when is not None:
        return when
    m = _MUTT_DATE.search(text)
    if m and m.group("mon").lower() in _MONTHS:
        hour = _hour(int(m.group("h")), m.group("ampm"))
        month = _MONTHS.index(m.group("mon").lower()) + 1
        return _aware(int(m.group("year")), month, int(m.group("day")), hour, m, m.group("tz"))
    m = _ISO_AT.search(text)
    if m:
        y, mo, d = int(m.group("y")), int(m.group("mo")), int(m.group("d"))
        return _aware(y, mo, d, int(m.group("h")), m, m.group("tz"))
    return None


def _hour(hour: int, ampm: str | None) -> int:
    if ampm and ampm.lower() == "pm" and hour < 12:
        return hour + 12
    if ampm and ampm.lower() == "am" and hour == 12:
        return 0
    return hour


def _aware(y: int, mo: int, d: int, h: int, m: re.Match[str], tz: str | None) -> dt.datetime | None:
    if tz is None:
        return None
    sign = -1 if tz[0] == "-" else 1
    zone = dt.timezone(sign * dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[3:5])))
    try:
        return dt.datetime(y, mo, d, h, int(m.group("m")), int(m.group("s") or 0), tzinfo=zone)
    except ValueError:
        return None
