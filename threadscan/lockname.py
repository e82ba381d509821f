"""Names of locks as people and patches write them (pure).

A lock is written many ways in one thread: ``&q->sysfs_lock`` in the patch,
``q->sysfs_lock`` or ``->sysfs_lock`` or plain ``sysfs_lock`` in the review,
``disk->queue->sysfs_lock`` in a caller. What identifies the lock is its last
member (lockdep keys lock classes the same way, by the struct member): two
names are the *same lock* when they are equal, or when their last members are
equal and that member says which lock it is (``sysfs_lock``, not ``lock``).
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
_LOCKDEP_MAP = re.compile(r"(?<=\w)\(\w+\)$")  # lockdep's name of a lockdep map: "(io)"
_TAIL = re.compile(r"(?:->|\.)\s*([^.>\s]+(?:\[[^\]]*\])?)\s*$")
# members that name no particular lock: ``a->lock`` and ``b.lock`` may be anything
GENERIC_MEMBERS = frozenset({
    "lock", "mutex", "spinlock", "sem", "rwsem", "rwlock", "mtx", "seq", "seqlock",
    "srcu", "rcu", "slock", "wait_lock",
})


def normalize_lock(expr: str) -> str:
    """A lock expression in comparable form, as TAXONOMY.md links want it: no ``&``, no
    spaces, no outer parentheses (``&d->lock``, ``(&d->lock)`` -> ``d->lock``)."""
    out = _SPACES.sub("", expr).lstrip("&*")
    while out.startswith("(") and out.endswith(")"):
        out = out[1:-1].lstrip("&*")
    return out.strip("()")


def lock_tail(expr: str) -> str:
    """The last member of a lock expression: ``q->sysfs_lock`` -> ``sysfs_lock``."""
    norm = normalize_lock(expr)
    m = _TAIL.search(norm)
    return m.group(1) if m else norm.lstrip("-.>")


def is_bare(expr: str) -> bool:
    """Whether the name has no path: ``sysfs_lock`` or ``->sysfs_lock``."""
    return "->" not in expr.lstrip("&*(-> ") and "." not in expr.lstrip("&*(. ")


def same_lock(a: str, b: str) -> bool:
    """Whether two written names are the same lock (see the module docstring); lockdep's
    ``q->q_usage_counter(io)`` is ``q->q_usage_counter``."""
    na, nb = (normalize_lock(_LOCKDEP_MAP.sub("", x.strip())) for x in (a, b))
    if na == nb:
        return True
    tail = lock_tail(na)
    return tail == lock_tail(nb) and tail.lower() not in GENERIC_MEMBERS
