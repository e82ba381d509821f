"""Who took part in a real thread, and in which role (corpus/lore threads)."""

from __future__ import annotations

from pathlib import Path

from tests.archive_server import file_messages
from threadscan.mail.attribution import fold_name
from threadscan.pipeline import analyze_thread
from threadscan.report import build_summary
from threadscan.thread import build_threads

LORE = Path(__file__).resolve().parents[1] / "corpus" / "lore"
HVC = LORE / "linuxppc-dev-xen-002-hvc-xen-prevent-concurrent-accesses-to-the-shared-ring.mbox"


def test_names_compare_without_accents_case_or_spacing() -> None:
    assert fold_name("Roger Pau Monné") == fold_name("roger  pau MONNE") == "roger pau monne"
    assert fold_name("Philippe Mathieu-Daudé") != fold_name("Philippe Mathieu")


def test_the_patch_author_under_another_spelling_is_still_the_author() -> None:
    # git send-email wrote "Roger Pau Monne", his mail client "Roger Pau Monné" (Nov 2022)
    msgs = file_messages(HVC)
    assert {m.author.name for m in msgs if m.author.email == "roger.pau@citrix.com"} == {
        "Roger Pau Monne", "Roger Pau Monné"}
    [thread] = build_threads(msgs)
    summary = build_summary(analyze_thread(thread, msgs))
    [roger] = [p for p in summary.participants if fold_name(p.name) == "roger pau monne"]
    assert roger.role == "author" and roger.messages == 3
    # his own answers are the author's explanations, not review objections
    spoken = {fold_name(o.speaker or "") for o in analyze_thread(thread, msgs).objections}
    assert "roger pau monne" not in spoken and "stefano stabellini" in spoken


def test_a_tester_who_wrote_nothing_is_listed_for_the_tag_given() -> None:
    # Christoph Hellwig's v3 series carries "Tested-by: Darrick J. Wong" on its patches
    msgs = file_messages(LORE / "linux-block-025-loop-remove-lo-refcount-and-avoid-lo-mutex-in-"
                                "open-release.mbox")
    threads = build_threads(msgs)
    [thread] = [t for t in threads if any("Tested-by: Darrick" in s.text for m in msgs
                                          if m.msgid in t.message_ids for s in m.segments)]
    by_id = {m.msgid: m for m in msgs}
    summary = build_summary(analyze_thread(thread, [by_id[i] for i in thread.message_ids]))
    [darrick] = [p for p in summary.participants if p.email == "djwong@kernel.org"]
    assert (darrick.role, darrick.why, darrick.messages) == ("participant", "Tested-by given", 0)


def test_a_wrapped_line_starting_with_applied_is_no_maintainers_applied() -> None:
    from threadscan.report.people import APPLIED

    # Waiman Long and Christophe Leroy on linuxppc-dev: prose hard-wrapped before the word
    assert not APPLIED.search("There is also a fixup patch to be \napplied after your "
                              "patchset.")
    assert not APPLIED.search("therefore expecting (and fearing) it to fail with your series \n"
                              "applied, but surprisingly it still works.")
    # Jens Axboe, Christian Brauner, Jens again (linux-block): maintainers applying
    assert APPLIED.search("Applied, thanks!\n\n[1/1] block: fix kobject leak")
    assert APPLIED.search("Applied to the vfs-6.17.misc branch of the vfs/vfs.git tree.")
    assert APPLIED.search("Minor edits needed for fuzz, but I've applied this version.")


QSPINLOCK = Path(__file__).parent / "data" / "report" / "qspinlock-msgs-0-30-38-40.mbox"


def test_a_speaker_written_as_an_address_is_named_as_the_threads_mail_names_him() -> None:
    from threadscan.report.debate import speaker_name

    msgs = file_messages(QSPINLOCK)
    [thread] = build_threads(msgs)
    analysis = analyze_thread(thread, msgs)
    # Waiman Long quotes him under "peterz@infradead.org wrote:"; his other mail names him
    [ob] = [o for o in analysis.objections if o.sentence.startswith("Another thing to try")]
    assert ob.speaker == "Peter Zijlstra"
    assert not [o for o in analysis.objections if "@" in (o.speaker or "")]
    summary = build_summary(analysis)
    assert speaker_name("peterz@infradead.org", summary.participants) == "Peter Zijlstra"


BRD = Path(__file__).parent / "data" / "report" / "brd-rcu-author-replies.mbox"


def test_the_author_of_a_posting_not_archived_answers_the_objections_he_quotes() -> None:
    # Yu Kuai's two answers to Jens Axboe, without the posting or Jens's mails: git wrote
    # Yu's address into the root's Message-ID; Jens's words are quotes in Yu's replies
    msgs = file_messages(BRD)
    [thread] = build_threads(msgs)
    summary = build_summary(analyze_thread(thread, msgs))
    roles = {p.name: (p.role, p.why) for p in summary.participants}
    assert roles["Yu Kuai"] == ("author", "wrote the patch (not archived)")
    [item] = [d for d in summary.debate if d.sentence.startswith("We even hold it over the kmap")]
    assert item.speaker == "Jens Axboe"
    assert item.outcome.replier == "Yu Kuai"
    assert item.outcome.reply is not None and "page ref" in item.outcome.reply
