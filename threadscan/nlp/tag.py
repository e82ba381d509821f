"""Tagging a thread: review sentences -> Objections, Approvals, prose order edges.

What is tagged: the own text of replies and the quoted text inside them (the
quote speaker is the sentence's speaker); never a non-reply posting's own text
(a commit message or cover letter describes, it does not review), diffs,
trailers, signatures or footers. The same sentence by the same speaker seen in
several messages (original and quotes) is one Objection whose ``seen_in`` lists
the other msgids. A sentence with a strong stance frame but no category cue
("This assert should stay where it is."), or a question ("Why?"), takes the
categories of the objection beside it (same paragraph, or just before it in the
same segment; ``context:paragraph``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from threadscan.mail.attribution import fold_name
from threadscan.model import Link, Message, Objection, OrderEdge, Segment
from threadscan.nlp.context import (
    context_words,
    lock_diff_words,
    lock_func_words,
    lock_quote_words,
)
from threadscan.nlp.cues import CueSet
from threadscan.nlp.link import ThreadCode, link_sentence
from threadscan.nlp.pipeline import Analysed, Pipeline, analyse
from threadscan.nlp.prose_order import stated_edges
from threadscan.nlp.sentences import (
    paragraphs,
    same_sentence,
    sentence_key,
    split_paragraph,
    split_sentences,
)
from threadscan.nlp.stance import Decision, Thresholds, decide, stance_only

MIN_PART_WORDS = 5  # words a differently split copy of a sentence must have to be merged
MERGE_WINDOW = 300  # the most recent kept objections a differently split copy is compared with
_DIFFISH = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+", re.MULTILINE)
_SIGNED_OFF = re.compile(r"^\s*Signed-off-by:", re.MULTILINE | re.IGNORECASE)
# git send-email (<stamp.pid-serial-sender>) and git format-patch (<cover|sha1.epoch.git.
# committer>) write the poster's address into the Message-ID; b4's ids hold only the domain.
_GIT_MSGID = re.compile(r"^(?:\d{14}\.\d+-\d+-|(?:cover|[0-9a-f]{40})\.\d{9,11}\.git\.)"
                        r"(?P<addr>[^@\s]+@[^@\s]+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    """One sentence to tag, with where it was found."""

    msgid: str
    speaker: str | None
    text: str
    quoted: bool
    depth: int
    para: tuple[int, int, int]  # (message index, segment index, paragraph index)
    diff_above: str = ""
    contexts: tuple[str, ...] = ()  # nearest first: segment + diff above, whole message
    strict: bool = False  # spoken by the patch author
    in_thread: bool = True  # False for free text: the speaker's role is unknown
    quote_above: str = ""  # the quoted prose the sentence's segment answers directly

    @property
    def pseudo_words(self) -> tuple[str, ...]:
        """The classifier's context pseudo-words (``context.py``)."""
        return context_words(self.text, self.strict if self.in_thread else None,
                             bool(self.diff_above))


def is_posting(msg: Message) -> bool:
    """A patch posting or cover letter (not a "Re:", no quotes): its own text is description.
    Patches of a series and later versions are sent in reply to the cover letter or to the
    previous version, so a parent counts against it only when the mail carries no
    ``[PATCH ...]`` tag and no diff of its own."""
    if msg.subject.is_reply or msg.segments_of("quote"):
        return False
    return (not msg.parent_ids or _patch_tagged(msg)
            or any(s.depth == 0 for s in msg.segments_of("diff")))


def _patch_tagged(msg: Message) -> bool:
    """The subject carries a ``[PATCH ...]`` or ``[RFC ...]`` tag."""
    return any(p.upper().startswith(("PATCH", "RFC")) for p in msg.subject.prefixes)


def _is_diff(seg: Segment) -> bool:
    return seg.kind == "diff" or (seg.kind == "quote" and bool(_DIFFISH.search(seg.text)))


def _diff_above(segs: Sequence[Segment], i: int) -> str:
    depth = segs[i].depth if segs[i].kind == "quote" else 0
    for seg in reversed(segs[:i]):
        if _is_diff(seg) and seg.depth > depth:
            return seg.text
    return ""


