"""The pipeline: sources -> one parser -> corpus -> threads -> analysis.

``ingest`` streams raw items from every source through ``threadscan.mail.parse_item``
in batches, upserts them into the corpus, re-threads, and analyses the threads the
run touched. Parsing and analysis run in worker processes when ``jobs > 1``; only
this process writes to the corpus. Memory is bounded by the batch size, not by the
size of the input.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from threadscan.errors import SourceError
from threadscan.model import (
    IngestReport,
    Message,
    Provenance,
    RawItem,
    Skip,
    Thread,
    ThreadAnalysis,
)
from threadscan.sources.base import SourceOptions

if TYPE_CHECKING:
    from threadscan.store import Corpus

Progress = Callable[[str, int], None]  # (stage, count so far)


@dataclass(frozen=True)
class IngestOptions:
    source: SourceOptions = field(default_factory=SourceOptions)
    jobs: int = 0  # 0 = all cores
    batch: int = 256
    analyze: bool = True


def analyze_thread(thread: Thread, messages: Sequence[Message]) -> ThreadAnalysis:
    """Lock changes and objections of one thread (pure: no I/O)."""
    from threadscan.extract import analyze_patches
    from threadscan.nlp import tag_thread

    msgs = tuple(messages)
    pa = analyze_patches(msgs)
    nr = tag_thread(msgs, pa)
    return ThreadAnalysis(
        thread=thread,
        messages=msgs,
        patches=pa.patches,
        lock_ops=pa.lock_ops,
        lock_changes=pa.lock_changes,
        lock_order=(*pa.lock_order, *nr.prose_edges),
        objections=nr.objections,
        approvals=nr.approvals,
    )


def parse_items(items: Sequence[RawItem]) -> list[Message | Skip]:
    """Parse a batch of raw items (runs in a worker process)."""
    from threadscan.mail import parse_item

    out: list[Message | Skip] = []
    for item in items:
        out.extend(parse_item(item))
    return out


def _analyze_job(job: tuple[Thread, tuple[Message, ...]]) -> tuple[ThreadAnalysis, str | None]:
    """Analyse one thread; an unexpected failure names the reason. The result carries no
    messages: the caller has them (sending them back from a worker would pickle them twice)."""
    thread, messages = job
    try:
        return replace(analyze_thread(thread, messages), messages=()), None
    except Exception as err:  # one bad thread must not abort an archive-sized ingest
        reason = f"analysis failed: {type(err).__name__}: {err}"
        return ThreadAnalysis(thread=thread, messages=()), reason


SEEN_ID_CAP = 10_000
MAIL_SUFFIXES = frozenset({"", ".mbox", ".mboxrd", ".mbx", ".eml", ".msg", ".txt", ".gz",
                           ".xz", ".html", ".htm", ".patch", ".diff"})


def iter_raw(sources: Iterable[str], options: SourceOptions,
             errors: list[str]) -> Iterator[RawItem | Skip]:
    """Every raw item of every source; a source that cannot be read is recorded."""
    from threadscan.sources import default_registry

    registry = default_registry()
    for arg in expand_dirs(sources):
        if isinstance(arg, Skip):
            yield arg
            continue
        try:
            yield from registry.iter_items(arg, options)
        except SourceError as err:
            errors.append(str(err))


def expand_dirs(sources: Iterable[str]) -> Iterator[str | Skip]:
    """A folder that is not a Maildir stands for the mail and page files below it."""
    for arg in sources:
        path = Path(arg)
        if "://" in arg or not path.is_dir() or (path / "cur").is_dir():
            yield arg
            continue
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            if file.name.startswith("."):
                continue
            if file.suffix.lower() in MAIL_SUFFIXES:
                yield str(file)
            else:
                yield Skip(Provenance(source=str(file), kind="file"),
                           reason=f"not a mail or archive page file ({file.suffix})")


def _batched(items: Iterable[RawItem | Skip], size: int,
             skips: list[Skip]) -> Iterator[list[RawItem]]:
    batch: list[RawItem] = []
    for item in items:
        if isinstance(item, Skip):
            skips.append(item)
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _jobs(jobs: int) -> int:
    return jobs if jobs > 0 else (os.cpu_count() or 1)


@dataclass
class _Tally:
    seen: int = 0
    stored: int = 0
    duplicates: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    seen_ids: set[str] = field(default_factory=set)  # capped: only to name small runs' threads

    def add_time(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - since
        return now


def _store_batch(corpus: Corpus, parsed: list[Message | Skip], tally: _Tally,
                 skips: list[Skip]) -> None:
    msgs = [p for p in parsed if isinstance(p, Message)]
    skips.extend(p for p in parsed if isinstance(p, Skip))
    tally.seen += len(msgs)
    if len(tally.seen_ids) < SEEN_ID_CAP:
        tally.seen_ids.update(m.msgid for m in msgs)
    stored, duplicates = corpus.upsert_messages(msgs)
    tally.stored += stored
    tally.duplicates += duplicates


Pages = dict[str, RawItem]  # a batch's page-text items by source, to parse again


def _parse_stream(batches: Iterator[list[RawItem]],
                  pool: object | None) -> Iterator[tuple[Pages, list[Message | Skip]]]:
    """Each batch parsed, with its page-text items (results come back in batch order)."""
    kept: deque[Pages] = deque()

    def feed() -> Iterator[list[RawItem]]:
        for batch in batches:
            kept.append({i.provenance.source: i for i in batch if i.kind == "page-text"})
            yield batch

    run = map if pool is None else pool.imap  # type: ignore[attr-defined]
    for parsed in run(parse_items, feed()):
        yield kept.popleft(), parsed


def _unaligned(parsed: list[Message | Skip], pages: Pages) -> list[Message]:
    """The batch's pages that lost their quote markers."""
    from threadscan.mail.page import HEADERLESS

    return [p for p in parsed if isinstance(p, Message) and p.provenance.source in pages
            and HEADERLESS in p.defects]


