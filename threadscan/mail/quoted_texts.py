"""The stored messages a page without quote markers quotes (Google Groups text).

Such a page shows no Message-ID, subject or date, so which messages of a corpus are its
thread's is known only from its words. ``probes`` picks word runs of the page to look up
(``Corpus.writers_of``: messages whose own text holds them); ``known_texts`` turns the
messages found into what ``mail.unquoted`` aligns the page's blocks against: each
sender's own text. ``placed`` puts the page in its thread: a stored message it shows (its
own words are that message's) is not stored twice; the unarchived message a stored reply
answers (quoting the page's own words) takes its Message-ID; else the page answers the
latest stored message it quotes; ``signed_by`` completes a page signed with a first name
from the thread's senders. Pure functions; the lookups are the pipeline's.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable, Sequence

from threadscan.mail.attribution import Attribution, first_name, fold_name, parse_attribution
from threadscan.mail.unquoted import bare_signature, trigrams
from threadscan.model import STAND_IN, Message, Person, Skip

PROBE_WORDS = 6  # words in a run looked up; long enough to be unlikely by chance
MAX_PROBES = 24
_WORD = re.compile(r"[A-Za-z][\w'-]*")
SAME = 0.8  # share of a page's own trigrams a stored message holds: the page shows it
MIN_GRAMS = 10  # fewer words than this say nothing about where they come from
MAX_CHARS = 100_000  # of a text compared by trigrams


def probes(msg: Message, own: bool = False) -> list[str]:
    """Word runs from the page's prose lines (``own``: its sender's own lines), spread over
    the page (at most MAX_PROBES)."""
    kinds = ("text",) if own else ("text", "quote")
    runs = [run for s in msg.segments if s.kind in kinds and (s.depth == 0 or not own)
            for line in s.text.split("\n") if (run := _run(line))]
    if len(runs) <= MAX_PROBES:
        return runs
    step = len(runs) / MAX_PROBES
    return [runs[int(i * step)] for i in range(MAX_PROBES)]


def _run(line: str) -> str | None:
    """The middle PROBE_WORDS words of a line that has that many (prose, not code)."""
    words = _WORD.findall(line)
    if len(words) < PROBE_WORDS or any(c in line for c in ";{}"):
        return None
    mid = (len(words) - PROBE_WORDS) // 2
    return " ".join(words[mid:mid + PROBE_WORDS])


def known_texts(found: Iterable[Message], page: Message) -> dict[str, str]:
    """Each sender's own text (prose at depth 0) among the messages found, the page's own
    message (the same id) left out."""
    known: dict[str, list[str]] = {}
    for m in found:
        if m.msgid != page.msgid and m.author.name.strip() and (own := own_text(m)):
            known.setdefault(m.author.name, []).append(own)
    return {name: "\n".join(texts) for name, texts in known.items()}


def _grams(text: str) -> set[tuple[str, ...]]:
    """Word trigrams of the first MAX_CHARS characters (a huge page costs no more)."""
    return trigrams(text[:MAX_CHARS])


def own_text(m: Message) -> str:
    return "\n".join(s.text for s in m.segments if s.kind == "text" and s.depth == 0)


def _best(text: str, found: Sequence[Message], share: float) -> Message | None:
    """The message whose own text holds the largest share (at least ``share``) of ``text``'s
    trigrams."""
    grams = _grams(text)
    if len(grams) < MIN_GRAMS or not found:
        return None
    scored = [(len(grams & _grams(own_text(m))) / len(grams), m) for m in found]
    score, best = max(scored, key=lambda p: p[0])
    return best if score >= share else None


def stored_copy(page: Message, found: Sequence[Message]) -> Message | None:
    """The stored message the page shows (its own words are that message's), if any."""
    return _best(own_text(page), [m for m in found if m.msgid != page.msgid], SAME)


def parent(page: Message, found: Sequence[Message]) -> Message | None:
    """The stored message the page answers: of the messages whose own words it quotes (at
    least MIN_GRAMS trigrams of them), the latest by the person its first attribution line
    names, else the latest (a reply quotes what it answers, and that quotes older ones; one
    person's name at two depths makes depths no guide)."""
    quoted = _grams("\n".join(s.text for s in page.segments if s.kind == "quote"))
    quoting = [m for m in found if m.msgid != page.msgid and m.date is not None
               and len(quoted & _grams(own_text(m))) >= MIN_GRAMS]
    named = _first_attributed(page)
    by_them = [m for m in quoting if named and first_name(m.author.name) == named]
    return max(by_them or quoting, key=lambda m: m.date.timestamp() if m.date else 0.0,
               default=None)


def _first_attributed(page: Message) -> str:
    """The first name of whom the page's first attribution line quotes ("" if none)."""
    said = _attribution(page)
    return first_name(said.name) if said else ""


def unarchived(page: Message, quoters: Sequence[Message],
               stored: Collection[str]) -> Message | None:
    """The page as the message a stored reply answers but the corpus lacks ("not archived"):
    the reply quotes the page's own words at its first level, so its In-Reply-To is the
    page's Message-ID and its quote's speaker the page's sender."""
    own = _grams(own_text(page))
    for m in quoters:
        if not m.in_reply_to or m.in_reply_to in stored or m.msgid == page.msgid:
            continue
        quote = [s for s in m.segments if s.kind == "quote" and s.depth == 1]
        grams = _grams("\n".join(s.text for s in quote))
        if len(grams) >= MIN_GRAMS and len(grams & own) / len(grams) >= SAME:
            return _as_answered(page, m, next((s.speaker for s in quote if s.speaker), None))
    return None


def _as_answered(page: Message, reply: Message, speaker: str | None) -> Message:
    """The page under the reply's In-Reply-To; sender and date from the reply's attribution
    of it ("On Wed, Nov 30, 2022 at 10:34:41AM +0100, Jan Beulich wrote:") when it has one."""
    refs = reply.references[: reply.references.index(reply.in_reply_to)] \
        if reply.in_reply_to in reply.references else ()
    said = _attribution(reply)
    name = said.name if said and said.name else speaker
    author = Person(name, said.email if said else "") if name else page.author
    date = said.date if said else None
    note = (f"{STAND_IN}: Message-ID{', sender and date' if date else ' and sender'} from "
            f"<{reply.msgid}>, which answers its text")
    kept = [d for d in page.defects if not d.startswith("no Message-ID")
            and not (date and d == "no date on page")]
    return dataclasses.replace(
        page, msgid=str(reply.in_reply_to), msgid_synthetic=False, author=author,
        date=date or page.date,
        segments=tuple(dataclasses.replace(s, speaker=author.name) if s.depth == 0 else s
                       for s in page.segments),
        in_reply_to=refs[-1] if refs else page.in_reply_to, references=refs or page.references,
        defects=(*kept, note))


def _attribution(msg: Message) -> Attribution | None:
    """The message's own first attribution line (the one opening its first-level quote)."""
    lines = [s.text for s in msg.segments if s.kind == "attribution" and s.depth == 0]
    return parse_attribution(lines[0]) if lines else None


def placed(page: Message, found: Sequence[Message], quoters: Sequence[Message] = (),
           stored: Collection[str] = ()) -> Message | Skip:
    """The page threaded where it belongs: a stored message it shows (a Skip naming it:
    not stored twice), else the unarchived message a stored reply answers, else a reply to
    the latest stored message it quotes."""
    copy = stored_copy(page, found)
    if copy is not None:
        return Skip(page.provenance, f"page shows the stored message <{copy.msgid}>",
                    msgid=copy.msgid)
    page = unarchived(page, quoters, stored) or page
    answered = None if page.in_reply_to else parent(page, found)
    if answered is None:
        return page
    return dataclasses.replace(page, in_reply_to=answered.msgid,
                               references=(*answered.references, answered.msgid))


def signed_by(page: Message, people: Iterable[Person]) -> Message:
    """The page as sent by one of its thread's senders (``people``: those the corpus knows),
    with their full name and address: the one its own last block's bare signature names,
    when the page was threaded under a parent (its sender a guess from the attribution
    lines' alternation; a stand-in's sender is named by the reply that answers it), else the
    one whose name its sender is (a signature "Steve" or "M.", a name from an attribution
    line, without an address); else the page as it is."""
    people = list(people)
    signed, short = _own_signature(page), page.author.name
    if page.msgid_synthetic and signed and short and not _calls(signed, short):
        person = _one(people, signed)
        if person is not None:
            return _sent_by(page, person, short)
    person = _one(people, short) if short and not page.author.email else None
    return page if person is None else _sent_by(page, person, short)


def _own_signature(page: Message) -> str | None:
    """The bare signature ending the page's last block, when that block is its own."""
    blocks = [s for s in page.segments if s.text.strip()]
    if not blocks or blocks[-1].depth != 0:
        return None
    return bare_signature(blocks[-1].text.splitlines())


def _one(people: Sequence[Person], signed: str) -> Person | None:
    named = {p.name: p for p in people if p.name and _calls(signed, p.name)}
    return next(iter(named.values())) if len(named) == 1 else None


def _sent_by(page: Message, person: Person, was: str) -> Message:
    return dataclasses.replace(
        page, author=person,
        segments=tuple(dataclasses.replace(s, speaker=person.name)
                       if s.depth == 0 and s.speaker == was else s for s in page.segments))


def _calls(short: str, name: str) -> bool:
    """Whether a signature ``short`` can be ``name``'s: the same full name, its first name,
    an initial ("M."), or a shortened first name ("Steve" for Steven)."""
    if len(short.split()) > 1:
        return fold_name(short) == fold_name(name)
    sig, first = short.rstrip(".").lower(), first_name(name)
    if len(sig) == 1:
        return short.endswith(".") and first.startswith(sig)
    return first == sig or (len(sig) >= 3 and first.startswith(sig))
