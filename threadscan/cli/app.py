"""The typer application: one thin function per command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from threadscan.cli import render
from threadscan.cli.common import CorpusOpt, JsonOpt, guard, open_corpus, read_text_arg
from threadscan.sources.base import DEFAULT_MIDMASK

app = typer.Typer(
    name="threadscan",
    help="Read mailing-list patch review threads and report the locking debate in them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="mbox/Maildir/.eml/text files, URLs, or -")],
    corpus: CorpusOpt = None,
    thread: Annotated[bool, typer.Option(help="Follow archive thread links")] = False,
    offline: Annotated[bool, typer.Option(help="Use the HTTP cache only")] = False,
    strict: Annotated[bool, typer.Option(help="Exit 1 if anything was skipped")] = False,
    json_out: JsonOpt = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0 = all)")] = 0,
    summary: Annotated[bool | None, typer.Option(
        "--summary/--no-summary", help="Print review summaries (default: when one thread)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Summary: text|md|json|html")] = "text",
    midmask: Annotated[str, typer.Option(
        envvar="THREADSCAN_MIDMASK", help="Where a bare Message-ID is looked up (b4's midmask)",
    )] = DEFAULT_MIDMASK,
) -> None:
    """Ingest archive sources into the corpus.

    A source may be a bare Message-ID: it is read from lore (--midmask), as b4 does.

    Example: threadscan ingest https://lore.kernel.org/linux-block/<msgid>/ --thread
    """
    from threadscan.pipeline import IngestOptions
    from threadscan.pipeline import ingest as run_ingest
    from threadscan.sources.base import SourceOptions

    source = SourceOptions(follow_thread=thread, offline=offline, midmask=midmask)
    opts = IngestOptions(source=source, jobs=jobs)
    with guard(), open_corpus(corpus) as db:
        bar = render.progress_callback(json_out)
        report = run_ingest(sources, db, opts, progress=bar)
        render.ingest_report(report, json_out, bar)
        if summary or (summary is None and len(report.threads) == 1 and not json_out):
            render.summaries(db, report.threads, fmt)
    raise typer.Exit(render.ingest_exit_code(report, strict))


@app.command()
def threads(corpus: CorpusOpt = None, json_out: JsonOpt = False) -> None:
    """List the threads in the corpus.

    Example: threadscan threads --json
    """
    with guard(), open_corpus(corpus, default=True) as db:
        render.thread_rows(db.threads(), json_out)


@app.command()
def show(
    thread_or_msgid: Annotated[str, typer.Argument(help="Thread id or any Message-ID in it")],
    corpus: CorpusOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Show one thread: messages, segments, patches, lock changes, objections.

    Example: threadscan show '<20220207172216.206415-15-yishaih@nvidia.com>' --json
    """
    with guard(), open_corpus(corpus, default=True) as db:
        render.show(db.load_analysis(thread_or_msgid), json_out)


@app.command()
def locks(
    thread_or_msgid: Annotated[str | None, typer.Argument(help="Thread id or Message-ID")] = None,
    corpus: CorpusOpt = None,
    graph: Annotated[bool, typer.Option("--graph", help="Order edges across the corpus")] = False,
    lock: Annotated[str | None, typer.Option(help="Only edges touching this lock")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Lock changes of a thread, or the corpus-wide lock-order graph with --graph.

    Example: threadscan locks --graph --lock 'kvm->lock'
    """
    with guard(), open_corpus(corpus, default=True) as db:
        if graph or thread_or_msgid is None:
            render.lock_graph(db.lock_graph(lock), json_out)
        else:
            render.locks(db.load_analysis(thread_or_msgid), json_out)


@app.command()
def tag(
    text: Annotated[str | None, typer.Argument(help="Text to tag, or - for stdin")] = None,
    jsonl: Annotated[bool, typer.Option(help="Read JSON lines with a text field")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Tag free text (a draft review, a pasted paragraph) for locking objections.

    Example: echo 'This can deadlock with the kvm->lock held.' | threadscan tag -
    """
    from threadscan.nlp import tag_text

    with guard():
        if jsonl:
            render.tag_jsonl(tag_text)
        else:
            render.objections(tag_text(read_text_arg(text)), json_out)


@app.command()
def summary(
    thread_or_msgid: Annotated[str, typer.Argument(help="Thread id or any Message-ID in it")],
    corpus: CorpusOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="text|md|json|html")] = "text",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to FILE")] = None,
) -> None:
    """Review summary of a thread: participants, lock changes, the debate.

    Example: threadscan summary '<20211021152332.70455-10-akrowiak@linux.ibm.com>' --format md
    """
    with guard(), open_corpus(corpus, default=True) as db:
        render.summary(db, thread_or_msgid, fmt, output)


@app.command()
def query(
    terms: Annotated[list[str] | None, typer.Argument(help="Words, prefixes (cat:, d:)")] = None,
    corpus: CorpusOpt = None,
    category: Annotated[str | None, typer.Option("--category")] = None,
    stance: Annotated[str | None, typer.Option("--stance")] = None,
    lock: Annotated[str | None, typer.Option(help="Expression or suffix like ->lock")] = None,
    function: Annotated[str | None, typer.Option("--function")] = None,
    file: Annotated[str | None, typer.Option("--file")] = None,
    author: Annotated[str | None, typer.Option("--author", "--speaker")] = None,
    list_id: Annotated[str | None, typer.Option("--list")] = None,
    since: Annotated[str | None, typer.Option("--since")] = None,
    until: Annotated[str | None, typer.Option("--until")] = None,
    has_lock_change: Annotated[bool, typer.Option("--has-lock-change")] = False,
    unresolved: Annotated[bool, typer.Option("--unresolved")] = False,
    what: Annotated[str, typer.Option(help="objections|lock_changes|threads|messages")] = "",
    limit: Annotated[int, typer.Option("--limit")] = 20,
    json_out: JsonOpt = False,
    jsonl: Annotated[bool, typer.Option("--jsonl")] = False,
) -> None:
    """Search the corpus: full text plus structured filters.

    Example: threadscan query 'cat:lock-order lock:kvm->lock' --what objections
    """
    from threadscan.store.query import parse_query

    with guard(), open_corpus(corpus, default=True) as db:
        q = parse_query(" ".join(terms or [])).with_filters(
            category=category, stance=stance, lock=lock, function=function, file=file,
            author=author, list_id=list_id, since=since, until=until,
            has_lock_change=has_lock_change, unresolved=unresolved)
        found = db.search(q, what=what or "objections", limit=limit)  # type: ignore[arg-type]
        render.hits(found, json_out, jsonl)


@app.command()
def stats(corpus: CorpusOpt = None, json_out: JsonOpt = False) -> None:
    """Corpus size, threads per list, objections per category, top discussed locks.

    Example: threadscan stats
    """
    with guard(), open_corpus(corpus, default=True) as db:
        render.stats(db.stats(), json_out)
