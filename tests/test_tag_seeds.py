"""tag_thread on the five seed pages, through the real mail parser and extract stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadscan.extract import analyze_patches
from threadscan.mail import parse_item
from threadscan.model import Message, NlpResult, Objection, Provenance, RawItem
from threadscan.nlp import load_pipeline, tag_thread
from threadscan.nlp.pipeline import Pipeline
from threadscan.nlp.tag import message_units

DATA = Path(__file__).parent / "data" / "nlp"


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    return load_pipeline()


def messages(path: Path) -> list[Message]:
    item = RawItem(data=path.read_bytes(), kind="page-text",
                   provenance=Provenance(source=str(path), kind="text"))
    return [m for m in parse_item(item) if isinstance(m, Message)]


def run(pipe: Pipeline, name: str) -> NlpResult:
    msgs = messages(next(DATA.glob(f"{name}_*.txt")))
    pa = analyze_patches(msgs)
    return tag_thread(msgs, pa, pipe)


def find(res: NlpResult, start: str) -> Objection:
    hits = [o for o in res.objections if o.sentence.startswith(start)]
    assert len(hits) == 1, [o.sentence for o in res.objections]
    return hits[0]


@pytest.fixture(scope="module")
def seed000(pipe: Pipeline) -> NlpResult:
    return run(pipe, "000")


def test_seed000_hold_the_mutex_is_nathans_design_on_vas_pseries_mutex(seed000: NlpResult) -> None:
    ob = find(seed000, "Could the the path t1 takes simply hold the mutex")
    assert ob.speaker == "Nathan Lynch"
    assert ob.quoted and ob.depth >= 1
    assert "design" in ob.categories
    assert ob.locks == ("vas_pseries_mutex",)


def test_seed000_writer_outside_mutex_is_nathans_race(seed000: NlpResult) -> None:
    ob = find(seed000, "With your change, readers of the migration_in_progress flag")
    assert ob.speaker == "Nathan Lynch"
    assert "race" in ob.categories
    assert "vas_pseries_mutex" in ob.locks


@pytest.mark.parametrize("start", ["If get_longbusy_msecs() typically returns low values",
                                   "If mutex hold times have been a problem"])
def test_seed000_latency_advice_is_nathans(seed000: NlpResult, start: str) -> None:
    ob = find(seed000, start)
    assert ob.speaker == "Nathan Lynch"
    assert "latency" in ob.categories


def test_seed001_conflating_two_issues_is_nathans(pipe: Pipeline) -> None:
    res = run(pipe, "001")
    ob = find(res, "I think this is conflating two issues")
    assert ob.speaker == "Nathan Lynch"
    assert {"race", "design"} & set(ob.categories)
    serial = find(res, "Insufficient serialization/ordering of handling PRRNs and LPM")
    assert serial.speaker == "Nathan Lynch" and "race" in serial.categories
    assert all(o.speaker == "Juliet Kim" for o in res.objections
               if o.sentence.startswith("PRRN request can be received at any time"))
    units = [u for i, m in enumerate(messages(DATA / "001_348e1c24a06daa3c.txt"))
             for u in message_units(i, m, frozenset())]
    answer = [u for u in units if u.text.startswith("PRRN request can be received at any time")]
    assert [u.speaker for u in answer] == ["Juliet Kim"]


@pytest.fixture(scope="module")
def seed002(pipe: Pipeline) -> NlpResult:
    return run(pipe, "002")


def test_seed002_fairness_latency_and_lock_order(seed002: NlpResult) -> None:
    assert "fairness" in find(seed002, "But rwsem can't be used in this situation").categories
    assert "fairness" in find(seed002, "In theory a read-write lock that favors reads").categories
    hog = find(seed002, "I don't like the idea of hogging the kvm->lock")
    assert "latency" in hog.categories and hog.speaker == "Halil"
    assert "lock-order" in find(seed002, "I was unaware of the kvm->lock vcpu->lock").categories


def test_seed002_prose_order_edges(seed002: NlpResult) -> None:
    edges = {(e.outer, e.inner) for e in seed002.prose_edges}
    assert ("kvm->lock", "matrix_mdev->lock") in edges
    assert ("vcpu->lock", "vfio_ap_queue->lock") in edges
    assert all(e.origin == "prose" and e.change == "stated" for e in seed002.prose_edges)


def test_seed002_quoted_tony_sentence_is_tonys(seed002: NlpResult) -> None:
    ob = find(seed002, "Keep in mind that the kvm->lock must be taken outside")
    assert ob.speaker == "Tony Krowiak" and ob.quoted
    assert "lock-order" in ob.categories


@pytest.fixture(scope="module")
def seed003(pipe: Pipeline) -> NlpResult:
    return run(pipe, "003")


def test_seed003_eagain_is_alex_race_suggestion_linked_to_get_device_state(
    seed003: NlpResult,
) -> None:
    ob = find(seed003, "I still can't see why it wouldn't be a both fairly trivial")
    assert ob.speaker == "Alex Williamson"
    assert ob.stance == "suggestion" and "race" in ob.categories
    assert "mlx5vf_pci_get_device_state" in ob.functions
    assert any(h.endswith(":0:3") and "yishaih@nvidia.com" in h for h in ob.hunks)
    assert len(ob.seen_in) == 2  # quoted again by Jason and by Alex


def test_seed003_vm_reset_question_is_alex_race(seed003: NlpResult) -> None:
    ob = find(seed003, "Are we serializing all access to reset vs this DEVICE_FEATURE op")
    assert ob.speaker == "Alex Williamson"
    assert ob.stance == "question" and "race" in ob.categories


@pytest.fixture(scope="module")
def seed004(pipe: Pipeline) -> NlpResult:
    return run(pipe, "004")


def test_seed004_assert_should_stay_is_georges_race_on_cache_add(seed004: NlpResult) -> None:
    for start in ("This assert should stay where it is",
                  "Having the assert before cannot guarantee"):
        ob = find(seed004, start)
        assert ob.speaker == "George"
        assert "race" in ob.categories
        assert "p2m_pod_cache_add" in ob.functions
        assert any(h.endswith(":0:0") for h in ob.hunks)


def test_seed004_trylock_suggestion_is_georges_design_on_emergency_sweep(
    seed004: NlpResult,
) -> None:
    ob = find(seed004, "Regarding locking on emergency sweeps")
    assert ob.speaker == "George"
    assert ob.stance == "suggestion" and "design" in ob.categories
    assert "p2m_pod_emergency_sweep" in ob.functions
    assert "p2m_pod_demand_populate" not in ob.functions


def test_seed_patch_author_explanations_are_not_objections(seed000: NlpResult,
                                                           seed004: NlpResult) -> None:
    assert not [o for o in seed004.objections if o.sentence.startswith("Emptying the pod cache")]
    assert not [o for o in seed000.objections if o.sentence.startswith("Reason for moved")]
