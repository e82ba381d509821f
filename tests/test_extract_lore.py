"""Lock extraction on real lore patches (copies in tests/data/extract, plus the shared corpus)."""

from __future__ import annotations

import mailbox
import re
from pathlib import Path

import pytest

from threadscan.extract import load_table, lock_changes, lock_ops, order_edges, parse_patch_text
from threadscan.extract.primitives import PrimitiveTable
from threadscan.model import LockOp, Patch

DATA = Path(__file__).parent / "data" / "extract"
SHARED = Path(__file__).resolve().parents[2] / "shared"
LOOP = DATA / "linux-block-028-loop-scale-loop-device-by-introducing-per-device-lock.mbox"
BRD = DATA / "linux-block-noobj-006-brd-remove-brd-devices-mutex-mutex.mbox"
XEN = DATA / "xen-devel-evtchn-defer-lock-acquire-v6.mbox"
DIFF_START = re.compile(r"^(diff |--- \S+\n\+\+\+ )", re.M)
NOT_CODE = re.compile(r'"(?:\\.|[^"\\])*"|/\*.*?\*/|//.*$')
KEYWORDS = {"return", "if", "while", "for", "switch", "sizeof", "else", "do", "case"}


@pytest.fixture(scope="module")
def table() -> PrimitiveTable:
    return load_table()


def bodies(path: Path) -> list[tuple[str, str]]:
    """(message id, text/plain body) of every message of an mbox (stdlib email, compat32)."""
    out = []
    for msg in mailbox.mbox(path):
        part = next((p for p in msg.walk() if p.get_content_type() == "text/plain"), None)
        payload = part.get_payload(decode=True) if part is not None else b""
        charset = (part.get_content_charset() if part is not None else None) or "utf-8"
        text = _decoded(payload, charset) if isinstance(payload, bytes) else ""
        out.append((str(msg["message-id"]).strip().strip("<>"), text))
    return out


def _decoded(payload: bytes, charset: str) -> str:
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # a charset Python does not know ("y" in the benchmark mbox)
        return payload.decode("utf-8", "replace")


def patches(path: Path) -> list[Patch]:
    out = []
    for msgid, text in bodies(path):
        m = DIFF_START.search(text)
        if m:
            out.append(parse_patch_text(text[m.start():], msgid))
    return out


def test_loop_per_device_lock_replaces_global_ctl_mutex(table: PrimitiveTable) -> None:
    [patch] = patches(LOOP)
    ops = lock_ops(patch, table)
    changes = lock_changes(patch, ops, table)
    replaced = {c.function for c in changes if c.kind == "replaced"}
    assert {"loop_change_fd", "loop_configure", "lo_release", "loop_set_status"} <= replaced
    [change] = [c for c in changes if c.function == "loop_change_fd"]
    assert change.detail == ("mutex_lock_killable -> mutex_lock_killable "
                             "(loop_ctl_mutex -> lo->lo_mutex)")
    [intro] = [c for c in changes if c.kind == "introduced"]
    assert (intro.lock, intro.file) == ("loop_device.lo_mutex", "drivers/block/loop.h")
    assert "mutex_init" in intro.detail


def test_loop_killable_lock_is_a_conditional_acquire(table: PrimitiveTable) -> None:
    [patch] = patches(LOOP)
    [op] = [o for o in lock_ops(patch, table) if o.function == "loop_change_fd"
            and o.sign == "+" and o.role != "release"]
    assert (op.primitive, op.role, op.lock, op.sleeps, op.ctx) == (
        "mutex_lock_killable", "cond_acquire", "lo->lo_mutex", "sleeping", "killable")


def test_brd_removed_mutex_is_retired_with_its_sections(table: PrimitiveTable) -> None:
    patch = patches(BRD)[0]
    changes = lock_changes(patch, lock_ops(patch, table), table)
    kinds = sorted((c.kind, c.function or "") for c in changes)
    assert kinds == [("retired", ""), ("section-removed", "brd_alloc"),
                     ("section-removed", "brd_del_one")]
    [retired] = [c for c in changes if c.kind == "retired"]
    assert (retired.lock, retired.primitive) == ("brd_devices_mutex", "DEFINE_MUTEX")


def test_xen_deferred_event_lock_acquire_shrinks_the_section(table: PrimitiveTable) -> None:
    patch = patches(XEN)[0]
    changes = lock_changes(patch, lock_ops(patch, table), table)
    assert sorted((c.function, c.kind, c.lock) for c in changes) == [
        ("evtchn_bind_vcpu", "shrunk", "d->event_lock"),
        ("evtchn_close", "shrunk", "d1->event_lock"),
    ]
    assert order_edges(patch, table) == []


