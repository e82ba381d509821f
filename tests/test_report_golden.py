"""Golden outputs of the real pipeline on seeds 002 and 004 (text, Markdown, show JSON).

Regenerate after a reviewed change with ``THREADSCAN_UPDATE_GOLDEN=1 pytest
tests/test_report_golden.py`` and review the diff of ``tests/golden/``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from threadscan.model import Message, RawItem, ThreadAnalysis
from threadscan.report import render_summary, thread_document
from threadscan.report.schema import validate

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "report"
GOLDEN = HERE / "golden"
SCHEMAS = HERE.parent / "docs" / "schema"
SEEDS = {"seed002": "002_49b293774edf041f.txt", "seed004": "004_829cfff417aa0942.txt"}


def pipeline_ready() -> bool:
    try:
        from threadscan.extract import analyze_patches  # noqa: F401
        from threadscan.nlp import tag_thread  # noqa: F401
        from threadscan.pipeline import analyze_thread  # noqa: F401
    except ImportError:
        return False
    return True


pytestmark = pytest.mark.skipif(not pipeline_ready(), reason="pipeline not assembled yet")


def analyze_file(path: Path) -> ThreadAnalysis:
    """Source -> parse -> thread -> analyze for a file that holds one thread."""
    from threadscan.mail import parse_item
    from threadscan.pipeline import analyze_thread
    from threadscan.sources import default_registry
    from threadscan.sources.base import SourceOptions
    from threadscan.thread import build_threads

    items = default_registry().iter_items(str(path), SourceOptions(offline=True))
    msgs = [m for it in items if isinstance(it, RawItem)
            for m in parse_item(it) if isinstance(m, Message)]
    (thread,) = build_threads(msgs)
    return analyze_thread(thread, msgs)


def normalized(text: str) -> str:
    """Outputs without the checkout path (provenance names the file read)."""
    return text.replace(str(DATA), "<data>")


def check(name: str, text: str) -> None:
    target = GOLDEN / name
    if os.environ.get("THREADSCAN_UPDATE_GOLDEN"):
        target.write_text(text, encoding="utf-8")
    assert target.exists(), f"no golden {target.name}; generate with THREADSCAN_UPDATE_GOLDEN=1"
    assert text == target.read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=sorted(SEEDS))
def seed(request: pytest.FixtureRequest) -> tuple[str, ThreadAnalysis]:
    name = str(request.param)
    return name, analyze_file(DATA / SEEDS[name])


def test_golden_text_summary(seed: tuple[str, ThreadAnalysis]) -> None:
    name, analysis = seed
    check(f"{name}.summary.txt", normalized(render_summary(analysis, "text")))


def test_golden_markdown_summary(seed: tuple[str, ThreadAnalysis]) -> None:
    name, analysis = seed
    check(f"{name}.summary.md", normalized(render_summary(analysis, "md")))


def test_golden_show_document(seed: tuple[str, ThreadAnalysis]) -> None:
    name, analysis = seed
    doc = thread_document(analysis)
    schema = json.loads((SCHEMAS / "show.schema.json").read_text(encoding="utf-8"))
    assert validate(json.loads(json.dumps(doc)), schema) == []
    check(f"{name}.show.json", normalized(json.dumps(doc, indent=2, ensure_ascii=False) + "\n"))


@pytest.mark.browser
def test_real_page_loads_in_chromium(seed: tuple[str, ThreadAnalysis], tmp_path: Path) -> None:
    from tests.test_html_page import CHROMIUM, console_errors, overflow, run_chromium

    if CHROMIUM is None:
        pytest.skip("needs chromium")
    name, analysis = seed
    page = render_summary(analysis, "html")
    dom, log = run_chromium(tmp_path, page, "--dump-dom")
    assert console_errors(log) == []
    assert dom.count('<article class="card') == len(analysis.objections) > 0
    if name == "seed004":
        width, scroll = overflow(tmp_path, page).split()[:2]
        assert width[2:] == scroll[3:]  # nothing wider than the window
        assert "Regarding locking on emergency sweeps" in dom
        assert '<tr class="add lk acq"' in dom  # lock lines of the quoted patch highlighted
    else:
        assert '<svg class="lockgraph"' in dom and "kvm-&gt;lock" in dom
