"""Sentences that are review only beside an objection (tag._inherit) on a real thread."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.archive_server import ArchiveServer, file_messages, messages, run
from threadscan.extract import analyze_patches
from threadscan.model import Message, Objection
from threadscan.nlp import tag_thread
from threadscan.nlp.tag import Unit, patch_authors
from threadscan.sources.base import SourceOptions


def objections(path: Path) -> tuple[Objection, ...]:
    msgs = file_messages(path)
    pa = analyze_patches(msgs)
    return tag_thread(msgs, pa).objections


THREAD = (Path(__file__).parent / "data" / "extract" /
          "linux-block-022-nvme-convert-tag-list-mutex-to-rwsemaphore-to-avoid-deadlock.mbox")


def test_question_after_an_objection_joins_it() -> None:
    # Ming Lei: "... cause the deadlock ..." then, in the same segment, "Maybe the following
    # change can avoid it?" (labeled a review suggestion): a question with no cue of its own
    obs = objections(THREAD)
    [ob] = [o for o in obs if o.sentence == "Maybe the following change can avoid it?"]
    assert ob.speaker == "Ming Lei" and ob.stance == "question"
    assert "context:paragraph" in ob.fired and "deadlock" in ob.categories


def test_a_rewrapped_quote_of_a_review_sentence_is_the_same_objection() -> None:
    # Christoph Hellwig's sentence is quoted twice later; one quote splits it after "We don't"
    path = (Path(__file__).parent / "data" / "nlp" /
            "linux-block-noobj-004-block-protect-debugfs-attributes-using-q-elevator-lock.mbox")
    obs = objections(path)
    signals = [o for o in obs if "interrupted by random signals" in o.sentence]
    assert [o.sentence for o in signals] == [
        "We don't really want this read system call interrupted by random signals, do we?"]
    assert len(signals[0].seen_in) == 3
    assert {o.categories for o in obs} == {("design",)} and len(obs) == 3


def test_a_reply_whose_archive_page_lost_re_and_its_parent_is_still_review(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    # pipermail: Paul Mackerras's reply opens October's archive, its parent is in September's;
    # the page shows "[PATCH v9 2/8] ..." without "Re:" and no parent, but it quotes Bharata
    url = "https://lists.ozlabs.org/pipermail/linuxppc-dev/2019-October/210029.html"
    msgs = messages(run(archive, url, web_options, thread=True))
    pa = analyze_patches(msgs)
    paul = next(m for m in msgs if m.msgid == "20191018030049.GA907@oak.ozlabs.ibm.com")
    assert not paul.subject.is_reply and not paul.in_reply_to
    assert patch_authors(msgs, [p.msgid for p in pa.patches if not p.quoted]) == {"Bharata B Rao"}
    obs = tag_thread(msgs, pa).objections
    stale = [o for o in obs if o.sentence.startswith("The reference could become stale")]
    assert [(o.speaker, o.msgid) for o in stale] == [("Paul Mackerras", paul.msgid)]
    assert "race" in stale[0].categories


def test_a_pipermail_trailer_names_the_approver_as_mail_does(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    # the page writes "Paul Mackerras <paulus at ozlabs.org>"; the mbox "<paulus@ozlabs.org>"
    url = "https://lists.ozlabs.org/pipermail/linuxppc-dev/2019-October/210029.html"
    msgs = messages(run(archive, url, web_options, thread=True))
    pa = analyze_patches(msgs)
    found = {(a.person, a.kind) for a in tag_thread(msgs, pa).approvals}
    assert ("Paul Mackerras <paulus@ozlabs.org>", "Acked-by") in found
    assert not [p for p, _ in found if " at " in p]


LOOP = (Path(__file__).parent / "data" / "extract" /
        "linux-block-025-loop-remove-lo-refcount-and-avoid-lo-mutex-in-open-release.mbox")


def _answered(path: Path, text: str) -> tuple[str, ...]:
    """The context words a unit gets for what it answers (``tag.answered_words``)."""
    from threadscan.nlp.cues import load_cues
    from threadscan.nlp.tag import answered_words, message_units

    msgs = file_messages(path)
    units = [u for mi, m in enumerate(msgs) for u in message_units(mi, m, frozenset())
             if u.text == text]
    assert units
    return answered_words(units[0], load_cues())


def test_sentence_answering_a_quoted_locking_hunk_is_about_concurrency() -> None:
    # Jan Kara, under a quoted hunk that takes lo_mutex: "... we need to reshuffle
    # loop_configure() a bit first." names no lock and no locking word (labeled a design
    # suggestion); the hunk it answers is its only anchor, and alone it is no objection
    from threadscan.nlp import tag_text
    from threadscan.nlp.context import LOCK_DIFF

    text = ("So I think this is the right way to go but we need to reshuffle loop_configure() "
            "a bit first.")
    assert _answered(LOOP, text) == (LOCK_DIFF,)
    [ob] = [o for o in objections(LOOP) if o.sentence == text]
    assert (ob.speaker, ob.stance, ob.categories) == ("Jan Kara", "suggestion", ("design",))
    # no cue, no paragraph neighbour: the stance frame, and the model's score for "design"
    assert ob.fired[0] == "rule:suggestion.frames" and len(ob.fired) == 2
    assert ob.fired[1].startswith("model:textcat.v1:design=")
    assert tag_text(text) == []


EVTCHN = (Path(__file__).parent / "data" / "labels" /
          "xen-devel-evtchn-defer-lock-acquire-v6.mbox")


def test_sentence_answering_quoted_talk_about_locking_is_about_concurrency() -> None:
    # Julien Grall answers a quoted explanation of the per-domain event lock: "Effectively, it
    # means that is_port_valid() *cannot* be used in an ASSERT()/BUG_ON() ..." names no lock
    # and no locking word (labeled a race objection); the quote it answers is its only anchor
    from threadscan.nlp import tag_text
    from threadscan.nlp.context import LOCK_QUOTE

    [ob] = [o for o in objections(EVTCHN)
            if o.sentence.startswith("Effectively, it means that is_port_valid()")]
    assert _answered(EVTCHN, ob.sentence) == (LOCK_QUOTE,)
    assert (ob.speaker, ob.categories) == ("Julien Grall", ("race",))
    assert "context:paragraph" not in ob.fired
    assert tag_text(ob.sentence) == []


PTE = (Path(__file__).parent / "data" / "labels" /
       "linuxppc-dev-xen-003-mm-protect-kernel-pgtables-in-apply-to-pte-range.mbox")


def test_sentence_naming_a_function_whose_locking_the_patch_changes_is_about_concurrency(
        monkeypatch) -> None:
    # Andrey Ryabinin: "Whenever kasan_populate_vmalloc_pte() will require additional page we
    # could bail out with -EAGAIN ..." names no lock and no locking word (labeled a design
    # suggestion); the patch changes the locking of kasan_populate_vmalloc_pte(), which makes
    # it a sentence about concurrency. Without that anchor it is no objection.
    import threadscan.nlp.tag as tag
    from threadscan.nlp import tag_text

    start = "Whenever kasan_populate_vmalloc_pte() will require additional page"
    msgs = file_messages(PTE)
    analysis = analyze_patches(msgs)
    assert "kasan_populate_vmalloc_pte" in {c.function for c in analysis.lock_changes}
    [ob] = [o for o in tag_thread(msgs, analysis).objections if o.sentence.startswith(start)]
    assert (ob.speaker, ob.stance, ob.categories) == ("Andrey Ryabinin", "suggestion", ("design",))
    assert "kasan_populate_vmalloc_pte" in ob.functions
    monkeypatch.setattr(tag, "lock_functions", lambda code: frozenset())
    assert not [o for o in tag_thread(msgs, analysis).objections if o.sentence.startswith(start)]
    assert tag_text(ob.sentence) == []


VIRTIO = Path(__file__).parent / "data" / "nlp" / "virtio-irq-hardening-msgs-0-18-33.mbox"


def units_of(path: Path, author: str) -> tuple[list[Message], frozenset[str], list[Unit]]:
    """A thread's messages, its patch authors (``author`` alone) and its taggable units."""
    from threadscan.nlp.tag import message_units

    msgs = file_messages(path)
    authors = patch_authors(msgs, ())
    assert authors == {author}
    return msgs, authors, [u for i, m in enumerate(msgs) for u in message_units(i, m, authors)]


