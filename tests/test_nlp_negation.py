"""Negation scope of category cues on real review sentences (rules only, no model)."""

from __future__ import annotations

import pytest

from threadscan.nlp.pipeline import Pipeline, analyse, load_pipeline


@pytest.fixture(scope="module")
def rules() -> Pipeline:
    return load_pipeline(None)


def polarity(pipe: Pipeline, text: str, group: str) -> list[bool]:
    """Negation flag of each ``group`` cue hit in ``text``."""
    return [h.negated for h in analyse(pipe, [text])[0].hits if h.group == group]


@pytest.mark.parametrize(("text", "group"), [
    # shared dev sentences (lore): the negation is of the remedy, not of the problem
    ("Indeed, I am hesitant to apply the patch because it may not fix all possible deadlocks.",
     "deadlock"),
    ("I don't think that the race described above can be solved in the block layer.", "race"),
    # a train thread (linuxppc-dev): a "make sure ... not" frame states the risk
    ("We must make sure that it does not cause deadlock.", "deadlock"),
    # shared dev sentence: "not race-free" asserts the race
    ("OK, but I suspect some users of napi_reschedule() might not be race-free...", "race"),
    # a train thread (loop): the complexity stays when a remedy "does not reduce" it
    ("Adding even more locks does not reduce complexity.", "design"),
    # a train thread (virtualization): a prohibition forbids the spinlock, it does not deny it
    ("get_user_pages/get_user_pages_fast must not be called under a spinlock.",
     "atomic-context"),
])
def test_negated_remedy_or_absence_leaves_the_concern_live(rules: Pipeline, text: str,
                                                           group: str) -> None:
    assert polarity(rules, text, group) == [False]


def test_not_entirely_sure_is_a_doubt_not_a_denial(rules: Pipeline) -> None:
    # a train thread (virtualization-qemu), labeled race
    text = ("I'm not 100% sure this race condition can occur, but couldn't find anything "
            "that prevents it.")
    hits = analyse(rules, [text])[0].hits
    assert [h.negated for h in hits if h.text == "race condition"] == [False]


@pytest.mark.parametrize(("text", "group"), [
    ("I don't think this can deadlock.", "deadlock"),
    ("So there shouldn't be such AA deadlock.", "deadlock"),
    ("This path is race-free.", "race"),
])
def test_denied_problems_and_absences_stay_negated(rules: Pipeline, text: str,
                                                   group: str) -> None:
    flags = polarity(rules, text, group)
    assert flags and all(flags)


@pytest.mark.parametrize("text", [
    # train threads (xen-devel, linux-block): lock ordering without the words "order"
    "It will make things worse, as it would violate the locking hierarchy "
    "(xen_rebind_evtchn_to_cpu() is called with the IRQ-desc lock held).",
    "I doubt lockdep will be happy about this.",
    "Does lockdep not complain about this case?",
])
def test_locking_hierarchy_and_lockdep_happiness_are_lock_order(rules: Pipeline,
                                                                text: str) -> None:
    flags = polarity(rules, text, "lock-order")
    assert flags and not any(flags)


def test_a_prohibition_is_not_a_race_about_an_unlocked_access(rules: Pipeline) -> None:
    # a train thread (virtualization), labeled atomic-context only
    text = "get_user_pages/get_user_pages_fast must not be called under a spinlock."
    assert polarity(rules, text, "race") == []
    # nor is a lock word's tail ("block"); a train thread (linux-block), labeled none
    assert polarity(rules, "I'm not your exclusive reviewer, and I'm not familiar with the "
                           "block layer.", "race") == []


def test_a_cue_api_called_with_arguments_is_a_cue(rules: Pipeline) -> None:
    # a train thread (linux-block), labeled memory-ordering: "barrier(un-documented)" is a call
    text = ("In theory it is true, but the implementation is pretty fragile, because the "
            "correctness replies on the implied memory barrier(un-documented) in "
            "blk_mq_get_tag()")
    assert polarity(rules, text, "memory-ordering")
