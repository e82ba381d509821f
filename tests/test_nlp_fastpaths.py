"""The tagger's fast paths give exactly what the plain paths give (issue 6 throughput).

Gated rule matchers vs one ungated Matcher, the model-input doc built from the sentence
doc vs the tokenized input, and repeated sentences analysed once vs each on its own; all
over the real review sentences of the dev label file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from threadscan.nlp.funcnames import described_functions
from threadscan.nlp.labels import iter_labels
from threadscan.nlp.pipeline import Pipeline, _input_doc, analyse, load_pipeline
from threadscan.nlp.rules import _api_patterns

DEV = Path(__file__).resolve().parents[1] / "training" / "labels" / "review-sentences.dev.jsonl"


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    return load_pipeline()


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return [lab.text for lab in iter_labels(DEV)]


def _ungated_hits(pipe: Pipeline, doc: Any) -> set[tuple[str, int, int]]:
    from spacy.matcher import Matcher

    m = Matcher(pipe.nlp.vocab)
    for group in (*pipe.cues.categories, *pipe.cues.stances):
        for rid, pats in group.patterns:
            m.add(rid, json.loads(pats))
        for rid, names in group.apis:
            if names:
                m.add(rid, _api_patterns(names))
    raw = [*pipe.rules.phrase_matcher(doc), *m(doc)]
    return {(doc.vocab.strings[mid], s, e) for mid, s, e in raw}


def test_gated_matchers_find_exactly_the_hits_of_one_matcher(pipe: Pipeline,
                                                             sentences: list[str]) -> None:
    from threadscan.nlp.entities import find_entities
    from threadscan.nlp.pipeline import _set_ents

    pattern_hits = 0
    for text in sentences:
        doc = pipe.nlp.make_doc(text)
        _set_ents(doc, find_entities(text, pipe.cues))
        gated = {(h.rule, h.start, h.end) for h in pipe.rules.apply(doc, text)}
        assert gated == _ungated_hits(pipe, doc), text
        pattern_hits += sum(1 for h in pipe.rules.apply(doc) if "." in h.rule and
                            h.rule.split(".")[1] in ("unlocked_access", "not_under_lock",
                                                     "wait_while_holding", "imperative"))
    assert pattern_hits > 0  # the gated token-pattern rules did fire on real sentences


def test_model_input_doc_is_the_tokenized_input(pipe: Pipeline, sentences: list[str]) -> None:
    for text in [*sentences, "cut here, mid sentence ", "zram->lock -> bdev->bd_mutex"]:
        doc = pipe.nlp.make_doc(text)
        for inp in (text, f"{text} zzctxreviewer zzcuerace zzentlock_api", f"{text} (x)"):
            built = _input_doc(pipe, text, inp, {text: doc})
            fresh = pipe.nlp.make_doc(inp)
            assert [(t.text, t.whitespace_) for t in built] == [
                (t.text, t.whitespace_) for t in fresh], inp


def test_repeated_sentences_are_analysed_like_single_ones(pipe: Pipeline,
                                                          sentences: list[str]) -> None:
    some = sentences[:12]
    doubled = analyse(pipe, [*some, *reversed(some)], ("zram->lock",))
    assert doubled[: len(some)] == list(reversed(doubled[len(some):]))
    alone = [analyse(pipe, [s], ("zram->lock",))[0] for s in some[:4]]
    assert doubled[:4] == alone
    assert any(a.hits for a in alone) or any(a.hits for a in doubled)


def test_described_functions_scores_word_runs_ending_in_the_head() -> None:
    names = ["p2m_pod_emergency_sweep", "p2m_pod_zero_check", "s_s_x"]
    text = "Regarding locking on emergency sweeps: ..."
    assert described_functions(text, names) == ["p2m_pod_emergency_sweep"]
    assert described_functions(text, [*names, "emergency__sweep"]) == ["emergency__sweep"]
    assert described_functions("the s x path", ["s_s_x", "foo_s_x"]) == ["s_s_x"]
