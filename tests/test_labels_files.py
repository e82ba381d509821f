"""The hand-labeled dev set (training/labels/threads/*.jsonl): schema, vocabulary, split, README."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

from tests import scriptmod
from threadscan.model import CATEGORIES, STANCES

REPO = Path(__file__).resolve().parents[1]
THREADS = REPO / "training" / "labels" / "threads"
README = REPO / "training" / "labels" / "README.md"
FIELDS = {"id", "thread", "list", "msgid", "speaker", "text", "stance", "categories", "locks",
          "functions", "split"}
LISTS = {"linux-block", "linux-block-controls", "linuxppc-dev", "kvmarm", "virtualization",
         "xen-crosspost", "qemu-crosspost", "xen-devel-transcribed", "linux-block-bench"}
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def load_script() -> ModuleType:
    """scripts/extract_sentences.py as a module."""
    return scriptmod.load_script("extract_sentences")


def thread_files() -> list[Path]:
    return sorted(THREADS.glob("*.jsonl"))


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def all_records() -> list[dict[str, Any]]:
    return [rec for path in thread_files() for rec in records(path)]


def expected_split(thread: str) -> str:
    return "heldout" if int(hashlib.sha1(thread.encode()).hexdigest(), 16) % 3 == 0 else "train"


def test_at_least_30_threads_across_every_list() -> None:
    files = thread_files()
    assert len(files) >= 30
    assert {records(p)[0]["list"] for p in files} == LISTS


def test_about_1500_sentences_labeled() -> None:
    assert len(all_records()) >= 1400


def test_every_record_has_the_schema() -> None:
    for rec in all_records():
        assert FIELDS <= set(rec) <= FIELDS | {"note"}, rec["id"]
        for key in ("id", "thread", "list", "msgid", "speaker", "text", "stance", "split"):
            assert isinstance(rec[key], str) and rec[key], (rec["id"], key)
        for key in ("categories", "locks", "functions"):
            assert isinstance(rec[key], list), (rec["id"], key)


def test_stance_and_categories_use_the_v1_vocabulary() -> None:
    for rec in all_records():
        assert rec["stance"] in (*STANCES, "none"), rec["id"]
        assert set(rec["categories"]) <= set(CATEGORIES), rec["id"]
        assert len(set(rec["categories"])) == len(rec["categories"]), rec["id"]
        # none <=> no category; every objection-bearing sentence has one or more
        assert (rec["stance"] == "none") == (not rec["categories"]), rec["id"]


def test_links_are_normalized_lock_expressions_and_c_identifiers() -> None:
    for rec in all_records():
        for lock in rec["locks"]:
            assert lock and "&" not in lock and " " not in lock, (rec["id"], lock)
        for func in rec["functions"]:
            assert IDENT.match(func), (rec["id"], func)


def test_ids_are_unique_and_name_their_thread_file() -> None:
    ids = Counter(rec["id"] for rec in all_records())
    assert max(ids.values()) == 1
    for path in thread_files():
        for rec in records(path):
            stem, msg, sent = rec["id"].rsplit(":", 2)
            assert stem == path.stem and rec["thread"] == f"{path.stem}.mbox"
            assert msg.isdigit() and sent.isdigit()


def test_split_is_by_thread_and_follows_the_sha1_rule() -> None:
    for path in thread_files():
        splits = {rec["split"] for rec in records(path)}
        assert splits == {expected_split(f"{path.stem}.mbox")}, path.name


def test_heldout_is_about_a_third_spread_across_lists_with_two_controls() -> None:
    heldout = [records(p)[0] for p in thread_files() if records(p)[0]["split"] == "heldout"]
    assert 0.25 <= len(heldout) / len(thread_files()) <= 0.45
    assert len({rec["list"] for rec in heldout}) >= 5
    assert sum(rec["list"] == "linux-block-controls" for rec in heldout) >= 2


def test_xen_julien_race_sentence_is_an_objection_about_port_is_valid() -> None:
    recs = {r["id"]: r for r in records(THREADS / "xen-devel-evtchn-defer-lock-acquire-v6.jsonl")}
    rec = recs["xen-devel-evtchn-defer-lock-acquire-v6:1:3"]
    assert rec["speaker"] == "Julien Grall"
    assert rec["text"].startswith("evtchn_close() can be called with current != d")
    assert (rec["stance"], rec["categories"]) == ("objection", ["race"])
    assert "port_is_valid" in rec["functions"] and rec["locks"] == ["d->valid_evtchns"]


def test_author_rebuttal_with_race_words_is_none() -> None:
    recs = {r["id"]: r for r in records(THREADS / "xen-devel-evtchn-defer-lock-acquire-v6.jsonl")}
    rec = recs["xen-devel-evtchn-defer-lock-acquire-v6:3:0"]
    assert rec["speaker"] == "Jan Beulich" and "can't ever decrease" in rec["text"]
    assert rec["stance"] == "none"


def test_readme_lists_every_heldout_thread() -> None:
    text = README.read_text(encoding="utf-8")
    for path in thread_files():
        if records(path)[0]["split"] == "heldout":
            assert f"{path.stem}" in text, path.stem


def test_readme_count_table_matches_the_label_files() -> None:
    stats = load_script().label_stats(THREADS)
    text = README.read_text(encoding="utf-8")
    for key in ("threads", "sentences", "stance:objection", "category:race"):
        row = f"| {key} | " + " | ".join(str(stats[s].get(key, 0)) for s in sorted(stats)) + " |"
        assert row in text, row


def test_label_sentences_match_pipeline_sentences_by_whole_words() -> None:
    from threadscan.nlp.sentences import same_sentence, sentence_key

    # a one-word greeting label once matched every pipeline sentence with "this" in it
    hi, ob = sentence_key("Hi,"), sentence_key("I do not think this is safe for bfq since ...")
    assert not same_sentence(hi, ob)
    short = sentence_key("Same here.")
    assert same_sentence(short, sentence_key("Same here. console_lock_spinning_enable() takes "
                                             "console_owner_lock."))
    assert same_sentence(sentence_key("Hi,"), sentence_key("hi"))
    assert not same_sentence("", ob)
