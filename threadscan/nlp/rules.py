"""Rule layer: cue matching per category and stance, with negation scope.

``build_rules(nlp, cues)`` compiles the versioned cue data into one spaCy
``PhraseMatcher`` (attr LOWER) and one ``Matcher``; ``RuleSet.apply(doc)``
returns frozen ``Hit``s. A category hit is *negated* when a negator
(not, n't, no, never ...) occurs within the 4 words before it in the same
clause ("shouldn't be such AA deadlock", "I don't think this can deadlock"),
unless a doubt frame ("cannot guarantee", "not sure") precedes it, which makes
the double negative a hedge ("cannot guarantee that they will not race").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from threadscan.nlp.cues import CueGroup, CueSet

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

NEG_WINDOW = 4
DOUBT_WINDOW = 12
_CLAUSE_STOP = frozenset({",", ";", ":", "--", "(", ")", "but", "however", "although", "though"})
_SKIP = re.compile(r"^[\W_]+$")


@dataclass(frozen=True)
class Hit:
    group: str  # category ("race") or stance ("suggestion", "dismissal", ...)
    rule: str  # rule id from the cue file: "race.words"
    start: int  # token index
    end: int
    text: str
    negated: bool = False


@dataclass(frozen=True)
class RuleSet:
    cues: CueSet
    phrase_matcher: Any  # spacy.matcher.PhraseMatcher
    matcher: Any  # spacy.matcher.Matcher
    groups: tuple[tuple[str, str], ...]  # (rule id, group name)

    def apply(self, doc: Doc) -> tuple[Hit, ...]:
        """All cue hits in a sentence doc, category hits carrying their negation."""
        vocab = doc.vocab.strings
        raw = [*self.phrase_matcher(doc), *self.matcher(doc)]
        table = dict(self.groups)
        cats = frozenset(g.name for g in self.cues.categories)
        hits = {(vocab[mid], s, e) for mid, s, e in raw}
        out = []
        for rule, s, e in sorted(hits, key=lambda h: (h[1], h[2], h[0])):
            group = table[rule]
            negated = group in cats and is_negated(doc, s, self.cues)
            out.append(Hit(group, rule, s, e, doc[s:e].text, negated))
        return tuple(out)


def is_negated(doc: Doc, start: int, cues: CueSet) -> bool:
    """Whether a negator scopes over the token at ``start`` (and no doubt frame hedges it)."""
    seen = 0
    negated = False
    i = start - 1
    while i >= 0 and seen < NEG_WINDOW:
        low = doc[i].lower_
        if low in _CLAUSE_STOP:
            break
        if not _SKIP.match(low):
            seen += 1
            negated = negated or low in cues.negators
        i -= 1
    if not negated:
        return False
    before = " ".join(t.lower_ for t in doc[max(0, start - DOUBT_WINDOW) : start])
    return not re.search(cues.doubt_regex, before)


def _api_patterns(names: tuple[str, ...]) -> list[list[dict[str, Any]]]:
    long = [re.escape(n.lower()) for n in names if "_" in n or len(n) > 6]
    short = [re.escape(n.lower()) for n in names if not ("_" in n or len(n) > 6)]
    pats: list[list[dict[str, Any]]] = []
    if long:
        pats.append([{"LOWER": {"REGEX": rf"^(?:{'|'.join(long)})(?:\(.*\))?$"}}])
    if short:
        pats.append([{"LOWER": {"REGEX": rf"^(?:{'|'.join(short)})\(.*\)$"}}])
    return pats


def _add_group(group: CueGroup, nlp: Language, pm: Any, m: Any) -> list[tuple[str, str]]:
    ids: list[tuple[str, str]] = []
    for rid, phrases in group.phrases:
        tokenizer: Any = nlp.tokenizer
        pm.add(rid, list(tokenizer.pipe(phrases)))
        ids.append((rid, group.name))
    for rid, pats in group.patterns:
        m.add(rid, json.loads(pats))
        ids.append((rid, group.name))
    for rid, names in group.apis:
        if names:
            m.add(rid, _api_patterns(names))
            ids.append((rid, group.name))
    return ids


def build_rules(nlp: Language, cues: CueSet) -> RuleSet:
    """Compile the cue data against ``nlp``'s vocab and tokenizer."""
    from spacy.matcher import Matcher, PhraseMatcher

    pm = PhraseMatcher(nlp.vocab, attr="LOWER")
    m = Matcher(nlp.vocab)
    ids: list[tuple[str, str]] = []
    for group in (*cues.categories, *cues.stances):
        ids.extend(_add_group(group, nlp, pm, m))
    return RuleSet(cues, pm, m, tuple(ids))
