"""Combining rules and model into one decision per sentence.

How rules and model combine (recorded in ``Objection.fired``):

* Rules give precision. A non-negated category cue (``rule:race.words``) makes
  the sentence a candidate; its stance comes from cue frames: a final ``?`` is a
  question (a suggestion when a strong suggestion frame is present), else the
  frame that fired (when both objection and suggestion frames fired outside a
  leading "If ..., " clause, the stance head picks between the two), else the
  model's stance.
* The model adds recall. ``textcat_multilabel`` categories above
  ``Thresholds.model_add`` join rule categories; with no rule cue at all the
  model alone must clear ``model_alone`` for a category and ``stance_alone``
  for "not none" (``model:textcat.v1:race=0.91``).
* Rules veto. Negated cues ("I don't think this can deadlock") do not count;
  a dismissal ("not a real issue", "is fine") after the last live cue drops the
  sentence, unless it concedes the rest ("otherwise this fix looks fine"); a cue
  inside the dismissal is its own word ("in case I missed something");
  trailers and one-word lines are never objections.
* Stricter for the patch author (``strict=True``): a defence or explanation is
  not review, so an author's sentence needs a stance frame as well as a cue, and
  the model must rate it more likely review than not (``author_min``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from threadscan.model import CATEGORIES, Category, Stance
from threadscan.nlp.context import QUESTION_END, paragraph_categories
from threadscan.nlp.cues import locking_regex_of
from threadscan.nlp.pipeline import Analysed, anchored, in_context
from threadscan.nlp.rules import Hit
from threadscan.nlp.sentences import TRAILER

_STANCES = ("objection", "question", "suggestion")
_STATEMENTS = ("objection", "suggestion")
# "X, otherwise this looks fine": the dismissal is of the rest, not of the concern before it
_CONCESSION = re.compile(r"\b(?:otherwise|other than (?:that|this)|apart from (?:that|this)|"
                         r"except for (?:that|this))\b", re.I)
_INDIRECT_QUESTION = re.compile(
    r"\b(?:i (?:do )?wonder|wondering|(?:un)?clear (?:why|how|whether|if|what)|not sure (?:why|how|"
    r"whether|if|what|i understand)|(?:like|nice|good) to (?:understand|know))\b",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(r"^\s*(?:if|when|unless)\b[^,;:]*,", re.IGNORECASE)
_STRONG_SUGGESTION = re.compile(
    r"\b(?:why not|can(?:'t|not)? we|could (?:we|you|the)|how about|what about|i'?d suggest|"
    r"i suggest|would it be|instead|rather than|should|please|prefer|worth|suffice|better|"
    r"simpler|could|need to|needs to|want to)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Thresholds:
    """Chosen by grouped 5-fold cross-validation over the train threads (never heldout):
    ``python scripts/train_textcat.py --cv 5``; see docs/EVALUATION.md."""

    model_add: float = 0.9  # model category joins rule categories
    model_alone: float = 0.75  # model category without any rule cue
    stance_alone: float = 0.7  # P(not none) needed when no rule cue fired
    none_veto: float = 0.85  # model P(none) that vetoes a rule-only (frameless) candidate
    framed_cat: float = 0.5  # model category when a stance frame fired but no category cue
    framed_stance: float = 0.4  # P(not none) needed then
    author_min: float = 0.5  # P(not none) a patch author's sentence needs (and a frame)
    gate: float = 0.02  # P(not none) every other candidate needs (the objection gate)
    inherit: float = 0.2  # P(not none) a sentence needs to join the objection beside it
    par_cat: float = 0.3  # model category, with no cue, that its paragraph's cues name


@dataclass(frozen=True)
class Decision:
    stance: Stance
    categories: tuple[Category, ...]
    fired: tuple[str, ...]
    confidence: float


def _live(hits: tuple[Hit, ...], names: tuple[str, ...]) -> list[Hit]:
    return [h for h in hits if h.group in names and not h.negated]


def _in_context(a: Analysed, hits: list[Hit], required: tuple[tuple[str, str], ...]) -> list[Hit]:
    """Drop category hits whose category needs a locking context the sentence lacks."""
    return [h for h in hits if in_context(h, a.text, required)]


def _vetoed(hits: tuple[Hit, ...], text: str) -> bool:
    dismissals = [h for h in hits if h.group == "dismissal"]
    live = [h for h in _live(hits, CATEGORIES)  # a cue inside the dismissal is its word:
            if not any(d.start <= h.start and h.end <= d.end for d in dismissals)]  # "missed"
    if not dismissals or (live and _CONCESSION.search(text)):
        return False
    return not live or max(h.start for h in dismissals) > max(h.start for h in live)


def rule_stance(a: Analysed) -> Stance | None:
    """Stance from cue frames alone (None when no frame fired)."""
    groups = {h.group for h in a.hits}
    if QUESTION_END.search(a.text):
        strong = "suggestion" in groups and _STRONG_SUGGESTION.search(a.text)
        return "suggestion" if strong else "question"
    if "suggestion" in groups and _STRONG_SUGGESTION.search(a.text):
        return "suggestion"
    if "objection" in groups:
        return "objection"
    if "suggestion" in groups:
        return "suggestion"
    return None


def _model_stance(a: Analysed) -> Stance:
    """The stance head's pick; a question only when the sentence asks (a final "?" or "I
    wonder why ..."): a statement after a question is no question."""
    asks = QUESTION_END.search(a.text) or _INDIRECT_QUESTION.search(a.text)
    best = max(_STANCES if asks else _STATEMENTS, key=a.stance_score)
    return best  # type: ignore[return-value]


