"""Labeled sentences come from their source messages; the extractor reproduces the label files."""

from __future__ import annotations

import email
import email.policy
import mailbox
import re
from pathlib import Path

import pytest

from tests.scriptmod import load_script as load_script_named
from tests.test_labels_files import THREADS, load_script, records, thread_files

DATA = Path(__file__).resolve().parent / "data" / "labels"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SPACE = re.compile(r"\s+")


def bodies_by_msgid(mbox_path: Path) -> dict[str, str]:
    """Message-ID -> decoded text/plain body, whitespace collapsed (not using the script)."""
    out: dict[str, str] = {}
    for msg in mailbox.mbox(mbox_path, create=False):
        parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.compat32)
        parts = []
        for part in parsed.walk():
            payload = part.get_payload(decode=True)
            if part.get_content_type() == "text/plain" and isinstance(payload, bytes):
                parts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
        out[str(parsed.get("Message-ID", "")).strip().strip("<>")] = SPACE.sub(" ", " ".join(parts))
    return out


def assert_sentences_occur(label_file: Path, mbox_path: Path) -> None:
    bodies = bodies_by_msgid(mbox_path)
    for rec in records(label_file):
        assert rec["msgid"] in bodies, rec["id"]
        assert SPACE.sub(" ", rec["text"]) in bodies[rec["msgid"]], rec["id"]


def assert_extractor_reproduces(label_file: Path, mbox_path: Path) -> None:
    script = load_script()
    got = [(c.id, c.text, c.speaker, c.msgid) for c in script.iter_candidates(mbox_path)]
    want = [(r["id"], r["text"], r["speaker"], r["msgid"]) for r in records(label_file)]
    assert got == want


@pytest.mark.parametrize("mbox", sorted(DATA.glob("*.mbox")), ids=lambda p: p.stem[:30])
def test_local_copies_sentences_occur_in_their_messages(mbox: Path) -> None:
    assert_sentences_occur(THREADS / f"{mbox.stem}.jsonl", mbox)


@pytest.mark.parametrize("mbox", sorted(DATA.glob("*.mbox")), ids=lambda p: p.stem[:30])
def test_local_copies_extractor_reproduces_label_file(mbox: Path) -> None:
    assert_extractor_reproduces(THREADS / f"{mbox.stem}.jsonl", mbox)


def test_extractor_drops_quotes_attribution_and_keeps_review_trailer() -> None:
    script = load_script()
    name = "linux-block-noobj-010-null-blk-fix-null-ptr-dereference-while-configuring-power-an"
    texts = [c.text for c in script.iter_candidates(DATA / f"{name}.mbox")]
    assert "Reviewed-by: Zhu Yanjun <yanjun.zhu@linux.dev>" in texts
    assert not any(t.startswith(">") or t.endswith("wrote:") for t in texts)
    assert not any("Signed-off-by" in t or "mutex_lock(&lock);" in t for t in texts)


def test_extractor_joins_wrapped_lines_and_drops_code_comment() -> None:
    script = load_script()
    cands = list(script.iter_candidates(DATA / "xen-devel-evtchn-defer-lock-acquire-v6.mbox"))
    jan = [c.text for c in cands if c.id.startswith("xen-devel-evtchn-defer-lock-acquire-v6:5:")]
    assert jan[1] == ("... ahead of port_is_valid() (and not, as I did intend originally, "
                      "in evtchn_close()).")
    assert not any("struct evtchn_port_ops" in t for t in jan)


def test_extractor_skips_the_patch_posting_itself() -> None:
    script = load_script()
    cands = list(script.iter_candidates(DATA / "xen-devel-evtchn-defer-lock-acquire-v6.mbox"))
    assert {c.id.split(":")[1] for c in cands} == {"1", "2", "3", "4", "5"}


def shared_pairs() -> list[tuple[Path, Path]]:
    if not SHARED.is_dir():
        return []
    pairs = []
    for label_file in thread_files():
        found = bench_threads().thread_mbox(f"{label_file.stem}.mbox", SHARED / "fixtures")
        pairs.append((label_file, found or SHARED / "missing"))
    return pairs


def bench_threads():  # type: ignore[no-untyped-def]
    """scripts/bench_threads.py (fixture threads, and benchmark threads cut on demand)."""
    return load_script_named("bench_threads")


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent")
@pytest.mark.parametrize("pair", shared_pairs(), ids=lambda p: p[0].stem[:30])
def test_shared_every_label_file_matches_its_fixture_thread(pair: tuple[Path, Path]) -> None:
    label_file, mbox = pair
    assert mbox.is_file(), label_file.name
    assert_sentences_occur(label_file, mbox)
    assert_extractor_reproduces(label_file, mbox)
