"""Sentences that are review only beside an objection (tag._inherit) on a real thread."""

from __future__ import annotations

from pathlib import Path

from tests.archive_server import file_messages
from threadscan.extract import analyze_patches
from threadscan.model import Objection
from threadscan.nlp import tag_thread


def objections(path: Path) -> tuple[Objection, ...]:
    msgs = file_messages(path)
    pa = analyze_patches(msgs)
    return tag_thread(msgs, pa.patches, pa.lock_changes).objections


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
