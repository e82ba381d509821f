"""Message bodies -> segments: text, quote, diff, trailer, signature, footer, attribution.

``parse_body`` classifies every line (quote depth from ``>`` markers, diffs with
a per-depth hunk state machine, trailers, signature, list/archive boilerplate
from ``data/footers.toml``, attribution lines), asks ``quote.assign_speakers``
who wrote each depth, and merges runs of the same kind/depth/speaker. Blank
lines join the segment around them; no non-blank line is ever dropped.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from threadscan.mail.attribution import (
    DATED_OPENING,
    ENDINGS,
    parse_attribution,
    parse_attribution_pair,
)
from threadscan.mail.diffline import OPENERS, DiffState, diff_step
from threadscan.mail.outlook import mark_quoted_headers, top_posted
from threadscan.mail.quote import BodyLine, assign_speakers
from threadscan.model import Segment, SegmentKind

__all__ = ["footer_rules", "parse_body", "segment_lines", "split_marker", "strip_bullet"]

_MARKER = re.compile(r"^(?:[ \t]{0,3}(?:>|&gt;))+")
_IDLE = DiffState()
_MARKER_FIRST = frozenset(" \t>&")  # a quote marker starts with one of these
_LEAD_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")
_BACKREF = re.compile(r"\\[1-9]|\(\?P=")
_TRAILER = re.compile(
    r"^(?:[A-Z][A-Za-z]{1,20}(?:-[A-Za-z]{1,20}){0,3}-by|Cc|CC|Fixes|Link|Closes|BugLink|Bug|"
    r"Change-Id|Message-Id|Suggested-by|Cc-stable):[ \t]*\S"
)
_DIGIT = re.compile(r"\d")
_SIG_DELIM = re.compile(r"^--[ \t]?$")
_SIG_MAX = 12
_FOOTER_MAX = 400
# A list bullet a text renderer put before an archive's navigation ("  * Prev by Date: ...",
# "      o From: Name"): footer rules read the line without it.
_BULLET = re.compile(r"^(?:[*+\u2022]|o(?=\s+[A-Z]))\s+")


@dataclass(frozen=True)
class FooterRule:
    name: str
    pattern: re.Pattern[str]
    scope: str  # "rest" | "line"
    next: re.Pattern[str] | None
    within: int = 1  # how many of the following non-blank lines ``next`` reads


@lru_cache(maxsize=1)
def footer_rules() -> tuple[FooterRule, ...]:
    """The boilerplate patterns of ``data/footers.toml``, compiled."""
    text = resources.files("threadscan.mail").joinpath("data/footers.toml").read_text("utf-8")
    rules = []
    for row in tomllib.loads(text)["footer"]:
        nxt = row.get("next")
        rules.append(
            FooterRule(
                name=str(row["name"]),
                pattern=re.compile(str(row["pattern"])),
                scope=str(row.get("scope", "line")),
                next=re.compile(str(nxt)) if nxt else None,
                within=int(row.get("within", 1)),
            )
        )
    return tuple(rules)


@lru_cache(maxsize=1)
def _footer_any() -> tuple[re.Pattern[str] | None, bool]:
    """One alternation of every footer pattern, and whether all are anchored at ``^``.

    A line the alternation does not match cannot match any rule. The pattern is None
    (no pre-check) when the rules cannot be joined safely (back-references).
    """
    parts, anchored = [], True
    for rule in footer_rules():
        src = rule.pattern.pattern
        if _BACKREF.search(src):
            return None, False
        flags = _LEAD_FLAGS.match(src)
        letters = flags.group(1) if flags else ""
        body = src[flags.end() :] if flags else src
        anchored = anchored and body.startswith("^") and "m" not in letters
        parts.append(f"(?{letters}:{body})")
    try:
        return re.compile("|".join(parts)), anchored
    except re.error:
        return None, False


def _may_be_footer(text: str) -> bool:
    combined, anchored = _footer_any()
    if combined is None:
        return True
    found = combined.match(text) if anchored else combined.search(text)
    return found is not None


def split_marker(line: str) -> tuple[int, str]:
    """('>> foo') -> (2, 'foo'): quote depth and the line without its markers and one space."""
    if line[:1] not in _MARKER_FIRST:
        return 0, line
    m = _MARKER.match(line)
    if not m:
        return 0, line
    marks = m.group(0)
    depth = marks.replace("&gt;", ">").count(">")
    rest = line[m.end() :]
    if rest.startswith(" "):
        rest = rest[1:]
    return depth, rest


def parse_body(text: str, author: str | None) -> tuple[Segment, ...]:
    """A mail body as segments, quote speakers attributed (see module docstring)."""
    return segment_lines(text.splitlines(), author)


def segment_lines(
    lines: Sequence[str], author: str | None, fixed: Mapping[int, str] | None = None
) -> tuple[Segment, ...]:
    """``parse_body`` over pre-split lines; ``fixed`` pins the speaker of some depths."""
    body = classify_lines(lines)
    speakers = assign_speakers(body, author, fixed or {})
    return merge_lines(body, speakers)


# ---------------------------------------------------------------- classification


def classify_lines(lines: Sequence[str]) -> list[BodyLine]:
    """Every line with its depth, kind and marker-free text (blank lines kept, kind "text")."""
    first = _MARKER_FIRST
    split = [split_marker(line) if line[:1] in first else (0, line) for line in lines]
    kinds: list[SegmentKind] = ["text"] * len(split)
    names: list[str | None] = [None] * len(split)
    split = top_posted(split, kinds, names)
    _mark_tail(split, kinds)
    _mark_attributions(split, kinds, names)
    mark_quoted_headers(split, kinds, names)
    _mark_diffs(split, kinds)
    _mark_rest(split, kinds)
    inside = {i for i, name in enumerate(names)
              if name and _opens_its_quote(split, kinds, names, i)}
    return [
        BodyLine(i, d, kinds[i], t, names[i], i in inside) if names[i] else
        BodyLine(i, d, kinds[i], t)
        for i, (d, t) in enumerate(split)
    ]


def _opens_its_quote(split: Sequence[tuple[int, str]], kinds: Sequence[SegmentKind],
                     names: Sequence[str | None], i: int) -> bool:
    """An attribution that opens a quote block of its own depth, with no attribution above
    it and no deeper line right after it: it names that block (Apple Mail quotes its own
    "On 11 Jul 2025, at 08:43, X wrote:", also above the quoted message's attribution)."""
    depth = split[i][0]
    before = next((j for j in range(i - 1, -1, -1) if split[j][1].strip()
                   and (kinds[j] != "attribution" or names[j] is not None)), None)
    after = next((j for j in range(i + 1, len(split)) if split[j][1].strip()
                  and (kinds[j] != "attribution" or names[j] is not None)), None)
    return (depth > 0 and after is not None and split[after][0] == depth
            and (before is None or (split[before][0] < depth
                                    and kinds[before] != "attribution")))


def _next_nonblank(split: Sequence[tuple[int, str]], i: int) -> int | None:
    for j in range(i + 1, min(len(split), i + 40)):
        if split[j][1].strip():
            return j
    return None


def _mark_tail(split: Sequence[tuple[int, str]], kinds: list[SegmentKind]) -> None:
    """Footers (boilerplate, depth 0) and the signature after ``-- ``."""
    rules = footer_rules()
    i = 0
    while i < len(split):
        depth, text = split[i]
        if depth == 0 and text.strip():
            rule = _footer_rule(rules, split, i)
            if rule is not None and rule.scope == "rest":
                for j in range(i, len(split)):
                    kinds[j] = "footer"
                return
            if rule is not None:
                kinds[i] = "footer"
            elif _SIG_DELIM.match(text):
                i = _mark_signature(split, kinds, i)
        i += 1


def _footer_rule(
    rules: Sequence[FooterRule], split: Sequence[tuple[int, str]], i: int
) -> FooterRule | None:
    text = _plain(split[i][1])
    if len(text) > _FOOTER_MAX or not _may_be_footer(text):
        return None
    for rule in rules:
        if not rule.pattern.search(text):
            continue
        if rule.next is not None and not rule.next.search(_following(split, i, rule.within)):
            continue
        return rule
    return None


def _plain(line: str) -> str:
    return strip_bullet(line.replace("\xa0", " "))


def strip_bullet(line: str) -> str:
    """The line stripped, without the list bullet a text renderer put before it."""
    return _BULLET.sub("", line.strip())


def _following(split: Sequence[tuple[int, str]], i: int, count: int) -> str:
    """The next ``count`` non-blank lines after ``i`` (stripped, joined by newlines)."""
    found: list[str] = []
    while len(found) < count and (j := _next_nonblank(split, i)) is not None:
        found.append(_plain(split[j][1])[:_FOOTER_MAX])
        i = j
    return "\n".join(found)


def _mark_signature(split: Sequence[tuple[int, str]], kinds: list[SegmentKind], i: int) -> int:
    """Mark ``-- `` and the short block after it; returns the last index marked."""
    end = i
    for j in range(i + 1, min(len(split), i + 1 + _SIG_MAX)):
        if split[j][0] != 0 or _footer_rule(footer_rules(), split, j) is not None:
            break
        end = j
    if end == i:
        return i
    for j in range(i, end + 1):
        kinds[j] = "signature"
    return end


def _mark_attributions(
    split: Sequence[tuple[int, str]], kinds: list[SegmentKind], names: list[str | None]
) -> None:
    """'On <date>, X wrote:' (one or two lines); weaker forms need deeper lines after them."""
    for i, (depth, text) in enumerate(split):
        if kinds[i] != "text" or len(text) > 200:
            continue
        stripped = text.strip()
        if not stripped or (stripped[-1] not in ENDINGS and not stripped.startswith("On")):
            continue  # a one-line form ends with a colon; a two-line form starts with "On"
        found = parse_attribution(text)
        span = [i]
        if found is None and i + 1 < len(split) and split[i + 1][0] == depth:
            found = parse_attribution_pair(text, split[i + 1][1])
            span = [i, i + 1]
        if found is None or not (_strong(found.raw) or _deeper_soon(split, span[-1], depth)):
            continue
        for k in span:
            kinds[k] = "attribution"
        names[i] = found.name


def _strong(raw: str) -> bool:
    """'On <date>, X wrote:' with a date: an attribution even when the quote was cut away."""
    return bool(DATED_OPENING.match(raw)) and bool(_DIGIT.search(raw))


def _deeper_soon(split: Sequence[tuple[int, str]], i: int, depth: int) -> bool:
    """Is one of the next three non-empty lines (a bare '>' counts) quoted deeper?"""
    seen = 0
    for j in range(i + 1, min(len(split), i + 12)):
        if split[j][0] > depth:
            return True
        if split[j][1].strip():
            seen += 1
            if seen >= 3:
                return False
    return False


def _mark_diffs(split: Sequence[tuple[int, str]], kinds: list[SegmentKind]) -> None:
    """Diff lines, own (depth 0) and quoted, with one hunk state per depth."""
    states: dict[int, DiffState] = {}
    top = -1  # the deepest depth with a state
    last = len(split) - 1
    for i, (depth, text) in enumerate(split):
        if kinds[i] != "text":
            continue
        if top > depth and text.strip():
            for deeper, other in states.items():
                if deeper > depth:
                    states[deeper] = other.closed()
        state = states.get(depth, _IDLE)
        if state.idle and text[:1] not in OPENERS:
            continue  # diff_step would say "no" and leave the state as it is
        nxt = split[i + 1][1] if i < last and split[i + 1][0] == depth else None
        is_diff, states[depth] = diff_step(state, text, nxt)
        if depth > top:
            top = depth
        if is_diff:
            kinds[i] = "diff"


def _mark_rest(split: Sequence[tuple[int, str]], kinds: list[SegmentKind]) -> None:
    """Trailers at depth 0; every other line at depth >= 1 is a quote."""
    for i, (depth, text) in enumerate(split):
        if kinds[i] != "text":
            continue
        if depth > 0:
            kinds[i] = "quote"
        elif _TRAILER.match(text):
            kinds[i] = "trailer"


# ---------------------------------------------------------------- merging


def merge_lines(body: Sequence[BodyLine], speakers: Sequence[str | None]) -> tuple[Segment, ...]:
    """Runs of one kind/depth/speaker -> segments; blank lines join the run around them."""
    out: list[Segment] = []
    run: list[BodyLine] = []
    key: tuple[str, int, str | None] | None = None
    pending: list[BodyLine] = []
    for line in body:
        if not line.text.strip() and line.kind != "diff":
            if run:
                pending.append(line)
            continue
        this = (line.kind, line.depth, speakers[line.idx])
        if this != key and run:
            out.append(_segment(run, key))
            run = []
        run.extend(pending if run else [])
        pending = []
        run.append(line)
        key = this
    if run:
        out.append(_segment(run, key))
    return tuple(out)


def _segment(run: Sequence[BodyLine], key: tuple[str, int, str | None] | None) -> Segment:
    speaker = key[2] if key else None
    return Segment(
        kind=run[0].kind,
        text="\n".join(line.text for line in run),
        depth=run[0].depth,
        speaker=speaker,
        line=run[0].idx,
    )
