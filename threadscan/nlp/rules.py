"""Rule layer: cue matching per category and stance, with negation scope.

``build_rules(nlp, cues)`` compiles the versioned cue data into one spaCy
``PhraseMatcher`` (attr LOWER) and spaCy ``Matcher``s for the token patterns.
Most pattern rules have a *gate*: a regex over the lowercased sentence that any
match of the rule needs (a word one of its required tokens must be, or an API
name), and runs only on the sentences whose gate opens. A Matcher call costs per
token, so the ungated rules ride along with the first opened rule's call (or run
alone when no gate opens). ``RuleSet.apply(doc)`` returns frozen ``Hit``s.

A category hit inside a span that cites rather than claims (a commit title in
``("...")``, a ``#syz`` command, a lockdep report line) counts as negated too.

A category hit is *negated* when a negator
(not, n't, no, never ...) occurs within the 4 words before it in the same
clause ("shouldn't be such AA deadlock", "I don't think this can deadlock"),
unless a doubt frame ("cannot guarantee", "not sure", "does not fix", "make sure
... not") precedes it, which makes the double negative a hedge ("cannot guarantee
that they will not race"), or a remedy follows it in the clause, which the
negation is about ("I don't think the race can be solved there"), or a prohibition
ends right before it ("must not be called under a spinlock" forbids the spinlock; it
does not deny it; ``prohibition_regex``). A cue that
names an absence ("race-free", ``absence_suffixes``) flips: denied unless negated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from threadscan.nlp.cues import CueGroup, CueSet

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

NEG_WINDOW = 4
GENERIC_SUFFIX = ".generic"  # rule ids of generic category phrases (cue data)
SHORT_API = 3  # API names this short ("mb", "wmb") are cues only as calls: "wmb()"
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
    weak: bool = False  # a phrase that mostly occurs outside objections (nlp/weights.py)
    phrase: str = ""  # the cue phrase as listed, whatever spelling matched ("use-after-free")

    @property
    def generic(self) -> bool:
        """A category phrase common outside concurrency ("at the same time", "missed"): it
        names the category only in a sentence that is about concurrency for another reason."""
        return self.rule.endswith(GENERIC_SUFFIX)


@dataclass(frozen=True)
class RuleSet:
    cues: CueSet
    phrase_matcher: Any  # spacy.matcher.PhraseMatcher
    gates: tuple[tuple[re.Pattern[str], Any, Any], ...]  # gate, its Matcher, + ungated rules
    ungated: Any  # spacy Matcher of the rules without a gate
    groups: tuple[tuple[str, str], ...]  # (rule id, group name)
    listed: Mapping[tuple[str, ...], str]  # lower-case tokens of a spelling -> listed phrase

    def _token_matches(self, doc: Doc, low: str) -> list[tuple[int, int, int]]:
        opened = [(alone, joined) for gate, alone, joined in self.gates if gate.search(low)]
        if not opened:
            return list(self.ungated(doc)) if len(self.ungated) else []
        out = list(opened[0][1](doc))
        for alone, _ in opened[1:]:
            out.extend(alone(doc))
        return out

    def apply(self, doc: Doc, text: str | None = None) -> tuple[Hit, ...]:
        """All cue hits in a sentence doc (``text``: the doc's text, when the caller has it),
        category hits carrying their negation."""
        vocab = doc.vocab.strings
        text = doc.text if text is None else text
        low = text.lower()
        raw = [*self.phrase_matcher(doc), *self._token_matches(doc, low)]
        table = dict(self.groups)
        cats = frozenset(g.name for g in self.cues.categories)
        hits = {(vocab[mid], s, e) for mid, s, e in raw}
        cited = _cited(doc, text, self.cues.reference_regex) if hits else frozenset()
        out = []
        for rule, s, e in sorted(hits, key=lambda h: (h[1], h[2], h[0])):
            group = table[rule]
            if s in cited and group not in cats:
                continue  # a stance frame inside a citation is not the speaker's stance
            negated = group in cats and (s in cited or _denied(doc, s, e, self.cues))
            span = doc[s:e]
            listed = self.listed.get(tuple(t.lower_ for t in span), "")
            out.append(Hit(group, rule, s, e, span.text, negated, phrase=listed))
        return tuple(out)


def _cited(doc: Doc, text: str, regex: str) -> frozenset[int]:
    """Token indexes inside spans that cite rather than claim: a commit title in
    ``("...")``, a ``#syz`` command, a lockdep report line (cue data ``reference_regex``)."""
    found: set[int] = set()
    for m in re.finditer(regex, text, re.IGNORECASE):
        a, b = m.span()
        span = doc.char_span(a, b, alignment_mode="expand") if b > a else None
        if span is not None and len(span):  # the tokens that start inside [a, b)
            found.update(range(span.start + (doc[span.start].idx < a), span.end))
    return frozenset(found)


def _denied(doc: Doc, start: int, end: int, cues: CueSet) -> bool:
    """Whether a category cue at ``doc[start:end]`` is denied. A cue naming an absence
    ("race-free") is denied unless negated ("not race-free" asserts the race); a negation
    whose scope is a remedy after the cue is not the cue's ("don't think the race can be
    solved", "doesn't fix the deadlock" via the doubt frames)."""
    following = [t.lower_ for t in doc[end : end + 2] if t.lower_ != "-"]
    if following and following[0] in cues.absence_suffixes:
        return not is_negated(doc, start, cues)
    if not is_negated(doc, start, cues):
        return False
    after = []
    for tok in doc[end : end + 2 * NEG_WINDOW]:
        if tok.lower_ in _CLAUSE_STOP:
            break
        after.append(tok.lower_)
    return not re.search(cues.remedy_regex, " ".join(after))


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
    return not (re.search(cues.doubt_regex, before) or re.search(cues.prohibition_regex, before))


def _api_patterns(names: tuple[str, ...]) -> list[list[dict[str, Any]]]:
    long = [re.escape(n.lower()) for n in names if "_" in n or len(n) > SHORT_API]
    short = [re.escape(n.lower()) for n in names if not ("_" in n or len(n) > SHORT_API)]
    pats: list[list[dict[str, Any]]] = []
    if long:
        pats.append([{"LOWER": {"REGEX": rf"^(?:{'|'.join(long)})(?:\(.*\))?$"}}])
    if short:
        pats.append([{"LOWER": {"REGEX": rf"^(?:{'|'.join(short)})\(.*\)$"}}])
    return pats


def _required_words(pattern: list[dict[str, Any]]) -> list[str] | None:
    """Words one required token of a Matcher pattern must be (its LOWER value or IN list),
    or None when no token pins its words."""
    for spec in pattern:
        if spec.get("OP", "1") not in ("1", "+"):
            continue
        value = spec.get("LOWER")
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict) and isinstance(value.get("IN"), list) and value["IN"]:
            return [str(v) for v in value["IN"]]
    return None


