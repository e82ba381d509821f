"""Archive pages copied out of a browser (``data/pagetext``) read as the pages themselves.

A reader who selects a whole lore, Patchwork, HyperKitty or MHonArc page and pastes it
gets the page's innerText: no quote markup, table cells tab-separated, links on their
headings' lines. The same thread must come out as it does from the mail or the HTML.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.archive_server import file_messages, tagged
from threadscan.mail import parse_item, parse_mail
from threadscan.mail.page import detect_kind
from threadscan.model import Message, Provenance, RawItem, Segment
from threadscan.sources.detect import page_text
from threadscan.sources.http import FetchResult

DATA = Path(__file__).parent / "data"
COPIES = DATA / "pagetext"
HTML = DATA / "html"
LORE_THREAD = HTML / "lore/linux-block/00000000000099c4ca05da07e42f@google.com"
LORE_RAW = HTML / "lore/linux-block/20220314152318.k4cvwe737q5r5juw@quack3.lan/raw"
PAGES = {
    "patchwork-patch": "patchwork/project/linux-block/patch/"
                       "20251201094754.4149975-2-senozhatsky@chromium.org/index.html",
    "hyperkitty-message": "hyperkitty/list/virtualization@lists.linux-foundation.org/message/"
                          "4YUFPKYAK4BYFEXWQ2COVTN2FVHK2FU7/index.html",
    "xenproject-message": "xenproject/archives/html/xen-devel/2023-03/msg00004.html",
    "spinics-message": "spinics/lists/kvm-arm/msg50001.html",
}


def copied(name: str, text: str | None = None) -> list[Message]:
    data = (text if text is not None else read(name)).encode("utf-8")
    found = parse_item(RawItem(data, "page-text", Provenance(f"{name}.txt", "text")))
    assert all(isinstance(m, Message) for m in found), found
    return [m for m in found if isinstance(m, Message)]


def read(name: str) -> str:
    return (COPIES / f"{name}.txt").read_text(encoding="utf-8")


def from_html(name: str) -> list[Message]:
    url = f"http://127.0.0.1/{PAGES[name]}"
    page = FetchResult(url, url, 200, "text/html; charset=utf-8", (HTML / PAGES[name]).read_bytes())
    found = parse_item(RawItem(page_text(page), "page-text", Provenance(url, "text")))
    return [m for m in found if isinstance(m, Message)]


def said(msg: Message) -> list[tuple[str, int, str | None, str]]:
    """Who says what, page chrome aside."""
    return [seg_key(s) for s in msg.segments if s.kind != "footer"]


def seg_key(s: Segment) -> tuple[str, int, str | None, str]:
    return (s.kind, s.depth, s.speaker, s.text)


def test_each_copied_page_is_recognised_by_its_archive_program() -> None:
    kinds = {name: detect_kind(read(name)) for name in
             ("lore-thread", "lore-message", *PAGES)}
    assert kinds == {"lore-thread": "lore", "lore-message": "lore", "patchwork-patch": "patchwork",
                     "hyperkitty-message": "hyperkitty", "xenproject-message": "mhonarc",
                     "spinics-message": "mhonarc"}


def test_lore_thread_page_gives_every_message_under_its_parent() -> None:
    page = copied("lore-thread")
    mail = sorted(file_messages(LORE_THREAD / "t.mbox.gz"), key=lambda m: (m.date, m.msgid))
    assert [(m.author.name, m.date) for m in sorted(page, key=lambda m: m.date)] == [
        (m.author.name, m.date.astimezone(dt.UTC).replace(second=0)) for m in mail]
    by_id = {m.msgid: m for m in page}
    jan = next(m for m in page if m.author.name == "Jan Kara" and m.date.day == 16)
    parent = by_id[jan.in_reply_to]
    assert (parent.author.name, parent.date.hour, parent.date.minute) == ("Tetsuo Handa", 10, 57)
    assert page[0].in_reply_to is None and page[0].subject.clean.startswith("possible deadlock")
    assert all(m.in_reply_to in by_id for m in page[1:])
    # the page shows names only; Tetsuo Handa's address comes from his patch's sign-off
    tetsuo = {m.author.email for m in page if m.author.name == "Tetsuo Handa"}
    assert tetsuo == {"penguin-kernel@i-love.sakura.ne.jp"}
    assert {m.author.email for m in page if m.author.name == "Jan Kara"} == {""}


def test_lore_thread_page_is_tagged_as_the_thread_mbox() -> None:
    # same lock changes (the patch's diff comes through) and the same objections
    page, mail = tagged(copied("lore-thread")), tagged(file_messages(LORE_THREAD / "t.mbox.gz"))
    assert page == mail and page[1] > 0 and len(page[0]) > 5


def test_lore_message_page_is_the_raw_mail() -> None:
    [page] = copied("lore-message")
    mail = parse_mail(LORE_RAW.read_bytes(), Provenance(str(LORE_RAW), "eml"))
    assert isinstance(mail, Message)
    assert (page.msgid, page.author, page.date, page.subject, page.in_reply_to) == (
        mail.msgid, mail.author, mail.date, mail.subject, mail.in_reply_to)
    assert [seg_key(s) for s in page.segments] == [seg_key(s) for s in mail.segments]


def test_lore_header_block_without_indent_or_blank_line_still_ends_at_the_body() -> None:
    # text extractors that drop leading whitespace and blank lines (as stored copies of
    # lore mirrors show them): "Cc:" continuations start at column 0, the body follows
    # "In-Reply-To:" directly
    lines = read("lore-message").split("\n")
    squeezed = [ln.strip() for i, ln in enumerate(lines) if ln.strip() or i > 20]
    [page] = copied("lore-message", "\n".join(squeezed))
    assert page.msgid == "20220314152318.k4cvwe737q5r5juw@quack3.lan"
    assert page.in_reply_to == "613b094e-2b76-11b7-458b-553aafaf0df7@I-love.SAKURA.ne.jp"
    assert page.segments[0].kind == "attribution"
    assert page.segments[0].text.startswith("On Mon 14-03-22 00:15:22, Tetsuo Handa wrote:")


def test_patchwork_page_with_tab_separated_cells_reads_as_its_html() -> None:
    page, html = copied("patchwork-patch"), from_html("patchwork-patch")
    assert len(page) == 9 and page[0].msgid == "20251201094754.4149975-2-senozhatsky@chromium.org"
    assert [(m.author, m.date, m.subject, said(m)) for m in page] == [
        (m.author, m.date, m.subject, said(m)) for m in html]
    assert any(s.kind == "diff" for s in page[0].segments)
    assert {m.in_reply_to for m in page[1:]} == {page[0].msgid}


def test_hyperkitty_copy_without_page_title_finds_sender_date_and_subject() -> None:
    [page], [html] = copied("hyperkitty-message"), from_html("hyperkitty-message")
    assert page.author.name == "Jason Wang"
    assert page.subject.raw == "[PATCH 2/2] vdpa: mlx5: synchronize driver status with CVQ"
    assert (page.author, page.date, page.subject, said(page)) == (
        html.author, html.date, html.subject, said(html))


def test_mhonarc_copy_keeps_navigation_and_attachment_notes_out_of_the_message() -> None:
    for name in ("xenproject-message", "spinics-message"):
        [page], [html] = copied(name), from_html(name)
        assert (page.author, page.date, said(page)) == (html.author, html.date, said(html))
        text = "\n".join(s.text for s in page.segments if s.kind != "footer")
        for chrome in ("Prev by Date", "Attachment:", "References:", "Follow-Ups:"):
            assert chrome not in text, (name, chrome)
    [xen] = copied("xenproject-message")
    assert [s.text for s in xen.segments if s.kind == "trailer"] == [
        "Reviewed-by: Juergen Gross <jgross@xxxxxxxx>"]


def test_git_in_body_from_line_is_not_taken_as_the_sender() -> None:
    # git send-email writes "From: <patch author>" as the first body line when the
    # sender is someone else; a copied page shows it right under the header fields
    lines = read("spinics-message").split("\n")
    fields = ("In-reply-to:", "References:")
    last = max(i for i, ln in enumerate(lines[:20]) if ln.startswith(fields))
    lines.insert(last + 1, "From: Paolo Bonzini <pbonzini@xxxxxxxxxx>")
    [page] = copied("spinics-message", "\n".join(lines))
    assert page.author.name == "Sean Christopherson"


def test_a_mails_own_reference_list_stays_in_the_message() -> None:
    # MHonArc's "References:" list is chrome because "From: Name" lines follow each entry;
    # a reviewer's own list of links has none and stays what the reviewer wrote
    text = read("lore-message").replace(
        "\n-- \nJan Kara", "\nReferences:\n[1] https://syzkaller.appspot.com/bug?"
        "extid=6479585dfd4dedd3f7e1\n\n-- \nJan Kara", 1)
    [page] = copied("lore-message", text)
    own = [s for s in page.segments if s.kind == "text"][-1]
    assert own.text.startswith("References:\n[1] https://syzkaller.appspot.com")
    assert page.segments[-1].kind == "signature"


def test_bulleted_header_fields_and_link_lists_of_a_text_renderer() -> None:
    # inscriptis prints MHonArc's field list and link lists as bullets ("  * From: ...")
    [page], [html] = copied("xenproject-message.inscriptis"), from_html("xenproject-message")
    assert (page.author, page.date, page.subject, page.in_reply_to, said(page)) == (
        html.author, html.date, html.subject, html.in_reply_to, said(html))
    [piper] = copied("pipermail-message.inscriptis")
    navigation = [s.text for s in piper.segments if s.kind == "footer"]
    assert navigation[0].startswith("  * Previous message (by thread):")
    assert not any("Messages sorted by" in s.text for s in piper.segments if s.kind != "footer")


def test_any_page_showing_a_header_block_is_read_by_it() -> None:
    # a reader view or another mirror that drops lore's chrome and link texts: no "(raw)",
    # no "[thread overview]", no "help / color / mirror" line; the header block is enough
    lines = read("lore-message").split("\n")[2:]
    text = "\n".join(lines).replace(" (raw)", "").replace("\t[thread overview]", "")
    assert detect_kind(text) == "headers"
    [page] = copied("lore-message", text)
    mail = parse_mail(LORE_RAW.read_bytes(), Provenance(str(LORE_RAW), "eml"))
    assert isinstance(mail, Message)
    assert (page.msgid, page.author, page.date, page.in_reply_to) == (
        mail.msgid, mail.author, mail.date, mail.in_reply_to)
    assert [seg_key(s) for s in page.segments][:4] == [seg_key(s) for s in mail.segments][:4]


def test_an_outlook_reply_block_at_the_top_is_not_the_pages_header() -> None:
    # Eli Cohen's reply, as Jason Wang quoted it (two quote levels taken off): it opens with
    # Outlook's "-----Original Message----- / From: Hillf Danton / Sent: ... / Subject:"
    # block. That block is what Eli answers, not the header of Eli's mail.
    import gzip

    export = (HTML / "hyperkitty/list/virtualization@lists.linux-foundation.org/export/"
              "virtualization@lists.linux-foundation.org-TTHGDIY53AAMRXZYXBVNYS6X73U2P67O.mbox.gz")
    mails = gzip.decompress(export.read_bytes()).decode("utf-8", "replace")
    start = mails.index("> > -----Original Message-----")
    lines = mails[start:].split("\n")[:12]
    text = "\n".join(ln[4:] if ln.startswith("> > ") else ln.lstrip("> ") for ln in lines)
    assert text.startswith("-----Original Message-----\nFrom: Hillf Danton <hdanton@sina.com>")
    assert detect_kind(text) == "text"
    assert all(m.author.name != "Hillf Danton" for m in copied("eli", text))


def without_header_fields(text: str) -> str:
    """The page as the seeds' renderer shows MHonArc pages: the field list (To, Subject,
    From, Date, Cc, In-reply-to, References) left out, the body right under the subject."""
    fields = ("To:", "Subject:", "From:", "Date:", "Cc:", "In-reply-to:", "References:",
              "List-id:", "User-agent:")
    lines = text.split("\n")
    first = next(i for i, ln in enumerate(lines) if ln.startswith(fields))
    last = first
    while lines[last + 1].startswith(fields):
        last += 1
    return "\n".join(lines[:first] + lines[last + 1:])


def test_mhonarc_page_without_its_fields_names_the_reviewer_from_his_own_tag() -> None:
    # Juergen Gross's review shows no From line: his own "Reviewed-by:" tag names him with
    # his (masked) address ("Juergen" under it closes no prose of his: no sign-off)
    [page] = copied("xenproject-message", without_header_fields(read("xenproject-message")))
    assert (page.author.name, page.author.email) == ("Juergen Gross", "jgross@xxxxxxxx")
    assert "author from own tag 'Juergen Gross'" in page.defects


def test_mhonarc_patch_page_without_its_fields_is_its_last_signers() -> None:
    # a patch carries the tags others gave it; its sender signs off last
    [page] = copied("spinics-message", without_header_fields(read("spinics-message")))
    assert page.author.name == "Sean Christopherson"
    assert "author from own tag 'Sean Christopherson'" in page.defects


def test_mhonarc_reply_without_its_fields_is_signed_by_a_name_alone() -> None:
    # Paolo Bonzini's reply closes with "Paolo" on a line of its own, then quotes Oliver
    [page] = copied("spinics-reply", without_header_fields(read("spinics-reply")))
    assert page.author.name == "Paolo" and "author from sign-off 'Paolo'" in page.defects
    assert {s.speaker for s in page.segments if s.kind == "quote" and s.depth == 1} == {
        "Oliver Upton"}
    [full] = copied("spinics-reply")  # with its fields: the From line names him whole
    assert full.author.name == "Paolo Bonzini"


def test_a_first_name_sign_off_is_completed_from_the_names_the_page_gives() -> None:
    # Roger Pau Monné's ping, signed "Thanks, Roger.": his attribution and the page's link
    # list name him (once with, once without the accent); one person, so the full name
    url = "http://127.0.0.1/xenproject/archives/html/xen-devel/2022-12/msg00002.html"
    rel = "xenproject/archives/html/xen-devel/2022-12/msg00002.html"
    page = FetchResult(url, url, 200, "text/html; charset=utf-8", (HTML / rel).read_bytes())
    text = without_header_fields(page_text(page).decode("utf-8"))
    [msg] = copied("xen-ping", text)
    assert msg.author.name == "Roger Pau Monné"


def flattened_patchwork(name: str) -> tuple[str, list[Message]]:
    """A Patchwork page as seed 003 shows one (``scripts/measure_flat_patchwork.flattened``:
    table rows with pipes, each comment on one line, no comment headers, no patch), with the
    comments as the line-by-line page gives them."""
    from tests.scriptmod import load_script

    text = read(name)
    comments = copied(name)[1:]
    flat = load_script("measure_flat_patchwork").flattened(text, comments)
    assert flat is not None
    return flat, comments


def test_flattened_patchwork_comments_are_told_apart_by_what_later_ones_quote() -> None:
    # nobody signs these comments: who wrote one is what a later comment's attribution says
    # of the text it quotes; reply text run on after a quoted line is the replier's
    text, comments = flattened_patchwork("patchwork-patch")
    rebuilt = copied("flattened", text)
    assert len(rebuilt) == len(comments) == 8
    named = [(m.author.name, c.author.name) for m, c in zip(rebuilt, comments, strict=True)
             if m.author.name]
    assert len(named) == 7 and all(got == want for got, want in named)
    first = rebuilt[0]
    own = " ".join(s.text for s in first.segments if s.kind == "text" and s.depth == 0)
    assert "One concern I\u2019d like to raise is the use of a workqueue" in own
    assert first.author.name == "zhangdongdong"


def test_mhonarc_reply_without_its_fields_is_named_by_its_signature_block() -> None:
    # Julien Grall closes with "Cheers," and his signature block "-- " / "Julien Grall"
    [page] = copied("xenproject-reply", without_header_fields(read("xenproject-reply")))
    assert page.author.name == "Julien Grall"
    [full] = copied("xenproject-reply")
    assert full.author.name == "Julien Grall"


def test_a_page_whose_utf8_was_shown_as_windows_1252_is_repaired() -> None:
    # a saved page that names no charset, opened from disk: "Roger Pau MonnÃ©" on the page
    text = read("xenproject-mojibake")
    assert "Roger Pau Monn\u00c3\u00a9" in text
    [page] = copied("xenproject-mojibake")
    assert page.author.name == "Roger Pau Monn\u00e9"
    assert "page text was UTF-8 shown as Windows-1252 (mojibake): repaired" in page.defects
    said_by = {s.speaker for s in page.segments if s.kind == "quote"}
    assert "Roger Pau Monn\u00e9" in said_by and not any("\u00c3" in (n or "") for n in said_by)


def test_text_with_one_accent_pair_that_is_no_mojibake_is_left_alone() -> None:
    from threadscan.mail import _unmangled

    line = read("xenproject-message").split("\n")[0]  # real page text, plain ASCII
    text = f"{line}\nCaf\u00c3\u00a9 is how caf\u00e9 looks when mangled; \u03a9 is Omega."
    assert _unmangled(text) == (text, False)
