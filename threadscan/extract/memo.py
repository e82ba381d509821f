"""Identity-keyed memoisation for pure functions of immutable inputs (speed only).

``lock_ops``, ``lock_changes`` and ``order_edges`` each start from the same Patch and
need the same derived data (blanked code per hunk, enclosing functions, wrappers,
function images). ``identity_cache`` lets each of them ask again without recomputing:
the cache is keyed by the *identity* of the arguments (hashing a Patch by value walks
every line), holds a strong reference to them (so an id cannot be reused while cached)
and is bounded (``functools.lru_cache``). Use it only for pure functions whose
arguments are deeply immutable (frozen dataclasses, tuples, read-only tables).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

__all__ = ["Same", "identity_cache"]

F = TypeVar("F", bound=Callable[..., Any])


class Same:
    """A cache key equal only to a key for the very same object (holds it alive)."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.obj is self.obj


def identity_cache(maxsize: int) -> Callable[[F], F]:
    """Decorator: memoise a pure function of immutable positional arguments by identity."""

    def decorate(func: F) -> F:
        @functools.lru_cache(maxsize=maxsize)
        def cached(*keys: Same) -> Any:
            return func(*(key.obj for key in keys))

        @functools.wraps(func)
        def wrapper(*args: Any) -> Any:
            return cached(*map(Same, args))

        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate
