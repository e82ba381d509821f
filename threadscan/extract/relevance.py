"""Can a patch, or one function image, take a lock at all? (pre-checks, speed only)

Most patches of an archive never touch a lock, and most functions of the others do
not either. ``locks.line_found`` only reports calls of names ``locks.is_wanted``
accepts (table primitive, wrapper from the patch, guard macro, lock-like name) and
scope guards; when no code line calls such a name, it finds nothing on any of them,
so the order simulation and the section comparison can be skipped without changing
their results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from threadscan.extract.ccode import CALL_RE, code_texts
from threadscan.extract.image import is_code_file
from threadscan.extract.locks import GUARD_CALLS, is_wanted
from threadscan.extract.memo import identity_cache
from threadscan.extract.primitives import Primitive, PrimitiveTable
from threadscan.extract.wrappers import wrapper_map
from threadscan.model import Patch

__all__ = ["has_lock_calls", "may_lock"]


def may_lock(codes: Iterable[str], table: PrimitiveTable,
             wrappers: Mapping[str, Primitive]) -> bool:
    """True when some code line calls a name that may be a lock operation."""
    return any("(" in code and any(name in GUARD_CALLS or is_wanted(name, table, wrappers)
                                   for name in CALL_RE.findall(code))
               for code in codes)


@identity_cache(maxsize=16)
def has_lock_calls(patch: Patch, table: PrimitiveTable) -> bool:
    """``may_lock`` over every code line of the patch's C/C++ hunks."""
    wrappers = wrapper_map(patch, table)
    return any(may_lock(code_texts(hunk.lines), table, wrappers)
               for hunk in patch.hunks if is_code_file(hunk.file))