def _hypothetical(a: Analysed, h: Hit) -> bool:
    """A frame inside a leading conditional ("If hold times have been a problem, ...")."""
    m = _CONDITIONAL.match(a.text)
    if not m or not h.text:
        return False
    low = h.text.lower()
    return low in a.text[: m.end()].lower() and low not in a.text[m.end() :].lower()


def _final_stance(a: Analysed, rstance: Stance | None, model: str | None) -> Stance:
    """The frames' stance; the model's when there is none, or when objection and suggestion
    frames both fired in a statement ("this is broken, you need to ..."): CV +0.01 stance."""
    if not model:
        return rstance or "objection"
    groups = {h.group for h in a.hits if not _hypothetical(a, h)}
    if rstance != "question" and {"objection", "suggestion"} <= groups:
        return "objection" if a.stance_score("objection") >= a.stance_score("suggestion") \
            else "suggestion"
    return rstance or _model_stance(a)


def _ordered(cats: Sequence[str]) -> tuple[Category, ...]:
    seen: list[Category] = []
    for c in cats:
        if c in CATEGORIES and c not in seen:
            seen.append(c)
    return tuple(seen)


def _rule_fired(hits: list[Hit], stance_hits: list[Hit]) -> tuple[str, ...]:
    rules = [f"rule:{h.rule}" for h in (*hits, *stance_hits)]
    return tuple(dict.fromkeys(rules))


def decide(
    a: Analysed,
    model: str | None,
    th: Thresholds = Thresholds(),
    strict: bool = False,
    required: tuple[tuple[str, str], ...] = (),
) -> Decision | None:
    """The objection decision for one analysed sentence, or None (not review)."""
    if TRAILER.match(a.text) or len(a.text.split()) < 3 or _vetoed(a.hits, a.text):
        return None
    if not anchored(a.hits, a.entities, a.text, a.context, required):
        return None  # not about concurrency: review of anything else is no objection
    if model and 1.0 - a.stance_score("none") < (th.author_min if strict else th.gate):
        return None
    rstance = rule_stance(a)
    live = [h for h in _in_context(a, _live(a.hits, CATEGORIES), required)
            if rstance is not None or not h.weak]  # a weak phrase needs a stance frame
    if not live and rstance in ("objection", "suggestion") and not strict:
        live = _fallback_design(a, required)
    p_objection = 1.0 - a.stance_score("none") if model else 0.0
    model_cats = [c for c in CATEGORIES if a.cat_score(c) >= th.model_add] if model else []
    if live:
        if strict and rstance is None:
            return None
        if model and a.stance_score("none") >= th.none_veto and rstance is None:
            return None
        cats = _ordered([*(h.group for h in live), *model_cats])
        conf = max(0.75 if rstance is None else 0.9, p_objection)
    else:
        framed = rstance is not None  # a stance frame fired: the model may name the category
        need_cat = th.framed_cat if framed else th.model_alone
        need_stance = th.framed_stance if framed else th.stance_alone
        alone = [c for c in CATEGORIES if model and a.cat_score(c) >= need_cat]
        near = [c for c in paragraph_categories(a.context, CATEGORIES)
                if model and a.cat_score(c) >= th.par_cat]
        alone = near or alone  # the neighbours' concern, when the model sees it too
        if not alone or p_objection < need_stance or (strict and not framed):
            return None
        cats = _ordered(alone)
        conf = min(p_objection, max(a.cat_score(c) for c in alone))
    stance = _final_stance(a, rstance, model)
    stance_hits = [h for h in a.hits if h.group in _STANCES]
    fired = _rule_fired(live, stance_hits) + tuple(  # what it added; with no cue, all it gave
        f"model:{model}:{c}={a.cat_score(c):.2f}"
        for c in cats
        if model and (not live or a.cat_score(c) >= th.model_add)
    )
    return Decision(stance, cats, fired, round(conf, 3))


def _fallback_design(a: Analysed, required: tuple[tuple[str, str], ...]) -> list[Hit]:
    """A strong frame about locking with no category cue is a design remark."""
    need = locking_regex_of(required)
    if not need or not re.search(need, a.text, re.I):
        return []
    if rule_stance(a) == "suggestion" and not _STRONG_SUGGESTION.search(a.text):
        return []
    return [Hit("design", "design.fallback", 0, 0, "")]


def stance_only(
    a: Analysed, strict: bool = False, required: tuple[tuple[str, str], ...] = (),
    questions: bool = False,
) -> Stance | None:
    """A strong stance frame without a category cue (for paragraph context); with
    ``questions``, a question too ("Why?" after an objection)."""
    live = _in_context(a, _live(a.hits, CATEGORIES), required)
    if TRAILER.match(a.text) or _vetoed(a.hits, a.text) or live:
        return None
    stance = rule_stance(a)
    if stance is None or strict:
        return None
    if stance == "question":
        return stance if questions else None
    return stance if _STRONG_SUGGESTION.search(a.text) or stance == "objection" else None