def _gate(words: list[str] | None) -> re.Pattern[str] | None:
    """A regex the lowercased sentence must match for any of ``words`` to be a token in it."""
    if words is None:
        return None
    return re.compile("|".join(sorted({re.escape(w.lower()) for w in words})))


def _pattern_gate(patterns: list[list[dict[str, Any]]]) -> re.Pattern[str] | None:
    words: list[str] = []
    for pattern in patterns:
        found = _required_words(pattern)
        if found is None:
            return None
        words.extend(found)
    return _gate(words)


def _matcher(nlp: Language, rules: Gated) -> Any:
    from spacy.matcher import Matcher

    m = Matcher(nlp.vocab)
    for _, rid, patterns in rules:
        m.add(rid, patterns)
    return m


def _rule_set(cues: CueSet, nlp: Language, pm: Any, gated: Gated,
              ids: list[tuple[str, str]], listed: dict[tuple[str, ...], str]) -> RuleSet:
    ungated = [r for r in gated if r[0] is None]
    gates = tuple((gate, _matcher(nlp, [(gate, rid, pats)]),
                   _matcher(nlp, [*ungated, (gate, rid, pats)]))
                  for gate, rid, pats in gated if gate is not None)
    return RuleSet(cues, pm, gates, _matcher(nlp, ungated), tuple(ids),
                   MappingProxyType(listed))


Gated = list[tuple[re.Pattern[str] | None, str, list[list[dict[str, Any]]]]]


def _add_group(group: CueGroup, nlp: Language, pm: Any, listed: dict[tuple[str, ...], str]
               ) -> tuple[list[tuple[str, str]], Gated]:
    ids: list[tuple[str, str]] = []
    matchers: Gated = []
    for rid, phrases in group.phrases:
        pm.add(rid, _phrase_docs(nlp, phrases, listed))
        ids.append((rid, group.name))
    for rid, pats in group.patterns:
        patterns = json.loads(pats)
        matchers.append((_pattern_gate(patterns), rid, patterns))
        ids.append((rid, group.name))
    for rid, names in group.apis:
        if names:
            matchers.append((_gate(list(names)), rid, _api_patterns(names)))
            ids.append((rid, group.name))
    return ids, matchers


_BRITISH = re.compile(r"(?<=[a-z]{4})iz(?=(?:e|ed|es|ing|ation|ations)\b)")
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")


def spellings(phrase: str) -> tuple[str, ...]:
    """The ways reviewers write a cue phrase: as listed, with British -ise/-isation
    ("synchronisation"), with its hyphens as spaces ("use after free"); each also in capitals."""
    forms = dict.fromkeys((phrase, _BRITISH.sub("is", phrase), _HYPHEN.sub(" ", phrase)))
    return (*forms, *(f.upper() for f in forms))


def _phrase_docs(nlp: Language, phrases: tuple[str, ...] | list[str],
                 listed: dict[tuple[str, ...], str]) -> list[Doc]:
    """Each phrase in all its ``spellings``, as the tokenizer splits each (it keeps "AB-BA"
    and "CAN'T" whole but splits "ab-ba" and "can't", so matching on LOWER alone would miss
    the capitalised spelling); one pattern per distinct token sequence, recorded in
    ``listed`` with the phrase it spells."""
    tokenizer: Any = nlp.tokenizer
    docs: dict[tuple[str, ...], Doc] = {}
    for phrase in phrases:
        for variant in spellings(phrase):
            doc = tokenizer(variant)
            key = tuple(t.lower_ for t in doc)
            docs.setdefault(key, doc)
            listed.setdefault(key, phrase.lower())
    return list(docs.values())


def build_rules(nlp: Language, cues: CueSet) -> RuleSet:
    """Compile the cue data against ``nlp``'s vocab and tokenizer."""
    from spacy.matcher import PhraseMatcher

    pm = PhraseMatcher(nlp.vocab, attr="LOWER")
    ids: list[tuple[str, str]] = []
    gated: Gated = []
    listed: dict[tuple[str, ...], str] = {}
    for group in (*cues.categories, *cues.stances):
        more_ids, more = _add_group(group, nlp, pm, listed)
        ids.extend(more_ids)
        gated.extend(more)
    return _rule_set(cues, nlp, pm, gated, ids, listed)
