"""Quotes of the patch description / the patch author are not review (tag.is_review)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.archive_server import file_messages
from threadscan.extract import analyze_patches
from threadscan.model import Message, PatchAnalysis
from threadscan.nlp import tag_thread
from threadscan.nlp.context import PARAGRAPH_CUE, neighbour_words
from threadscan.nlp.sentences import sentence_key
from threadscan.nlp.tag import (
    description_keys,
    is_posting,
    is_review,
    message_units,
    patch_authors,
    patch_quotes,
)

CONTROL = (Path(__file__).parent / "data" / "nlp" /
           "linux-block-noobj-009-null-blk-fix-null-ptr-dereference-while-configuring-power-an.mbox")


@pytest.fixture(scope="module")
def messages() -> list[Message]:
    return file_messages(CONTROL)


def test_noobj009_quoted_commit_message_is_not_review(messages: list[Message]) -> None:
    authors = patch_authors(messages, ())
    assert "Yu Kuai" in authors
    described = description_keys(messages)
    units = [u for mi, m in enumerate(messages) for u in message_units(mi, m, authors)]
    quoted = [u for u in units if u.quoted and "concurrently will trigger" in u.text]
    assert quoted and all(not is_review(u, described) for u in quoted)
    assert any(is_review(u, described) for u in units if not u.quoted)


def test_quoted_commit_message_is_not_review_when_the_posting_is_missing() -> None:
    # one reply fetched alone, or an archive month without the patch: a reply's quote of the
    # commit message ("To close this race, call __register_blkdev() ...", signed off) is still
    # the patch, not a reviewer's objection (it was one before quoted sign-offs were read)
    path = (Path(__file__).parent / "data" / "store" /
            "linux-block-noobj-006-brd-remove-brd-devices-mutex-mutex.mbox")
    msgs = file_messages(path)
    replies = [m for m in msgs if not is_posting(m)]
    assert 0 < len(replies) < len(msgs)
    quoting = [m for m in replies if any(
        s.kind == "quote" and "To close this race" in s.text for s in m.segments)]
    assert quoting and all(patch_quotes(m) for m in quoting)
    assert patch_authors(replies, ()) == {"Tetsuo Handa"}  # the signed-off quote's speaker
    described = description_keys(replies)  # the quote is description, whoever said it
    units = [u for mi, m in enumerate(replies) for u in message_units(mi, m, frozenset())]
    quoted = [u for u in units if u.quoted and "To close this race" in u.text]
    assert quoted and all(sentence_key(u.text) in described for u in quoted)
    assert all(not is_review(u, described) for u in quoted)
    res = tag_thread(replies, PatchAnalysis())
    assert not any("To close this race" in o.sentence for o in res.objections)


def test_noobj009_control_thread_has_no_objections(messages: list[Message]) -> None:
    pa = analyze_patches(messages)
    res = tag_thread(messages, pa)
    assert [o.sentence for o in res.objections] == []


def test_paragraph_neighbour_cue_marks_the_other_sentences_only() -> None:
    words = neighbour_words([frozenset({"race"}), frozenset(), frozenset()],
                            [(0, 1, 0), (0, 1, 0), (0, 1, 1)])
    assert words == [(), (PARAGRAPH_CUE, "zzctxparrace"), ()]


def test_a_sentence_reads_the_categories_cued_beside_it_in_its_paragraph() -> None:
    from threadscan.nlp.pipeline import analyse, load_pipeline

    # seed 002, Halil Pasic's third alternative: the opening sentence has no cue of its own
    page = (Path(__file__).parent / "data" / "nlp" / "002_49b293774edf041f.txt").read_text()
    sentences = [
        "3) I also considered using a read-write lock for matrix_dev->lock.",
        "In theory a read-write lock that favors reads in a sense that a steady stream of "
        "readers can starve the writers would work.",
        "But rwsem can't be used in this situation because rwsem is fair, in a sense that a "
        "waiting writers may effectively block readers that try to acquire the lock while the "
        "lock is held as a read lock.",
    ]
    assert all(" ".join(s.split()[-4:]) in " ".join(page.split()) for s in sentences)
    first, *_ = analyse(load_pipeline(), sentences, paras=[0, 0, 0])
    assert not first.hits
    assert {PARAGRAPH_CUE, "zzctxparfairness"} <= set(first.context)


def test_series_patches_sent_in_reply_to_the_cover_letter_are_description() -> None:
    # loop series: "[PATCH 8/8] loop: don't destroy lo->workqueue ..." replies to the cover
    # letter; its commit message ("... avoid creating a complex lock dependency chain ...")
    # describes the change, it is not a review
    path = (Path(__file__).parent / "data" / "extract" /
            "linux-block-025-loop-remove-lo-refcount-and-avoid-lo-mutex-in-open-release.mbox")
    msgs = file_messages(path)
    patch8 = next(m for m in msgs if m.subject.raw.startswith("[PATCH 8/8]"))
    assert patch8.parent_ids and is_posting(patch8)
    assert message_units(0, patch8, frozenset()) == []
    pa = analyze_patches(msgs)
    tagged = {o.msgid for o in tag_thread(msgs, pa).objections}
    assert not tagged & {m.msgid for m in msgs if is_posting(m)}