def _quote_above(segs: Sequence[Segment], i: int) -> str:
    """The quoted prose right above segment ``i`` (what its words answer), or ""."""
    depth = segs[i].depth if segs[i].kind == "quote" else 0
    for seg in reversed(segs[:i]):
        if seg.kind not in ("text", "quote", "diff"):
            continue
        return seg.text if seg.kind == "quote" and seg.depth > depth and not _is_diff(seg) else ""
    return ""


def same_person(a: str | None, b: str) -> bool:
    return bool(a) and bool(b) and fold_name(a or "") == fold_name(b)


def message_units(mi: int, msg: Message, authors: frozenset[str]) -> list[Unit]:
    """The taggable sentences of one message."""
    if is_posting(msg):
        return []
    out: list[Unit] = []
    segs = msg.segments
    whole = "\n".join(s.text for s in segs if s.kind in ("text", "quote", "diff"))
    for si, seg in enumerate(segs):
        if seg.kind not in ("text", "quote") or _is_diff(seg):
            continue
        speaker = seg.speaker if seg.kind == "quote" else (seg.speaker or msg.author.display)
        strict = any(same_person(speaker, a) for a in authors)
        above, answered = _diff_above(segs, si), _quote_above(segs, si)
        for pi, par in enumerate(paragraphs(seg.text)):
            for sentence in split_paragraph(par):
                out.append(Unit(msg.msgid, speaker, sentence, seg.kind == "quote",
                                seg.depth if seg.kind == "quote" else 0, (mi, si, pi),
                                above, (seg.text + "\n" + above, whole), strict,
                                quote_above=answered))
    return out


def patch_quotes(msg: Message) -> list[Segment]:
    """The patch as this mail quotes it: quoted diffs, and quoted text that signs off
    (``Signed-off-by:``: a commit message), also when the posting itself is not in the batch
    (one reply fetched alone, an archive month that lost the patch). Only the signed-off
    segment: the same depth may hold a reviewer's words around a patch they proposed."""
    return [s for s in msg.segments if s.depth > 0 and (
        s.kind == "diff" or (s.kind == "quote" and _SIGNED_OFF.search(s.text)))]


def patch_authors(messages: Sequence[Message], patch_msgids: Iterable[str]) -> frozenset[str]:
    """Who wrote the patch: posters of non-reply patch mails. A ``[PATCH`` mail that quotes
    others counts only when no such posting is in the batch: an archive page can lose a
    reply's "Re:" and its parent (pipermail, when the parent is in last month's archive), and
    a reviewer's reply must not make the reviewer an author; but a thread may be only the
    author's own answer page (seed 000). Last, the posters of own patches and the speakers
    quoted diffs and signed-off quotes are attributed to (reviewers post diffs too: used when
    nothing better exists)."""
    ids = set(patch_msgids)
    heads = [m for m in messages if not m.subject.is_reply and not m.in_reply_to]
    tagged = [m for m in heads if "PATCH" in (p.upper() for p in m.subject.prefixes)]
    posted = {m.author.display for m in heads if m.msgid in ids or is_posting(m)}
    posted |= {m.author.display for m in tagged if not m.segments_of("quote")}
    if not posted:
        posted = {m.author.display for m in tagged}
    if not posted:
        posted = {m.author.display for m in messages if m.msgid in ids}
        posted |= missing_posters(messages)
        posted |= {s.speaker or "" for m in messages for s in patch_quotes(m)}
    return frozenset(n for n in posted if n)


def poster_address(msgid: str) -> str | None:
    """The sender's address git wrote into a Message-ID it made (``_GIT_MSGID``), or None."""
    m = _GIT_MSGID.match(msgid)
    return m.group("addr").lower() if m else None


