"""Each objection records which rules and model scores fired (the issue: "each objection
records which fired"): every category it names is explained by a cue rule of that category,
the model's score for it, or the objection beside it (``context:paragraph``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.archive_server import file_messages
from threadscan.extract import analyze_patches
from threadscan.model import Objection
from threadscan.nlp import tag_thread
from threadscan.nlp.pipeline import default_pipeline

SAMPLE = sorted((Path(__file__).resolve().parents[1] / "corpus" / "lore").glob("*.mbox"))


def explains(objection: Objection, category: str) -> bool:
    return any(f.startswith((f"rule:{category}.", "context:"))
               or (f.startswith("model:") and f":{category}=" in f) for f in objection.fired)


@pytest.mark.parametrize("mbox", SAMPLE, ids=lambda p: p.name[:40])
def test_every_category_of_an_objection_is_explained_by_what_fired(mbox: Path) -> None:
    msgs = list(file_messages(mbox))
    found = tag_thread(msgs, analyze_patches(msgs), default_pipeline()).objections
    unexplained = [(o.sentence, c, o.fired) for o in found for c in o.categories
                   if not explains(o, c)]
    assert unexplained == []


def test_a_category_the_model_gives_alone_is_recorded_with_its_score() -> None:
    # linux-block-005 (sample corpus): Christoph Hellwig's question has no cue of a category
    mbox = next(p for p in SAMPLE if p.name.startswith("linux-block-005"))
    msgs = list(file_messages(mbox))
    found = tag_thread(msgs, analyze_patches(msgs), default_pipeline()).objections
    [ob] = [o for o in found if o.sentence.startswith("Did you test this patch with a multi")]
    assert any(f.startswith("model:textcat.v1:lock-order=") for f in ob.fired)
