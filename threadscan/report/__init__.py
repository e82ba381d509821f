"""Review summaries of analysed threads: text, Markdown, JSON and one HTML page.

    build_summary(analysis, later_versions=())  -> Summary (frozen dataclasses)
    render_summary(analysis, fmt, **kw)          -> str   (fmt: text | md | json | html)
    thread_document(analysis)                    -> dict  (the ``show --json`` document)
    summary_document(summary)                    -> dict  (the ``summary --format json`` body)
    pick_later_versions(analysis, candidates)    -> later versions of the same series
"""

from __future__ import annotations

from threadscan.report.jsondoc import summary_document, thread_document
from threadscan.report.summary import (
    FORMATS,
    Summary,
    build_summary,
    pick_later_versions,
    render_summary,
)

__all__ = [
    "FORMATS",
    "Summary",
    "build_summary",
    "pick_later_versions",
    "render_summary",
    "summary_document",
    "thread_document",
]
