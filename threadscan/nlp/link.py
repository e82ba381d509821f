"""Links from a review sentence to the code it is about (pure).

Evidence, in order of strength:

1. ``hunk``: the quoted diff right above the sentence, matched to the thread's
   hunks by *content* (changed and context lines, re-anchored on text, never
   on line numbers). When the quoted diff holds several hunks, the one whose
   function the sentence names (or describes: "emergency sweeps" ->
   ``p2m_pod_emergency_sweep``) wins, else the nearest (last) one.
2. ``lock`` / ``function``: names in the sentence, matched against the
   thread's lock changes, hunk functions and diff identifiers (a bare member,
   ``sysfs_lock``, is the patch's ``q->sysfs_lock``); a lock named in words
   ("the elevator lock") or taken by a primitive call in the sentence; a
   generic "the mutex" resolves to the one mutex named in the surrounding text.
3. A sentence that names no lock is about the lock its quoted hunk changes
   (``tag.py`` then falls back to the lock of the objection before it in the
   same paragraph); one that names no function, about the function holding
   the quoted lines (not the @@ section's, which names the function before
   a change that starts a new one). A call through a member
   (``queue->data_ready()``) names a callback slot, not a function, and the
   words of code never describe one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from threadscan.extract.cfunc import line_functions
from threadscan.extract.image import is_prose_file
from threadscan.lockname import is_bare, lock_tail, normalize_lock
from threadscan.model import Hunk, Link, LockChange, PatchAnalysis
from threadscan.nlp.entities import Entity, is_lockish
from threadscan.nlp.funcnames import called_names, described_functions, named_functions

_HUNK_HEADER = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@ ?(.*)$", re.MULTILINE)
_IDENT = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_CALLED = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_FUNC_IN_SECTION = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")
# "the mutex"; "the read lock": one side of the rwlock named around
_GENERIC = re.compile(
    r"\bthe (?:read |write )?(mutex|lock|spinlock|spin lock|rwsem|semaphore|sem)\b", re.I)
_LOCK_EXPR = re.compile(r"&?[A-Za-z_][\w]*(?:(?:->|\.)[A-Za-z_]\w*)*(?![\w(])(?!\s*\()")
_WORDED = re.compile(
    r"\b([a-z][a-z0-9_]*) (lock|mutex|spinlock|spin lock|rwsem|rwlock|semaphore|sem)\b", re.I)
_KEYWORDS = frozenset({"if", "for", "while", "switch", "return", "sizeof", "else", "do"})
_SPACES = re.compile(r"\s+")
# every lock-ish name (entities._LOCKISH) holds one of these: lines without them are skipped
_LOCK_HINT = re.compile(r"lock|mutex|mtx|sem|seq|srcu", re.IGNORECASE)
MIN_OVERLAP = 2


@dataclass(frozen=True)
class ThreadCode:
    """What the sentences of one thread can be linked to."""

    hunks: tuple[Hunk, ...]  # own patches first, then quoted views
    lock_changes: tuple[LockChange, ...]
    functions: frozenset[str]  # hunk functions and functions called in hunk lines
    locks: frozenset[str]  # the locks below and lock-ish diff identifiers
    hunk_lines: tuple[frozenset[str], ...] = ()  # per hunk: its normalized line texts
    taken: frozenset[str] = frozenset()  # locks the code takes that a sentence can name
    changed: frozenset[str] = frozenset()  # the locks of the lock changes

    @property
    def idents(self) -> frozenset[str]:
        return self.functions | self.locks


def code_functions(h: Hunk) -> tuple[str | None, ...]:
    """The enclosing function of each line of a hunk (none in documentation)."""
    if is_prose_file(h.file):
        return (None,) * len(h.lines)
    return line_functions(h.lines, h.section)


def _hunk_functions(h: Hunk) -> set[str]:
    names = {f for f in (h.function, *code_functions(h)) if f}
    names |= {m for ln in h.lines for m in _CALLED.findall(ln.text)} - _KEYWORDS
    return names


def _hunk_locks(hunks: Iterable[Hunk]) -> set[str]:
    """Lock-ish expressions on the lines of the hunks (each distinct line read once)."""
    texts = {ln.text for h in hunks for ln in h.lines}
    raw = {m for text in texts if _LOCK_HINT.search(text) for m in _LOCK_EXPR.findall(text)}
    exprs = {normalize_lock(m) for m in raw}
    return {e for e in exprs if is_lockish(e)}


def thread_code(pa: PatchAnalysis) -> ThreadCode:
    """The code a thread's sentences can name, from the extract stage's analysis. ``taken``:
    the locks of the lock changes and of the code's nesting edges (also locks taken on
    unchanged lines: ``blk_mq_freeze_queue(q)`` -> ``q->q_usage_counter``), except context
    pseudo-locks and bare objects (``irq``, ``page``)."""
    ordered = [p for p in pa.patches if not p.quoted] + [p for p in pa.patches if p.quoted]
    hunks = tuple(h for p in ordered for h in p.hunks)
    texts = {ln.text for h in hunks for ln in h.lines}
    funcs = {h.function for h in hunks if h.function}
    funcs |= {m for text in texts if "(" in text for m in _CALLED.findall(text)} - _KEYWORDS
    changed = frozenset(lc.lock for lc in pa.lock_changes if lc.lock)
    edged = {x for e in pa.lock_order if e.origin == "code" for x in (e.outer, e.inner)}
    taken = frozenset(x for x in changed | edged if _names_lock(x))
    locks = changed | taken | _hunk_locks(hunks)
    norm = {text: _norm_line(text) for text in texts}
    lines = tuple(frozenset(norm[ln.text] for ln in h.lines) for h in hunks)
    return ThreadCode(hunks, pa.lock_changes, frozenset(funcs), locks, lines, taken, changed)


def _norm_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _chunks(diff_text: str) -> list[tuple[str, set[str]]]:
    """Quoted diff text -> [(section of its @@ header, normalized body lines)]."""
    out: list[tuple[str, set[str]]] = []
    section, body = "", set[str]()
    for line in diff_text.splitlines():
        m = _HUNK_HEADER.match(line)
        if m:
            if body:
                out.append((section, body))
            section, body = m.group(1), set()
        elif line[:1] in "+- " and not line.startswith(("+++", "---")):
            norm = _norm_line(line[1:])
            if len(norm) > 3:
                body.add(norm)
    if body:
        out.append((section, body))
    return out


def _best_hunk(section: str, body: set[str], code: ThreadCode) -> Hunk | None:
    best, score = None, 0
    head = _norm_line(section)[:30]
    for h, lines in zip(code.hunks, _lines_of(code), strict=True):
        overlap = len(body & lines)
        if section and h.section and head == _norm_line(h.section)[:30]:
            overlap += 1
        if overlap > score:
            best, score = h, overlap
    return best if score >= MIN_OVERLAP else None


def match_hunks(diff_text: str, code: ThreadCode) -> list[Hunk]:
    """The thread hunks a quoted diff shows, in the order they are quoted."""
    out: list[Hunk] = []
    for section, body in _chunks(diff_text):
        h = _best_hunk(section, body, code)
        if h is not None and h not in out:
            out.append(h)
    return out


def _lines_of(code: ThreadCode) -> tuple[frozenset[str], ...]:
    if len(code.hunk_lines) == len(code.hunks):
        return code.hunk_lines
    return tuple(frozenset(_norm_line(ln.text) for ln in h.lines) for h in code.hunks)


def _lock_target(name: str, code: ThreadCode) -> tuple[str, str]:
    """The lock a name in a sentence means: a bare member (``sysfs_lock``, ``->elevator_lock``)
    is the thread's lock with that last member, preferring the ones the patches change."""
    if name in code.changed:
        return name, "matched lock change"
    if is_bare(name):
        tail = lock_tail(name)
        for pool, why in ((code.changed, "matched lock change by member"),
                          (code.locks, "named in sentence, matched diff lock")):
            paths = [lk for lk in pool if not is_bare(lk) and lock_tail(lk) == tail]
            if paths:
                return min(paths, key=lambda lk: (len(lk), lk)), why
    if name in code.locks:
        return name, "named in sentence, seen in diff"
    longer = sorted(lk for lk in code.locks if lk.endswith(("->" + name, "." + name)))
    if longer:  # tag_set->tag_list_lock -> q->tag_set->tag_list_lock
        return longer[0], "named in sentence, matched diff lock"
    return name, "named in sentence"


