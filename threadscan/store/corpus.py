"""``Corpus``: the handle on one SQLite corpus (the only place threadscan keeps state).

    with Corpus.open() as corpus:            # $XDG_DATA_HOME/threadscan/corpus.sqlite
        stored, dups = corpus.upsert_messages(messages)
        corpus.replace_threads(build_threads(corpus.thread_inputs()))
        corpus.save_analysis(analysis)
        hits = corpus.search(parse_query("cat:deadlock lock:->sysfs_lock"))

Writes are batched, each public write call is one transaction (or joins the
caller's ``with corpus.transaction():``), and all of them are idempotent.
The database runs in WAL mode so searches proceed while an ingest writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from threadscan.errors import StoreError, UsageError
from threadscan.model import Message, Person, Skip, Thread, ThreadAnalysis
from threadscan.store import read, schema, write
from threadscan.store.migrations import applied_migrations, migrate
from threadscan.store.query import Query, parse_query
from threadscan.store.types import Hit, Stats, ThreadRow, What

if TYPE_CHECKING:
    from threadscan.store.graph import GraphEdge


@contextmanager
def guard(action: str, path: Path) -> Iterator[None]:
    """Turn any sqlite3 error into a ``StoreError`` naming what was being done; a usage
    error (an unknown thread) names the corpus it was looked for in."""
    try:
        yield
    except sqlite3.Error as err:
        raise StoreError(f"cannot {action}: {err}", file=str(path)) from err
    except UsageError as err:
        err.file = err.file or str(path)
        raise


class Corpus:
    """An open corpus. Use ``Corpus.open(path)``; close it (or use ``with``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn  # for store modules only (graph, stats, search)
        self.path = path
        self._depth = 0

    @classmethod
    def open(cls, path: Path | None = None, *, migrate_to: str | None = None) -> Corpus:
        """Open (creating and migrating) the corpus at ``path`` or the per-user default.

        ``migrate_to`` stops at a named migration (for tests and tools only).
        """
        path = Path(path) if path is not None else schema.default_path()
        schema.ensure_parent(path)
        conn = schema.connect(path)
        try:
            with guard("migrate the corpus", path):
                migrate(conn, upto=migrate_to)
        except StoreError:
            conn.close()
            raise
        return cls(conn, path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def migrations(self) -> tuple[str, ...]:
        with guard("read migrations", self.path):
            return applied_migrations(self.conn)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; nested calls become savepoints."""
        depth = self._depth
        with guard("begin a transaction", self.path):
            self.conn.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT sp{depth}")
        self._depth += 1
        try:
            yield
        except BaseException:
            if depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO sp{depth}")
                self.conn.execute(f"RELEASE sp{depth}")
            raise
        else:
            with guard("commit", self.path):
                self.conn.execute("COMMIT" if depth == 0 else f"RELEASE sp{depth}")
        finally:
            self._depth = depth

    # ------------------------------------------------------------ writes

    def upsert_messages(self, msgs: Iterable[Message]) -> tuple[int, int]:
        """Store new messages; return (stored, duplicates). Same Message-ID = duplicate."""
        with guard("store messages", self.path), self.transaction():
            return write.upsert_messages(self.conn, msgs)

    def replace_messages(self, old: Sequence[str], new: Iterable[Message]) -> None:
        """Delete the messages ``old`` (and the threads holding them), then store ``new``."""
        with guard("replace messages", self.path), self.transaction():
            write.delete_messages(self.conn, old)
            write.upsert_messages(self.conn, new)

    def record_skips(self, skips: Iterable[Skip]) -> int:
        """Record skipped items with their reasons; return how many were new."""
        with guard("record skips", self.path), self.transaction():
            return write.record_skips(self.conn, skips)

    def replace_threads(self, threads: Iterable[Thread]) -> None:
        """Store threads, dropping the ones they supersede (and those threads' analyses)."""
        with guard("store threads", self.path), self.transaction():
            write.replace_threads(self.conn, threads)

    def save_analysis(self, analysis: ThreadAnalysis) -> None:
        """Replace the stored analysis of ``analysis.thread``."""
        if not self.conn.execute(
            "SELECT 1 FROM threads WHERE id = ?", (analysis.thread.id,)
        ).fetchone():
            raise UsageError("save the thread before its analysis", msgid=analysis.thread.id)
        with guard("store analysis", self.path), self.transaction():
            write.save_analysis(self.conn, analysis)

    # ------------------------------------------------------------ reads

    def is_empty(self) -> bool:
        """True when no message is stored yet."""
        with guard("read messages", self.path):
            return self.conn.execute("SELECT 1 FROM messages LIMIT 1").fetchone() is None

    def messages(self, msgids: Iterable[str]) -> list[Message]:
        """Stored messages, in the order asked; unknown ids are absent from the result."""
        with guard("read messages", self.path):
            return read.messages(self.conn, list(msgids))

    def writers_of(self, passages: Sequence[str], limit: int = 20,
                   quoted: bool = False) -> list[Message]:
        """Stored messages whose own text (``quoted``: first-level quotes) holds some of
        ``passages``, those holding most first."""
        with guard("search messages", self.path):
            ids = read.writers_of(self.conn, passages, limit, quoted)
            return read.messages(self.conn, ids)

    def thread_senders(self, msgids: Sequence[str], without: Collection[str] = ()
                       ) -> list[Person]:
        """Who wrote in the threads holding ``msgids`` (threaded or, stored earlier in the
        same run, not yet), not counting the messages ``without``: to complete a page's
        signature "Steve" or "M."."""
        with guard("read messages", self.path):
            rows = read.thread_senders(self.conn, msgids)
        return list(dict.fromkeys(p for msgid, p in rows if msgid not in without))

    def unplaced(self, defect: str) -> list[Message]:
        """Messages with a synthetic Message-ID, no parent and ``defect`` among their defects
        (pages that named no thread, waiting for the mail they quote)."""
        with guard("read messages", self.path):
            return read.messages(self.conn, read.unplaced(self.conn, defect))

    def thread_inputs(self) -> Iterator[Message]:
        """Every stored message, oldest first, for ``build_threads``."""
        return read.iter_messages(self.conn)

    def thread_headers(self) -> Iterator[Message]:
        """Every stored message *without body* (segments and attachments empty), oldest
        first: all ``build_threads`` needs, at a fraction of the cost of ``thread_inputs``."""
        return read.iter_headers(self.conn)

    def unthreaded_msgids(self) -> set[str]:
        """Messages stored but not yet placed in a thread (new, or an interrupted run)."""
        with guard("read messages", self.path):
            rows = self.conn.execute("SELECT msgid FROM messages WHERE thread_id IS NULL")
            return {r[0] for r in rows}

    def thread_ids_of(self, msgids: Sequence[str]) -> list[str]:
        """The distinct threads holding these messages, in first-seen order."""
        with guard("read messages", self.path):
            found: dict[str, None] = {}
            for i in range(0, len(msgids), 500):
                part = list(msgids[i:i + 500])
                marks = ", ".join("?" * len(part))
                rows = self.conn.execute(
                    f"SELECT DISTINCT thread_id FROM messages WHERE msgid IN ({marks}) "
                    "AND thread_id IS NOT NULL ORDER BY epoch", part)
                found.update((r[0], None) for r in rows)
            return list(found)

    def unanalyzed_threads(self) -> set[str]:
        """Threads without a stored analysis (changed, or an interrupted run)."""
        with guard("list threads", self.path):
            rows = self.conn.execute(
                "SELECT id FROM threads WHERE id NOT IN (SELECT thread_id FROM analyses)")
            return {r[0] for r in rows}

    def threads(self) -> list[ThreadRow]:
        with guard("list threads", self.path):
            return read.threads(self.conn)

    def resolve_thread(self, thread_or_msgid: str) -> str:
        with guard("find the thread", self.path):
            return read.resolve_thread(self.conn, thread_or_msgid)

    def load_analysis(self, thread_or_msgid: str) -> ThreadAnalysis:
        """The thread's analysis; any msgid in the thread works. Unknown -> UsageError."""
        with guard("load the analysis", self.path):
            return read.load_analysis(self.conn, thread_or_msgid)

    def later_versions(self, analysis: ThreadAnalysis) -> list[ThreadAnalysis]:
        """Stored analyses of later versions (higher ``vN``) of the same series, oldest first."""
        with guard("find later versions", self.path):
            ids = read.later_version_threads(self.conn, analysis.thread.id)
            return [read.load_analysis(self.conn, tid) for tid in ids]

    def lock_graph(
        self, lock: str | None = None, *, by: Literal["expr", "member"] = "expr"
    ) -> list[GraphEdge]:
        """Lock-order edges across the corpus, inversions first (see ``store.graph``)."""
        from threadscan.store.graph import lock_graph

        with guard("build the lock graph", self.path):
            return lock_graph(self, lock, by=by)

    def stats(self) -> Stats:
        from threadscan.store.stats import corpus_stats

        with guard("compute statistics", self.path):
            return corpus_stats(self.conn)

    def search(
        self, query: Query | str, what: What = "objections", limit: int = 50
    ) -> list[Hit]:
        """Hits for ``query`` (a ``Query`` or a query string), best first."""
        from threadscan.store.search import run_search

        q = parse_query(query) if isinstance(query, str) else query
        with guard("search", self.path):
            return run_search(self.conn, q, what, limit)
