"""How well a Patchwork page flattened as seed 003 shows it is read back.

    python scripts/measure_flat_patchwork.py [--fixtures DIR]

Every Patchwork patch page of ``shared/fixtures/html`` with comments is laid out by headless
Chromium (``render_browser_text.inner_text``; needs ``chromium``) and read line by line,
which gives each comment's sender, quotes and own text. The page is then flattened the way
seed 003 shows Patchwork: table rows with pipes, each comment's lines joined onto one line
(quote markers kept), the comment headers and the patch left out. Reading that back, the
script counts comments whose sender is found (and right), the share of each comment's own
words read as its own (recall, precision) and the quoted speakers found.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from render_browser_text import fixtures_and_browser, inner_text  # noqa: E402

from threadscan.mail import parse_item  # noqa: E402
from threadscan.model import Message, Provenance, RawItem  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"
WORD = re.compile(r"[A-Za-z]{3,}")


def messages(text: str) -> list[Message]:
    found = parse_item(RawItem(text.encode("utf-8"), "page-text", Provenance("page", "text")))
    return [m for m in found if isinstance(m, Message)]


def flattened(text: str, comments: list[Message]) -> str | None:
    msgid = re.search(r"^Message ID\t(<[^>]+>)", text, re.M)
    series = re.search(r"^Series\t(.*?) \| expand", text, re.M)
    if not (msgid and series):
        return None
    rows = [f"Message ID | {msgid.group(1)} (mailing list archive) |", "---|---|",
            "State | New |", "Headers | show |", f"Series | {series.group(1)} | expand |"]
    for m in comments:
        lines = [("> " * s.depth + ln).strip() for s in m.segments if s.kind != "footer"
                 for ln in s.text.split("\n")]
        rows.append(" ".join(ln for ln in lines if ln))
    return "\n".join(rows)


def own_words(m: Message) -> Counter[str]:
    return Counter(w.lower() for s in m.segments if s.kind == "text" and s.depth == 0
                   for w in WORD.findall(s.text))


def first(name: str) -> str:
    return name.split()[0].lower() if name.split() else ""


def score(comments: list[Message], rebuilt: list[Message], tally: Counter[str]) -> None:
    for want, got in zip(comments, rebuilt[-len(comments):], strict=True):
        tally["comments"] += 1
        tally["sender found"] += bool(got.author.name)
        tally["sender right"] += bool(got.author.name) and first(got.author.name) == first(
            want.author.name)
        mine, read = own_words(want), own_words(got)
        tally["own words"] += sum(mine.values())
        tally["own words read"] += sum(read.values())
        tally["own words right"] += sum(min(c, read[w]) for w, c in mine.items())
        quoted = {(s.depth, first(s.speaker or "")) for s in want.segments if s.kind == "quote"}
        found = {(s.depth, first(s.speaker or "")) for s in got.segments if s.kind == "quote"}
        tally["quoted speakers"] += len(quoted)
        tally["quoted speakers found"] += len(quoted & found)


def main(argv: list[str] | None = None) -> int:
    found = fixtures_and_browser(argv, __doc__, FIXTURES)
    return 2 if found is None else measure(*found)


def measure(fixtures: Path, browser: str) -> int:
    html = fixtures / "html"
    urls = json.loads((html / "MANIFEST.json").read_text(encoding="utf-8"))["urls"]
    tally: Counter[str] = Counter()
    pages = sorted({v["file"] for k, v in urls.items()
                    if "/patch/" in k and v["file"].endswith(".html")})
    for page in pages:
        text = inner_text(html / page, browser)
        comments = messages(text)[1:]
        flat = flattened(text, comments) if comments else None
        if flat is not None:
            score(comments, messages(flat), tally)
    t = tally
    print(f"comments {t['comments']}: sender found {t['sender found']}, right "
          f"{t['sender right']}; own words recall {t['own words right'] / t['own words']:.2f} "
          f"precision {t['own words right'] / max(t['own words read'], 1):.2f}; quoted speakers "
          f"found {t['quoted speakers found']}/{t['quoted speakers']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