def realigned(corpus: Corpus, pages: Pages, parsed: list[Message]) -> list[Message | Skip]:
    """Pages that lost their quote markers, read against the stored messages they quote
    (found by their words: such a page names no thread): each writer's stored text aligns
    the page's blocks, and the page is placed in its thread (``quoted_texts.placed``)."""
    from threadscan.mail import parse_item
    from threadscan.mail import quoted_texts as qt

    out: list[Message | Skip] = []
    for p in parsed:
        found = corpus.writers_of(qt.probes(p))
        known = qt.known_texts(found, p)
        for m in parse_item(pages[p.provenance.source], known) if known else [p]:
            out.append(place_page(corpus, m, found) if isinstance(m, Message) else m)
    return out


def place_stored_pages(corpus: Corpus) -> list[Skip]:
    """Pages stored before the mail they quote (no thread found then), read again now: their
    text is their segments' text in order, aligned and placed as ``realigned`` does; a page
    found to show a stored message is dropped (returned as a Skip)."""
    from threadscan.mail.page import HEADERLESS

    dropped: list[Skip] = []
    for page in corpus.unplaced(HEADERLESS):
        text = "\n".join(s.text for s in page.segments).encode("utf-8", "surrogateescape")
        item = RawItem(text, "page-text", page.provenance)
        now = realigned(corpus, {page.provenance.source: item}, [page])
        dropped.extend(p for p in now if isinstance(p, Skip))
        fresh = [p for p in now if isinstance(p, Message)]
        if fresh != [page]:
            corpus.replace_messages([page.msgid], fresh)
    return dropped


def place_page(corpus: Corpus, page: Message, found: list[Message],
               missing: frozenset[str] = frozenset()) -> Message | Skip:
    """``quoted_texts.placed`` with what the corpus knows: the stored replies that quote the
    page's own words, and which of the messages they answer are stored (``missing``: taken
    as not stored, as a measurement of a page whose mail is in the corpus needs); then its
    sender as one of its thread's senders (``quoted_texts.signed_by``)."""
    from threadscan.mail import quoted_texts as qt

    quoters = corpus.writers_of(qt.probes(page, own=True), quoted=True)
    asked = [q.in_reply_to for q in quoters if q.in_reply_to]
    stored = {m.msgid for m in corpus.messages(asked)} - missing
    where = qt.placed(page, found, quoters, stored)
    if not isinstance(where, Message):
        return where
    kin = [*(m.msgid for m in found), *where.references]
    return qt.signed_by(where, corpus.thread_senders(kin, without=missing))


def ingest(sources: Sequence[str], corpus: Corpus, options: IngestOptions | None = None,
           progress: Progress | None = None) -> IngestReport:
    """Read, parse, store, thread and analyse; return what happened."""
    options = options or IngestOptions()
    errors: list[str] = []
    skips: list[Skip] = []
    tally = _Tally()
    batches = _batched(iter_raw(sources, options.source, errors), options.batch, skips)
    with _pool(_jobs(options.jobs)) as pool:
        _read_and_store(corpus, _parse_stream(batches, pool), tally, skips, progress)
        if tally.stored:
            skips.extend(place_stored_pages(corpus))
        corpus.record_skips(skips)
        start = time.perf_counter()
        threads, touched = rethread(corpus)
        start = tally.add_time("thread", start)
        if options.analyze:
            todo = pending_threads(corpus, threads)
            skips.extend(analyze_threads(corpus, todo, pool, progress))
            tally.add_time("analyze+store", start)
    return IngestReport(
        seen=tally.seen, stored=tally.stored, duplicates=tally.duplicates,
        skipped=tuple(skips), threads=_run_threads(corpus, touched, tally), errors=tuple(errors),
        timings=tuple(tally.seconds.items()),
    )


