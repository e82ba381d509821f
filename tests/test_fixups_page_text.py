"""Archive pages rendered by ``sources.detect.page_text``: lines stay whole, then parse.

Regression for ``get_text("\\n")``, which broke every inline tag onto its own line
(a pipermail ``>`` marker lost its quoted text, MHonArc's ``<em>From</em>: X``
became two fragments). The pages are the adapter tests' copies in ``data/html``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from threadscan.mail import parse_item
from threadscan.model import Message, Provenance, RawItem
from threadscan.sources.detect import page_text
from threadscan.sources.http import FetchResult

HTML = Path(__file__).parent / "data" / "html"
PIPERMAIL = "pipermail/linuxppc-dev/2019-October/210029.html"
XEN = "xenproject/archives/html/xen-devel/2022-12/msg00000.html"
PATCHWORK = "patchwork/project/linux-block/patch/20251201094754.4149975-8-senozhatsky@chromium.org/"
HYPERKITTY = ("hyperkitty/list/virtualization@lists.linux-foundation.org/message/"
              "4YUFPKYAK4BYFEXWQ2COVTN2FVHK2FU7/index.html")


def render(rel: str) -> str:
    url = f"http://127.0.0.1/{rel}"
    page = FetchResult(url, url, 200, "text/html; charset=utf-8", (HTML / rel).read_bytes())
    return page_text(page).decode("utf-8")


def messages(rel: str) -> list[Message]:
    item = RawItem(render(rel).encode("utf-8"), "page-text", Provenance(rel, "text"))
    found = parse_item(item)
    assert all(isinstance(m, Message) for m in found), found
    return [m for m in found if isinstance(m, Message)]


def test_pipermail_quote_markers_keep_their_text() -> None:
    lines = render(PIPERMAIL).split("\n")
    assert "> > Manage migration of pages betwen normal and secure memory of secure" in lines
    assert "> I am concerned about this structure" not in lines  # it is one line with "record:"
    assert "> record:  I am concerned about this structure" in lines


def test_pipermail_page_gives_quotes_by_speaker() -> None:
    [msg] = messages(PIPERMAIL)
    assert (msg.author.name, msg.author.email) == ("Bharata B Rao", "bharata.rao@gmail.com")
    concern = next(s for s in msg.segments if "I am concerned about this structure" in s.text)
    assert (concern.kind, concern.depth, concern.speaker) == ("quote", 1, "Paul Mackerras")
    reply = next(s for s in msg.segments if s.text.startswith("I will add code to release"))
    assert (reply.kind, reply.depth, reply.speaker) == ("text", 0, "Bharata B Rao")
    quoted = next(s for s in msg.segments if "unsigned long *rmap;" in s.text)
    assert (quoted.kind, quoted.depth, quoted.speaker) == ("diff", 2, "Bharata B Rao")


def test_mhonarc_header_fields_stay_one_line_each() -> None:
    lines = render(XEN).split("\n")
    assert "From: Stefano Stabellini <sstabellini@xxxxxxxxxx>" in lines
    assert "Date: Wed, 30 Nov 2022 17:08:06 -0800 (PST)" in lines
    assert "In-reply-to: <20221130150919.13935-1-roger.pau@xxxxxxxxxx>" in lines


def test_mhonarc_page_gives_author_date_parent_and_quoted_patch() -> None:
    [msg] = messages(XEN)
    assert (msg.author.name, msg.author.obfuscated) == ("Stefano Stabellini", True)
    assert msg.date == dt.datetime(2022, 11, 30, 17, 8, 6,
                                   tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    assert msg.in_reply_to == "20221130150919.13935-1-roger.pau@xxxxxxxxxx"
    diff = msg.segments_of("diff")[0]
    assert (diff.depth, diff.speaker) == (1, "Roger Pau Monne")
    assert "spin_lock_irqsave" in diff.text


def test_hidden_parts_are_not_rendered_and_table_rows_stay_whole() -> None:
    text = render(PATCHWORK + "index.html")
    assert "Return-Path:" not in text  # Patchwork's collapsed "Headers" block
    assert "Message ID | <20251201094754.4149975-8-senozhatsky@chromium.org> (mailing list " \
           "archive) |" in text.split("\n")


def test_preformatted_blank_context_lines_keep_their_space() -> None:
    lines = render(PATCHWORK + "index.html").split("\n")
    hunk = lines.index("@@ -1966,10 +1966,6 @@  static ssize_t debug_stat_show(struct device *dev,")
    assert lines[hunk + 1 : hunk + 4] == [" \treturn ret;", " }", " "]


def test_hyperkitty_body_keeps_its_line_breaks() -> None:
    lines = render(HYPERKITTY).split("\n")
    assert "Signed-off-by: Jason Wang <jasowang@redhat.com>" in lines
    assert "+\tmutex_lock(&ndev->reslock);" in lines
    [msg] = messages(HYPERKITTY)
    assert "WARN_ON(!mutex_is_locked(&ndev->reslock));" in msg.segments_of("diff")[0].text
