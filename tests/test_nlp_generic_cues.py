"""Generic category phrases and citations: review of ordinary list traffic is not locking review.

Phrases such as "at the same time", "missed", "reverse order", "hangs" or "suboptimal" name a
category only in a sentence that is about concurrency for another reason (a lock or lock
API, a locking word, a specific cue, a cued sentence beside it); a design phrase ("adding a
comment") anchors nothing without a locking word; b4's list of applied patches and crash
report titles cite, they do not claim. The sentences are from real linux-block replies
(the benchmark mbox's threads with little locking talk, and labeled threads).
"""

from __future__ import annotations

import pytest

from threadscan.nlp import tag_text
from threadscan.nlp.pipeline import analyse, default_pipeline, is_cued

NOT_LOCKING = [
    # initrd removal, md io_opt, nvme-pci DMA unmapping, the vfs tree's "applied" boilerplate
    "For me it would make more sense to remove ramdisk_start and ramdisk_size at the same time.",
    "Can we remove this line completely instead of adding a comment ?",
    "Furthermore, this is likely suboptimal.",
    "I have come across the same problem after moving all 8 disks of a RAID6 md array from two "
    "separate SATA controllers to an mpt3sas device.",
    "Please report any outstanding bugs that were missed during review in a new review to the "
    "original patch series allowing us to drop it.",
    "The changes look correct, however, I'll prefer to change the error path to the reverse "
    "order and add a new error label.",
]

LOCKING = [  # labeled objections whose category has only a generic phrase: the lock names it
    ("I think it may make sense to make sure that show() handlers don't release the read "
     "->init_lock somewhere in between.", "race"),
    ("Even uncontended locks are still very expensive to acquire and release on machines with "
     "many CPUs due to the cache coherency overhead.", "latency"),
    ("I think it is still order issue between queue freeze and q->rq_qos_mutex first, which "
     "need to be solved first.", "lock-order"),
    ("This unlock is imbalanced if matched and already_matched are both true.", "deadlock"),
    ("Odd, as it's usually very unhappy about nesting locks of the same kind unless "
     "specifically annotated.", "lock-order"),
]

CITED = [
    "[1/1] nbd: fix lockdep deadlock warning",
    "[2/3] block: fix lockdep warning caused by lock dependency in elv_iosched_store",
    "WARNING: refcount bug in process_scheduled_works",
    "possible deadlock in nbd_queue_rq",
    "[   94.351265] WARNING: possible circular locking dependency detected",
]


@pytest.mark.parametrize("sentence", NOT_LOCKING)
def test_generic_phrase_in_review_not_about_locking_is_no_objection(sentence: str) -> None:
    assert tag_text(sentence) == []


@pytest.mark.parametrize(("sentence", "category"), LOCKING)
def test_generic_phrase_in_a_sentence_about_locking_still_names_its_category(
        sentence: str, category: str) -> None:
    [a] = analyse(default_pipeline(), [sentence])
    cues = [h for h in a.hits if h.group == category]
    assert cues and all(h.generic for h in cues)
    found = tag_text(sentence)
    assert found and category in found[0].categories


def test_generic_phrase_does_not_anchor_its_paragraph_but_a_specific_cue_does() -> None:
    pipe = default_pipeline()
    need = pipe.cues.context_required
    generic, design, specific = analyse(pipe, [
        "We can end up with the wrong value at the same time.",
        "Can we remove this line completely instead of adding a comment ?",
        "This can deadlock.",
    ])
    assert any(h.generic for h in generic.hits) and not is_cued(generic.hits, generic.text, need)
    assert any(h.group == "design" for h in design.hits)
    assert not is_cued(design.hits, design.text, need)  # "adding a comment": no locking word
    assert is_cued(specific.hits, specific.text, need)


def test_generic_phrase_counts_beside_a_cued_sentence() -> None:
    # the paragraph is about a deadlock, so its "hangs forever" sentence is too
    found = tag_text("This can deadlock against the flush worker. Then the caller hangs forever.")
    assert [o.categories for o in found][:1] == [("deadlock",)]
    assert any("hangs forever" in o.sentence for o in found)


@pytest.mark.parametrize("line", CITED)
def test_applied_patch_list_crash_titles_and_log_lines_cite_not_claim(line: str) -> None:
    assert tag_text(line) == []


@pytest.mark.parametrize("sentence", [
    # "atomic writes" is a storage feature (NVMe, md), not concurrency: 46 labeled sentences
    # name it, none is an objection
    "If system admistrators need to make atomic writes on legacy devices that only report "
    "AWUPF, they can manually set the atomic write granulairty.",
    "Not that I know of any such device, but better be safe, so maybe for now do not enable "
    "atomic write support on zoned devices ?",
])
def test_atomic_writes_are_not_a_locking_word(sentence: str) -> None:
    assert tag_text(sentence) == []


def test_atomics_as_a_locking_alternative_are_still_design() -> None:
    found = tag_text("Could we use atomic operations instead of taking the spinlock?")
    assert [(o.stance, o.categories) for o in found] == [("suggestion", ("design",))]
