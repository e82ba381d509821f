"""Shared helpers for the store tests (no tests here): real fixture mail -> a corpus.

Messages come from the real mbox files in ``tests/data/store`` through the one
parser (``threadscan.mail.parse_item``); analysis objects are built from the
real diff text of those messages and real review sentences (see SOURCES.md).
"""

from __future__ import annotations

import re
from pathlib import Path

from threadscan.mail import parse_item
from threadscan.model import (
    DiffLine,
    FileDiff,
    Hunk,
    Link,
    LockChange,
    Message,
    Objection,
    OrderEdge,
    Patch,
    Provenance,
    RawItem,
    Thread,
    ThreadAnalysis,
)
from threadscan.store import Corpus
from threadscan.thread import build_threads

DATA = Path(__file__).resolve().parent / "data" / "store"
XEN = DATA / "xen-devel-evtchn-defer-lock-acquire-v6.mbox"
BRD = DATA / "linux-block-noobj-006-brd-remove-brd-devices-mutex-mutex.mbox"
NVME = DATA / "linux-block-022-nvme-convert-tag-list-mutex-to-rwsemaphore-to-avoid-deadlock.mbox"
NVME_V2 = DATA / "linux-block-008-v2-patch-only.mbox"
LORE = "https://lore.kernel.org/linux-block/"

XEN_PATCH = "5939858e-1c7c-5658-bc2d-0c9024c74040@suse.com"
XEN_JULIEN = "938eb888-ec15-feb1-19f7-b90dfee822ae@xen.org"
NVME_ROOT = "20251113202320.2530531-1-mkhalfella@purestorage.com"
NVME_MING_ABBA = "aRcVWtE4fHCe3jjM@fedora"
NVME_MING_ORDER = "aRnqmiFmWAI01zJq@fedora"
NVME_MING_LAST = "aRqIxzyppFEBBHNT@fedora"
NVME_CK = "e629ec9c-9f25-48b3-8fb4-1c94cf83604b@nvidia.com"
NVME_V2_PATCH = "20251117202414.4071380-2-mkhalfella@purestorage.com"
_SPLIT = re.compile(rb"^From mboxrd@z[^\n]*\n", re.M)
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$")


def read_mbox(path: Path, url_base: str | None = None) -> list[Message]:
    """Every message of an mboxrd file, parsed by ``parse_item``."""
    out: list[Message] = []
    parts = [p for p in _SPLIT.split(path.read_bytes()) if p.strip()]
    for i, raw in enumerate(parts):
        raw = re.sub(rb"^>(>*From )", rb"\1", raw, flags=re.M)
        prov = Provenance(str(path.name), "mbox", str(i))
        for item in parse_item(RawItem(raw, "mail", prov)):
            assert isinstance(item, Message), item
            if url_base:
                url = f"{url_base}{item.msgid}/"
                item = _with_url(item, url)
            out.append(item)
    return out


def _with_url(msg: Message, url: str) -> Message:
    from dataclasses import replace

    return replace(msg, provenance=replace(msg.provenance, url=url))


def all_messages() -> dict[str, list[Message]]:
    return {
        "xen": read_mbox(XEN), "brd": read_mbox(BRD, LORE), "nvme": read_mbox(NVME, LORE),
        "nvme_v2": read_mbox(NVME_V2, LORE),
    }


def patch_of(msg: Message) -> Patch:
    """The message's own diff (depth-0 ``diff`` segments) as a Patch: a small real parser."""
    files: list[FileDiff] = []
    for seg in msg.segments:
        if seg.kind == "diff" and seg.depth == 0:
            files.extend(_files(msg.msgid, seg.text, len(files)))
    return Patch(msg.msgid, tuple(files), series=msg.subject.clean, version=msg.subject.version)


def _files(msgid: str, text: str, first: int) -> list[FileDiff]:
    files: list[tuple[str, list[list[str]]]] = []
    for line in text.split("\n"):
        if line.startswith("+++ "):
            files.append((line[4:].removeprefix("b/").strip(), []))
        elif line.startswith("@@") and files:
            files[-1][1].append([line])
        elif (files and files[-1][1] and line[:1] in ("+", "-", " ", "")
              and not line.startswith("--- ")):
            files[-1][1][-1].append(line)
    return [FileDiff(path, path, tuple(_hunk(f"{msgid}:{first + i}:{j}", path, h)
                                        for j, h in enumerate(hunks)))
            for i, (path, hunks) in enumerate(files)]


def _hunk(hid: str, path: str, lines: list[str]) -> Hunk:
    m = _HUNK.match(lines[0])
    assert m, lines[0]
    old, new = int(m.group(1)), int(m.group(3))
    body: list[DiffLine] = []
    for ln in lines[1:]:
        sign = ln[:1] or " "
        body.append(DiffLine(sign, ln[1:], old if sign != "+" else None,  # type: ignore[arg-type]
                             new if sign != "-" else None))
        old += sign != "+"
        new += sign != "-"
    section = m.group(5).strip()
    fn = re.search(r"(\w+)\s*\(", section)
    return Hunk(hid, path, int(m.group(1)), int(m.group(2) or 1), int(m.group(3)),
                int(m.group(4) or 1), section, fn.group(1) if fn else None, tuple(body))


def thread_with(threads: list[Thread], msgid: str) -> Thread:
    return next(t for t in threads if msgid in t.message_ids)


