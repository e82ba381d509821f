"""Who said a quoted sentence, as the whole thread tells it (pure; units in, units out).

A quote's speaker comes from its attribution line ("On ..., Jens Axboe wrote:"); deeper
quotes under a reply that kept fewer attribution lines are guessed by alternation (the
replier, the one replied to, the replier ...), which is wrong when three people talk. The
thread itself knows better: the words were first written in somebody's own text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from threadscan.mail.attribution import fold_name
from threadscan.model import Message
from threadscan.nlp.sentences import paragraphs, sentence_key, split_paragraph
from threadscan.nlp.tag import Unit, is_posting, same_person


def with_thread_speakers(units: Sequence[Unit], messages: Sequence[Message],
                         authors: frozenset[str]) -> list[Unit]:
    """Speakers the thread can name better: a quoted sentence is the author's of the message
    whose own text first holds it, when its quote names nobody (a quote three levels deep
    under a reply that kept two "... wrote:" lines) or, for a sentence of some length,
    somebody else (the speaker of an unattributed deeper quote is guessed by alternation,
    wrong when three people talk); a speaker written as an address ("peterz@infradead.org
    wrote:", a From: without a name) is the name the thread's mail from that address gives
    (so a quote of the patch author by address is the author's)."""
    named = {m.author.email.lower(): m.author.name for m in messages
             if m.author.email and m.author.name}
    own = _own_sentences(units, messages) if any(u.quoted for u in units) else {}
    out = []
    for u in units:
        who = _writer(u, own) or (named.get(u.speaker.strip("<> ").lower()) if u.speaker
                                  else None)
        if who:
            u = replace(u, speaker=who, strict=any(same_person(who, a) for a in authors))
        out.append(u)
    return out


WRITER_MIN_WORDS = 5  # shorter sentences ("Yes, please.") are said by many
_LETTERS = re.compile(r"[^\W\d_]+")


def _writer(u: Unit, own: dict[str, str]) -> str | None:
    """The thread author who first wrote a quoted unit's sentence in their own text, when
    that should replace its speaker."""
    writer = own.get(sentence_key(u.text)) if u.quoted else None
    if writer is None or not u.speaker:
        return writer
    if writer == u.speaker or _may_be(u.speaker, writer) \
            or len(u.text.split()) < WRITER_MIN_WORDS:
        return None
    return writer


def _may_be(speaker: str, writer: str) -> bool:
    """Whether two spellings can name one person: the words of one name among the other's
    ("Vivek" / "Kasireddy, Vivek", "Simon Schuster" / "Simon Schuster via B4 Relay"), or a
    writer known only by an address."""
    if "@" in writer:
        return True
    said, wrote = _name_words(speaker), _name_words(writer)
    return bool(said) and bool(wrote) and (said <= wrote or wrote <= said)


def _name_words(name: str) -> set[str]:
    return set(_LETTERS.findall(fold_name(name).replace("'", "")))


def _own_sentences(units: Sequence[Unit], messages: Sequence[Message]) -> dict[str, str]:
    """Sentence key -> who first wrote it in their own text: the patch postings' authors
    (a posting has no units: it is description), then the speakers of own-text units."""
    out: dict[str, str] = {}
    for m in messages:
        if is_posting(m):
            for seg in m.segments_of("text"):
                for par in paragraphs(seg.text):
                    for sentence in split_paragraph(par):
                        out.setdefault(sentence_key(sentence), m.author.display)
    for u in units:
        if not u.quoted and u.speaker:
            out.setdefault(sentence_key(u.text), u.speaker)
    return out