def missing_posters(messages: Sequence[Message]) -> set[str]:
    """Who posted the patch a thread answers when the posting is not in the batch (a reply
    fetched alone, a series whose cover letter went to another list or month): the poster
    whose address git wrote into the thread root's Message-ID, when they speak in the batch;
    and the speaker a direct reply to a ``[PATCH]`` root quotes first (its parent is the
    posting: the root is its only reference)."""
    present = {m.msgid for m in messages}
    replies = [m for m in messages if m.subject.is_reply and _patch_tagged(m) and m.parent_ids
               and m.parent_ids[0] not in present]
    addrs = {poster_address(m.parent_ids[0]) for m in replies} - {None}
    posters = {m.author.display for m in messages if m.author.email and m.author.email in addrs}
    direct = (m.segments_of("quote") for m in replies if len(set(m.parent_ids)) == 1)
    posters |= {quotes[0].speaker for quotes in direct if quotes and quotes[0].depth == 1
                and quotes[0].speaker}
    return posters


def description_keys(messages: Sequence[Message]) -> frozenset[str]:
    """Normalized sentences of the patch postings' own text (commit messages, cover letters),
    and of the patch as replies quote it (``patch_quotes``: also when the posting itself is
    not in the batch)."""
    own = (seg for m in messages if is_posting(m) for seg in m.segments_of("text"))
    quoted = (seg for m in messages for seg in patch_quotes(m) if seg.kind == "quote")
    return frozenset(sentence_key(sentence) for seg in (*own, *quoted)
                     for sentence in split_sentences(seg.text))


def is_review(u: Unit, described: frozenset[str]) -> bool:
    """Whether a unit can carry review: a quote of the patch author's words or of the patch
    description is the change being discussed, not a concern about it (the author's own
    reply is tagged where it was written)."""
    return not (u.quoted and (u.strict or sentence_key(u.text) in described))


def _inherit(units: Sequence[Unit], analysed: Sequence[Analysed],
             decisions: list[Decision | None], need: tuple[tuple[str, str], ...] = ()
             ) -> list[Decision | None]:
    """A sentence with a strong stance frame but no category cue, or a question, beside an
    objection joins it and takes its categories (``context:paragraph``), when the model rates
    it at least ``Thresholds.inherit`` likely review (``scripts/train_textcat.py --cv 5
    --in-threads``: detection F1 0.49 -> 0.50, precision unchanged; docs/EVALUATION.md)."""
    out = list(decisions)
    for i, (u, a) in enumerate(zip(units, analysed, strict=True)):
        if decisions[i] is not None:
            continue
        stance = stance_only(a, strict=u.strict, required=need, questions=True)
        if stance is None or (a.stance_scores
                              and 1.0 - a.stance_score("none") < Thresholds.inherit):
            continue
        near = [j for j in (i + 1, i - 1, i + 2, i - 2, i + 3) if _beside(units, decisions, i, j)]
        if near:
            d = decisions[near[0]]
            assert d is not None
            fired = tuple(f"rule:{h.rule}" for h in a.hits if h.group == stance)
            out[i] = Decision(stance, d.categories, (*fired, "context:paragraph"), 0.6)
    return out


def _beside(units: Sequence[Unit], decisions: Sequence[Decision | None], i: int, j: int) -> bool:
    """Whether objection ``j`` is beside sentence ``i``: same paragraph, or the sentence just
    before it in the same segment, or the one after a line ending in ":" (which introduces it)."""
    if not 0 <= j < len(units) or decisions[j] is None or units[j].para[:2] != units[i].para[:2]:
        return False
    return (units[j].para == units[i].para or j == i - 1
            or (j == i + 1 and units[i].text.endswith(":")))


