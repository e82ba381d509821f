"""Does a thread read from copied archive pages give what its mbox gives?

    python scripts/compare_page_copies.py [--fixtures DIR]

For every pipermail, spinics and lists.xenproject.org message page of
``shared/fixtures/html``, the page is laid out by headless Chromium and its text taken as
a reader's copy (``render_browser_text.inner_text``; needs ``chromium``). The copies of one
thread are parsed together and analysed (lock changes, objections by speaker, sentence,
stance and categories), and so are the same messages from the thread's source mbox. One
row per thread: messages, lock changes and objections each way, and the objections in
common.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_objections import thread_messages  # noqa: E402
from render_browser_text import fixtures_and_browser, inner_text  # noqa: E402

from threadscan.extract import analyze_patches  # noqa: E402
from threadscan.mail import parse_item  # noqa: E402
from threadscan.model import Message, Provenance, RawItem  # noqa: E402
from threadscan.nlp import tag_thread  # noqa: E402
from threadscan.nlp.sentences import sentence_key  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"
SITES = ("pipermail", "spinics", "xenproject")
MESSAGE_PAGE = re.compile(r"(?:/\d{6}|/msg\d{5})\.html$")  # pipermail, MHonArc


def analysed(msgs: list[Message]) -> tuple[set[tuple[object, ...]], int]:
    pa = analyze_patches(msgs)
    found = tag_thread(msgs, pa).objections
    return ({(o.speaker, sentence_key(o.sentence), o.stance, o.categories) for o in found},
            len(pa.lock_changes))


def parsed(text: str, source: str) -> list[Message]:
    found = parse_item(RawItem(text.encode("utf-8"), "page-text", Provenance(source, "text")))
    return [m for m in found if isinstance(m, Message)]


def threads(html: Path) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(site, source mbox) -> [(page file, Message-ID)] of its single-message pages."""
    files = json.loads((html / "MANIFEST.json").read_text(encoding="utf-8"))["urls"]
    out: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    with (html / "PAGES.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            ids = row["message_ids"].split()
            page = files.get(row["url"], {}).get("file", "")
            if row["site"] in SITES and len(ids) == 1 and MESSAGE_PAGE.search(page):
                out[(row["site"], row["source_mbox"])].append((page, ids[0]))
    return out


def main(argv: list[str] | None = None) -> int:
    found = fixtures_and_browser(argv, __doc__, FIXTURES)
    return 2 if found is None else compare(*found)


def compare(fixtures: Path, browser: str) -> int:
    html = fixtures / "html"
    print("| site | thread | messages | lock changes | objections | in common |")
    print("|---|---|---|---|---|---:|")
    for (site, mbox), pages in sorted(threads(html).items()):
        copies = [m for page, _ in pages for m in parsed(inner_text(html / page, browser), page)]
        ids = {mid for _, mid in pages}
        mail = [m for m in thread_messages(fixtures.parent.parent / mbox) if m.msgid in ids]
        (got, got_locks), (want, want_locks) = analysed(copies), analysed(mail)
        print(f"| {site} | {Path(mbox).stem[:48]} | {len(copies)} / {len(mail)} | "
              f"{got_locks} / {want_locks} | {len(got)} / {len(want)} | {len(got & want)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