def _call_locks(sentence: str, entities: Sequence[Entity]) -> list[str]:
    """The lock a primitive call in the sentence takes: ``raw_spin_lock(&console_owner_lock)``."""
    out = []
    for e in entities:
        call = sentence[e.start:e.end] if e.label == "LOCK_API" else ""
        args = call[call.find("(") + 1:].split(",")[0] if "(" in call else ""
        m = _LOCK_EXPR.search(args)
        lock = normalize_lock(m.group(0)) if m else ""
        if lock and is_lockish(lock):
            out.append(lock)
    return out


def worded_locks(sentence: str, code: ThreadCode) -> list[str]:
    """Locks named in words: "the elevator lock" -> ``q->elevator_lock``, "the ptl spinlock" ->
    ``ptl``; only a lock of the thread's code whose last member is spelled that way."""
    out = []
    for m in _WORDED.finditer(sentence):
        word, noun = m.group(1).lower(), m.group(2).lower().replace("spin lock", "spinlock")
        spelled = {word, f"{word}_{noun}", f"{word}_lock"}
        hits = sorted(lk for lk in code.locks if lock_tail(lk).lower() in spelled)
        if hits:
            out.append(_lock_target(lock_tail(hits[0]), code)[0])
    return list(dict.fromkeys(out))