def merge_duplicates(objections: Iterable[Objection]) -> tuple[Objection, ...]:
    """The same sentence by the same speaker seen twice is one Objection (also when a
    re-wrapped quote split it differently: one is a run of whole words of the other, at
    least ``MIN_PART_WORDS`` words, among the last ``MERGE_WINDOW`` such objections)."""
    kept: list[Objection] = []
    index: dict[str, list[int]] = {}
    long: list[tuple[int, str]] = []  # (kept index, key) of keys with >= MIN_PART_WORDS words
    for ob in objections:
        key = sentence_key(ob.sentence)
        slots = index.setdefault(key, [])
        match = next((k for k in slots if _same_speaker(kept[k], ob)), None)
        is_long = len(key.split()) >= MIN_PART_WORDS
        if match is None and is_long:  # the latest only: bounded on hostile input
            match = next((k for k, other in long[-MERGE_WINDOW:]
                          if _same_speaker(kept[k], ob) and same_sentence(other, key)), None)
        if match is None:
            slots.append(len(kept))
            if is_long:
                long.append((len(kept), key))
            kept.append(ob)
            continue
        first = kept[match]
        seen = first.seen_in if ob.msgid in (first.msgid, *first.seen_in) else (
            *first.seen_in, ob.msgid)
        kept[match] = replace(
            first, speaker=first.speaker or ob.speaker, seen_in=seen,
            quoted=first.quoted and ob.quoted, links=tuple(dict.fromkeys(first.links + ob.links)))
    return tuple(kept)


def _same_speaker(a: Objection, b: Objection) -> bool:
    return not a.speaker or not b.speaker or same_person(a.speaker, b.speaker)


def _carry_locks(links: tuple[Link, ...], named: dict[tuple[int, int, int], tuple[Link, ...]],
                 para: tuple[int, int, int]) -> tuple[Link, ...]:
    """An objection that names no lock is about the lock an objection before it in the same
    paragraph was about ("This is horribly racy. Nothing prevents a vcpu from running ...")."""
    own = tuple(lk for lk in links if lk.kind == "lock")
    if own:
        named[para] = own
        return links
    carried = tuple(Link("lock", lk.target, "lock of the objection before it in the paragraph")
                    for lk in named.get(para, ()))
    return links + carried


def answered_words(u: Unit, cues: CueSet) -> tuple[str, ...]:
    """Context words for what the unit answers: a quoted locking hunk, quoted locking talk."""
    return (*lock_diff_words(u.diff_above, cues.is_lock_api),
            *lock_quote_words(u.quote_above, cues.locking_regex))


def unit_contexts(units: Sequence[Unit], cues: CueSet,
                  lock_functions: frozenset[str] = frozenset()) -> list[tuple[str, ...]]:
    """The context pseudo-words of each unit: its own (``Unit.pseudo_words``),
    ``answered_words`` (computed once per segment: its units share them) and whether it
    names a function whose locking the thread's patches change."""
    above: dict[tuple[str, str], tuple[str, ...]] = {}
    for u in units:
        if (u.diff_above, u.quote_above) not in above:
            above[u.diff_above, u.quote_above] = answered_words(u, cues)
    return [(*u.pseudo_words, *above[u.diff_above, u.quote_above],
             *lock_func_words(u.text, lock_functions)) for u in units]


def lock_functions(code: ThreadCode) -> frozenset[str]:
    """The functions in which the thread's patches change a lock."""
    return frozenset(c.function for c in code.lock_changes if c.function)


def tag_units(pipe: Pipeline, units: Sequence[Unit], code: ThreadCode
              ) -> tuple[list[Objection], list[OrderEdge]]:
    """Objections and stated order edges of the units (one batched pipeline run)."""
    analysed = analyse(pipe, [u.text for u in units], code.idents,
                       unit_contexts(units, pipe.cues, lock_functions(code)),
                       [u.para for u in units],
                       code.taken, [u.para[:2] for u in units])
    need = pipe.cues.context_required
    decisions = _inherit(units, analysed, [
        decide(a, pipe.model, strict=u.strict, required=need)
        for u, a in zip(units, analysed, strict=True)
    ], need)
    objections: list[Objection] = []
    edges: list[OrderEdge] = []
    named: dict[tuple[int, int, int], tuple[Link, ...]] = {}  # paragraph -> its last lock links
    for u, a, d in zip(units, analysed, decisions, strict=True):
        edges.extend(stated_edges(a.text, a.entities, u.msgid))  # a.text: entity offsets
        if d is None:
            continue
        links = link_sentence(a.text, a.entities, u.diff_above, u.contexts, code)
        links = _carry_locks(links, named, u.para)
        objections.append(Objection(u.msgid, u.speaker, u.text, d.stance, d.categories, links,
                                    d.fired, u.quoted, u.depth, (), d.confidence))
    return objections, edges