def test_a_quote_that_lost_its_attribution_is_spoken_by_the_writer_of_its_words() -> None:
    from threadscan.nlp.speakers import with_thread_speakers

    msgs, authors, units = units_of(VIRTIO, "Jason Wang")
    deep = [u for u in with_thread_speakers(units, msgs, authors)
            if u.msgid == "20220516102425-mutt-send-email-mst@kernel.org"
            and u.text.startswith("It looks to me we need to use write_lock_irq()")]
    assert [(u.quoted, u.speaker, u.strict) for u in deep] == [(True, "Jason Wang", True)]
    # the patch author's words quoted back are not review (they were two objections of an
    # unknown speaker)
    assert not [o for o in objections(VIRTIO) if "write_lock_irq()" in o.sentence]


IOCOST = Path(__file__).parent / "data" / "nlp" / "blk-iocost-msgs-0-5-11.mbox"


def test_a_deep_quote_guessed_by_alternation_is_spoken_by_the_writer_of_its_words() -> None:
    from threadscan.nlp.speakers import with_thread_speakers

    # Tejun Heo answers Jens Axboe ("... Jens Axboe wrote:") over four quote levels; the
    # fourth, Dan Carpenter's question, is guessed by alternation to be Tejun's own
    msgs, authors, units = units_of(IOCOST, "Dan Carpenter")
    start = "But why is this not spin_lock_irq()?"
    guessed = [u.speaker for u in units if u.quoted and u.text.startswith(start)]
    assert guessed == ["Tejun Heo"]
    named = [(u.speaker, u.strict) for u in with_thread_speakers(units, msgs, authors)
             if u.quoted and u.text.startswith(start)]
    assert named == [("Dan Carpenter", True)]
    assert not [o for o in objections(IOCOST) if o.sentence.startswith(start)]


