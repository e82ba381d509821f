"""The frozen records the store hands out (besides model.py types)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

What = Literal["objections", "lock_changes", "threads", "messages"]
WHATS: tuple[What, ...] = ("objections", "lock_changes", "threads", "messages")


@dataclass(frozen=True)
class ThreadRow:
    id: str
    subject: str
    messages: int  # ghosts not counted
    participants: tuple[str, ...]
    first: dt.datetime | None
    last: dt.datetime | None


@dataclass(frozen=True)
class Hit:
    """One search result with its citation (thread, message, archive URL when known)."""

    what: What
    thread_id: str | None
    msgid: str
    url: str | None
    subject: str
    snippet: str  # matched terms marked with [ ]; the sentence/change/first words otherwise
    date: dt.datetime | None
    who: str | None  # speaker of an objection, author of a message / patch
    score: float = 0.0  # bm25 (lower is better) when full text was searched
    stance: str | None = None
    categories: tuple[str, ...] = ()
    lock: str | None = None
    function: str | None = None
    file: str | None = None
    kind: str | None = None  # lock-change kind

    def format_text(self) -> str:
        """Two lines for people: where (who, when, citation) and what (the snippet)."""
        when = self.date.date().isoformat() if self.date else "undated"
        tags = [t for t in (self.stance, ",".join(self.categories), self.kind, self.lock,
                            self.function and f"{self.function}()") if t]
        head = f"{when} {self.who or '?'}: {self.subject}"
        cite = self.url or f"<{self.msgid}>"
        extra = f" [{' '.join(tags)}]" if tags else ""
        return f"{head}{extra}\n    {' '.join(self.snippet.split())}\n    {cite}"


@dataclass(frozen=True)
class TopLock:
    lock: str
    objections: int  # objections linked to the lock
    lock_changes: int
    threads: int


@dataclass(frozen=True)
class Stats:
    messages: int
    threads: int
    skips: int
    patches: int
    lock_changes: int
    objections: int
    threads_per_list: tuple[tuple[str, int], ...]
    objections_per_category: tuple[tuple[str, int], ...]
    top_locks: tuple[TopLock, ...]
