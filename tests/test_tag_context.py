"""Sentences that are review only beside an objection (tag._inherit) on a real thread."""

from __future__ import annotations

from pathlib import Path

from threadscan.extract import analyze_patches
from threadscan.mail import parse_item
from threadscan.model import Message, RawItem
from threadscan.nlp import tag_thread
from threadscan.sources import iter_items
from threadscan.sources.base import SourceOptions

THREAD = (Path(__file__).parent / "data" / "extract" /
          "linux-block-022-nvme-convert-tag-list-mutex-to-rwsemaphore-to-avoid-deadlock.mbox")


def test_question_after_an_objection_joins_it() -> None:
    # Ming Lei: "... cause the deadlock ..." then, in the same segment, "Maybe the following
    # change can avoid it?" (labeled a review suggestion): a question with no cue of its own
    msgs = [m for it in iter_items(str(THREAD), SourceOptions(offline=True))
            if isinstance(it, RawItem) for m in parse_item(it) if isinstance(m, Message)]
    pa = analyze_patches(msgs)
    obs = tag_thread(msgs, pa.patches, pa.lock_changes).objections
    [ob] = [o for o in obs if o.sentence == "Maybe the following change can avoid it?"]
    assert ob.speaker == "Ming Lei" and ob.stance == "question"
    assert "context:paragraph" in ob.fired and "deadlock" in ob.categories


def test_a_rewrapped_quote_of_a_review_sentence_is_the_same_objection() -> None:
    # Christoph Hellwig's sentence is quoted twice later; one quote splits it after "We don't"
    path = (Path(__file__).parent / "data" / "nlp" /
            "linux-block-noobj-004-block-protect-debugfs-attributes-using-q-elevator-lock.mbox")
    msgs = [m for it in iter_items(str(path), SourceOptions(offline=True))
            if isinstance(it, RawItem) for m in parse_item(it) if isinstance(m, Message)]
    pa = analyze_patches(msgs)
    obs = tag_thread(msgs, pa.patches, pa.lock_changes).objections
    signals = [o for o in obs if "interrupted by random signals" in o.sentence]
    assert [o.sentence for o in signals] == [
        "We don't really want this read system call interrupted by random signals, do we?"]
    assert len(signals[0].seen_in) == 3
    assert {o.categories for o in obs} == {("design",)} and len(obs) == 3
