"""Render archive pages to the text a reader gets by selecting a page and copying it.

    python scripts/render_browser_text.py PAGE.html=NAME [...] --out DIR

Each page is opened in headless Chromium and its ``document.body.innerText`` (what a
browser's copy of the whole page gives) is written to DIR as ``NAME.txt``. The archive
fixture pages link to site stylesheets that are not there; the rules that decide what a
reader of a HyperKitty page sees are added: the message body keeps its line breaks
(``.email-body p/div { white-space: pre-wrap }`` in HyperKitty's stylesheet) and quoted
text stays folded behind its "..." switch, as the page shows it until the reader clicks.
Needs ``chromium`` on PATH; the tests read the texts this wrote
(``tests/data/pagetext/SOURCES.md``), not Chromium.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CSS = ("<style>.email-body p, .email-body div { white-space: pre-wrap }"
       " .quoted-text { display: none }</style>")
COPY = ("<script>var t = document.body.innerText;"
        " document.body.innerHTML = '<pre id=\"copied\"></pre>';"
        " document.getElementById('copied').textContent = t;</script>")
COPIED = re.compile(r'<pre id="copied">(.*)</pre>', re.S)


def find_browser() -> str | None:
    """Chromium's path; None, after saying so on stderr, when it is not installed."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        print("chromium is not on PATH", file=sys.stderr)
    return found


def fixtures_and_browser(argv: list[str] | None, description: str,
                         default: Path) -> tuple[Path, str] | None:
    """``--fixtures`` (the shared fixtures folder) and Chromium, for the scripts that render
    the fixtures' html pages; None when Chromium is not installed."""
    parser = argparse.ArgumentParser(description=description.split("\n")[0])
    parser.add_argument("--fixtures", type=Path, default=default)
    args = parser.parse_args(argv)
    browser = find_browser()
    return None if browser is None else (args.fixtures, browser)


def inner_text(page: Path, browser: str) -> str:
    """The page's innerText, as Chromium lays it out."""
    source = page.read_text(encoding="utf-8", errors="replace")
    extra = (CSS if "HyperKitty" in source else "") + COPY
    marked = source.replace("</body>", extra + "</body>") if "</body>" in source else source + extra
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "page.html"
        copy.write_text(marked, encoding="utf-8")
        dom = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", copy.as_uri()],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout
    found = COPIED.search(dom)
    if found is None:
        raise SystemExit(f"{page}: the browser gave no text")
    return html.unescape(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="+", help="PAGE.html=NAME")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    browser = find_browser()
    if browser is None:
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for spec in args.pages:
        page, _, name = spec.rpartition("=")
        target = args.out / f"{name}.txt"
        target.write_text(inner_text(Path(page), browser), encoding="utf-8")
        print(f"{page} -> {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
