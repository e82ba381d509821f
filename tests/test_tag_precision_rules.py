"""Precision rules: cue words that cite rather than claim (commit titles, #syz commands, lockdep
report lines) do not make an objection, nor does a review comment with nothing about
concurrency in it or its paragraph; the same words as a claim still do."""

from __future__ import annotations

import pytest

from threadscan.nlp import load_pipeline, tag_text
from threadscan.nlp.pipeline import Pipeline


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    return load_pipeline()


# Real sentences from training/labels/threads (all labeled "none" there).
CITATIONS = [
    'Found that commit 990e78116d38059c ("block: loop: fix deadlock between open and remove") '
    "went to 5.13-rc6.",
    "#syz fix: block: loop: fix deadlock between open and remove",
    'Christoph seems to have already fixed this by 990e78116d380 ("block: loop: fix deadlock '
    'between open and remove").',
    "but task is already holding lock:",
    "run #0: crashed: kernel BUG at arch/x86/mm/physaddr.c:LINE! run #1: crashed: inconsistent "
    "lock state in rhashtable_walk_enter run #2: crashed: inconsistent lock state in "
    "rhashtable_walk_enter",  # a syzbot bisection log, pasted (cut after three runs)
    "kernel/locking/spinlock.c:380:17: sparse: sparse: context imbalance in "
    "'_raw_spin_lock_nest_lock' - wrong count at exit",  # "wrong" is the tool's, not a stance
    'kernel test robot noticed "WARNING:possible_circular_locking_dependency_detected" on:',
    # the benchmark mbox (not labeled): a maintainer's reply names the applied commit bare
    "nbd: fix lockdep deadlock warning",
    # the title cited above as a bullet of a series list ("* [PATCH 03/32] block: ...", bench)
    "* [PATCH 2/4] block: loop: fix deadlock between open and remove",
]


@pytest.mark.parametrize("text", CITATIONS, ids=lambda t: t[:30])
def test_cited_deadlock_is_not_an_objection(pipe: Pipeline, text: str) -> None:
    assert list(tag_text(text, pipe)) == []


def test_deadlock_claim_beside_a_citation_is_still_an_objection(pipe: Pipeline) -> None:
    text = ('Unlike 990e78116d38 ("block: loop: fix deadlock between open and remove"), this '
            "patch can deadlock when lo_open() takes disk->open_mutex under loop_ctl_mutex.")
    obs = tag_text(text, pipe)
    assert len(obs) == 1 and "deadlock" in obs[0].categories


@pytest.mark.parametrize("text", [
    "#syz fix: block: loop: fix deadlock between open and remove",
    "nbd: fix lockdep deadlock warning",  # a commit title alone on its line (bench)
    "[PATCH 2/4] block: loop: fix deadlock between open and remove",  # a series list's line
], ids=lambda t: t[:20])
def test_cited_hits_are_marked_negated(pipe: Pipeline, text: str) -> None:
    from threadscan.nlp.pipeline import analyse

    (a,) = analyse(pipe, [text])
    deadlock = [h for h in a.hits if h.group == "deadlock"]
    assert deadlock and all(h.negated for h in deadlock)


# Real review sentences of a control thread (linux-block-noobj-012, labeled "none"): review
# comments that are not about concurrency at all are not objections, whatever their frame.
NOT_LOCKING = [
    "Why not rely on the oom logic instead?",
    "That's a big hint that this is not correct, please do not do this :(",
]


@pytest.mark.parametrize("text", NOT_LOCKING, ids=lambda t: t[:30])
def test_review_comment_without_concurrency_anchor_is_not_an_objection(
        pipe: Pipeline, text: str) -> None:
    assert list(tag_text(text, pipe)) == []


def test_same_frame_about_a_lock_is_an_objection(pipe: Pipeline) -> None:
    obs = tag_text("Why not rely on the zram->init_lock read side instead?", pipe)
    assert len(obs) == 1 and obs[0].stance == "suggestion"


# The benchmark mbox (not labeled) and train threads: a reviewer who names a concern and then
# dismisses it, or approves an approach, or a user whose machine "locks up" (a hang, not a lock).
DISMISSED = [
    "But this reference count overflow issue is an existing issue, not introduced by the patch.",
    "Summing up the reference counts and making sure they are both reset to 0 seems like a good "
    "approach to me.",
    "So it may not even be an actual bug???",
    "My machine has 32 GiB of memory and if I leave it be it locks up and sometimes panics.",
    # train threads (kvmarm, linux-block-xen, linuxppc-dev), labeled none: judged unlikely
    "Contention is very unlikely.",
    "The chances of contention are pretty slim.",
    "The race is rather theoretical.",
]


@pytest.mark.parametrize("text", DISMISSED, ids=lambda t: t[:30])
def test_dismissed_concern_or_hang_report_is_not_an_objection(pipe: Pipeline, text: str) -> None:
    assert list(tag_text(text, pipe)) == []


def test_concern_before_otherwise_looks_fine_stays_an_objection(pipe: Pipeline) -> None:
    # a train thread (linux-block), labeled suggestion / design: the dismissal concedes the rest
    obs = tag_text("It depends on protection from elevator_lock, so probably it is helpful by "
                   "adding lockdep_assert_held(&q->elevator_lock), otherwise this fix looks "
                   "fine:", pipe)
    assert len(obs) == 1


def test_unlikely_to_work_is_a_criticism_not_a_dismissal(pipe: Pipeline) -> None:
    # shared dev sentence (lore linux-block, Christoph Hellwig), labeled memory-ordering
    obs = tag_text("barrier is just a compiler barrier, so it is unlikely to do what you want.",
                   pipe)
    assert [o.categories for o in obs] == [("memory-ordering",)]


@pytest.mark.parametrize("text", [
    "Cc Paul in case I missed something here.",  # Michael S. Tsirkin, vhost (labeled none)
    "I missed the rmap lock in the code path.",  # labeled none
], ids=lambda t: t[:20])
def test_missed_by_the_speaker_is_no_race_even_under_a_locking_hunk(
        pipe: Pipeline, text: str) -> None:
    from threadscan.nlp.context import LOCK_DIFF
    from threadscan.nlp.pipeline import analyse, anchored
    from threadscan.nlp.stance import decide

    (a,) = analyse(pipe, [text], contexts=[(LOCK_DIFF,)])  # answers a quoted locking hunk
    assert anchored(a.hits, a.entities, a.text, a.context, pipe.cues.context_required)
    assert any(h.group == "race" for h in a.hits)  # the generic cue "missed" still matches
    assert decide(a, pipe.model, required=pipe.cues.context_required) is None
