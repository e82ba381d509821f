"""How command results are printed: JSON for machines, rich tables for people.

rich is imported only here and only when a table or progress bar is drawn.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from threadscan.errors import UsageError
from threadscan.model import IngestReport, Objection, ThreadAnalysis

if TYPE_CHECKING:
    from threadscan.store import Corpus

SUMMARY_FORMATS = ("text", "md", "json", "html")


def to_jsonable(value: Any) -> Any:
    """Dataclasses, tuples and datetimes as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def echo_json(value: Any, *, indent: int | None = 2) -> None:
    typer.echo(json.dumps(to_jsonable(value), indent=indent, ensure_ascii=False, sort_keys=False))


PIPED_WIDTH = 400  # a table sent to a pipe or file keeps each row on one line (grep, cut)


def _console() -> Any:
    """A console for tables: the terminal's width, or (output piped, no ``COLUMNS`` set) wide
    enough that rows are not folded into several lines."""
    import os

    from rich.console import Console

    console = Console(soft_wrap=False)
    if console.is_terminal or "COLUMNS" in os.environ:
        return console
    return Console(soft_wrap=False, width=PIPED_WIDTH)


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*("" if c is None else str(c) for c in row))
    _console().print(table)


class ProgressBar:
    """A rich progress display on stderr, started on the first update (lazy import)."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    def __call__(self, stage: str, count: int) -> None:
        if self._progress is None:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                      TextColumn("{task.completed} done"), TimeElapsedColumn(),
                                      console=Console(stderr=True), transient=True)
            self._progress.start()
        if stage not in self._tasks:
            label = {"parse": "reading and parsing messages",
                     "analyze": "analysing threads"}.get(stage, stage)
            self._tasks[stage] = self._progress.add_task(label, total=None)
        self._progress.update(self._tasks[stage], completed=count)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def progress_callback(quiet: bool) -> ProgressBar | None:
    """A progress bar for long runs on a terminal (none for JSON output or pipes)."""
    if quiet or not sys.stderr.isatty():
        return None
    return ProgressBar()


def ingest_report(report: IngestReport, as_json: bool, bar: ProgressBar | None = None) -> None:
    if bar is not None:
        bar.close()
    doc = {
        "seen": report.seen, "stored": report.stored, "duplicates": report.duplicates,
        "skipped": [{"source": s.provenance.source, "locator": s.provenance.locator,
                     "msgid": s.msgid, "reason": s.reason} for s in report.skipped],
        "threads": list(report.threads), "errors": list(report.errors),
    }
    if as_json:
        echo_json(doc)
        return
    typer.echo(f"seen {report.seen}, stored {report.stored}, duplicates {report.duplicates}, "
               f"skipped {len(report.skipped)}, threads {len(report.threads)}", err=True)
    for skip in report.skipped[:50]:
        typer.echo(f"  skipped {skip.provenance.source}#{skip.provenance.locator}: {skip.reason}",
                   err=True)
    for err in report.errors:
        typer.echo(f"  error: {err}", err=True)


def ingest_exit_code(report: IngestReport, strict: bool) -> int:
    if report.seen == 0 and (report.errors or report.skipped or report.stored == 0):
        return 1
    return 1 if strict and (report.skipped or report.errors) else 0


def summaries(db: Corpus, thread_ids: Sequence[str], fmt: str) -> None:
    for tid in thread_ids:
        summary(db, tid, fmt, None)


def summary(db: Corpus, thread_or_msgid: str, fmt: str, output: Path | None) -> None:
    from threadscan.report import render_summary

    if fmt not in SUMMARY_FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(SUMMARY_FORMATS)}")
    analysis = db.load_analysis(thread_or_msgid)
    text = render_summary(analysis, fmt, later_versions=db.later_versions(analysis))
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


def thread_rows(rows: Sequence[Any], as_json: bool) -> None:
    from threadscan.report.summary import NO_SUBJECT

    if as_json:
        echo_json(list(rows))
        return
    _table("threads", ("id", "subject", "messages", "participants", "first", "last"),
           [(r.id, r.subject or NO_SUBJECT, r.messages, len(r.participants), r.first, r.last)
            for r in rows])


def show(analysis: ThreadAnalysis, as_json: bool) -> None:
    if as_json:
        from threadscan.report.jsondoc import thread_document

        echo_json(thread_document(analysis))
        return
    from threadscan.report import render_summary

    typer.echo(render_summary(analysis, "text"))


def locks(analysis: ThreadAnalysis, as_json: bool) -> None:
    if as_json:
        echo_json({"lock_changes": analysis.lock_changes, "lock_ops": analysis.lock_ops,
                   "lock_order": analysis.lock_order})
        return
    _table("lock changes", ("function", "kind", "lock", "primitive", "detail", "msgid"),
           [(c.function, c.kind, c.lock, c.primitive, c.detail, c.msgid)
            for c in analysis.lock_changes])
    _table("lock order", ("outer", "inner", "origin", "change", "trylock", "function"),
           [(e.outer, e.inner, e.origin, e.change, e.trylock, e.function)
            for e in analysis.lock_order])


def lock_graph(edges: Sequence[Any], as_json: bool) -> None:
    if as_json:
        echo_json(list(edges))
        return
    _table("lock order across the corpus", ("outer", "inner", "status", "evidence"),
           [(e.outer, e.inner, e.status, len(e.evidence)) for e in edges])


def objections(found: Sequence[Objection], as_json: bool) -> None:
    if as_json:
        echo_json([_objection_doc(o) for o in found])
        return
    if not found:
        typer.echo("no objections found")
    for o in found:
        typer.echo(f"[{o.stance}: {', '.join(o.categories)}] {o.sentence}")


def _objection_doc(o: Objection) -> dict[str, Any]:
    return {"sentence": o.sentence, "stance": o.stance, "categories": list(o.categories),
            "locks": list(o.locks), "functions": list(o.functions), "fired": list(o.fired)}


JSONL_ERROR = "expected a JSON object with a string text field"


def tag_jsonl(tag_text: Callable[[str], list[Objection]]) -> None:
    """One output line per input line (blank lines skipped). A line that is not a JSON object
    with a string ``text`` gets ``{"line": N, "error": ...}``, so the output stays aligned with
    the input, and the command ends with a usage error naming the bad lines."""
    bad: list[int] = []
    for lineno, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        text = _jsonl_text(line)
        if text is None:
            bad.append(lineno)
            typer.echo(json.dumps({"line": lineno, "error": JSONL_ERROR}))
            continue
        found = [{"sentence": o.sentence, "stance": o.stance, "categories": list(o.categories)}
                 for o in tag_text(text)]
        typer.echo(json.dumps({"text": text, "objections": found}, ensure_ascii=False))
    if bad:
        shown = ", ".join(map(str, bad[:10])) + (" ..." if len(bad) > 10 else "")
        raise UsageError(f"{len(bad)} input line(s) skipped, {JSONL_ERROR}: line {shown}",
                         line=bad[0])


def _jsonl_text(line: str) -> str | None:
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    text = obj.get("text") if isinstance(obj, dict) else None
    return text if isinstance(text, str) else None


def hits(found: Sequence[Any], as_json: bool, jsonl: bool) -> None:
    if jsonl:
        for hit in found:
            echo_json(hit, indent=None)
        return
    if as_json:
        echo_json(list(found))
        return
    if not found:
        typer.echo("no results")
    for hit in found:
        typer.echo(hit.format_text() if hasattr(hit, "format_text") else str(hit))


def stats(value: Any, as_json: bool) -> None:
    if as_json:
        echo_json(value)
        return
    _table("corpus", ("messages", "threads", "patches", "lock changes", "objections", "skips"),
           [(value.messages, value.threads, value.patches, value.lock_changes,
             value.objections, value.skips)])
    _table("threads per list", ("list", "threads"), value.threads_per_list)
    _table("objections per category", ("category", "objections"),
           value.objections_per_category)
    _table("top discussed locks", ("lock", "objections", "lock changes", "threads"),
           [(t.lock, t.objections, t.lock_changes, t.threads) for t in value.top_locks])
