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
import json
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from threadscan.errors import ModelError
from threadscan.model import CATEGORIES
from threadscan.nlp.context import ANCHORS, neighbour_words, text_words
from threadscan.nlp.cues import CueSet, load_cues, locking_regex_of
from threadscan.nlp.entities import Entity, find_entities
from threadscan.nlp.rules import Hit, RuleSet, build_rules
from threadscan.nlp.tokenizer import customize_tokenizer
from threadscan.nlp.weights import load_weak, mark

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_DIR = Path(__file__).with_name("model")
MODEL_NAME = "textcat.v1"
ENTITY_COMPONENT = "threadscan_code_entities"
CAT_PREFIX = "cat:"
STANCE_PREFIX = "stance:"
BATCH = 256
MANIFEST = "threadscan-training.json"
_NON_WORD = re.compile(r"\W")
_PSEUDO = re.compile(r"^zz[a-z_]+$")
# What a mail client or a web page makes of plain text, undone before tokenizing: typographic
# apostrophes and quotes become ASCII ("don’t" must be "do n't" to the negation rules and cue
# phrases, as "don't" is), no-break and thin spaces a space (tabs stay: they mark code),
# Unicode hyphens "-", and invisible characters of web pages (soft hyphen, zero-width spaces,
# BOM) go: "order\u00ading" is "ordering". The Analysed text is this text; entity offsets
# refer to it.
_TYPOGRAPHIC = MappingProxyType(str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff07": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ",
    "\u2010": "-", "\u2011": "-",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,
    "\ufeff": None,
}))


def plain_text(text: str) -> str:
    """``text`` as the rules and the classifier read it (see ``_TYPOGRAPHIC``)."""
    return text.translate(_TYPOGRAPHIC)


Scores = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Pipeline:
    nlp: Any  # spacy.language.Language
    rules: RuleSet
    cues: CueSet
    model: str | None  # "textcat.v1" when trained weights are loaded, else None
    features: str = "text"  # what the classifier was trained on: "text" | "text+cues"
    weak: frozenset[str] = frozenset()  # weak cue phrases (nlp/weights.py)


@dataclass(frozen=True)
class Analysed:
    """One sentence after the pipeline: cue hits, entities and model scores."""

    text: str
    hits: tuple[Hit, ...]
    entities: tuple[Entity, ...]
    cat_scores: tuple[tuple[str, float], ...] = ()
    stance_scores: tuple[tuple[str, float], ...] = ()
    context: tuple[str, ...] = ()  # the context pseudo-words the classifier read (context.py)

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
    model, features, weak = None, "text", frozenset[str]()
    if model_dir is not None and (model_dir / "config.cfg").exists():
        try:
            nlp = spacy.load(model_dir)
        except (OSError, ValueError, KeyError) as err:
            raise ModelError(f"cannot load textcat model: {err}", file=str(model_dir)) from err
        customize_tokenizer(nlp)
        model, features, weak = MODEL_NAME, _features(model_dir), load_weak(model_dir)
    else:
        nlp = blank_nlp()
    _register_entity_factory()
    nlp.add_pipe(ENTITY_COMPONENT, first=True)
    return Pipeline(nlp, build_rules(nlp, cues), cues, model, features, weak)


def _features(model_dir: Path) -> str:
    manifest = model_dir / MANIFEST
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8")).get("features", "text"))
    except (OSError, ValueError, AttributeError):
        return "text"


@functools.lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """The shipped pipeline, loaded once per process (a cache, not shared state)."""
    return load_pipeline()


def _split_scores(doc: Doc) -> tuple[Scores, Scores]:
    """Category and stance scores of a classified doc, each sorted by label."""
    items = sorted(doc.cats.items())
    cats = tuple((k[len(CAT_PREFIX) :], float(v)) for k, v in items if k.startswith(CAT_PREFIX))
    stances = tuple((k[len(STANCE_PREFIX) :], float(v)) for k, v in items
                    if k.startswith(STANCE_PREFIX))
    return cats, stances


