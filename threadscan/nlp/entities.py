"""Code entities in review prose: LOCK, FUNC, LOCK_API, SPLAT (pure regex).

``find_entities(text, cues, known)`` returns character spans; the spaCy
component in ``pipeline.py`` turns them into ``doc.ents``, and ``link.py``
uses them to link sentences to locks and functions. ``known`` carries the
thread's own identifiers (from its diffs and lock changes), so that a bare
``migration_in_progress`` or ``state_mutex`` is recognized too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from threadscan.lockname import normalize_lock
from threadscan.nlp.cues import CueSet

EntityLabel = str  # "LOCK" | "FUNC" | "LOCK_API" | "SPLAT"

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_EXPR = re.compile(
    rf"&?\(?\b{_IDENT}(?:\[[^\]\s]{{0,20}}\])?(?:(?:->|\.){_IDENT}(?:\[[^\]\s]{{0,20}}\])?)*\)?"
)
_CALL = re.compile(rf"\b({_IDENT})\((?:[^()]{{0,60}})\)")
_LOCKISH = re.compile(
    r"(?:^|_|->|\.)(?:[a-z]*lock|mutex|mtx|sem|rwsem|spinlock|seqlock|seqcount|seq|srcu|"
    r"semaphore|lock_class)s?$|_(?:lock|mutex|sem|rwsem|spinlock|seqlock|srcu)$",
    re.IGNORECASE,
)
_NOT_LOCK = re.compile(r"^(?:lock|unlock|block|clock|deadlock|livelock|lockdep|spinlock|mutex|"
                       r"sem|seq|lockless|unlocked|locked|"
                       r"(?:percpu_)?rw_semaphore|raw_spinlock|rt_mutex|ww_mutex|local_lock)$"
                       r"|^\w*_unlock$", re.IGNORECASE)  # goto labels: out_unlock, err_unlock;
# lock types ("the semantics of rw_semaphore") are no lock
_FALSE_FRIEND = re.compile(r"(?:^|_|->|\.)(?:(?:b|c|dead|live|un)locks?|lock(?:less|dep))$",
                           re.IGNORECASE)  # super_block, sched_clock, abba_deadlock
_PATHISH = re.compile(r"[_>.]")


@dataclass(frozen=True)
class Entity:
    label: EntityLabel
    text: str  # normalized: "&mvdev->state_mutex" -> "mvdev->state_mutex"; "foo()" -> "foo"
    start: int
    end: int


def is_lockish(expr: str) -> bool:
    """Whether an expression names a lock by its shape (x->lock, foo_mutex, bar_sem); a name
    in capitals is a macro or config symbol (``CONFIG_PARAVIRT_SPINLOCKS``), and one that
    ends in a false friend (``super_block``, ``sched_clock``) is no lock either."""
    norm = normalize_lock(expr)
    if _NOT_LOCK.match(norm) or _FALSE_FRIEND.search(norm) or norm.isupper():
        return False
    return bool(_PATHISH.search(norm) and _LOCKISH.search(norm))


def _calls(text: str, cues: CueSet) -> Iterable[Entity]:
    for m in _CALL.finditer(text):
        name = call_name(text, m.start(1), m.group(1), cues.is_lock_api)
        if name is None:
            continue
        label = "LOCK_API" if cues.is_lock_api(name) else "FUNC"
        yield Entity(label, name, m.start(), m.end())


_SUFFIX = re.compile(r"_[A-Za-z0-9]+")  # "_bh()", "_locked()": a suffix talked about
_ABBREVIATED = re.compile(r"\b([A-Za-z]\w*_\w+)(?:\(\))?/$")  # "local_irq_save()/" before


def call_name(text: str, start: int, name: str, is_api: Callable[[str], bool]) -> str | None:
    """The function a call at ``text[start:]`` names: a suffix talked about ("the _bh()
    variants") names none; the second of two names sharing a stem ("local_irq_save()/
    restore()", "ptep_modify_prot_start/end()") is the first's stem with its own last part,
    unless it is a name of its own ("powerpc_local_irq_pmu_restore()/local_irq_restore()":
    its first part is in the stem, or ``is_api`` knows it)."""
    if _SUFFIX.fullmatch(name):
        return None
    m = _ABBREVIATED.search(text, max(0, start - 80), start)
    if m is None:
        return name
    stem, parts = m.group(1).split("_"), name.split("_")
    if len(parts) >= len(stem) or parts[0] in stem or is_api(name):
        return name
    return "_".join([*stem[:-1], name])


def _exprs(text: str, cues: CueSet, known: frozenset[str], locks: frozenset[str]
           ) -> Iterable[Entity]:
    for m in _EXPR.finditer(text):
        raw = m.group(0)
        if not ("_" in raw or "->" in raw or "." in raw.rstrip(".")) and not (
            raw in known or raw.lower() in cues.global_locks
        ):
            continue
        norm = normalize_lock(raw)
        if not norm or (text[m.end() : m.end() + 1] == "(" and norm not in locks):
            continue  # a call; but "q->q_usage_counter(io)" is lockdep's name of a lock
        if "_" in norm and cues.is_lock_api(norm):
            yield Entity("LOCK_API", norm, m.start(), m.end())
        elif (norm.lower() in cues.global_locks or is_lockish(norm) or norm in known
              or norm in locks):
            label = "LOCK" if (is_lockish(norm) or norm.lower() in cues.global_locks
                               or norm in locks) else "FUNC"
            if label == "FUNC" and not _looks_code(norm):
                continue
            yield Entity(label, norm, m.start(), m.end())


def _looks_code(name: str) -> bool:
    return "_" in name or "->" in name or "." in name


def _splats(text: str, cues: CueSet) -> Iterable[Entity]:
    low = text.lower()
    for phrase in cues.splats:
        pos = low.find(phrase)
        if pos >= 0:
            yield Entity("SPLAT", phrase, pos, pos + len(phrase))


def find_entities(text: str, cues: CueSet, known: Iterable[str] = (),
                  locks: Iterable[str] = ()) -> list[Entity]:
    """Non-overlapping code entities of ``text``, in order of appearance; ``locks``: names the
    thread's patches take as locks (``q->q_usage_counter`` of ``blk_mq_freeze_queue(q)``),
    which are LOCKs whatever their shape."""
    found = [*_calls(text, cues), *_exprs(text, cues, frozenset(known), frozenset(locks)),
             *_splats(text, cues)]
    found.sort(key=lambda e: (e.start, -(e.end - e.start)))
    out: list[Entity] = []
    for ent in found:
        if out and ent.start < out[-1].end:
            continue
        out.append(ent)
    return out
