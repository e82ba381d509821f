"""The classifier reads only the message segments that can hold an objection (pipeline.analyse
``groups``): the decisions are the same as when it reads every sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.archive_server import file_messages
from threadscan.extract import analyze_patches
from threadscan.nlp.link import thread_code
from threadscan.nlp.pipeline import analyse, anchored, default_pipeline
from threadscan.nlp.stance import decide
from threadscan.nlp.tag import (
    description_keys,
    is_review,
    message_units,
    patch_authors,
    unit_contexts,
)

DATA = Path(__file__).parent / "data"
THREADS = [  # a control thread, and one where a quoted locking hunk anchors a sentence
    DATA / "nlp"
    / "linux-block-noobj-004-block-protect-debugfs-attributes-using-q-elevator-lock.mbox",
    DATA / "extract"
    / "linux-block-025-loop-remove-lo-refcount-and-avoid-lo-mutex-in-open-release.mbox",
]


@pytest.mark.parametrize("thread", THREADS, ids=lambda p: p.name[:24])
def test_classifying_only_segments_about_concurrency_changes_no_decision(thread: Path) -> None:
    msgs = file_messages(thread)
    pa = analyze_patches(msgs)
    code, authors, described = thread_code(pa), patch_authors(msgs, ()), description_keys(msgs)
    units = [u for mi, m in enumerate(msgs) for u in message_units(mi, m, authors)
             if is_review(u, described)]
    pipe = default_pipeline()
    need = pipe.cues.context_required
    args = ([u.text for u in units], code.idents, unit_contexts(units, pipe.cues),
            [u.para for u in units], code.taken)
    every = analyse(pipe, *args)
    gated = analyse(pipe, *args, [u.para[:2] for u in units])
    skipped = [g for g in gated if not g.stance_scores]
    assert skipped and len(skipped) < len(gated)  # this thread has both kinds of segment
    assert all(not anchored(g.hits, g.entities, g.text, g.context, need) for g in skipped)
    for u, a, g in zip(units, every, gated, strict=True):
        assert decide(a, pipe.model, strict=u.strict, required=need) == decide(
            g, pipe.model, strict=u.strict, required=need)
        if g.stance_scores:
            assert (g.cat_scores, g.stance_scores) == (a.cat_scores, a.stance_scores)
