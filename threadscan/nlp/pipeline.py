"""The spaCy pipeline: blank "en" + code tokenizer + code entities + rules + textcat.

``load_pipeline(model_dir)`` loads the shipped textcat weights (``nlp/model/``,
saved with ``nlp.to_disk`` by ``scripts/train_textcat.py``) with ``spacy.load``
— never a download — or falls back to ``spacy.blank("en")`` (rules only) when
no model is shipped. ``analyse(pipe, sentences)`` runs ``nlp.pipe`` in batches
and returns frozen ``Analysed`` records; spaCy objects never leave this module
(and ``rules.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadscan.errors import ModelError
from threadscan.nlp.cues import CueSet, load_cues
from threadscan.nlp.entities import Entity, find_entities
from threadscan.nlp.rules import Hit, RuleSet, build_rules
from threadscan.nlp.tokenizer import customize_tokenizer

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_DIR = Path(__file__).with_name("model")
MODEL_NAME = "textcat.v1"
ENTITY_COMPONENT = "threadscan_code_entities"
CAT_PREFIX = "cat:"
STANCE_PREFIX = "stance:"
BATCH = 256


@dataclass(frozen=True)
class Pipeline:
    nlp: Any  # spacy.language.Language
    rules: RuleSet
    cues: CueSet
    model: str | None  # "textcat.v1" when trained weights are loaded, else None


@dataclass(frozen=True)
class Analysed:
    """One sentence after the pipeline: cue hits, entities and model scores."""

    text: str
    hits: tuple[Hit, ...]
    entities: tuple[Entity, ...]
    cat_scores: tuple[tuple[str, float], ...] = ()
    stance_scores: tuple[tuple[str, float], ...] = ()

    def cat_score(self, cat: str) -> float:
        return dict(self.cat_scores).get(cat, 0.0)

    def stance_score(self, stance: str) -> float:
        return dict(self.stance_scores).get(stance, 0.0)


def _register_entity_factory() -> None:
    from spacy.language import Language

    if Language.has_factory(ENTITY_COMPONENT):
        return

    @Language.factory(ENTITY_COMPONENT)
    def make(nlp: Language, name: str) -> Any:
        return CodeEntities(load_cues())


@dataclass(frozen=True)
class CodeEntities:
    """spaCy component: LOCK / FUNC / LOCK_API / SPLAT spans from ``entities.py``."""

    cues: CueSet

    def __call__(self, doc: Doc) -> Doc:
        _set_ents(doc, find_entities(doc.text, self.cues))
        return doc


def _set_ents(doc: Doc, ents: Iterable[Entity]) -> None:
    from spacy.util import filter_spans

    spans = []
    for ent in ents:
        span = doc.char_span(ent.start, ent.end, label=ent.label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.ents = filter_spans(spans)


def blank_nlp() -> Language:
    """spacy.blank("en") with the code tokenizer (what training starts from)."""
    import spacy

    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    return nlp


def load_pipeline(model_dir: Path | None = MODEL_DIR) -> Pipeline:
    """Build the tagging pipeline; ModelError when shipped weights are broken."""
    import spacy

    cues = load_cues()
    model = None
    if model_dir is not None and (model_dir / "config.cfg").exists():
        try:
            nlp = spacy.load(model_dir)
        except (OSError, ValueError, KeyError) as err:
            raise ModelError(f"cannot load textcat model: {err}", file=str(model_dir)) from err
        customize_tokenizer(nlp)
        model = MODEL_NAME
    else:
        nlp = blank_nlp()
    _register_entity_factory()
    nlp.add_pipe(ENTITY_COMPONENT, first=True)
    return Pipeline(nlp, build_rules(nlp, cues), cues, model)


@functools.lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """The shipped pipeline, loaded once per process (a cache, not shared state)."""
    return load_pipeline()


def _scores(doc: Doc, prefix: str) -> tuple[tuple[str, float], ...]:
    return tuple(
        (k[len(prefix) :], float(v)) for k, v in sorted(doc.cats.items()) if k.startswith(prefix)
    )


def analyse(pipe: Pipeline, sentences: Sequence[str], known: Iterable[str] = ()) -> list[Analysed]:
    """Run the pipeline over sentences (batched ``nlp.pipe``)."""
    known_set = frozenset(known)
    out: list[Analysed] = []
    docs = pipe.nlp.pipe(sentences, batch_size=BATCH, disable=[ENTITY_COMPONENT])
    for text, doc in zip(sentences, docs, strict=True):
        ents = tuple(find_entities(text, pipe.cues, known_set))
        _set_ents(doc, ents)  # the thread's identifiers are entities too
        out.append(
            Analysed(
                text=text,
                hits=pipe.rules.apply(doc),
                entities=ents,
                cat_scores=_scores(doc, CAT_PREFIX),
                stance_scores=_scores(doc, STANCE_PREFIX),
            )
        )
    return out