def _read_and_store(corpus: Corpus, stream: Iterator[tuple[Pages, list[Message | Skip]]],
                    tally: _Tally, skips: list[Skip], progress: Progress | None) -> None:
    start = time.perf_counter()
    for pages, parsed in stream:
        start = tally.add_time("read+parse", start)
        waiting = _unaligned(parsed, pages) if pages else []
        if waiting:  # the batch's mail first: a page may quote it
            held = {id(w) for w in waiting}
            _store_batch(corpus, [p for p in parsed if id(p) not in held], tally, skips)
            parsed = realigned(corpus, pages, waiting)
        _store_batch(corpus, parsed, tally, skips)
        start = tally.add_time("store", start)
        if progress:
            progress("parse", tally.seen)


def _run_threads(corpus: Corpus, touched: list[Thread], tally: _Tally) -> tuple[str, ...]:
    """Ids of the threads this run's messages belong to (changed ones for big runs)."""
    if tally.seen_ids and len(tally.seen_ids) < SEEN_ID_CAP:
        return tuple(corpus.thread_ids_of(sorted(tally.seen_ids)))
    return tuple(t.id for t in touched)


def rethread(corpus: Corpus) -> tuple[list[Thread], list[Thread]]:
    """Place unthreaded messages in threads; return (all threads, the changed ones).

    Messages are stored before they are threaded, and a changed thread loses its
    analysis until it is analysed again, so a run killed at any point leaves work
    that the next run finds and finishes. ``all`` is empty when nothing changed.
    """
    from threadscan.thread import build_threads

    unthreaded = corpus.unthreaded_msgids()
    if not unthreaded:
        return [], []
    threads = build_threads(corpus.thread_headers())
    touched = [t for t in threads if unthreaded.intersection(t.message_ids)]
    corpus.replace_threads(touched)
    return threads, touched


def pending_threads(corpus: Corpus, threads: Sequence[Thread] = ()) -> list[Thread]:
    """Threads that have no stored analysis (``threads``: a fresh threading, if at hand)."""
    from threadscan.thread import build_threads

    pending = corpus.unanalyzed_threads()
    if not pending:
        return []
    known = threads or build_threads(corpus.thread_headers())
    return [t for t in known if t.id in pending]


def analyze_threads(corpus: Corpus, threads: Sequence[Thread], pool: object | None,
                    progress: Progress | None = None, chunk: int = 64) -> list[Skip]:
    """Analyse threads in chunks; messages are read here (the pool's feeder is a thread).

    A thread whose analysis fails is stored without analysis and returned as a Skip
    (also recorded in the corpus), so it is reported and not retried on every run.
    """
    failed: list[Skip] = []
    done = 0
    for start in range(0, len(threads), chunk):
        # biggest threads first, so that the chunk does not end waiting on one late giant
        jobs = sorted(((t, tuple(corpus.messages(t.message_ids)))
                       for t in threads[start:start + chunk]), key=lambda j: -len(j[1]))
        run = map if pool is None else pool.imap  # type: ignore[attr-defined]
        results: Iterable[tuple[ThreadAnalysis, str | None]] = run(_analyze_job, jobs)
        for (_, messages), (bare, reason) in zip(jobs, results, strict=True):
            analysis = replace(bare, messages=messages)
            corpus.save_analysis(analysis)
            if reason is not None:
                failed.append(_analysis_skip(analysis, reason))
            done += 1
            if progress:
                progress("analyze", done)
    corpus.record_skips(failed)
    return failed


def _analysis_skip(analysis: ThreadAnalysis, reason: str) -> Skip:
    first = analysis.messages[0].provenance if analysis.messages else Provenance("", "thread")
    return Skip(provenance=first, reason=reason, msgid=analysis.thread.id)


@contextmanager
def _pool(jobs: int) -> Iterator[object | None]:
    """A process pool when jobs > 1, else None (everything runs in-process)."""
    if jobs <= 1:
        yield None
        return
    import multiprocessing

    pool = multiprocessing.get_context("fork" if os.name == "posix" else "spawn").Pool(jobs)
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()
