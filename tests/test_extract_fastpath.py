"""The extract stage's speed paths give exactly what the slow paths give.

- canonical diff text (``repair_diff`` output) read without unidiff == read by unidiff;
- identity-keyed memoisation: equal-but-distinct inputs give equal results, the same
  input gives the same (shared) result;
- the whole lock analysis of a patch does not depend on what was analysed before it.
"""

from __future__ import annotations

import lzma
from pathlib import Path

import pytest

from threadscan.extract import (
    analyze_patches,
    find_patches,
    load_table,
    lock_changes,
    lock_ops,
    order_edges,
)
from threadscan.extract.ccode import code_texts
from threadscan.extract.diff import _parse_simple, _parse_unidiff
from threadscan.extract.memo import identity_cache
from threadscan.extract.relevance import has_lock_calls, may_lock
from threadscan.extract.repair import repair_diff
from threadscan.mail import parse_item
from threadscan.model import DiffLine, Message, RawItem
from threadscan.sources.files import iter_stream

DATA = Path(__file__).parent / "data" / "extract"
SHARED = Path(__file__).resolve().parents[2] / "shared"
BENCH = SHARED / "fixtures" / "lore-linux-block-bench" / "linux-block-2025q3.mbox.xz"
LOOP = DATA / "linux-block-028-loop-scale-loop-device-by-introducing-per-device-lock.mbox"
NO_NEWLINE = DATA / "0011-no-newline-at-end-of-file.mbox"


def _messages(data: bytes, limit: int | None = None) -> list[Message]:
    out: list[Message] = []
    for item in iter_stream(iter(data.splitlines(keepends=True)), "test", "mbox"):
        if isinstance(item, RawItem):
            out.extend(m for m in parse_item(item) if isinstance(m, Message))
        if limit is not None and len(out) >= limit:
            break
    return out


def _diff_texts(messages: list[Message]) -> list[tuple[str, str, bool]]:
    """(text, msgid, quoted) of every diff the messages carry, as find_patches joins them."""
    out = []
    for msg in messages:
        for quoted in (False, True):
            segs = [s.text for s in msg.segments if s.kind == "diff" and (s.depth > 0) == quoted]
            if segs:
                out.append(("\n".join(segs), msg.msgid, quoted))
    return out


def _compare(texts: list[tuple[str, str, bool]]) -> tuple[int, int]:
    """Assert simple == unidiff wherever the simple path answers; (simple, fallback) counts."""
    simple = fallback = 0
    for text, msgid, quoted in texts:
        canonical = repair_diff(text, quoted=quoted).text
        if not canonical:
            continue
        fast = _parse_simple(canonical, msgid, 0)
        if fast is None:
            fallback += 1
            continue
        simple += 1
        assert fast == _parse_unidiff(canonical, msgid, 0), msgid
    return simple, fallback


def test_loop_series_is_read_without_unidiff_and_identically() -> None:
    simple, _ = _compare(_diff_texts(_messages(LOOP.read_bytes())))
    assert simple >= 3


def test_every_extract_fixture_reads_the_same_on_both_paths() -> None:
    for path in sorted(DATA.glob("*.mbox")):
        _compare(_diff_texts(_messages(path.read_bytes())))


def test_no_newline_marker_goes_to_unidiff() -> None:
    texts = _diff_texts(_messages(NO_NEWLINE.read_bytes()))
    canonical = [repair_diff(t, quoted=q).text for t, _, q in texts]
    marked = [c for c in canonical if "\n\\" in c]
    assert marked and all(_parse_simple(c, "m", 0) is None for c in marked)


def test_identity_cache_shares_results_only_for_the_same_object() -> None:
    calls: list[tuple[int, ...]] = []

    @identity_cache(maxsize=4)
    def total(values: tuple[int, ...]) -> list[int]:
        calls.append(values)
        return [sum(values)]

    first = (1, 2, 3)
    equal = tuple([1, 2, 3])
    assert total(first) is total(first)
    assert total(equal) == [6]
    assert len(calls) == 2  # an equal but distinct tuple is computed again


def test_code_texts_of_a_list_and_of_a_tuple_agree() -> None:
    lines = (DiffLine("+", 'x = "/* no */"; /* yes */ y();', None, 1),
             DiffLine(" ", "  still /* open", 1, 2), DiffLine("-", "gone */ z();", 2, None))
    assert code_texts(list(lines)) == code_texts(lines)
    assert code_texts(lines)[0] == 'x = "' + " " * 8 + '"; ' + " " * 9 + " y();"


def test_lock_analysis_of_a_patch_does_not_depend_on_earlier_patches() -> None:
    table = load_table()
    messages = _messages(LOOP.read_bytes())
    patches = [p for m in messages for p in find_patches(m) if not p.quoted]
    together = analyze_patches(messages, table=table)
    for patch in reversed(patches):  # fresh order: caches hold other patches
        ops = lock_ops(patch, table)
        assert set(ops) <= set(together.lock_ops)
        assert set(lock_changes(patch, ops, table)) <= set(together.lock_changes)
        assert set(order_edges(patch, table)) <= set(together.lock_order)
    assert any(op.lock == "lo->lo_mutex" for op in together.lock_ops)


def test_lock_free_patch_is_skipped_and_lock_patch_is_not() -> None:
    table = load_table()
    patches = [p for path in sorted(DATA.glob("*.mbox")) for m in _messages(path.read_bytes())
               for p in find_patches(m) if not p.quoted]
    flags = [has_lock_calls(p, table) for p in patches]
    assert any(flags) and not all(flags)
    for patch, flag in zip(patches, flags, strict=True):
        if not flag:  # the pre-check may only skip patches that have no lock operation
            assert order_edges(patch, table) == []
            assert all(op.role in ("declare", "define") for op in lock_ops(patch, table))


def test_may_lock_sees_primitives_guards_and_lock_like_names_only() -> None:
    table = load_table()
    assert may_lock(["\tmutex_lock(&lo->lo_mutex);"], table, {})
    assert may_lock(["\tguard(spinlock_irqsave)(&q->lock);"], table, {})
    assert may_lock(["\tfoo_unlock_all(q);"], table, {})
    assert not may_lock(["\tkfree(lo);", "\treturn 0;", "mutex_lock"], table, {})


@pytest.mark.shared
@pytest.mark.skipif(not BENCH.exists(), reason="shared corpus not present")
def test_bench_archive_reads_the_same_on_both_paths() -> None:
    messages = _messages(lzma.decompress(BENCH.read_bytes()), limit=800)
    simple, fallback = _compare(_diff_texts(messages))
    assert simple > 10 * max(fallback, 1)
