"""The analysis codec writes the same patch JSON as ``dataclasses.asdict`` did (stored
corpora stay byte-compatible), on the real patches of a lore thread in tests/data/extract."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from tests.archive_server import file_messages
from threadscan.extract import analyze_patches
from threadscan.store.analysis_codec import patch_from_row, patch_row

THREAD = next((Path(__file__).parent / "data" / "extract").glob("linux-block-022-*.mbox"))


def test_patch_rows_hold_the_json_asdict_gave_and_read_back_equal() -> None:
    patches = analyze_patches(file_messages(THREAD)).patches
    assert patches
    for p in patches:
        row = patch_row(p)
        assert row[-1] == json.dumps([asdict(f) for f in p.files])
        assert patch_from_row(row) == p
