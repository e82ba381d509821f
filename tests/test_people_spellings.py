"""One person under two spellings of their name: git send-email writes "Roger Pau Monne",
his mail client "Roger Pau Monné" (corpus/lore, hvc/xen thread, Nov 2022)."""

from __future__ import annotations

from pathlib import Path

from tests.archive_server import file_messages
from threadscan.mail.attribution import fold_name
from threadscan.pipeline import analyze_thread
from threadscan.report import build_summary
from threadscan.thread import build_threads

HVC = (Path(__file__).resolve().parents[1] / "corpus" / "lore" /
       "linuxppc-dev-xen-002-hvc-xen-prevent-concurrent-accesses-to-the-shared-ring.mbox")


def test_names_compare_without_accents_case_or_spacing() -> None:
    assert fold_name("Roger Pau Monné") == fold_name("roger  pau MONNE") == "roger pau monne"
    assert fold_name("Philippe Mathieu-Daudé") != fold_name("Philippe Mathieu")


def test_the_patch_author_under_another_spelling_is_still_the_author() -> None:
    msgs = file_messages(HVC)
    assert {m.author.name for m in msgs if m.author.email == "roger.pau@citrix.com"} == {
        "Roger Pau Monne", "Roger Pau Monné"}
    [thread] = build_threads(msgs)
    summary = build_summary(analyze_thread(thread, msgs))
    [roger] = [p for p in summary.participants if fold_name(p.name) == "roger pau monne"]
    assert roger.role == "author" and roger.messages == 3
    # his own answers are the author's explanations, not review objections
    spoken = {fold_name(o.speaker or "") for o in analyze_thread(thread, msgs).objections}
    assert "roger pau monne" not in spoken and "stefano stabellini" in spoken
