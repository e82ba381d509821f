"""Objections in real threads link to the locks the patches change, written as the patch
writes them, whatever way the reviewer wrote the name."""

from __future__ import annotations

from pathlib import Path

from tests.archive_server import file_messages
from threadscan.extract import analyze_patches
from threadscan.lockname import lock_tail, same_lock
from threadscan.model import Link, Objection
from threadscan.nlp import tag_thread
from threadscan.nlp.entities import find_entities, is_lockish
from threadscan.nlp.link import link_sentence, thread_code, worded_locks
from threadscan.nlp.pipeline import load_pipeline

DATA = Path(__file__).parent / "data"
LOOP_028 = (DATA / "extract" /
            "linux-block-028-loop-scale-loop-device-by-introducing-per-device-lock.mbox")
LOOP_025 = (DATA / "extract" /
            "linux-block-025-loop-remove-lo-refcount-and-avoid-lo-mutex-in-open-release.mbox")
NVME_022 = (DATA / "extract" /
            "linux-block-022-nvme-convert-tag-list-mutex-to-rwsemaphore-to-avoid-deadlock.mbox")
ELEVATOR = (DATA / "nlp" /
            "linux-block-noobj-004-block-protect-debugfs-attributes-using-q-elevator-lock.mbox")
AUTOCLEAR = DATA / "extract" / "linux-block-013-loop-autoclear-msgs-1-8-11.mbox"
NR_REQUESTS = DATA / "extract" / "blk-mq-nr-requests-rwsem-04-review.mbox"


def objections(path: Path) -> tuple[Objection, ...]:
    msgs = file_messages(path)
    pa = analyze_patches(msgs)
    return tag_thread(msgs, pa).objections


def lock_links(obs: tuple[Objection, ...], start: str) -> list[Link]:
    return [lk for lk in objection(obs, start).links if lk.kind == "lock"]


def objection(obs: tuple[Objection, ...], start: str) -> Objection:
    [ob] = [o for o in obs if o.sentence.startswith(start)]
    return ob


def sentence_links(path: Path, start: str) -> tuple[Link, ...]:
    """The links of one reply sentence of a real thread (tagged as an objection or not)."""
    from threadscan.nlp.tag import message_units

    msgs = file_messages(path)
    code = thread_code(analyze_patches(msgs))
    [unit] = [u for i, m in enumerate(msgs) for u in message_units(i, m, frozenset())
              if u.text.startswith(start)]
    ents = find_entities(unit.text, load_pipeline(None).cues, code.idents, code.taken)
    return link_sentence(unit.text, ents, unit.diff_above, unit.contexts, code)


def test_same_lock_is_the_same_specific_last_member() -> None:
    assert same_lock("q->sysfs_lock", "sysfs_lock")
    assert same_lock("&q->elevator_lock", "disk->queue->elevator_lock")
    assert not same_lock("io->lock", "ublk_io.lock")  # "lock" says nothing about which one
    assert not same_lock("q->sysfs_lock", "q->sysfs_dir_lock")
    assert lock_tail("kvm->arch.tsc_write_lock") == "tsc_write_lock"


def test_a_bare_lock_name_links_to_the_lock_the_patch_changes() -> None:
    # Tyler Hicks writes "lo_mutex"; the patch takes mutex_lock(&lo->lo_mutex)
    links = lock_links(objections(LOOP_028), "In loop_probe(), we call get_disk_and_module")
    assert Link("lock", "lo->lo_mutex", "matched lock change by member") in links


def test_the_lock_a_primitive_call_in_the_sentence_takes_is_linked() -> None:
    links = lock_links(objections(LOOP_028), "There should be no perf impact if we move the "
                                             "mutex_unlock(&loop_ctl_mutex)")
    assert "loop_ctl_mutex" in [lk.target for lk in links]


def test_an_objection_naming_no_lock_takes_the_lock_of_the_one_before_it() -> None:
    # Jan Kara's paragraph names disk->open_mutex, then goes on without naming it
    links = lock_links(objections(LOOP_025), "So for this to be safe against compiler")
    assert links == [Link("lock", "disk->open_mutex",
                          "lock of the objection before it in the paragraph")]


def test_an_objection_under_a_quoted_hunk_links_the_lock_the_hunk_changes() -> None:
    # Christoph Hellwig, below the quoted hunk that takes hctx->queue->elevator_lock, names no lock
    links = lock_links(objections(ELEVATOR), "We don't really want this read system call")
    assert [lk.target for lk in links] == ["hctx->queue->elevator_lock"]
    assert links[0].evidence == "lock changed in the quoted hunk"


