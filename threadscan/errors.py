"""The one exception tree of threadscan. Every error carries its context.

    ThreadscanError                 base; .context: msgid, file, line, url
     +-- UsageError                 bad arguments, unknown thread, bad query syntax  (exit 2)
     |    +-- QueryError            a query string that cannot be searched safely
     +-- SourceError                a source cannot be read at all                    (exit 1)
     |    +-- FetchError            network: timeout, refused, HTTP status, too large
     |    |    +-- OfflineMiss      --offline and the URL is not in the cache
     |    +-- UnsupportedSource     no adapter recognises this source
     +-- ParseError                 one item cannot be parsed (usually recorded as a Skip)
     +-- StoreError                 the corpus cannot be opened, migrated or written
     +-- ModelError                 the NLP model or its data is missing or broken

Library code raises these; only the CLI turns them into exit codes
(``exit_code(err)``): 2 for usage errors, 1 for everything else.
"""

from __future__ import annotations


class ThreadscanError(Exception):
    """Base of every threadscan error; ``context`` names what it was about."""

    def __init__(
        self,
        message: str,
        *,
        msgid: str | None = None,
        file: str | None = None,
        line: int | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.msgid = msgid
        self.file = file
        self.line = line
        self.url = url

    @property
    def context(self) -> dict[str, str | int]:
        pairs = {"msgid": self.msgid, "file": self.file, "line": self.line, "url": self.url}
        return {k: v for k, v in pairs.items() if v is not None}

    def __str__(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.context.items())
        return f"{self.message} ({where})" if where else self.message


class UsageError(ThreadscanError):
    """The user asked for something that cannot be done as asked."""


class QueryError(UsageError):
    """A query string that cannot be searched safely."""


class SourceError(ThreadscanError):
    """A source cannot be read at all."""


class FetchError(SourceError):
    """A network fetch failed (timeout, refused, status, oversized, redirect loop)."""

    def __init__(self, message: str, *, status: int | None = None, **kw: str | int | None) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.status = status


class OfflineMiss(FetchError):
    """``--offline`` was given and the URL is not in the cache."""


class UnsupportedSource(SourceError):
    """No adapter recognises this source."""


class ParseError(ThreadscanError):
    """One item cannot be parsed; callers usually record it as a Skip."""


class StoreError(ThreadscanError):
    """The corpus cannot be opened, migrated or written."""


class ModelError(ThreadscanError):
    """The NLP model or its data is missing or broken."""


def exit_code(err: ThreadscanError) -> int:
    """The CLI exit code for an error: 2 for usage, 1 otherwise."""
    return 2 if isinstance(err, UsageError) else 1
