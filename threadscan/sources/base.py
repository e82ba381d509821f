"""The contract every source keeps, and the one registry they register in.

A source turns a user's argument (a path, ``-``, a URL) into ``RawItem``s:
raw RFC 822 bytes (``kind="mail"``) or the text of an archive page
(``kind="page-text"``). Sources never parse mail; ``threadscan.mail`` does.
A source that cannot read one item yields a ``Skip`` for it and goes on; a
source that cannot be read at all raises ``SourceError``.

Built-in sources register exactly as a third party would::

    REGISTRY = SourceRegistry()
    REGISTRY.register(Adapter(name="mbox", claims=is_mbox_path, iter_items=iter_mbox))

``SourceRegistry`` is an ordinary object built by ``default_registry()``; there
is no module-level mutable state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from threadscan.errors import UnsupportedSource
from threadscan.model import RawItem, Skip

DEFAULT_MIDMASK = "https://lore.kernel.org/all/%s/"  # b4's default: where a Message-ID is read


@dataclass(frozen=True)
class SourceOptions:
    """Settings passed to every adapter (never read from globals)."""

    follow_thread: bool = False  # --thread: follow the archive's thread links
    offline: bool = False  # --offline: cache only
    cache_dir: str | None = None  # on-disk HTTP cache; None = default per-user cache
    delay: float = 1.0  # polite per-host delay between requests, seconds
    timeout: float = 30.0
    retries: int = 3
    max_bytes: int = 64 * 1024 * 1024  # refuse larger responses
    midmask: str = DEFAULT_MIDMASK  # where a bare Message-ID is looked up


Item = RawItem | Skip
IterItems = Callable[[str, SourceOptions], Iterator[Item]]


@dataclass(frozen=True)
class Adapter:
    """One kind of source: ``claims(arg)`` says whether it reads ``arg``."""

    name: str
    claims: Callable[[str], bool]
    iter_items: IterItems
    priority: int = 0  # higher is asked first


@dataclass
class SourceRegistry:
    adapters: list[Adapter] = field(default_factory=list)

    def register(self, adapter: Adapter) -> None:
        self.adapters.append(adapter)
        self.adapters.sort(key=lambda a: -a.priority)

    def find(self, arg: str) -> Adapter:
        for adapter in self.adapters:
            if adapter.claims(arg):
                return adapter
        raise UnsupportedSource(f"no source reads {arg!r}", file=arg)

    def iter_items(self, arg: str, options: SourceOptions) -> Iterator[Item]:
        yield from self.find(arg).iter_items(arg, options)
