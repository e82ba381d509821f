"""The labeling tools: merging an annotation file, annotator agreement, benchmark threads."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.scriptmod import load_script

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "labels"
LABELS = REPO / "training" / "labels"
SHARED = REPO.parent / "shared"
NOOBJ010 = "linux-block-noobj-010-null-blk-fix-null-ptr-dereference-while-configuring-power-an"


def script(name: str) -> ModuleType:
    return load_script(name)


def write_annotations(path: Path, anns: list[dict]) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in anns))
    return path


def test_merge_lists_every_candidate_and_applies_the_annotations(tmp_path: Path) -> None:
    mbox = DATA / f"{NOOBJ010}.mbox"
    first = json.loads((LABELS / "threads" / f"{NOOBJ010}.jsonl").read_text().splitlines()[0])
    ann = write_annotations(tmp_path / "a.jsonl", [
        {"id": first["id"], "stance": "objection", "categories": ["race"], "locks": ["q->lock"]}])
    recs = script("merge_labels").merge(mbox, ann)
    shipped = [json.loads(x) for x in (LABELS / "threads" / f"{NOOBJ010}.jsonl").read_text()
               .splitlines()]
    assert [r["id"] for r in recs] == [r["id"] for r in shipped]
    assert (recs[0]["stance"], recs[0]["categories"], recs[0]["locks"]) == (
        "objection", ["race"], ["q->lock"])
    assert all(r["stance"] == "none" and r["categories"] == [] for r in recs[1:])
    assert {r["split"] for r in recs} == {shipped[0]["split"]}


def test_merge_rejects_unknown_category_and_unknown_id(tmp_path: Path) -> None:
    mbox = DATA / f"{NOOBJ010}.mbox"
    merge = script("merge_labels").merge
    bad_cat = write_annotations(tmp_path / "c.jsonl", [
        {"id": f"{NOOBJ010}:1:0", "stance": "objection", "categories": ["starvation"]}])
    with pytest.raises(SystemExit, match="bad stance/categories"):
        merge(mbox, bad_cat)
    bad_id = write_annotations(tmp_path / "i.jsonl", [
        {"id": f"{NOOBJ010}:99:0", "stance": "none"}])
    with pytest.raises(SystemExit, match="unknown ids"):
        merge(mbox, bad_id)


def test_second_annotation_covers_the_same_sentences_and_agreement_is_reported() -> None:
    agreement = script("agreement")
    pairs = agreement.pairs(LABELS / "threads", LABELS / "agreement")
    assert len({p.name for p in (LABELS / "agreement").glob("*.jsonl")}) == 4
    assert all(a["id"] == b["id"] and a["text"] == b["text"] for a, b in pairs)
    lines = agreement.report(pairs)
    # the numbers training/labels/README.md reports
    assert lines[0] == "356 sentences; objection-bearing: first 65, second 78, both 61"
    assert lines[1] == "detection agreement F1 0.85"
    assert lines[3] == "category macro-F1 0.79"
    readme = (LABELS / "README.md").read_text(encoding="utf-8")
    assert "detection agreement F1 0.85" in readme and "macro-F1 0.79" in readme


def test_benchmark_threads_group_by_references_and_keep_locking_talk() -> None:
    bench = script("bench_threads")
    raws = bench.messages(DATA / f"{NOOBJ010}.mbox")
    import mailbox

    msgs = [mailbox.mboxMessage(r) for r in raws]
    assert bench.group(msgs) == [list(range(len(msgs)))]  # one thread
    assert b"".join(raws) == (DATA / f"{NOOBJ010}.mbox").read_bytes()  # bytes unchanged
    assert str(msgs[1]["Subject"]).startswith("[PATCH v2]")
    assert not bench.locking_lines(msgs[1])  # the patch posting is not a reply
    assert bench.locking_lines(msgs[3]) == {
        "Will development interests grow for the usage of a statement like "
        "\u201cguard(mutex)(&lock);\u201d?"}
    assert not bench.locking_lines(msgs[0])  # a reply, but nothing about locking


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent")
def test_shared_every_benchmark_label_file_has_its_thread(tmp_path: Path) -> None:
    bench = script("bench_threads")
    names = {name for name, _ in bench.kept_threads(bench.DEFAULT_MBOX)}
    labeled = {p.stem for p in (LABELS / "threads").glob("bench-*.jsonl")}
    assert labeled and labeled <= names