def model_input(text: str, hits: Sequence[Hit], ents: Sequence[Entity], features: str,
                context: Sequence[str] = ()) -> str:
    """What the classifier reads: the sentence, plus (features "text+cues") one pseudo-word
    per cue group that fired ("zzcuerace", "zznegdeadlock") and per entity label, so the
    linear model can weigh cue *groups* learned on one thread in another thread's words;
    plus (features "text+cues+ctx") the context pseudo-words of ``context.py``
    ("zzctxauthor", "zzctxdiff", ...)."""
    if features not in ("text+cues", "text+cues+ctx", "cues+ctx"):
        return text
    tags = {("zzneg" if h.negated else "zzcue") + _NON_WORD.sub("", h.group) for h in hits}
    tags |= {"zzent" + e.label.lower() for e in ents}
    if features.endswith("+ctx"):
        tags |= set(context)
    if features == "cues+ctx":
        return " ".join(sorted(tags)) or "zznothing"
    return f"{text} {' '.join(sorted(tags))}" if tags else text


def in_context(hit: Hit, text: str, required: tuple[tuple[str, str], ...]) -> bool:
    """Whether a hit's category finds the context it requires in ``text`` (``required``: a
    design phrase such as "simpler" needs a locking word)."""
    need = dict(required).get(hit.group)
    return need is None or bool(re.search(need, text, re.IGNORECASE))


def is_cued(hits: Iterable[Hit], text: str = "",
            required: tuple[tuple[str, str], ...] = ()) -> bool:
    """A live (non-negated) category cue fired that says by itself the sentence is about
    concurrency: not a generic phrase ("at the same time", "missed", "reverse order": rule ids
    ``<category>.generic``), and ``in_context``."""
    return bool(cued_categories(hits, text, required))


def cued_categories(hits: Iterable[Hit], text: str = "",
                    required: tuple[tuple[str, str], ...] = ()) -> frozenset[str]:
    """The categories of the live cues that make a sentence ``is_cued``."""
    return frozenset(h.group for h in hits if h.group in CATEGORIES and not h.negated
                     and not h.generic and in_context(h, text, required))


def about_concurrency(hits: Iterable[Hit], entities: Iterable[Entity], text: str,
                      required: tuple[tuple[str, str], ...] = ()) -> bool:
    """Whether a sentence by itself is about concurrency: a cue that says so (``is_cued``), a
    lock or lock-API entity, or a locking word (the ``design`` context regex)."""
    if is_cued(hits, text, required) or any(e.label in ("LOCK", "LOCK_API") for e in entities):
        return True
    need = locking_regex_of(required)
    return not need or bool(re.search(need, text, re.IGNORECASE))


def anchored(hits: Iterable[Hit], entities: Iterable[Entity], text: str,
             context: Iterable[str], required: tuple[tuple[str, str], ...] = ()) -> bool:
    """Whether a sentence, or where it stands, is about concurrency: ``about_concurrency``, or
    a context word that says so (a cued sentence in its paragraph, a quoted locking hunk or
    quoted talk about locking right above it: ``context.ANCHORS``)."""
    return any(w in ANCHORS for w in context) or about_concurrency(hits, entities, text,
                                                                   required)


Row = tuple[str, tuple[Hit, ...], tuple[Entity, ...]]


def _rule_rows(pipe: Pipeline, sentences: Sequence[str], known: frozenset[str],
               locks: frozenset[str] = frozenset()) -> tuple[list[Row], dict[str, Doc]]:
    """Entities and cue hits per sentence, and the sentence docs; each distinct text is
    tokenized and matched once (quotes repeat sentences: the result depends only on the
    text, ``known`` and ``locks``)."""
    docs: dict[str, Doc] = {}
    done: dict[str, tuple[tuple[Hit, ...], tuple[Entity, ...]]] = {}
    unique = list(dict.fromkeys(sentences))
    for text, doc in zip(unique, pipe.nlp.tokenizer.pipe(unique, batch_size=BATCH),
                         strict=True):
        ents = tuple(find_entities(text, pipe.cues, known, locks))
        if ents:  # the thread's identifiers are entities too (a fresh doc has none)
            _set_ents(doc, ents)
        done[text] = (mark(pipe.rules.apply(doc, text), pipe.weak), ents)
        docs[text] = doc
    return [(text, *done[text]) for text in sentences], docs