def generic_lock(sentence: str, contexts: Sequence[str], named: Sequence[str]) -> str | None:
    """'the mutex' -> the single mutex-like lock named in the surrounding text
    (the nearest context that names exactly one wins)."""
    m = _GENERIC.search(sentence)
    if not m or named:
        return None
    noun = m.group(1).lower().replace("spin lock", "spinlock")
    for context in contexts:
        found = {normalize_lock(x) for x in _LOCK_EXPR.findall(context)}
        cands = sorted(x for x in found if is_lockish(x) and (noun == "lock" or noun in x.lower()))
        if len(cands) == 1:
            return cands[0]
        if cands:
            return None
    return None


def link_sentence(
    sentence: str,
    entities: Sequence[Entity],
    diff_above: str,
    contexts: Sequence[str],
    code: ThreadCode,
) -> tuple[Link, ...]:
    """All links of one sentence (hunk, locks, functions), without duplicates."""
    links: list[Link] = []
    lock_names = [e.text for e in entities if e.label == "LOCK"] + _call_locks(sentence, entities)
    lock_names += worded_locks(sentence, code)
    for name in lock_names:
        target, why = _lock_target(name, code)
        links.append(Link("lock", target, why))
    generic = generic_lock(sentence, contexts, lock_names)
    if generic:
        target, _ = _lock_target(generic, code)
        links.append(Link("lock", target, "'the lock' resolved from the surrounding text"))
    named = named_functions(sentence, entities) + called_names(sentence, entities,
                                                                code.functions)
    links.extend(named)
    hunk_links = _hunk_links(sentence, diff_above, code, named, entities)
    links.extend(hunk_links)
    if not lock_names and not generic:
        hunks = [lk.target for lk in hunk_links if lk.kind == "hunk"]
        links.extend(Link("lock", lock, "lock changed in the quoted hunk")
                     for lock in hunk_locks(hunks, code, diff_above))
    return tuple(dict.fromkeys(links))


def hunk_locks(hunk_ids: Sequence[str], code: ThreadCode, diff_text: str = "") -> list[str]:
    """Locks a hunk changes: its LockChanges' locks, else the one lock-ish name on its +/- lines."""
    ids = set(hunk_ids)
    changed = sorted({lc.lock for lc in code.lock_changes
                      if ids & set(lc.hunk_ids) and lc.lock and _names_lock(lc.lock)})
    if len(changed) > 1 and diff_text:
        changed = _last_quoted(changed, diff_text) or changed
    if changed or not ids:
        return changed
    exprs = {normalize_lock(m) for h in code.hunks if h.id in ids for ln in h.lines
             if ln.sign != " " for m in _LOCK_EXPR.findall(ln.text)}
    lockish = sorted(e for e in exprs if is_lockish(e))
    return lockish if len(lockish) == 1 else []


def _last_quoted(locks: Sequence[str], diff_text: str) -> list[str]:
    """Of several locks, those written on the last quoted diff line that writes any."""
    for line in reversed(diff_text.splitlines()):
        if line[:1] in "+- ":
            written = {normalize_lock(m) for m in _LOCK_EXPR.findall(line)}
            hit = [lk for lk in locks if lk in written]
            if hit:
                return hit
    return []


def _names_lock(expr: str) -> bool:
    """A lock change's lock that an objection can be about: not a context pseudo-lock
    (``irq``, ``bh``, ``preempt``) or a bare object (``page`` of ``lock_page(page)``)."""
    return not is_bare(expr) or is_lockish(expr)


def _hunk_links(sentence: str, diff_above: str, code: ThreadCode, named: Sequence[Link],
                entities: Sequence[Entity]) -> list[Link]:
    """The hunk the quoted diff above shows, the functions the sentence describes among its
    functions, and else (a sentence about no function of its own) the quoted lines' one."""
    shown = match_hunks(diff_above, code) if diff_above else []
    pool = {f for h in shown for f in _hunk_functions(h)} or set(code.functions)
    described = described_functions(sentence, pool)
    links = [Link("function", f, "named in sentence" if f in sentence else "described in sentence")
             for f in described]
    if not shown:
        return links
    chosen = [h for h in shown if h.function in described] or [shown[-1]]
    links.append(Link("hunk", chosen[-1].id, "quoted lines above"))
    function = quoted_function(diff_above, chosen[-1])
    # its own: not a lock primitive, not a macro (BUG_ON())
    own = {lk.target for lk in named if not lk.target.isupper()}.union(described)
    if function and not own - {e.text for e in entities if e.label == "LOCK_API"}:
        links.append(Link("function", function, "function of the quoted lines"))
    return links


def quoted_function(diff_text: str, hunk: Hunk) -> str | None:
    """The function holding the last quoted line of ``hunk`` (the lines a reply answers; a
    hunk's @@ section names the function *before* it when the change adds or starts a
    new one), else the hunk's function."""
    texts = [_norm_line(ln.text) for ln in hunk.lines]
    for line in reversed(diff_text.splitlines()):
        norm = _norm_line(line[1:]) if line[:1] in "+- " else ""
        if len(norm) > 3 and norm in texts:
            i = len(texts) - 1 - texts[::-1].index(norm)
            return code_functions(hunk)[i] or hunk.function
    return hunk.function
