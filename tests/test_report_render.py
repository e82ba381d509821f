"""render_summary in text and Markdown: layout, citations, escaping of hostile mail."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from tests.test_report_sample import M_REPLY, URL, seed004_analysis
from threadscan.errors import UsageError
from threadscan.model import ThreadAnalysis
from threadscan.report import render_summary

HOSTILE = "<script>alert(1)</script> [x](javascript:alert(2)) `rm` **bold** | pipe"


def hostile() -> ThreadAnalysis:
    """Seed 004 with a hostile subject, speaker and objection sentence."""
    a = seed004_analysis()
    thread = dataclasses.replace(a.thread, subject=HOSTILE)
    obj = dataclasses.replace(a.objections[0], sentence=HOSTILE + " This assert should stay.",
                              speaker="<img src=x onerror=alert(3)>")
    return dataclasses.replace(a, thread=thread, objections=(obj, *a.objections[1:]))


def test_text_fits_100_columns_except_source_urls() -> None:
    text = render_summary(seed004_analysis(), "text")
    long = [ln for ln in text.splitlines() if len(ln) > 100]
    assert all("://" in ln for ln in long)
    assert "DEBATE" in text and "LOCK ORDER" in text


def test_text_names_objection_code_reply_and_numbered_source() -> None:
    text = render_summary(seed004_analysis(), "text")
    assert "#1 objection [race] by George Dunlap (reviewer)" in text
    assert "@@ -114,15 +114,20 @@ p2m_pod_cache_add(struct p2m_domain *p2m" in text
    assert "p2m->pod.lock -> p2m->lock (prose, stated, INVERSION)" in text
    sources = text.split("SOURCES", 1)[1]
    assert f"{M_REPLY} {URL}" in sources


def test_text_width_option_narrows_prose() -> None:
    text = render_summary(seed004_analysis(), "text", width=72)
    assert max(len(ln) for ln in text.splitlines() if "://" not in ln) <= 72


def test_markdown_has_tables_fenced_diff_and_footnotes() -> None:
    md = render_summary(seed004_analysis(), "md")
    assert md.startswith("# Rework locking in the PoD layer\n")
    assert "| author | Andres Lagar\\-Cavilla <andres@lagarcavilla.org>" not in md
    assert "| author | Andres Lagar-Cavilla \\<andres@lagarcavilla.org\\> | 2 |" in md
    assert "```diff\n+    p2m_lock(p2m);\n" in md
    assert f"`{M_REPLY}` <{URL}>" in md


def test_markdown_escapes_hostile_subject_and_sentence() -> None:
    md = render_summary(hostile(), "md")
    assert re.search(r"(?<!\\)<(script|img)", md) is None
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in md
    assert "[x](javascript" not in md


def test_json_format_is_the_summary_document() -> None:
    doc = json.loads(render_summary(seed004_analysis(), "json"))
    assert doc["schema"] == "threadscan.summary/1"
    assert doc["debate"][0]["outcome"]["reply_cite"] == {"msgid": M_REPLY, "url": URL}


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown summary format 'pdf'"):
        render_summary(seed004_analysis(), "pdf")


def test_report_public_api_is_pinned() -> None:
    import threadscan.report as report

    assert sorted(report.__all__) == [
        "FORMATS", "Summary", "build_summary", "pick_later_versions", "render_summary",
        "summary_document", "thread_document"]


@pytest.mark.parametrize("fmt", ["text", "md", "json", "html"])
def test_thread_of_only_a_ghost_renders_in_every_format(fmt: str) -> None:
    from threadscan.model import Thread, ThreadNode

    ghost = Thread("gone@example.org", "", (ThreadNode("gone@example.org", None, ghost=True),))
    out = render_summary(ThreadAnalysis(ghost, ()), fmt)
    assert "gone@example.org" in out


def test_text_shows_a_hunk_once_and_later_objections_refer_back() -> None:
    text = render_summary(seed004_analysis(), "text")
    assert text.count("@@ -114,15 +114,20 @@ p2m_pod_cache_add") == 1
    later = text.split("#2 objection [race]", 1)[1].split("#3 ", 1)[0]
    assert ("code: xen/arch/x86/mm/p2m-pod.c: p2m_pod_cache_add() @@ -114,15 +114,20 @@ "
            "(shown under #1)") in later
    assert "unlock_page_alloc" not in later


def test_markdown_fences_a_hunk_once_and_later_objections_refer_back() -> None:
    md = render_summary(seed004_analysis(), "md")
    assert md.count("@@ -114,15 +114,20 @@ p2m_pod_cache_add") == 2  # #1 and #2's reference
    assert md.count("+    unlock_page_alloc(p2m);") == 1
    assert "its changed lines are shown under objection 1" in md


def test_one_reviewers_approvals_of_a_series_are_one_entry() -> None:
    from pathlib import Path

    from tests.archive_server import file_messages
    from threadscan.pipeline import analyze_thread
    from threadscan.report import build_summary
    from threadscan.thread import build_threads

    # the loop series: Jan Kara's Reviewed-by on seven of its eight patches
    path = (Path(__file__).parent / "data" / "extract" /
            "linux-block-025-loop-remove-lo-refcount-and-avoid-lo-mutex-in-open-release.mbox")
    msgs = file_messages(path)
    [thread] = build_threads(msgs)
    analysis = analyze_thread(thread, msgs)
    reviews = [a for v in build_summary(analysis).version_info for a in v.approvals
               if a.kind == "Reviewed-by" and a.person == "Jan Kara <jack@suse.cz>"]
    assert len(reviews) == 7
    text = " ".join(render_summary(analysis, "text").split())
    assert text.count("Reviewed-by Jan Kara <jack@suse.cz>") == 1
    assert "Reviewed-by Jan Kara <jack@suse.cz> ×7 [" in text
    assert render_summary(analysis, "md").count("Reviewed-by Jan Kara") == 1
    assert render_summary(analysis, "html").count("Jan Kara &lt;jack@suse.cz&gt; ×7") == 1


def test_a_quoted_hunk_without_its_file_header_is_named_by_its_function() -> None:
    from tests.test_report_golden import DATA, SEEDS, analyze_file

    # seed 004 quotes hg hunks without their "diff" lines: the file is not known
    analysis = analyze_file(DATA / SEEDS["seed004"])
    for fmt in ("text", "md", "html"):
        out = render_summary(analysis, fmt)
        assert "p2m_pod_cache_add() (file not quoted)" in out, fmt
        # (the HTML page's repair log still names the diff's placeholder file)
        assert fmt == "html" or "(unknown)" not in out, fmt