def xen_analysis(thread: Thread, msgs: list[Message]) -> ThreadAnalysis:
    """Jan's patch moves spin_lock(&d1->event_lock); Julien's race objection about it."""
    by_id = {m.msgid: m for m in msgs}
    patch = patch_of(by_id[XEN_PATCH])
    close, bind = patch.hunks[0], patch.hunks[1]
    changes = (
        LockChange(XEN_PATCH, close.file, "evtchn_close", "moved", "d1->event_lock",
                   "spin_lock", "+", "acquire", "acquire moved after port_is_valid()",
                   (close.id,)),
        LockChange(XEN_PATCH, bind.file, "evtchn_bind_vcpu", "moved", "d->event_lock",
                   "spin_lock", "+", "acquire", "", (bind.id,)),
    )
    race = Objection(
        XEN_JULIEN, "Julien Grall",
        "evtchn_close() can be called with current != d and therefore, there is a risk that "
        "port_is_valid() may be valid and then invalid because d->valid_evtchns is "
        "decremented in evtchn_destroy().",
        "objection", ("race",),
        (Link("hunk", close.id, "quoted lines above"),
         Link("lock", "d1->event_lock", "matched lock change"),
         Link("function", "evtchn_close", "named in sentence")),
        ("rule:race.window",))
    return ThreadAnalysis(thread, tuple(by_id[m] for m in thread.message_ids if m in by_id),
                          patches=(patch,), lock_changes=changes, objections=(race,))


NVME_ABBA_A = ("queue freeze can be thought as one lock, so q->freeze_lock -> "
               "tag_set->tag_list_lock in timeout code path.")
NVME_ABBA_B = ("However, in blk_mq_exit_queue(), the lock order becomes "
               "tag_set->tag_list_lock -> q->freeze_lock.")


def nvme_analysis(thread: Thread, msgs: list[Message]) -> ThreadAnalysis:
    by_id = {m.msgid: m for m in msgs}
    patch = patch_of(by_id[NVME_ROOT])
    hwq = next(h for h in patch.hunks
               if any("update_nr_hwq_lock" in ln.text for ln in h.lines))
    changes = (LockChange(NVME_ROOT, hwq.file, "blk_mq_update_nr_hw_queues", "conversion",
                          "set->tag_list_lock", "mutex_lock", "-", "acquire",
                          "mutex_lock -> down_write(&set->tag_list_rwsem)", (hwq.id,)),)
    edges = (
        OrderEdge("set->update_nr_hwq_lock", "set->tag_list_rwsem", "code", NVME_ROOT,
                  "blk_mq_update_nr_hw_queues", evidence="down_write(&set->tag_list_rwsem);"),
        OrderEdge("set->update_nr_hwq_lock", "set->tag_list_lock", "code", NVME_ROOT,
                  "blk_mq_update_nr_hw_queues", change="removed",
                  evidence="mutex_lock(&set->tag_list_lock);"),
        OrderEdge("q->freeze_lock", "tag_set->tag_list_lock", "prose", NVME_MING_ORDER,
                  change="stated", evidence=NVME_ABBA_A),
        OrderEdge("tag_set->tag_list_lock", "q->freeze_lock", "prose", NVME_MING_ORDER,
                  "blk_mq_exit_queue", change="stated", evidence=NVME_ABBA_B),
    )
    objections = (
        Objection(NVME_CK, "Chaitanya Kulkarni",
                  "will it have any impact on existing users, if any, that are relying on "
                  "current mutex based implementation ?", "question", ("design",),
                  (Link("lock", "set->tag_list_lock", "matched lock change"),)),
        Objection(NVME_MING_ABBA, "Ming Lei",
                  "It is one AB-BA deadlock, lockdep should have complained it, but nvme "
                  "doesn't support owned freeze queue.", "objection", ("deadlock", "lock-order"),
                  (Link("lock", "tag_set->tag_list_lock", "named in thread"),)),
        Objection(NVME_MING_LAST, "Ming Lei",
                  "Probably it is nice to keep existing behavior to just freeze the 1st old "
                  "queue.", "suggestion", ("design",),
                  (Link("function", "blk_mq_add_queue_tag_set", "quoted lines above"),)),
    )
    return ThreadAnalysis(thread, tuple(by_id[m] for m in thread.message_ids if m in by_id),
                          patches=(patch,), lock_changes=changes, lock_order=edges,
                          objections=objections)


def nvme_v2_analysis(thread: Thread, msgs: list[Message]) -> ThreadAnalysis:
    by_id = {m.msgid: m for m in msgs}
    patch = patch_of(by_id[NVME_V2_PATCH])
    edges = (OrderEdge("set->update_nr_hwq_lock", "set->tag_list_rwsem", "code", NVME_V2_PATCH,
                       "blk_mq_update_nr_hw_queues",
                       evidence="down_write(&set->tag_list_rwsem);"),)
    return ThreadAnalysis(thread, tuple(by_id[m] for m in thread.message_ids if m in by_id),
                          patches=(patch,), lock_order=edges)


def build_corpus(path: Path) -> Corpus:
    """A corpus with the four fixture threads stored, threaded and analysed."""
    groups = all_messages()
    msgs = [m for ms in groups.values() for m in ms]
    corpus = Corpus.open(path)
    corpus.upsert_messages(msgs)
    threads = build_threads(corpus.thread_inputs())
    corpus.replace_threads(threads)
    corpus.save_analysis(xen_analysis(thread_with(threads, XEN_PATCH), msgs))
    corpus.save_analysis(nvme_analysis(thread_with(threads, NVME_ROOT), msgs))
    corpus.save_analysis(nvme_v2_analysis(thread_with(threads, NVME_V2_PATCH), msgs))
    return corpus
