"""Links (hunks by content, locks, functions), prose order edges, approvals, duplicates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys

from threadscan.model import (
    DiffLine,
    FileDiff,
    Hunk,
    LockChange,
    Message,
    Objection,
    Patch,
    PatchAnalysis,
    Person,
    Provenance,
    Segment,
    Subject,
)
from threadscan.nlp.approvals import approvals
from threadscan.nlp.cues import load_cues
from threadscan.nlp.entities import find_entities
from threadscan.nlp.funcnames import described_functions
from threadscan.nlp.link import generic_lock, match_hunks, thread_code
from threadscan.nlp.prose_order import stated_edges
from threadscan.nlp.tag import merge_duplicates

HUNK_LINES = (
    DiffLine(" ", "\tmutex_lock(&mvdev->state_mutex);", 499, 499),
    DiffLine(" ", "\t*curr_state = mvdev->mig_state;", 500, 500),
    DiffLine("-", "\tmutex_unlock(&mvdev->state_mutex);", 501, None),
    DiffLine("+", "\tmlx5vf_state_mutex_unlock(mvdev);", None, 501),
    DiffLine(" ", "\treturn 0;", 502, 502),
)
HUNK = Hunk("orig@x:0:3", "drivers/vfio/pci/mlx5/main.c", 477, 10, 499, 34,
            "static int mlx5vf_pci_get_device_state(struct vfio_device *vdev,",
            "mlx5vf_pci_get_device_state", HUNK_LINES)
OTHER = Hunk("orig@x:0:1", "drivers/vfio/pci/mlx5/main.c", 437, 6, 440, 25, "", "mlx5vf_other",
             (DiffLine("+", "\tspin_lock(&mvdev->reset_lock);", None, 443),))
PATCH = Patch("orig@x", (FileDiff("drivers/vfio/pci/mlx5/main.c", "drivers/vfio/pci/mlx5/main.c",
                                  (OTHER, HUNK)),))
CHANGE = LockChange("orig@x", "drivers/vfio/pci/mlx5/main.c", "mlx5vf_pci_get_device_state",
                    "wrapper-release", "mvdev->state_mutex", "mlx5vf_state_mutex_unlock", "+",
                    "release", hunk_ids=("orig@x:0:3",))

QUOTED_DIFF = """@@ -477,10 +499,34 @@ static int mlx5vf_pci_get_device_state(struct vfio_device *v,

 \tmutex_lock(&mvdev->state_mutex);
 \t*curr_state = mvdev->mig_state;
-\tmutex_unlock(&mvdev->state_mutex);
+\tmlx5vf_state_mutex_unlock(mvdev);
 \treturn 0;"""


def test_quoted_diff_matches_hunk_by_content_not_line_numbers() -> None:
    code = thread_code(PatchAnalysis((PATCH,), lock_changes=(CHANGE,)))
    shifted = QUOTED_DIFF.replace("-477,10 +499,34", "-1,1 +1,1")
    assert [h.id for h in match_hunks(shifted, code)] == ["orig@x:0:3"]


def test_sentence_under_quoted_diff_links_hunk_function_and_lock() -> None:
    from threadscan.nlp.link import link_sentence

    code = thread_code(PatchAnalysis((PATCH,), lock_changes=(CHANGE,)))
    text = "Returning -EAGAIN here avoids a stale state_mutex view."
    ents = find_entities(text, load_cues(), code.idents)
    links = link_sentence(text, ents, QUOTED_DIFF, (), code)
    kinds = {(lk.kind, lk.target) for lk in links}
    assert ("hunk", "orig@x:0:3") in kinds
    assert ("function", "mlx5vf_pci_get_device_state") in kinds
    assert ("lock", "mvdev->state_mutex") in kinds


def test_described_functions_match_words_to_identifiers() -> None:
    names = ["p2m_pod_emergency_sweep", "p2m_pod_emergency_sweep_super", "p2m_pod_cache_add"]
    assert described_functions("Regarding locking on emergency sweeps: ...", names) == [
        "p2m_pod_emergency_sweep"]


def test_a_function_written_by_the_tail_of_its_name_is_that_function() -> None:
    # George Dunlap, seed 004: cache_add is p2m_pod_cache_add (one candidate ends so)
    text = ("If I recall correctly, I put this in here because something ended up calling "
            "cache_add after empty_cache(), potentially with the p2m lock already held")
    names = ["p2m_pod_cache_add", "p2m_pod_emergency_sweep", "BUG_ON"]
    assert described_functions(text, names) == ["p2m_pod_cache_add"]
    assert described_functions("calling cache_add", [*names, "other_cache_add"]) == []


def test_a_macro_or_flag_in_capitals_is_no_function() -> None:
    from threadscan.nlp.funcnames import named_functions

    # Marcelo Tosatti on kvmarm: the words "host TSC" are not KVM_CLOCK_HOST_TSC
    text = "Is it about host TSC going unstable VS parallel KVM_GET_CLOCK ?"
    assert described_functions(text, ["KVM_CLOCK_HOST_TSC", "kvm_get_clock"]) == []
    # Damien Le Moal on linux-block: a feature flag the thread's code holds
    text = ("The commit message also does not describe BLK_FEAT_PIPELINE_ZWR, but I think "
            "this enable/disable flag is not needed.")
    ents = find_entities(text, load_cues(), known=["BLK_FEAT_PIPELINE_ZWR"])
    assert [e.text for e in ents] == ["BLK_FEAT_PIPELINE_ZWR"]
    assert named_functions(text, ents) == []


def test_the_words_of_code_in_a_sentence_describe_no_function() -> None:
    # linux-block 2025q3 (nvmet-tcp): queue->data_ready() is a callback, not trace_sk_data_ready
    text = ("Maybe it can be fixed by deferring the call to queue->data_ready() by using a "
            "workqueue.")
    assert described_functions(text, ["trace_sk_data_ready", "nvmet_tcp_data_ready"]) == []
    assert described_functions("the data ready path", ["trace_sk_data_ready"]) == [
        "trace_sk_data_ready"]


def test_generic_mutex_resolves_to_the_one_mutex_in_context() -> None:
    ctx = "Here's the code:\n\tmutex_lock(&vas_pseries_mutex);\n\tif (x)\n"
    got = generic_lock("simply hold the mutex for the duration", [ctx], [])
    assert got == "vas_pseries_mutex"
    assert generic_lock("hold the mutex", ["a_mutex b_mutex"], []) is None


def test_the_read_or_write_lock_is_the_one_rwlock_in_context() -> None:
    # Maurizio Lombardi on nvmet-tcp (linux-block 2025q3, bench-0231 in training/labels)
    ctx = ("I think that the problem is due to the fact that nvmet_tcp_data_ready() calls the "
           "queue->data_ready() callback with the sk_callback_lock locked.")
    said = ("Ops sorry they are two read locks, the real problem then is that something is "
            "holding the write lock.")
    assert generic_lock(said, [ctx], []) == "sk_callback_lock"


def edges(text: str) -> set[tuple[str, str]]:
    ents = find_entities(text, load_cues())
    return {(e.outer, e.inner) for e in stated_edges(text, ents, "m@x")}


def test_prose_order_rules_in_several_phrasings() -> None:
    assert edges("the kvm->lock must be taken outside of the matrix_mdev->lock") == {
        ("kvm->lock", "matrix_mdev->lock")}
    assert edges("we would have vcpu->lock --> vfio_ap_queue->lock, and a circle") == {
        ("vcpu->lock", "vfio_ap_queue->lock")}
    assert edges("taking the kvm->lock first and the matrix_dev->lock") == {
        ("kvm->lock", "matrix_dev->lock")}
    assert edges("q->sysfs_lock nests inside q->elevator_lock here") == {
        ("q->elevator_lock", "q->sysfs_lock")}
    assert edges("I was unaware of the kvm->lock vcpu->lock locking order.") == {
        ("kvm->lock", "vcpu->lock")}
    assert edges("hogging the kvm->lock because of contention on matrix_dev->lock") == set()


def msg(msgid: str, segs: tuple[Segment, ...], reply: bool = True) -> Message:
    return Message(msgid, Person("Jens Axboe", "axboe@kernel.dk"),
                   dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
                   Subject("Re: [PATCH] x", "x", is_reply=reply), "p@x" if reply else None, (),
                   segs, Provenance("t", "mbox"))


def test_trailers_and_looks_good_are_approvals_quoted_trailers_are_not() -> None:
    m = msg("r@x", (Segment("quote", "Acked-by: Old Person <old@x>", 1, "Someone"),
                    Segment("text", "Looks good to me.\nMore text here."),
                    Segment("trailer", "Reviewed-by: Jens Axboe <axboe@kernel.dk>")))
    got = [(a.kind, a.person) for a in approvals([m])]
    assert got == [("Reviewed-by", "Jens Axboe <axboe@kernel.dk>"),
                   ("looks-good", "Jens Axboe <axboe@kernel.dk>")]


def test_looks_good_but_is_not_an_approval() -> None:
    m = msg("r@x", (Segment("text", "Looks good, but this still races with teardown."),))
    assert approvals([m]) == ()


def test_same_sentence_same_speaker_twice_is_one_objection_with_seen_in() -> None:
    a = Objection("a@x", "Alex", "This is racy.", "objection", ("race",))
    b = Objection("b@x", "Alex", "This  is racy.", "objection", ("race",), quoted=True, depth=1)
    c = Objection("c@x", "Jason", "This is racy.", "objection", ("race",))
    merged = merge_duplicates([a, b, c])
    assert [(o.msgid, o.speaker, o.seen_in) for o in merged] == [
        ("a@x", "Alex", ("b@x",)), ("c@x", "Jason", ())]
    assert not merged[0].quoted


def test_import_threadscan_does_not_import_spacy() -> None:
    code = "import sys, threadscan, threadscan.nlp; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_function_named_as_called_without_parentheses_is_linked() -> None:
    from threadscan.nlp.link import link_sentence

    # Nilay Shroff (linux-block 2025q3): none of these names is in the thread's code
    code = thread_code(PatchAnalysis((PATCH,), lock_changes=(CHANGE,)))
    text = ("Please note that blk_mq_free_sched_tags internally invokes sbitmap_free which "
            "invokes free_percpu which acquires pcpu_lock.")
    links = link_sentence(text, find_entities(text, load_cues(), code.idents), "", (), code)
    assert [lk.target for lk in links if lk.kind == "function"] == [
        "blk_mq_free_sched_tags", "sbitmap_free", "free_percpu"]
    # a flag is no function; a name the thread's code ends with is that code's (seed 004)
    assert not [lk for lk in link_sentence("The migration_in_progress flag is read.", [], "",
                                           (), code) if lk.kind == "function"]
    seed004 = ("If I recall correctly, I put this in here because something ended up calling "
               "cache_add after empty_cache()")
    add = dataclasses.replace(HUNK, function="p2m_pod_cache_add")
    code004 = thread_code(PatchAnalysis((Patch("orig@x", (FileDiff("p2m.c", "p2m.c", (add,)),)),)))
    assert "cache_add" not in {lk.target for lk in link_sentence(seed004, [], "", (), code004)}
