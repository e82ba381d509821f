"""Function names in review prose: written out, written by the tail of a name, described in
words, or called without parentheses. Pure functions (regexes and small caches keyed on
names); ``nlp.link`` turns them into links.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from threadscan.model import Link
from threadscan.nlp.entities import Entity, is_lockish

_TOKEN = re.compile(r"(?:->|\.)?\w+\(?")
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return [w.rstrip("s") for w in _WORD.findall(text.lower())]


@functools.lru_cache(maxsize=4096)
def _name_tails(name: str) -> tuple[tuple[float, str], ...]:
    """Word runs ending in the identifier's head, longest first, with their score
    (a cache keyed on the name, not shared state)."""
    parts = [p.rstrip("s") for p in name.lower().split("_") if p]
    return tuple((n / len(parts), " ".join(parts[-n:])) for n in range(len(parts), 1, -1))


@functools.lru_cache(maxsize=4096)
def _whole_words(tail: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(tail)}\b")


def described_functions(sentence: str, candidates: Iterable[str]) -> list[str]:
    """Functions a sentence writes out or describes: by name, by the tail of their name
    ("cache_add" -> ``p2m_pod_cache_add``, when one candidate ends so), or in words ("emergency
    sweeps" -> ``*_emergency_sweep``, the best-scored word run). Words of code are not a
    description: the "data ready" of ``queue->data_ready()`` is not ``trace_sk_data_ready``."""
    pool = {c for c in candidates if not c.isupper()}  # a macro or flag is no function
    written = {f for w in _written_names(sentence) for f in _by_name(w, pool)}
    words = " ".join(_words(_TOKEN.sub(_prose_word, sentence)))
    scored: list[tuple[float, str]] = []
    for name in pool.difference(written):
        for score, tail in _name_tails(name):
            if tail in words and _whole_words(tail).search(words):
                scored.append((score, name))
                break
    top = max((s for s, _ in scored), default=0.0)
    return sorted({*written, *(name for s, name in scored if s == top)})


def _written_names(sentence: str) -> set[str]:
    """Identifiers with "_" the sentence writes, not as a member (``->x``, ``.x``)."""
    return {t.rstrip("(") for t in _TOKEN.findall(sentence)
            if "_" in t.strip("_(") and t[0] not in "-."}


def _by_name(written: str, pool: set[str]) -> list[str]:
    if written in pool:
        return [written]
    bare = written.lstrip("_")
    tails = [f for f in pool if f.endswith("_" + bare) and f.lstrip("_") != bare]
    return tails if len(tails) == 1 else []


def _prose_word(m: re.Match[str]) -> str:
    """A word of prose stays; code in it (a name with "_", a member ``->x`` or ``.x``, a call
    ``x(``) becomes a break: its words describe nothing."""
    token = m.group()
    return " | " if "_" in token or token.endswith("(") or token[0] in "-." else token


def named_functions(sentence: str, entities: Sequence[Entity]) -> list[Link]:
    """Functions and lock primitives the sentence calls by name (not through a member); a
    name in capitals is a macro or a flag, not a function."""
    return [Link("function", e.text, "named in sentence" if e.label == "FUNC"
                 else "lock primitive named in sentence")
            for e in entities if e.label in ("FUNC", "LOCK_API") and not _member(sentence, e)
            and not (e.label == "FUNC" and e.text.isupper())]  # READ_ONCE(), a flag: macros


_NAME_CALLED = re.compile(
    r"(?<![\w>.])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b(?!\s*\()(?=(?:\s+[\w']+){0,3}?\s+"
    r"(?:called|invoked|calls|invokes)\b)"
    r"|\b(?:call|calls|calling|invoke|invokes|invoking|(?:called|invoked)\s+(?:from|by|in|via))\s+"
    r"(?:to\s+)?([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b(?!\s*\()")


def called_names(sentence: str, entities: Sequence[Entity], functions: Iterable[str]
                 ) -> list[Link]:
    """Functions the thread's code does not hold, named without parentheses as called
    ("get_user_pages must not be called under a spinlock", "calling kvm_flush_remote_tlbs");
    a name the thread's code holds, or the tail of one ("cache_add"), is linked as such."""
    known = {e.text for e in entities}
    names = (m.group(1) or m.group(2) for m in _NAME_CALLED.finditer(sentence))
    return [Link("function", n, "named as called in sentence") for n in dict.fromkeys(names)
            if n not in known and not is_lockish(n)
            and not any(f == n or f.endswith("_" + n) for f in functions)]


def _member(sentence: str, e: Entity) -> bool:
    """A call through a member (``queue->data_ready()``, ``ops.release()``): a callback slot,
    not a C function's name."""
    return sentence[e.start:e.end].startswith(e.text) and sentence[:e.start].endswith(("->", "."))
