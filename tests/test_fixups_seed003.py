"""Seed 003 (Patchwork page, every message flattened onto one line): faithful diff rebuild.

The rebuilt patch must have, hunk by hunk, exactly the old/new line counts its
``@@`` header says: ``+ +`` is a blank added line then an added one, ``+ static``
after ``+}`` is a blank added line then a column-0 context line, vanished blank
context lines come back, and the replies that quote the patch keep their ``+``
lines. Without the replies (no quoted views), the counts alone recover the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from threadscan.mail import parse_item
from threadscan.mail.diffsplit import split_patch
from threadscan.model import Message, Provenance, RawItem

DATA = Path(__file__).parent / "data"
SEED = DATA / "seeds" / "003_7f74704c25fc2499.txt"
ZRAM_7 = (DATA / "html" / "patchwork" / "project" / "linux-block" / "patch" /
          "20251201094754.4149975-8-senozhatsky@chromium.org" / "mbox" / "index.mbox")
HUNK = re.compile(r"^@@ -\d+,(\d+) \+\d+,(\d+) @@")


def hunk_counts(text: str) -> list[tuple[int, int, int, int]]:
    """(old, new) from each header, then (old, new) counted from its lines."""
    out: list[list[int]] = []
    for line in text.split("\n"):
        m = HUNK.match(line)
        if m:
            out.append([int(m.group(1)), int(m.group(2)), 0, 0])
        elif out and not line.startswith(("diff ", "index ", "--- ", "+++ ")):
            sign = line[:1]
            out[-1][2] += sign != "+"
            out[-1][3] += sign != "-"
    return [(a, b, c, d) for a, b, c, d in out]


@pytest.fixture(scope="module")
def page() -> list[Message]:
    found = parse_item(RawItem(SEED.read_bytes(), "page-text", Provenance(str(SEED), "text")))
    return [m for m in found if isinstance(m, Message)]


def patch_lines(page: list[Message]) -> list[str]:
    (diff,) = page[0].segments_of("diff")
    return diff.text.split("\n")


def test_seed003_every_rebuilt_hunk_has_its_header_counts(page: list[Message]) -> None:
    counts = hunk_counts("\n".join(patch_lines(page)))
    assert len(counts) == 6
    assert all((old, new) == (got_old, got_new) for old, new, got_old, got_new in counts)


def test_seed003_added_lines_keep_their_plus(page: list[Message]) -> None:
    lines = patch_lines(page)
    for added in ("+ if (!mutex_trylock(&mvdev->state_mutex)) {",
                  "+ spin_lock_init(&mvdev->reset_lock);", "+ if (!mvdev->migrate_cap)",
                  "+ .err_handler = &mlx5vf_err_handlers,"):
        assert added in lines
    assert not [ln for ln in lines if ln.startswith("+ static")]


def test_seed003_blank_added_line_before_column0_context(page: list[Message]) -> None:
    lines = patch_lines(page)
    at = lines.index(" static int mlx5vf_pci_open_device(struct vfio_device *core_vdev)")
    assert lines[at - 2 : at + 2] == ["+}", "+", lines[at], " {"]
    at = lines.index(" static struct file *")
    assert lines[at - 1] == "+" and lines[at + 1].startswith(" mlx5vf_pci_set_device_state(")


def test_seed003_vanished_blank_context_lines_come_back(page: list[Message]) -> None:
    lines = patch_lines(page)
    at = next(i for i, ln in enumerate(lines) if ln.startswith("@@ -596,11 +643,17 @@"))
    assert lines[at + 1 : at + 4] == [" ", " MODULE_DEVICE_TABLE(pci, mlx5vf_pci_table);", " "]
    at = lines.index("@@ -562,6 +608,7 @@ static int mlx5vf_pci_probe(struct pci_dev *pdev,")
    assert lines[at + 1 : at + 3] == [" VFIO_MIGRATION_STOP_COPY |", " VFIO_MIGRATION_P2P;"]


def test_seed003_replies_quote_added_lines_as_plus_lines(page: list[Message]) -> None:
    alex1, jason1, alex2 = page[1:4]
    quoted = alex1.segments_of("diff")[0].text.split("\n")
    for added in ("+ u8 deferred_reset:1;", "+ spin_lock(&mvdev->reset_lock);",
                  "+ mlx5vf_state_mutex_unlock(mvdev);", "+/*", "+"):
        assert added in quoted
    complete = hunk_counts(alex1.segments_of("diff")[0].text)[:3]  # the 4th is cut short
    assert all((a, b) == (c, d) for a, b, c, d in complete)
    for reply, depth in ((jason1, 2), (alex2, 3)):
        diff = reply.segments_of("diff")[0]
        assert diff.depth == depth and diff.speaker == "Yishai Hadas"
        assert "- mutex_unlock(&mvdev->state_mutex);\n+ mlx5vf_state_mutex_unlock(mvdev);" \
            in diff.text


def test_seed003_counts_alone_rebuild_the_same_patch(page: list[Message]) -> None:
    flat = next(ln for ln in SEED.read_text().split("\n") if ln.startswith("diff --git"))
    assert split_patch(flat) == patch_lines(page)


def test_flattened_real_patch_is_rebuilt_line_for_line() -> None:
    [mail] = parse_item(RawItem(ZRAM_7.read_bytes(), "mail", Provenance(str(ZRAM_7), "mbox")))
    assert isinstance(mail, Message)
    text = next(s.text for s in mail.segments_of("diff") if "diff --git" in s.text)
    original = text[text.index("diff --git"):].rstrip("\n").split("\n")
    rebuilt = split_patch(" ".join(text[text.index("diff --git"):].split()))
    assert [ln.split() for ln in rebuilt] == [ln.split() for ln in original]

