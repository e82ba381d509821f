"""A page without quote markers, aligned with the stored messages it quotes (seed 001's kind
of page: Google Groups text; the lookup is by the page's words, it names no thread)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.archive_server import file_messages, mbox_without
from threadscan.mail.quoted_texts import known_texts, probes
from threadscan.model import STAND_IN, Message
from threadscan.pipeline import IngestOptions, ingest
from threadscan.store import Corpus

ROOT = Path(__file__).resolve().parents[1]
HVC = ROOT / "corpus" / "lore" / (
    "linuxppc-dev-xen-002-hvc-xen-prevent-concurrent-accesses-to-the-shared-ring.mbox")
PAGE = Path(__file__).parent / "data" / "pagetext" / "gg-text-hvc-xen-jan-beulich.txt"
JAN = "8d8f8c11-6ca5-5770-989c-704f76436cc4@suse.com"  # the reply the page shows
ROGER_TO_JAN = "Y4csGBQ6NXBC7vIO@Air-de-Roger"  # Roger's answer, quoting Jan's words


def page_in(corpus: Corpus) -> Message:
    report = ingest([str(PAGE)], corpus, IngestOptions(jobs=1, analyze=False))
    assert report.stored == 1
    [msg] = [m for m in corpus.thread_inputs() if m.provenance.source == str(PAGE)]
    return msg


def speaker_of(msg: Message, words: str) -> tuple[int, str | None]:
    """Depth and quoted speaker of the block holding ``words`` (depth 0: the sender's own)."""
    [seg] = [s for s in msg.segments if words in " ".join(s.text.split())]
    return seg.depth, (seg.speaker if seg.depth else None)


def thread_without_jan(tmp_path: Path, *others: str) -> Corpus:
    corpus = Corpus.open(tmp_path / "c.sqlite")
    corpus.upsert_messages([m for m in file_messages(HVC) if m.msgid not in (JAN, *others)])
    return corpus


def test_the_quoted_passages_are_found_among_the_stored_mail(tmp_path: Path) -> None:
    with thread_without_jan(tmp_path) as corpus:
        msg = page_in(corpus)
        found = corpus.writers_of(probes(msg))
        names = set(known_texts(found, msg))
    assert {"Roger Pau Monne", "Stefano Stabellini"} <= names
    assert "Jan Beulich" not in names  # his mail is not in this corpus


def test_each_quoted_block_is_its_writers_once_the_thread_is_stored(tmp_path: Path) -> None:
    with thread_without_jan(tmp_path) as corpus:
        msg = page_in(corpus)
    assert any("aligned with the stored texts" in d for d in msg.defects)
    assert speaker_of(msg, "I think we shouldn't add an unrequired lock there") == (
        2, "Stefano Stabellini")
    assert speaker_of(msg, "Not all accesses are done using the tty lock") == (
        1, "Roger Pau Monné")
    # the reply under the quote is the sender's own, though its words follow Roger's
    assert speaker_of(msg, "Simply by the name of the file") == (0, None)


def test_without_the_thread_the_page_reads_from_its_text_alone(tmp_path: Path) -> None:
    with Corpus.open(tmp_path / "empty.sqlite") as corpus:
        msg = page_in(corpus)
    assert not any("aligned with the stored texts" in d for d in msg.defects)
    assert speaker_of(msg, "I think we shouldn't add an unrequired lock there")[0] != 2


@pytest.mark.parametrize("jobs", [1, 2])  # in process, and parsed by a pool of workers
def test_the_thread_and_the_page_in_one_run_are_aligned(tmp_path: Path, jobs: int) -> None:
    mbox = mbox_without_jan(tmp_path)  # the thread without Jan's mail, then his page
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        ingest([str(mbox), str(PAGE)], corpus, IngestOptions(jobs=jobs, analyze=False))
        [msg] = [m for m in corpus.thread_inputs() if m.provenance.source == str(PAGE)]
    assert speaker_of(msg, "I think we shouldn't add an unrequired lock there") == (
        2, "Stefano Stabellini")


def mbox_without_jan(tmp_path: Path) -> Path:
    """The thread's mbox without Jan's mail (the other messages' bytes unchanged)."""
    return mbox_without(HVC, JAN, tmp_path / "hvc.mbox")


def test_the_page_is_the_unarchived_message_a_stored_reply_answers(tmp_path: Path) -> None:
    # Roger's answer to Jan is stored, Jan's mail is not ("1 not archived"): Roger's answer
    # quotes the page's own words, so the page is that message, by Jan Beulich
    with thread_without_jan(tmp_path) as corpus:
        msg = page_in(corpus)
        [thread] = corpus.threads()
    assert (msg.msgid, msg.msgid_synthetic, msg.author.name) == (JAN, False, "Jan Beulich")
    assert {s.speaker for s in msg.segments if s.depth == 0} == {"Jan Beulich"}
    # the date Roger's attribution line gives ("On Wed, Nov 30, 2022 at 10:34:41AM +0100, ...")
    assert msg.date == dt.datetime(2022, 11, 30, 9, 34, 41, tzinfo=dt.UTC)
    assert msg.in_reply_to == "Y4chryL2YvfhgQmk@Air-de-Roger"  # Roger's reply to Stefano
    assert thread.messages == 5 and "Jan Beulich" in thread.participants


def test_the_page_is_threaded_under_the_latest_message_it_quotes(tmp_path: Path) -> None:
    with thread_without_jan(tmp_path, ROGER_TO_JAN) as corpus:  # nothing answers the page
        msg = page_in(corpus)
        [thread] = corpus.threads()
    assert msg.msgid_synthetic and msg.in_reply_to == "Y4chryL2YvfhgQmk@Air-de-Roger"
    assert msg.references[0] == "20221129120107.2942-1-roger.pau@citrix.com"
    assert thread.messages == 4  # the three stored mails and the page


def test_a_page_of_a_stored_message_is_recorded_not_stored_twice(tmp_path: Path) -> None:
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        corpus.upsert_messages(file_messages(HVC))  # Jan's mail included
        report = ingest([str(PAGE)], corpus, IngestOptions(jobs=1, analyze=False))
        sources = {m.provenance.source for m in corpus.thread_inputs()}
    assert report.stored == 0 and str(PAGE) not in sources
    [skip] = report.skipped
    assert skip.reason == f"page shows the stored message <{JAN}>" and skip.msgid == JAN


def test_the_mail_itself_replaces_the_page_that_stood_in_for_it(tmp_path: Path) -> None:
    with thread_without_jan(tmp_path) as corpus:
        assert page_in(corpus).msgid == JAN
        report = ingest([str(HVC)], corpus, IngestOptions(jobs=1))
        [jan] = corpus.messages([JAN])
        [thread] = corpus.threads()
        analysis = corpus.load_analysis(thread.id)
        skips = corpus.stats().skips
    assert report.stored == 1 and report.duplicates == 4  # Jan's mail; the others were there
    assert (jan.author.email, jan.provenance.source) == ("jbeulich@suse.com", str(HVC))
    assert jan.date is not None and not any(STAND_IN in d for d in jan.defects)
    assert thread.messages == 5 and JAN in {m.msgid for m in analysis.messages}
    assert skips == 1  # the page's text, replaced by the mail: said, not silent


def test_a_page_read_before_its_thread_is_placed_when_the_mail_comes(tmp_path: Path) -> None:
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        alone = page_in(corpus)  # nothing to look up yet: a thread of its own
        assert alone.msgid_synthetic and not alone.in_reply_to
        ingest([str(mbox_without_jan(tmp_path))], corpus, IngestOptions(jobs=1))
        [thread] = corpus.threads()
        [jan] = corpus.messages([JAN])
        assert not corpus.messages([alone.msgid])
    assert jan.provenance.source == str(PAGE) and jan.author.name == "Jan Beulich"
    assert thread.messages == 5
    # and read again, aligned with the mail that came: Stefano's quoted words are his
    assert speaker_of(jan, "I think we shouldn't add an unrequired lock there") == (
        2, "Stefano Stabellini")


def test_a_page_read_first_in_the_same_run_is_placed_at_its_end(tmp_path: Path) -> None:
    mbox = mbox_without_jan(tmp_path)  # the page first, each item a batch of its own
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        ingest([str(PAGE), str(mbox)], corpus, IngestOptions(jobs=1, batch=1, analyze=False))
        [jan] = corpus.messages([JAN])
    assert speaker_of(jan, "I think we shouldn't add an unrequired lock there") == (
        2, "Stefano Stabellini")


LOOP = ROOT / "corpus" / "lore" / (
    "linux-block-009-loop-drop-loop-ctl-mutex-around-del-gendisk-in-loop-remove.mbox")
STEVEN = Path(__file__).parent / "data" / "pagetext" / "gg-text-loop-steven-rostedt.txt"
REPORT = "000000000000ae236f05bfde0678@google.com"  # syzbot's report, which Steven answers


def test_the_parent_is_by_whom_the_first_attribution_names(tmp_path: Path) -> None:
    # the page and Steven's reply to it left out; his later mail of 14:40 holds lines of
    # the report as its own text, and is the latest stored message whose words the page
    # quotes: the page's first attribution ("syzbot ... wrote:") names whom it answers
    steven = ("20210413134147.54556d9d@gandalf.local.home",
              "20210413134314.16068eeb@gandalf.local.home")
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        corpus.upsert_messages([m for m in file_messages(LOOP) if m.msgid not in steven])
        ingest([str(STEVEN)], corpus, IngestOptions(jobs=1, analyze=False))
        [msg] = [m for m in corpus.thread_inputs() if m.provenance.source == str(STEVEN)]
    assert msg.msgid_synthetic and msg.in_reply_to == REPORT


def test_the_thread_with_the_page_says_what_the_thread_with_the_mail_says(
        tmp_path: Path) -> None:
    def debate(corpus: Corpus) -> set[tuple[object, ...]]:
        [thread] = corpus.threads()
        return {(o.speaker, o.sentence, o.stance, o.categories)
                for o in corpus.load_analysis(thread.id).objections}

    with Corpus.open(tmp_path / "mail.sqlite") as corpus:
        ingest([str(HVC)], corpus, IngestOptions(jobs=1))
        from_mail = debate(corpus)
    with Corpus.open(tmp_path / "page.sqlite") as corpus:
        ingest([str(mbox_without_jan(tmp_path)), str(PAGE)], corpus, IngestOptions(jobs=1))
        from_page = debate(corpus)
    assert from_page == from_mail and ("Jan Beulich",) in {d[:1] for d in from_mail}
