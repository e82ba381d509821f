"""nlp: which objections reviewers raised, who raised them, and which code they are about.

spaCy is imported lazily (only inside functions of this package), so
``import threadscan`` stays light.

    tag_text(text) -> list[Objection]                       # `threadscan tag`
    tag_thread(messages, analyze_patches(messages)) -> NlpResult

Pipeline: sentences.py (mail-aware splitting) -> pipeline.py (spacy.blank("en")
+ tokenizer.py + entities.py + rules.py/cues.v1.json + trained textcat in
model/) -> stance.py (rules + model combined) -> link.py / prose_order.py;
approvals.py for Acked-by/Reviewed-by/Tested-by and "looks good".
"""

from __future__ import annotations

from collections.abc import Sequence

from threadscan.model import Message, NlpResult, Objection, PatchAnalysis
from threadscan.nlp.approvals import approvals
from threadscan.nlp.link import thread_code
from threadscan.nlp.pipeline import Pipeline, default_pipeline, load_pipeline
from threadscan.nlp.prose_order import dedup_edges
from threadscan.nlp.sentences import paragraphs, split_paragraph
from threadscan.nlp.speakers import with_thread_speakers
from threadscan.nlp.tag import (
    Unit,
    description_keys,
    is_review,
    merge_duplicates,
    message_units,
    patch_authors,
    tag_units,
)

__all__ = ["Pipeline", "load_pipeline", "tag_text", "tag_thread"]


def tag_text(text: str, pipe: Pipeline | None = None) -> list[Objection]:
    """Objections in free text (msgid "", speaker None); no thread context."""
    units = [
        Unit("", None, sentence, False, 0, (0, 0, pi), "", (text,), in_thread=False)
        for pi, par in enumerate(paragraphs(text))
        for sentence in split_paragraph(par)
    ]
    objections, _ = tag_units(pipe or default_pipeline(), units, thread_code(PatchAnalysis()))
    return objections


def tag_thread(
    messages: Sequence[Message],
    patches: PatchAnalysis,
    pipe: Pipeline | None = None,
) -> NlpResult:
    """Objections (deduplicated across quotes), approvals and prose order edges of a thread;
    ``patches``: the extract stage's analysis of the same messages (its hunks, lock changes
    and code nesting edges are what sentences link to)."""
    code = thread_code(patches)
    authors = patch_authors(messages, (p.msgid for p in patches.patches if not p.quoted))
    described = description_keys(messages)
    units = [u for mi, m in enumerate(messages) for u in message_units(mi, m, authors)]
    units = [u for u in with_thread_speakers(units, messages, authors) if is_review(u, described)]
    objections, edges = tag_units(pipe or default_pipeline(), units, code)
    return NlpResult(
        objections=merge_duplicates(objections),
        approvals=approvals(messages),
        prose_edges=dedup_edges(edges),
    )