@pytest.mark.parametrize(("speaker", "writer", "same"), [
    # spellings of one person in the benchmark mbox: attribution line / From: of the writer
    ("Simon Schuster", "Simon Schuster via B4 Relay", True),
    ("Vivek", "Kasireddy, Vivek", True),
    ("Shin'ichiro Kawasaki", "Shinichiro Kawasaki", True),
    ("Han Guangjiang", "gj.han@foxmail.com", True),
    # two people of the loop thread whose quotes alternation swapped
    ("Tetsuo Handa", "Pavel Tatashin", False),
])
def test_a_writer_spelled_otherwise_keeps_the_quotes_speaker(speaker: str, writer: str,
                                                              same: bool) -> None:
    from threadscan.nlp.sentences import sentence_key
    from threadscan.nlp.speakers import _writer

    # a quoted sentence of the loop thread, first written in ``writer``'s own text
    text = "loop_control_ioctl() is still locked by global loop_ctl_mutex."
    unit = Unit("m", speaker, text, True, 2, (0, 0, 0))
    assert _writer(unit, {sentence_key(text): writer}) == (None if same else writer)


PMD = Path(__file__).parent / "data" / "nlp" / "pmd-zero-page-msgs-313-344-479.mbox"


def test_the_author_without_the_employer_after_the_name_is_still_the_author() -> None:
    from threadscan.mail.attribution import fold_name

    assert fold_name("Pankaj Raghav (Samsung)") == fold_name("Pankaj Raghav")
    assert fold_name("Peter Zijlstra (Intel)") == "peter zijlstra"
    obs = objections(PMD)
    # Andrew Morton's questions are review; the author's answer, sent without "(Samsung)",
    # is not ("At the moment, we always drop the reference in __mmput().")
    assert {o.speaker for o in obs} == {"Andrew Morton"}
    assert not [o for o in obs if "__mmput()" in o.sentence]


def test_a_short_quoted_sentence_keeps_its_speaker() -> None:
    from threadscan.nlp.sentences import sentence_key
    from threadscan.nlp.speakers import _writer

    # "That's a bug." (Jens Axboe in the blk-iocost thread) is said by many: a writer found
    # for it elsewhere does not replace a named speaker, only fills in a missing one
    text = "That's a bug."
    own = {sentence_key(text): "Tejun Heo"}
    assert _writer(Unit("m", "Jens Axboe", text, True, 3, (0, 0, 0)), own) is None
    assert _writer(Unit("m", None, text, True, 3, (0, 0, 0)), own) == "Tejun Heo"
