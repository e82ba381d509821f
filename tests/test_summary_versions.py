"""Outcomes across versions on real lore threads: MTE for KVM guests v11 -> v14 (kvmarm)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_report_golden import analyze_file, pipeline_ready
from threadscan.model import ThreadAnalysis
from threadscan.report import build_summary, pick_later_versions

SHARED = Path(__file__).resolve().parents[2] / "shared"
KVMARM = SHARED / "fixtures" / "lore-kvmarm"
V11 = KVMARM / "kvmarm-005-kvm-arm64-ioctl-to-fetch-store-tags-in-a-guest.mbox"
V14 = KVMARM / "kvmarm-004-kvm-arm64-ioctl-to-fetch-store-tags-in-a-guest.mbox"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not V11.exists(), reason="needs ../shared"),
    pytest.mark.skipif(not pipeline_ready(), reason="pipeline not assembled yet"),
]


@pytest.fixture(scope="module")
def mte() -> tuple[ThreadAnalysis, ThreadAnalysis]:
    return analyze_file(V11), analyze_file(V14)


def test_mte_v11_roles_steven_author_catalin_reviewer(
    mte: tuple[ThreadAnalysis, ThreadAnalysis],
) -> None:
    s = build_summary(mte[0])
    roles = {p.name: p.role for p in s.participants}
    assert roles["Steven Price"] == "author"  # posted the series
    assert roles["Catalin Marinas"] == "reviewer"  # sent a diff only as a reply
    assert s.versions == (11,)


def test_mte_test_bit_objection_gets_stevens_reply_and_v14_change(
    mte: tuple[ThreadAnalysis, ThreadAnalysis],
) -> None:
    s = build_summary(mte[0], later_versions=[mte[1]])
    assert s.versions == (11, 14)
    item = next(d for d in s.debate if d.sentence.startswith("I don't think we need another "
                                                             "test_bit() here"))
    assert item.speaker == "Catalin Marinas"
    assert item.outcome.reply == "Good point - I'll change that to a straight set_bit()."
    assert item.outcome.replier == "Steven Price"
    assert item.outcome.code_changed is True
    assert item.outcome.detail == "v14 changed the linked lock code"
    assert "mte_sync_page_tags" in [r.function for r in item.code]


def test_pick_later_versions_finds_v14_for_v11_only(
    mte: tuple[ThreadAnalysis, ThreadAnalysis],
) -> None:
    v11, v14 = mte
    assert pick_later_versions(v11, [v14, v11]) == (v14,)
    assert pick_later_versions(v14, [v11]) == ()
