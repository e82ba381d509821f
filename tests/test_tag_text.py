"""tag_text on real review sentences: categories, stance, negation, hedging, speed."""

from __future__ import annotations

import time

import pytest

from threadscan.model import Objection
from threadscan.nlp import load_pipeline, tag_text
from threadscan.nlp.pipeline import Pipeline


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    return load_pipeline()


def one(pipe: Pipeline, text: str) -> Objection:
    obs = tag_text(text, pipe)
    assert len(obs) == 1, [o.sentence for o in obs]
    return obs[0]


def test_shipped_model_is_loaded(pipe: Pipeline) -> None:
    assert pipe.model == "textcat.v1"
    assert pipe.cues.version == "cues.v1"


def test_seed000_hold_the_mutex_is_design_suggestion(pipe: Pipeline) -> None:
    ob = one(pipe, "Could the the path t1 takes simply hold the mutex for the duration of\n"
                   "its execution instead of dropping and reacquiring it in the middle?")
    assert ob.stance == "suggestion"
    assert "design" in ob.categories
    assert ob.msgid == "" and ob.speaker is None
    assert any(f.startswith("rule:design.") for f in ob.fired)


def test_seed000_writer_outside_mutex_is_race(pipe: Pipeline) -> None:
    ob = one(pipe, "With your change, readers of the migration_in_progress flag check it under "
                   "the mutex, but the writer updates it outside of the mutex, which seems "
                   "strange and unlikely to be correct.")
    assert ob.stance == "objection"
    assert "race" in ob.categories
    assert "rule:race.unlocked_access" in ob.fired


@pytest.mark.parametrize("text", [
    "If get_longbusy_msecs() typically returns low values (<20), then you should prefer "
    "usleep_range() over msleep() to avoid over-sleeping.",
    "If mutex hold times have been a problem in this code, then it's probably worth improving "
    "the way it handles the busy/retry statuses under the lock.",
])
def test_seed000_sleep_and_hold_time_advice_is_latency(pipe: Pipeline, text: str) -> None:
    ob = one(pipe, text)
    assert ob.categories[0] == "latency"
    assert ob.stance == "suggestion"


def test_seed000_usleep_advice_names_the_functions(pipe: Pipeline) -> None:
    ob = one(pipe, "You should prefer usleep_range() over msleep() to avoid over-sleeping.")
    assert set(ob.functions) >= {"usleep_range", "msleep"}


@pytest.mark.parametrize("text", [
    "In theory a read-write lock that favors reads in a sense that a steady stream of readers "
    "can starve the writers would work.",
    "But rwsem can't be used in this situation because rwsem is fair, in a sense that a waiting "
    "writers may effectively block readers that try to acquire the lock while the lock is held "
    "as a read lock.",
])
def test_seed002_rwsem_sentences_are_fairness(pipe: Pipeline, text: str) -> None:
    assert "fairness" in one(pipe, text).categories


def test_seed002_hogging_kvm_lock_is_latency_with_locks(pipe: Pipeline) -> None:
    ob = one(pipe, "I don't like the idea of hogging the kvm->lock and potentially stalling out "
                   "some core kvm code because there is contention on matrix_dev->lock.")
    assert ob.categories == ("latency",)
    assert ob.stance == "objection"
    assert ob.locks == ("kvm->lock", "matrix_dev->lock")


def test_seed002_locking_order_sentence_is_lock_order(pipe: Pipeline) -> None:
    ob = one(pipe, "I was unaware of the kvm->lock vcpu->lock locking order.")
    assert ob.categories == ("lock-order",)


def test_seed003_eagain_suggestion_is_race(pipe: Pipeline) -> None:
    ob = one(pipe, "I still can't see why it wouldn't be a both fairly trivial to implement and "
                   "a usability improvement if the unlock wrapper returned -EAGAIN on a deferred "
                   "reset so we could avoid returning a stale state to the user and a dead fd in "
                   "the former case.")
    assert ob.stance == "suggestion"
    assert "race" in ob.categories


def test_seed004_cannot_guarantee_will_not_race_is_a_hedged_race(pipe: Pipeline) -> None:
    ob = one(pipe, "Having the assert before cannot guarantee that they *will not* race with "
                   "emptying the PoD cache.")
    assert ob.categories == ("race",)


@pytest.mark.parametrize("text", [
    "I don't think this can deadlock.",
    "So there shouldn't be such AA deadlock.",
    "I don't think this is a real issue, the race is benign.",
    "The race I described earlier is not in fact possible.",
    "Applied, thanks!",
    "Acked-by: Jason Wang <jasowang@redhat.com>",
    "Thanks for the detailed look!",
])
def test_negated_dismissed_and_polite_sentences_are_not_objections(
    pipe: Pipeline, text: str
) -> None:
    assert tag_text(text, pipe) == []


@pytest.mark.parametrize("text", [
    "I suppose it could starve in theory though.",
    "This may deadlock if the flush waits for the work holding the mutex.",
])
def test_hedged_concerns_stay_objections(pipe: Pipeline, text: str) -> None:
    assert len(tag_text(text, pipe)) == 1


def test_a_statement_after_a_question_is_no_question(pipe: Pipeline) -> None:
    # two labeled review sentences pasted as one paragraph (a question, then a race statement)
    obs = tag_text("Is this deadlock only possible for some sepecific socket types? So the "
                   "resulting mask, which is handed into the spreading code can be concurrently "
                   "modified.", pipe)
    assert [(o.stance, o.categories) for o in obs][1] == ("objection", ("race",))


def test_hostile_long_input_finishes_fast(pipe: Pipeline) -> None:
    junk = ("a->b->c " * 4000 + "(((((" * 2000 + "race " * 3000 + "\n") * 5
    start = time.monotonic()
    tag_text(junk + "x" * 300_000, pipe)
    assert time.monotonic() - start < 10


def test_empty_and_code_only_input_give_nothing(pipe: Pipeline) -> None:
    assert tag_text("", pipe) == []
    assert tag_text("\tmutex_lock(&m);\n\tfoo();\n}\n", pipe) == []