def _input_doc(pipe: Pipeline, text: str, inp: str, docs: dict[str, Doc]) -> Doc:
    """The classifier's doc for ``inp``: when ``inp`` is "<sentence> zz... zz..." it is the
    sentence doc's tokens plus one token per pseudo-word (the tokenizer splits on single
    spaces, so that is exactly what tokenizing ``inp`` gives, without tokenizing the
    sentence twice); anything else is tokenized afresh."""
    from spacy.attrs import ORTH, SPACY
    from spacy.tokens import Doc

    doc = docs.get(text)
    extra = inp[len(text) + 1 :].split(" ") if inp.startswith(text + " ") else []
    if doc is None or not len(doc) or text != text.strip() or (
            inp != text and not (extra and all(_PSEUDO.match(w) for w in extra))):
        fresh: Doc = pipe.nlp.make_doc(inp)
        return fresh
    strings = pipe.nlp.vocab.strings
    arr = doc.to_array([ORTH, SPACY])
    words = [strings[int(orth)] for orth in arr[:, 0]] + extra
    spaces = [bool(sp) for sp in arr[:, 1]] + [False] * len(extra)
    spaces[len(doc) - 1 : -1] = [True] * len(extra)
    return Doc(pipe.nlp.vocab, words=words, spaces=spaces)


def _classify(pipe: Pipeline, rows: Sequence[Row], inputs: Sequence[str],
              docs: dict[str, Doc]) -> list[tuple[Scores, Scores]]:
    """Category and stance scores per model input (each distinct input classified once)."""
    texts = dict(zip(inputs, (t for t, _, _ in rows), strict=True))
    unique = list(texts)
    out: Iterable[Doc] = (_input_doc(pipe, texts[inp], inp, docs) for inp in unique)
    for name, proc in pipe.nlp.pipeline:
        if name != ENTITY_COMPONENT:
            out = proc.pipe(out, batch_size=BATCH) if hasattr(proc, "pipe") else map(proc, out)
    done = {key: _split_scores(doc) for key, doc in zip(unique, out, strict=True)}
    return [done[inp] for inp in inputs]


def analyse(pipe: Pipeline, sentences: Sequence[str], known: Iterable[str] = (),
            contexts: Sequence[Sequence[str]] | None = None,
            paras: Sequence[Hashable] | None = None, locks: Iterable[str] = (),
            groups: Sequence[Hashable] | None = None) -> list[Analysed]:
    """Run the pipeline over sentences (batched ``nlp.pipe``): rules on the sentence docs,
    then the classifier on ``model_input`` texts (``contexts``: per sentence, the context
    pseudo-words of ``context.py``, by default those read off the sentence alone; ``paras``:
    per sentence, its paragraph id, which adds the paragraph-neighbour cue word; ``known`` and
    ``locks``: the thread's identifiers and the locks its patches take, see ``entities.py``;
    ``groups``: per sentence, a group (a message segment) whose sentences the classifier reads
    only when one of them is ``anchored``, the others get no scores: none of them can be an
    objection, since ``stance.decide`` needs an anchored sentence and a sentence joins only an
    objection of its own segment). Each ``Analysed.text`` is the sentence as ``plain_text``
    makes it."""
    sentences = [plain_text(t) for t in sentences]
    rows, docs = _rule_rows(pipe, sentences, frozenset(known), frozenset(locks))
    if not pipe.model:
        return [Analysed(t, h, e) for t, h, e in rows]
    ctx = [tuple(c) for c in contexts] if contexts is not None else [
        text_words(t) for t, _, _ in rows]
    need = pipe.cues.context_required
    if paras is not None:
        near = neighbour_words([cued_categories(h, t, need) for t, h, _ in rows], paras)
        ctx = [(*c, *n) for c, n in zip(ctx, near, strict=True)]
    read = _to_classify(rows, ctx, groups, need)
    inputs = [model_input(*rows[i], pipe.features, ctx[i]) for i in read]
    scores = dict(zip(read, _classify(pipe, [rows[i] for i in read], inputs, docs),
                      strict=True))
    return [Analysed(t, h, e, *scores.get(i, ((), ())), tuple(c))
            for i, ((t, h, e), c) in enumerate(zip(rows, ctx, strict=True))]


def _to_classify(rows: Sequence[Row], ctx: Sequence[Sequence[str]],
                 groups: Sequence[Hashable] | None,
                 required: tuple[tuple[str, str], ...]) -> list[int]:
    """Indexes of the rows the classifier reads: all, or those of the groups with an
    ``anchored`` sentence."""
    if groups is None:
        return list(range(len(rows)))
    live = {g for (t, h, e), c, g in zip(rows, ctx, groups, strict=True)
            if anchored(h, e, t, c, required)}
    return [i for i, g in enumerate(groups) if g in live]
