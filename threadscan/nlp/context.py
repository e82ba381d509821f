"""Context pseudo-words: what the classifier knows about a sentence beyond its words.

A sentence's words alone cannot tell an explanation from an objection: the same
"this can deadlock" is review from a reviewer and an explanation from the patch
author (labeled ``none`` by the taxonomy unless it raises a new concern). The
model reads these pseudo-words appended to the sentence (``pipeline.model_input``,
features "text+cues+ctx"), learned from the thread labels:

    zzctxauthor / zzctxreviewer   the speaker wrote the patch / did not (thread only)
    zzctxdiff                     the sentence answers a quoted diff right above it
    zzctxlockdiff                 ... and the end of that diff calls a lock primitive (the
                                  sentence answers locking code; also a concurrency anchor)
    zzctxlockquote                the quoted prose right above names locking (the sentence
                                  answers talk about locking; also a concurrency anchor)
    zzctxquestion                 ends with "?"
    zzctxhedge                    "I think", "IMHO", "maybe", "not sure" ...
    zzctxyou                      second-person request: "you should", "please", "could you"
    zzctxcolon                    ends with ":" (introduces code or a splat)
    zzctxshort                    fewer than 6 words (greetings, sign-offs, fragments)
    zzctxparcue                   another sentence of the same paragraph has a live category
                                  cue (objections without cue words sit next to ones with)
    zzctxpar<category>            ... and which categories it cues ("zzctxparrace"): the
                                  category of an objection without cue words is its
                                  neighbours' (CV, round 17: thread 0.436 -> 0.451)

Pure functions, no spaCy.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

C = TypeVar("C", bound=str)

QUESTION_END = re.compile(r"\?[\s\"')\]]*$")  # a sentence that ends asking
_HEDGE = re.compile(
    r"\b(?:i think|i guess|i believe|imho|imo|maybe|perhaps|not sure|i suspect|i wonder|"
    r"i'?m afraid|it seems|seems to|looks like|afaict|afaics|iiuc)\b",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"\W")
_YOU = re.compile(
    r"\b(?:you should|you need|you must|you'?d want|you want|you can|please|could you|"
    r"can you|would you|you might|you may|you have to)\b",
    re.IGNORECASE,
)


def text_words(text: str) -> tuple[str, ...]:
    """Pseudo-words read off the sentence itself (available without a thread)."""
    out = []
    stripped = text.strip()
    if QUESTION_END.search(stripped):
        out.append("zzctxquestion")
    if _HEDGE.search(stripped):
        out.append("zzctxhedge")
    if _YOU.search(stripped):
        out.append("zzctxyou")
    if stripped.endswith(":"):
        out.append("zzctxcolon")
    if len(stripped.split()) < 6:
        out.append("zzctxshort")
    return tuple(out)


def context_words(text: str, author: bool | None, diff_above: bool) -> tuple[str, ...]:
    """All pseudo-words of a sentence in a thread (``author`` None: speaker role unknown)."""
    role: tuple[str, ...] = ()
    if author is not None:
        role = ("zzctxauthor",) if author else ("zzctxreviewer",)
    return (*role, *(("zzctxdiff",) if diff_above else ()), *text_words(text))


PARAGRAPH_CUE = "zzctxparcue"
PARAGRAPH_CATEGORY = "zzctxpar"  # + a category without its hyphen: "zzctxparlockorder"
LOCK_DIFF = "zzctxlockdiff"
LOCK_QUOTE = "zzctxlockquote"
LOCK_FUNC = "zzctxlockfunc"
ANCHORS = (PARAGRAPH_CUE, LOCK_DIFF, LOCK_QUOTE, LOCK_FUNC)  # words that make a sentence anchored
DIFF_TAIL = 15  # last lines of the quoted diff above a sentence: the code it answers
QUOTE_TAIL = 8  # last lines of the quoted prose right above a sentence: what it answers
_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")


def lock_quote_words(quote_above: str, locking: str) -> tuple[str, ...]:
    """``zzctxlockquote`` when the last lines of the quoted prose right above the sentence
    match ``locking`` (the cue data's locking words)."""
    tail = "\n".join(quote_above.splitlines()[-QUOTE_TAIL:])
    return (LOCK_QUOTE,) if locking and tail and re.search(locking, tail, re.IGNORECASE) else ()


def lock_diff_words(diff_above: str, is_lock_api: Callable[[str], bool]) -> tuple[str, ...]:
    """``zzctxlockdiff`` when the last lines of the quoted diff right above the sentence call
    a lock primitive (``is_lock_api``: the cue data's lock API)."""
    tail = diff_above.splitlines()[-DIFF_TAIL:]
    names = {m.group(1) for line in tail for m in _CALL.finditer(line)}
    return (LOCK_DIFF,) if any(is_lock_api(n) for n in names) else ()


_IDENT = re.compile(r"\b[A-Za-z_]\w*_\w+\b")  # with an underscore: "release" alone is prose


def lock_func_words(text: str, functions: frozenset[str]) -> tuple[str, ...]:
    """``zzctxlockfunc`` when the sentence names a function in which the thread's patches
    change a lock (``functions``)."""
    return (LOCK_FUNC,) if functions and not functions.isdisjoint(_IDENT.findall(text)) else ()


def neighbour_words(cued: Sequence[frozenset[str]],
                    paras: Sequence[Hashable]) -> list[tuple[str, ...]]:
    """Per sentence: ``zzctxparcue`` when another sentence of its paragraph is cued, and
    ``zzctxpar<category>`` for each category cued there ("zzctxparrace")."""
    count: dict[Hashable, Counter[str]] = {}
    for cats, para in zip(cued, paras, strict=True):
        count.setdefault(para, Counter()).update(cats)
    return [_near(count[para] - Counter(cats)) for cats, para in zip(cued, paras, strict=True)]


def paragraph_categories(context: Sequence[str], categories: Sequence[C]) -> list[C]:
    """The categories cued by the other sentences of a sentence's paragraph (its
    ``zzctxpar<category>`` words), in ``categories`` order."""
    words = set(context)
    return [c for c in categories if _category_word(c) in words]


def _near(others: Counter[str]) -> tuple[str, ...]:
    if not others:
        return ()
    return (PARAGRAPH_CUE, *sorted(_category_word(c) for c in others))


def _category_word(category: str) -> str:
    return PARAGRAPH_CATEGORY + _NON_WORD.sub("", category)
