"""Cue phrases match however they are capitalised (rules only, no model).

The code-aware tokenizer keeps capitalised words like "AB-BA" or "CAN'T" whole but splits
their lower-case spelling, so each phrase is compiled in both spellings (rules._phrase_docs).
"""

from __future__ import annotations

import pytest

from threadscan.nlp.pipeline import Pipeline, analyse, load_pipeline
from threadscan.nlp.rules import spellings
from threadscan.nlp.weights import phrase_key


@pytest.fixture(scope="module")
def rules() -> Pipeline:
    return load_pipeline(None)


def _phrases(pipe: Pipeline) -> list[tuple[str, str]]:
    return [(rid, p) for group in (*pipe.cues.categories, *pipe.cues.stances)
            for rid, phrases in group.phrases for p in phrases]


def test_every_cue_phrase_matches_in_every_spelling_and_sentence_case(
        rules: Pipeline) -> None:
    phrases = _phrases(rules)
    variants = [(rid, v) for rid, p in phrases
                for v in (*spellings(p), p[:1].upper() + p[1:])]
    found = analyse(rules, [v for _, v in variants])
    missed = [(rid, v) for (rid, v), a in zip(variants, found, strict=True)
              if rid not in {h.rule for h in a.hits}]
    assert len(phrases) > 1000
    assert missed == []


def test_capitalised_ab_ba_is_a_lock_order_cue(rules: Pipeline) -> None:
    # Ming Lei on linux-block (tests/data/store/linux-block-022-...mbox), shared dev label
    # lock-order + deadlock
    text = ("It is one AB-BA deadlock, lockdep should have complained it, but nvme doesn't "
            "support owned freeze queue.")
    groups = {h.group for h in analyse(rules, [text])[0].hits if not h.negated}
    assert {"lock-order", "deadlock"} <= groups


def test_typographic_apostrophes_and_quotes_read_as_ascii_ones(rules: Pipeline) -> None:
    """Every labeled review sentence with an ASCII apostrophe or quote analyses the same
    when a mail client made them typographic ("don’t", “...”), and keeps its own text."""
    from pathlib import Path

    from threadscan.nlp.labels import load_dir

    labels = load_dir(Path(__file__).resolve().parents[1] / "training" / "labels")
    plain = sorted({lab.text for lab in labels if "'" in lab.text or '"' in lab.text})
    curly = [t.replace("n't", "n\u2019t").replace("'", "\u2018").replace('"', "\u201c")
             for t in plain]
    assert len(plain) > 500
    for p, c, a, b in zip(plain, curly, analyse(rules, plain), analyse(rules, curly),
                          strict=True):
        assert [(h.rule, h.start, h.negated) for h in a.hits] == \
            [(h.rule, h.start, h.negated) for h in b.hits], (p, c)


def test_curly_negation_is_a_negation(rules: Pipeline) -> None:
    from threadscan.nlp import tag_text

    assert tag_text("I don\u2019t think this can deadlock.", rules) == []
    [obj] = tag_text("It doesn\u2019t scale.", rules)
    assert obj.categories == ("latency",) and obj.sentence == "It doesn\u2019t scale."


@pytest.mark.parametrize("variant", [
    "It is one AB-BA dead\u00adlock, lockdep should have complained it.",  # soft hyphen
    "It is one AB-BA \u200bdeadlock, lockdep should have complained it.",  # zero-width space
    "It is one AB\u2011BA\u00a0deadlock, lockdep should have complained it.",  # nb hyphen/space
])
def test_web_page_characters_do_not_hide_cues(rules: Pipeline, variant: str) -> None:
    from threadscan.nlp import tag_text

    [obj] = tag_text(variant, rules)
    assert set(obj.categories) >= {"lock-order", "deadlock"}
    assert obj.sentence.replace("\u00a0", " ") == variant.replace("\u00a0", " ")  # as written


def test_spellings_are_british_spaced_and_capital_forms_of_the_listed_phrase() -> None:
    assert spellings("serialization") == (
        "serialization", "serialisation", "SERIALIZATION", "SERIALISATION")
    assert "use after free" in spellings("use-after-free")
    assert spellings("size") == ("size", "SIZE")  # too short a stem to be an -ize verb


def test_a_spelling_counts_as_the_listed_phrase_for_the_cue_weights(rules: Pipeline) -> None:
    british, american = analyse(rules, ["This path is not serialised against the reset.",
                                        "This path is not serialized against the reset."])
    assert [phrase_key(h) for h in british.hits] == [phrase_key(h) for h in american.hits]
    assert "race.words:not serialized against" in {phrase_key(h) for h in british.hits}


@pytest.mark.parametrize(("text", "stance"), [
    # OBJECTION-GUIDE.md rule 7: timing-API advice, with the API named bare
    ("Any reason to use mdelay over msleep for a 50ms wait?", "question"),
    ("Please, use usleep_range for 1 millisecond timeout", "suggestion"),
])
def test_sleep_apis_named_without_parentheses_are_latency_cues(
        rules: Pipeline, text: str, stance: str) -> None:
    from threadscan.nlp import tag_text

    [obj] = tag_text(text, rules)
    assert (obj.stance, obj.categories) == (stance, ("latency",))


def test_very_short_api_names_are_cues_only_as_calls(rules: Pipeline) -> None:
    bare, call = analyse(rules, ["It frees 10 mb of memory.", "This needs an mb() here."])
    assert "memory-ordering" not in {h.group for h in bare.hits}
    assert "memory-ordering" in {h.group for h in call.hits}