def expected_calls(patch_text: str, table: PrimitiveTable) -> set[tuple[str, str, str]]:
    """Independent scan: (sign, primitive, line) for +/- lines calling a table primitive."""
    names = sorted((n for n, p in table.primitives.items() if not p.query), key=len, reverse=True)
    call = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\s*\(")
    out = set()
    in_comment, is_c = False, True
    for line in patch_text.split("\n"):
        if line.startswith("+++ "):
            is_c = line.split()[1].endswith((".c", ".h"))  # docs quote calls that are not code
        if not is_c or line[:1] not in ("+", "-", " ") or line.startswith(("+++", "---")):
            continue
        code = NOT_CODE.sub("", line[1:]).strip()
        was_comment, in_comment = in_comment, _comment_state(line[1:], in_comment)
        if line[0] == " " or was_comment or code.startswith(("*", "/*", "#define")):
            continue
        for m in call.finditer(code):
            if not _is_definition(code, m.start()):
                out.add((line[0], m.group(1), line[1:]))
    return out


def expected_functions(patch_text: str) -> dict[tuple[str, str, int], str | None]:
    """Independent per-line function, keyed (file, sign, line number): the @@ section's
    name, then the last column-0 ``name(`` line of the same image (``-`` lines: pre-image)."""
    out: dict[tuple[str, str, int], str | None] = {}
    func: dict[str, str | None] = {"-": None, "+": None}
    path, numbers = "", {"-": 0, "+": 0}
    for line in patch_text.split("\n"):
        hunk = re.match(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@ ?(.*)$", line)
        if line.startswith("+++ "):
            path = line[4:].split("\t")[0].removeprefix("b/")
        elif hunk:
            numbers = {"-": int(hunk.group(1)), "+": int(hunk.group(2))}
            m = re.search(r"(\w+)\s*\(", hunk.group(3))
            name = m.group(1) if m and not hunk.group(3).endswith(";") else None
            func = {"-": name, "+": name}
        elif line[:1] in ("+", "-", " "):
            sides = ("-", "+") if line[0] == " " else (line[0],)
            side = "-" if line[0] == "-" else "+"
            out[(path, line[0], numbers[side])] = _walk_function(line[1:], func[side])
            for s in sides:
                func[s] = _next_function(line[1:], func[s])
                numbers[s] += 1
    return out


def _walk_function(body: str, current: str | None) -> str | None:
    if body.startswith("#define"):
        return None
    return _next_function(body, current) if not body.startswith("}") else current


def _next_function(body: str, current: str | None) -> str | None:
    if body.startswith(("}", "#define")):
        return None
    m = re.match(r"^(?:[A-Za-z_][\w\s\*]*?[\s\*])?(\w+)\s*\(", body)
    if m and m.group(1) not in KEYWORDS and "=" not in body.split("(")[0] \
            and not body.rstrip().endswith((";", "\\")):
        return m.group(1)
    return current


def _comment_state(text: str, inside: bool) -> bool:
    for tok in re.findall(r"/\*|\*/", re.sub(r'"(?:\\.|[^"\\])*"', "", text)):
        inside = tok == "/*"
    return inside


def _is_definition(code: str, start: int) -> bool:
    """``static inline void arch_spin_lock(arch_spinlock_t *lock)`` or a prototype."""
    head = code[:start]
    if "=" in head or "(" in head or (code.endswith(";") and not head.strip()):
        return False
    words = head.split()
    if words and words[0] in KEYWORDS:
        return False
    return bool(words) or bool(re.search(r"\((?:const |struct |unsigned |int |void)", code))


def _key(op: LockOp) -> tuple[str, str, int]:
    return (op.file, op.sign, (op.old_no if op.sign == "-" else op.new_no) or 0)


def measure(paths: list[Path], table: PrimitiveTable) -> tuple[int, int, list[str]]:
    """Recall of table calls on +/- lines, and the misses; a hit must also agree on the
    function whenever the independent walk names one."""
    hits = total = 0
    misses: list[str] = []
    for path in paths:
        for _msgid, text in bodies(path):
            m = DIFF_START.search(text)
            if not m:
                continue
            patch = parse_patch_text(text[m.start():], "m")
            funcs = expected_functions(text[m.start():])
            found = {(o.sign, o.primitive, o.text) for o in lock_ops(patch, table)
                     if funcs.get(_key(o)) in (None, o.function)}
            want = expected_calls(text[m.start():], table)
            total += len(want)
            hits += len(want & found)
            misses += [f"{path.name}: {w}" for w in sorted(want - found)]
    return hits, total, misses


def test_recall_on_copied_lore_patches_is_complete(table: PrimitiveTable) -> None:
    hits, total, misses = measure([LOOP, BRD, XEN, NVME], table)
    assert total >= 25 and misses == [] and hits == total


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.exists(), reason="../shared corpus not present")
def test_recall_on_all_lore_fixtures(table: PrimitiveTable) -> None:
    paths = sorted(SHARED.glob("fixtures/lore-*/*.mbox"))
    hits, total, misses = measure(paths, table)
    assert total > 900
    assert misses == [], misses[:10]
    assert hits / total == 1.0


NVME = DATA / "linux-block-022-nvme-convert-tag-list-mutex-to-rwsemaphore-to-avoid-deadlock.mbox"


def test_mutex_to_rwsem_conversion_with_renamed_field(table: PrimitiveTable) -> None:
    patch = patches(NVME)[0]
    changes = lock_changes(patch, lock_ops(patch, table), table)
    [decl] = [c for c in changes if c.function is None]
    assert (decl.kind, decl.lock) == ("conversion", "blk_mq_tag_set.tag_list_rwsem")
    assert decl.detail == ("struct mutex blk_mq_tag_set.tag_list_lock -> "
                           "struct rw_semaphore blk_mq_tag_set.tag_list_rwsem")
    [writer] = [c for c in changes if c.function == "blk_mq_add_queue_tag_set"]
    assert (writer.kind, writer.detail) == (
        "conversion", "mutex_lock -> down_write (set->tag_list_lock -> set->tag_list_rwsem)")
    readers = {c.function for c in changes if c.detail.startswith("mutex_lock -> down_read")}
    assert {"blk_mq_quiesce_tagset", "blk_mq_unquiesce_tagset"} <= readers


def test_conversion_keeps_the_nesting_under_the_new_lock(table: PrimitiveTable) -> None:
    edges = order_edges(patches(NVME)[0], table)
    pairs = {(e.function, e.outer, e.inner, e.change) for e in edges}
    assert ("blk_mq_update_nr_hw_queues", "set->update_nr_hwq_lock", "set->tag_list_lock",
            "removed") in pairs
    assert ("blk_mq_update_nr_hw_queues", "set->update_nr_hwq_lock", "set->tag_list_rwsem",
            "added") in pairs