def test_a_lock_named_in_words_is_the_threads_lock_spelled_that_way() -> None:
    msgs = file_messages(ELEVATOR)
    pa = analyze_patches(msgs)
    code = thread_code(pa)
    # Ming Lei, linux-block-004 (training/labels): "elevator lock" is q->elevator_lock
    sentence = ("Not sure why elevator lock is grabbed in throttle code, which looks a elevator "
                "lock misuse, what does the elevator try to protect here?")
    assert worded_locks(sentence, code) == ["q->elevator_lock"]
    assert worded_locks("the loop lock order inversions", code) == []


def test_goto_labels_are_not_locks() -> None:
    # "goto out_unlock;" sits on the +/- lines of many locking hunks
    assert not is_lockish("out_unlock") and not is_lockish("err_unlock")
    assert is_lockish("lo->lo_mutex") and is_lockish("loop_ctl_mutex")


def test_a_lock_the_code_takes_is_a_lock_whatever_its_shape() -> None:
    # linux-block-022 freezes queues (blk_mq_freeze_queue: lockdep's q->q_usage_counter) on
    # unchanged lines: a nesting edge, not a lock change. A reviewer writes it as lockdep
    # does, "(io)" and all (Nilay Shroff, linux-block-005, training/labels)
    msgs = file_messages(NVME_022)
    pa = analyze_patches(msgs)
    code = thread_code(pa)
    assert "q->q_usage_counter" in code.taken - {lc.lock for lc in pa.lock_changes}
    sentence = ("We're planning to replace q->sysfs_lock with a new dedicated lock for elevator "
                "switch case and that should help cut the dependency between "
                "q->q_usage_counter(io) and q->sysfs_lock.")
    cues = load_pipeline(None).cues
    ents = find_entities(sentence, cues, code.idents, code.taken)
    assert ("LOCK", "q->q_usage_counter") in [(e.label, e.text) for e in ents]
    assert ("FUNC", "q_usage_counter") in [(e.label, e.text) for e in find_entities(sentence, cues)]
    links = link_sentence(sentence, ents, "", (), code)
    assert Link("lock", "q->q_usage_counter", "named in sentence, seen in diff") in links
    assert same_lock("q->q_usage_counter", "q->q_usage_counter(io)")


def test_a_reply_under_a_new_function_links_that_function_not_the_hunk_section() -> None:
    # Jan Kara answers the quoted loop_schedule_rundown(), which the patch adds; the hunk's
    # @@ section names the function before it, __loop_clr_fd()
    msgs = file_messages(AUTOCLEAR)
    pa = analyze_patches(msgs)
    ob = objection(tag_thread(msgs, pa).objections, "It solves the locking context problems")
    [hunk] = [h for p in pa.patches for f in p.files for h in f.hunks if h.id in ob.hunks]
    assert hunk.function == "__loop_clr_fd"
    assert ob.functions == ("loop_schedule_rundown",)
    assert Link("function", "loop_schedule_rundown", "function of the quoted lines") in ob.links


def test_a_sentence_naming_its_own_function_does_not_take_the_quoted_one() -> None:
    links = sentence_links(AUTOCLEAR, "Why not scheduling this using task_work_add()?")
    assert [lk.target for lk in links if lk.kind == "function"] == ["task_work_add"]
    assert [lk.kind for lk in links].count("hunk") == 1  # still the hunk it answers
    # a lock primitive is not a function of the sentence's own (Christoph Hellwig, noobj-004)
    ob = objection(objections(ELEVATOR), "Is mutex_lock_interruptible really the right")
    assert ob.functions == ("mutex_lock_interruptible", "hctx_busy_show")


def test_a_call_through_a_member_names_no_function() -> None:
    # Tetsuo Handa: "... blkdev_put() calls bdev->bd_disk->fops->release() right before ..."
    links = sentence_links(AUTOCLEAR, "Since disk->fops->open == lo_open and")
    functions = [lk.target for lk in links if lk.kind == "function"]
    assert "blkdev_put" in functions and "release" not in functions


def test_of_the_locks_a_quoted_hunk_changes_the_last_quoted_lines_choose() -> None:
    # Nilay Shroff under quoted lines ending in down_write(&set->update_nr_hwq_lock); the hunk
    # also changes q->elevator_lock and the queue freeze (q->q_usage_counter)
    msgs = file_messages(NR_REQUESTS)
    pa = analyze_patches(msgs)
    obs = tag_thread(msgs, pa).objections
    links = lock_links(obs, "For serializing update of nr_requests with switching elevator")
    assert links == [Link("lock", "set->update_nr_hwq_lock", "lock changed in the quoted hunk")]
    ob = objection(obs, "So with this change we don't need to acquire ->update_nr_hwq_lock")
    assert ob.functions == ("blk_mq_update_nr_requests",)
    hunk_locks = {lc.lock for lc in pa.lock_changes if set(lc.hunk_ids) & set(ob.hunks)}
    assert {"q->elevator_lock", "set->update_nr_hwq_lock"} <= hunk_locks
