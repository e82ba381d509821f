"""Cue phrase weights: phrases that mostly occur outside objections need a stance frame."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from threadscan.errors import ModelError
from threadscan.nlp import load_pipeline, tag_text
from threadscan.nlp.pipeline import MODEL_DIR, analyse
from threadscan.nlp.rules import Hit
from threadscan.nlp.weights import WEIGHTS_FILE, count, load_weak, mark, phrase_key, weak_keys


def hit(text: str, group: str = "latency") -> Hit:
    return Hit(group, f"{group}.words", 0, 1, text)


def test_counts_are_per_sentence_and_skip_negated_and_stance_hits() -> None:
    rows = [((hit("latency"), hit("latency")), False), ((hit("Latency"),), True),
            ((Hit("latency", "latency.words", 0, 1, "latency", negated=True),), True),
            ((Hit("suggestion", "suggestion.frames", 0, 1, "should"),), True)]
    assert count(rows) == {"latency.words:latency": [1, 1]}


def test_a_phrase_is_weak_when_its_smoothed_precision_is_low() -> None:
    counts = {"latency.words:latency": [18, 4], "race.words:race": [20, 30],
              "design.use_instead:use foo instead": [2, 0],
              "fairness.words:starve": [0, 1]}
    assert weak_keys(counts) == {"latency.words:latency"}


def test_marking_flags_only_listed_phrases() -> None:
    hits = (hit("latency"), hit("race", "race"))
    marked = mark(hits, frozenset({phrase_key(hits[0])}))
    assert [h.weak for h in marked] == [True, False]


def test_shipped_table_is_loaded_and_names_weak_phrases() -> None:
    weak = load_weak(MODEL_DIR)
    doc = json.loads((MODEL_DIR / WEIGHTS_FILE).read_text())
    assert weak and weak <= set(doc["counts"])
    assert load_pipeline().weak == weak


def test_weak_phrase_alone_is_not_an_objection_but_with_a_frame_it_is() -> None:
    pipe = load_pipeline()
    weak = sorted(k for k in pipe.weak if k.startswith("atomic-context.words:preempt_rt"))
    assert weak, "PREEMPT_RT is a weak phrase in the shipped table"
    # Real sentences from the labeled threads (linuxppc-dev-006, labeled "none").
    plain = "In non-PREEMPT_RT kernels leave task state untouched."
    (a,) = analyse(pipe, [plain])
    assert any(h.weak for h in a.hits)
    assert list(tag_text(plain, pipe)) == []
    framed = "This is wrong on PREEMPT_RT: you must not take a sleeping lock here."
    assert tag_text(framed, pipe)


def test_malformed_table_is_a_model_error(tmp_path: Path) -> None:
    (tmp_path / WEIGHTS_FILE).write_text('{"counts": {"a": "x"}}')
    with pytest.raises(ModelError):
        load_weak(tmp_path)
    assert load_weak(tmp_path / "absent") == frozenset()
