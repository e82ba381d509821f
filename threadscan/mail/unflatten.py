"""Patchwork page text: several messages, each flattened onto one line, rebuilt.

A comment line reads "On <date>, X <addr> wrote: > quoted > > nested ... reply".
Each comment is linked to the message it quotes (its attribution names X; the
latest earlier message signed by X, else the patch). The quote chain gives the
speaker of every depth and the text each depth must align with. Runs of ``>``
become line breaks with markers; a run is read as "blank quoted line + line"
when that aligns better, and reply text run on after a quote without a marker
is split off where it stops matching the quoted message. The patch line itself
(diff with whitespace collapsed) is cut back into diff lines by ``diffsplit``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from threadscan.mail.attribution import Attribution, first_name, parse_attribution
from threadscan.mail.page import PageHead, build_message
from threadscan.model import Message, Person, Provenance, Skip

__all__ = ["FlatMessage", "parse_patchwork", "split_flat"]

_FIELD = re.compile(r"^\s*(?P<key>[A-Z][\w ]{1,20}?)\s*\|\s*(?P<value>.*?)\s*\|(?:.*\|)?\s*$")
_RULE = re.compile(r"^\s*-{3}\|")
_LEAD_ATTR = re.compile(
    r"^(?P<greet>(?:Hi|Hello|Hey|Dear)\b[^.,!>]{0,40}[,!]\s+)?"  # "Hi," before the attribution
    r"(?P<attr>On\s.{5,200}?\s(?:wrote|writes):)(?:\s+(?P<rest>.*))?$",
    re.S,
)
_MARKS = re.compile(r"(?:^|\s)(>(?: >)*)(?=\s|$)")
_END_SIGN = re.compile(r"(?:^|\s)(?P<name>[A-Z][a-z]{1,20})\s*$")
_FIELD_MAX = 400
_QUOTED_GRAMS = 5
# a browser copies a table's cells tab-separated
_TAB_ROW = re.compile(
    r"^(?P<key>\s*(?:Message ID|State|Headers|Series|Delegated to|Commit|Archived))"
    r"\t+(?P<value>.*?)\s*$"
)


@dataclass(frozen=True)
class FlatMessage:
    """One flattened message of a Patchwork page."""

    index: int  # line on the page
    text: str
    attribution: Attribution | None
    rest: str  # text after the leading attribution
    signer: str | None  # trailing first name ("Alex", "Jason")
    is_patch: bool
    greeting: str = ""  # "Hi," written before the leading attribution

@dataclass(frozen=True)
class _Chunk:
    marks: int
    text: str


def split_flat(text: str) -> list[_Chunk]:
    """'a > b > > c' -> [(0,'a'), (1,'b'), (2,'c')]: content between runs of '>'."""
    chunks: list[_Chunk] = []
    pos, marks = 0, 0
    for m in _MARKS.finditer(text):
        chunks.append(_Chunk(marks, text[pos : m.start()].strip()))
        pos, marks = m.end(), m.group(1).count(">")
    chunks.append(_Chunk(marks, text[pos:].strip()))
    return [c for c in chunks if c.text or c.marks]


def parse_patchwork(text: str, provenance: Provenance) -> list[Message | Skip]:
    """Every message of a Patchwork page, replies linked to what they quote.

    A page rendered line by line (each message under a "Name Dec. 1, 2025,
    9:47 a.m. UTC" line) is read by ``threadscan.mail.pwpage``; a page whose
    messages were each flattened onto one line is rebuilt here.
    """
    lines = [_pipe_row(ln) for ln in text.split("\n")]
    fields = {
        m.group("key").strip().lower(): m.group("value")
        for ln in lines
        if len(ln) <= _FIELD_MAX and (m := _FIELD.match(ln))
    }
    from threadscan.mail.pwpage import has_meta_lines, parse_lines

    if has_meta_lines(lines):
        return parse_lines(lines, fields, provenance)
    flats = [_flat(i, ln) for i, ln in enumerate(lines) if ln.strip() and not _is_head(ln)]
    if not flats:
        return [Skip(provenance, "patchwork page without messages")]
    targets = _targets(flats)
    people = _identities(flats, targets)
    out: list[Message | Skip] = []
    ids: dict[int, str] = {}
    for pos in _order(flats, targets):
        out.append(_message(pos, flats, targets, people, fields, ids, provenance))
    return out


def _pipe_row(line: str) -> str:
    """"Message ID<TAB><id>" (a browser's copy of the table) as "Message ID | <id> |"."""
    m = _TAB_ROW.match(line) if "\t" in line else None
    return f"{m.group('key')} | {m.group('value')} |" if m else line


def _is_head(line: str) -> bool:
    return len(line) <= _FIELD_MAX and bool(_FIELD.match(line) or _RULE.match(line))


def _flat(index: int, line: str) -> FlatMessage:
    text = " ".join(line.split())
    m = _LEAD_ATTR.match(text)
    attribution = parse_attribution(m.group("attr")) if m else None
    rest = (m.group("rest") or "") if m and attribution else text
    greeting = (m.group("greet") or "").strip() if m and attribution else ""
    signer = _END_SIGN.search(rest)
    is_patch = attribution is None and bool(re.match(r"^(?:diff |Index: |---)", rest))
    name = signer.group("name") if signer and not is_patch else None
    return FlatMessage(index, text, attribution, rest, name, is_patch, greeting)


def _targets(flats: Sequence[FlatMessage]) -> dict[int, int | None]:
    """Position of the message each position quotes: latest earlier one signed by the named."""
    patch = next((i for i, f in enumerate(flats) if f.is_patch), None)
    grams = [_grams(f.rest) for f in flats]
    out: dict[int, int | None] = {}
    for i, flat in enumerate(flats):
        if flat.is_patch:
            out[i] = None
            continue
        if flat.attribution is None:
            out[i] = patch
            continue
        named = first_name(flat.attribution.name)
        earlier = [
            j for j in range(i) if flats[j].signer and first_name(flats[j].signer or "") == named
        ]
        out[i] = earlier[-1] if earlier else _quoted_from(i, flats, grams, patch)
    return out


def _quoted_from(i: int, flats: Sequence[FlatMessage], grams: Sequence[set[tuple[str, ...]]],
                 patch: int | None) -> int | None:
    """The earlier comment whose words this one quotes most (at least ``_QUOTED_GRAMS`` word
    trigrams in common), for a quoted person who signs nothing; else the patch."""
    shared = [(len(grams[i] & grams[j]), j) for j in range(i) if not flats[j].is_patch]
    best = max(shared, default=(0, patch))
    return best[1] if best[0] >= _QUOTED_GRAMS else patch


def _grams(text: str) -> set[tuple[str, ...]]:
    words = [w for w in text.lower().split() if w != ">"]
    return {tuple(words[k : k + 3]) for k in range(max(0, len(words) - 2))}


def _identities(
    flats: Sequence[FlatMessage], targets: dict[int, int | None]
) -> dict[int, Attribution]:
    """Who wrote each position (and when), as the replies quoting it say."""
    found: dict[int, Attribution] = {}
    for i, target in targets.items():
        attribution = flats[i].attribution
        if target is not None and attribution is not None and target not in found:
            found[target] = attribution
    known = list(found.values())
    for i, flat in enumerate(flats):
        if i not in found and flat.signer:
            match = [a for a in known if first_name(a.name) == flat.signer.lower()]
            name = match[0].name if match else flat.signer
            email = match[0].email if match else ""
            found[i] = Attribution(name=name, email=email, date_text="", raw="")
    return found


def _order(flats: Sequence[FlatMessage], targets: dict[int, int | None]) -> list[int]:
    """The patch first, then the comments in page order."""
    patch = [i for i, f in enumerate(flats) if f.is_patch]
    return patch + [i for i in range(len(flats)) if i not in patch]


def _chain(pos: int, targets: dict[int, int | None]) -> list[int]:
    chain: list[int] = []
    current = targets.get(pos)
    while current is not None and current not in chain and current != pos:
        chain.append(current)
        current = targets.get(current)
    return chain


def _message(
    pos: int,
    flats: Sequence[FlatMessage],
    targets: dict[int, int | None],
    people: dict[int, Attribution],
    fields: dict[str, str],
    ids: dict[int, str],
    provenance: Provenance,
) -> Message:
    from threadscan.mail.body import segment_lines

    flat = flats[pos]
    chain = _chain(pos, targets)
    names = {d + 1: people[j].name for d, j in enumerate(chain) if j in people}
    who = people.get(pos)
    author = _person(who)
    defects = ["rebuilt from a flattened patchwork page"]
    if "series" in fields:
        defects.append("subject not on page: series title used")
    lines = _lines(pos, flats, targets, chain)
    segments = segment_lines(lines, author.display or None, names)
    head = _head(flat, who, fields)
    parent = targets.get(pos)
    message = build_message(
        head,
        author,
        segments,
        "\n".join(lines),
        provenance,
        defects,
        locator=f"patchwork:{flat.index}",
        in_reply_to=ids.get(parent) if parent is not None else None,
    )
    ids[pos] = message.msgid
    return message


def _lines(
    pos: int, flats: Sequence[FlatMessage], targets: dict[int, int | None], chain: Sequence[int]
) -> list[str]:
    """The message's lines: the patch cut back into diff lines, a reply's '>' runs rebuilt."""
    from threadscan.mail.diffsplit import split_patch
    from threadscan.mail.rebuild import rebuild_lines

    flat = flats[pos]
    if flat.is_patch:
        return split_patch(flat.rest, _quoted_views(pos, flats, targets))
    known = {d + 1: flats[j].text for d, j in enumerate(chain)}
    lines = rebuild_lines(flat.attribution, flat.rest, known, len(chain))
    return [flat.greeting, *lines] if flat.greeting else lines


def _person(who: Attribution | None) -> Person:
    if who is None:
        return Person(name="", email="")
    from threadscan.mail.headers import parse_person

    if who.email:
        return parse_person(f"{who.name} <{who.email}>")
    return Person(name=who.name, email="")


def _head(flat: FlatMessage, who: Attribution | None, fields: dict[str, str]) -> PageHead:
    from threadscan.mail.headers import normalize_msgid

    series = fields.get("series", "")
    subject = series if flat.is_patch or not series else f"Re: {series}"
    msgid = ""
    if flat.is_patch and "message id" in fields:
        msgid = normalize_msgid(fields["message id"].split()[0] if fields["message id"] else "")
    date = who.date if who else None
    return PageHead(subject=subject, date=date, date_text=who.date_text if who else "", msgid=msgid)


def _quoted_views(
    pos: int, flats: Sequence[FlatMessage], targets: dict[int, int | None]
) -> list[list[str]]:
    """The patch as each direct reply quotes it: its depth-1 lines, blank ones included."""
    from threadscan.mail.rebuild import rebuild_lines

    views = []
    for i, target in targets.items():
        if target != pos or flats[i].attribution is None:
            continue
        lines = rebuild_lines(flats[i].attribution, flats[i].rest, {1: flats[pos].text}, 1)
        views.append([ln[1:].removeprefix(" ") for ln in lines if ln.startswith(">")])
    return views
