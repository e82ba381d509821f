"""The HTML page: self-contained, escaped, lock lines highlighted, objections anchored,
lock-order SVG styled by edge kind; and the page loads cleanly in headless Chromium."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

from tests.test_report_render import hostile
from tests.test_report_sample import M_PATCH, seed004_analysis
from threadscan.model import Link
from threadscan.report import build_summary, render_summary
from threadscan.report.hunks import anchor
from threadscan.report.svg import lock_graph_svg

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


def page() -> str:
    return render_summary(seed004_analysis(), "html")


def csp(html: str) -> str:
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert found is not None
    return unescape(found[1])


def test_page_is_self_contained() -> None:
    html = page()
    assert re.search(r"<(link|img|iframe|object|embed)\b", html) is None
    assert re.search(r"\bsrc\s*=", html) is None
    assert "@import" not in html and "url(http" not in html
    assert csp(html).startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:;")


def test_csp_hash_matches_the_inline_script() -> None:
    html = page()
    script = re.search(r"<script>(.*?)</script>", html, re.S)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script[1].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp(html)
    assert html.count("<script") == 1


def test_hostile_subject_speaker_and_sentence_are_inert() -> None:
    html = render_summary(hostile(), "html")
    assert html.count("<script") == 1  # ours only
    assert "<img" not in html and "javascript:alert(2)" in html  # as text, never as a link
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html


def test_lock_op_lines_are_highlighted_by_role() -> None:
    html = page()
    assert re.search(r'<tr class="add lk acq" title="acquire p2m-&gt;lock via p2m_lock">'
                     r".*?p2m_lock\(p2m\);", html)
    assert re.search(r'<tr class="add lk rel"[^>]*>.*?unlock_page_alloc\(p2m\);', html)


def test_objections_are_anchored_beside_their_hunks() -> None:
    html = page()
    hunk = re.search(rf'<div class="hunk" id="{anchor(M_PATCH + ":0:1")}">(.*?)</div></div>',
                     html, re.S)
    assert hunk is not None
    assert '<a href="#obj-3">#3</a> <b>George Dunlap</b>: Regarding locking' in hunk[1]
    assert '<a class="mark" href="#obj-3">#3</a>' in hunk[1]
    assert f'href="#{anchor(M_PATCH + ":0:1")}"' in html  # the debate card links back


def test_svg_edges_styled_by_origin_trylock_and_inversion() -> None:
    svg = lock_graph_svg(build_summary(seed004_analysis()).edges)
    assert 'class="edge prose inversion"' in svg
    assert 'class="edge code inversion"' in svg
    assert 'class="edge prose trylock"' in svg
    assert svg.count('marker-end="url(#arrow-red)"') == 2
    assert "p2m-&gt;pod.lock" in svg


def test_svg_layers_put_outer_lock_above_inner() -> None:
    svg = lock_graph_svg(build_summary(seed004_analysis()).edges)
    ys = {m[2]: float(m[1]) for m in re.finditer(
        r'<text x="[\d.]+" y="([\d.]+)" text-anchor="middle">([^<]+)</text>', svg)}
    assert ys["p2m-&gt;pod.lock"] < ys["p2m-&gt;lock"] < ys["gfn"]


def run_chromium(tmp_path: Path, html: str, *extra: str) -> tuple[str, str]:
    assert CHROMIUM is not None
    target = tmp_path / "page.html"
    target.write_text(html, encoding="utf-8")
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra,
         target.as_uri()], capture_output=True, text=True, timeout=90, check=False)
    return done.stdout, done.stderr


def console_errors(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines()
            if "Uncaught" in ln or "ERROR:CONSOLE" in ln or ":CONSOLE" in ln]


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")
def test_browser_loads_page_without_console_errors(tmp_path: Path) -> None:
    dom, log = run_chromium(tmp_path, page(), "--dump-dom")
    assert console_errors(log) == []
    assert '<body class="js">' in dom  # our script ran under the CSP
    assert dom.count('<article class="card') == 4
    assert "This assert should stay where it is." in dom
    assert '<svg class="lockgraph"' in dom


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")
def test_browser_hostile_page_runs_no_injected_code(tmp_path: Path) -> None:
    html = render_summary(hostile(), "html")
    injected = html.replace("</main>", "<script>document.title='pwned'</script></main>")
    dom, log = run_chromium(tmp_path, injected, "--dump-dom")
    assert "pwned" not in dom.split("</title>")[0]
    assert any("Content Security Policy" in ln for ln in console_errors(log))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom


def test_order_graph_svg_from_raw_edges_marks_inversion() -> None:
    from threadscan.report.svg import order_graph_svg

    svg = order_graph_svg(seed004_analysis().lock_order)
    assert svg.count('class="edge code inversion"') == 1
    assert order_graph_svg(()) == ""


MEASURE = """<script>
var W = document.documentElement.clientWidth, wide = [];
document.querySelectorAll("body *").forEach(function (e) {
  if (e.getBoundingClientRect().right > W + 1) { wide.push(e.tagName + "." + e.className); }
});
document.title = "W=" + W + " SW=" + document.documentElement.scrollWidth + " " + wide.join(",");
</script></body>"""


def overflow(tmp_path: Path, html: str) -> str:
    """The page's measured widths at 1200 px (a measuring script injected, CSP removed)."""
    probe = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    dom, _ = run_chromium(tmp_path, probe.replace("</body>", MEASURE), "--dump-dom",
                          "--window-size=1200,900")
    found = re.search(r"<title>(W=[^<]*)</title>", dom)
    assert found is not None
    return found[1]


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")
def test_browser_long_unbroken_tokens_do_not_widen_the_page(tmp_path: Path) -> None:
    a = seed004_analysis()
    token = "p2m_pod_emergency_sweep_" * 12
    obj = dataclasses.replace(a.objections[2], sentence=token,
                              links=(*a.objections[2].links, Link("function", token, "named")))
    a = dataclasses.replace(a, thread=dataclasses.replace(a.thread, subject=token),
                            objections=(*a.objections[:2], obj, a.objections[3]))
    measured = overflow(tmp_path, render_summary(a, "html"))
    width, scroll = re.findall(r"\d+", measured)[:2]
    assert width == scroll, measured


def test_timeline_bodies_mark_objection_sentences_across_line_breaks() -> None:
    html = page()
    assert '<mark><a href="#obj-1">#1</a> This assert should stay where it is.</mark>' in html
    # sentence 2 is wrapped over two lines in the mail; the mark keeps the line break
    assert re.search(r'<mark><a href="#obj-2">#2</a> Having the assert before cannot '
                     r"guarantee that\n\s*they \*will not\* race", html)
