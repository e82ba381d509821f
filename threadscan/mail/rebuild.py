"""Rebuilding the lines of one flattened reply from its runs of '>' markers.

A run of k markers is "a line at depth k", or "a blank quoted line at depth p
followed by a line at depth k-p" (p: the previous line's depth), or "a blank
line at depth k/2 + a line at k/2". The reading whose text aligns best with
the message quoted at that depth wins (deeper on ties: the original author);
without alignment evidence the plain reading (depth k) is kept. Reply text
that ran on after a quoted line (the marker-less line break was lost) is split
off where it stops matching the quoted message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from threadscan.mail.attribution import Attribution
from threadscan.mail.unflatten import split_flat
from threadscan.mail.unquoted import reviewer_openers

__all__ = ["TokenIndex", "match_len", "rebuild_lines"]

_BREAK_PUNCT = (",", ".", ";", ":", "!", "?", ")", "}", "..")
_DIFF_START = re.compile(r"^(?:[+-]|@@ |diff |index [0-9a-f]|\\ No newline)")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")
_TRAILERISH = re.compile(r"^(?:[A-Z][\w-]*-by|Cc|Fixes|Link):|^---$|\|")
_MAX_STARTS = 400
_PROSE_WORDS = 8
_CODE_END = re.compile(r"(?:[;{}]|\*/)$")  # a C statement, block or comment ends here
_CAPITAL_WORD = re.compile(r"^[A-Z][a-z']*$")
_PROSE_AFTER = 5  # words of prose that make a run-on reply


@dataclass(frozen=True)
class TokenIndex:
    tokens: tuple[str, ...]
    starts: Mapping[str, tuple[int, ...]]

    @classmethod
    def from_text(cls, text: str) -> TokenIndex:
        tokens = tuple(t for t in text.split() if t != ">")
        starts: dict[str, list[int]] = {}
        for i, token in enumerate(tokens):
            starts.setdefault(token, []).append(i)
        return cls(tokens, {k: tuple(v) for k, v in starts.items()})


def match_len(words: Sequence[str], index: TokenIndex) -> int:
    """Length of the longest prefix of ``words`` found contiguously in the indexed text."""
    if not words:
        return 0
    best = 0
    for start in index.starts.get(words[0], ())[:_MAX_STARTS]:
        n = 0
        while (
            n < len(words) and start + n < len(index.tokens) and index.tokens[start + n] == words[n]
        ):
            n += 1
        best = max(best, n)
        if best == len(words):
            break
    return best


def rebuild_lines(
    attribution: Attribution | None, rest: str, known: Mapping[int, str], maxdepth: int
) -> list[str]:
    """The reply as lines with '>' markers (see the module docstring)."""
    indexes = {d: TokenIndex.from_text(text) for d, text in known.items()}
    lines: list[str] = [attribution.raw] if attribution else []
    prev = 0
    in_hunk: set[int] = set()
    for chunk in split_flat(rest):
        if chunk.marks == 0:
            lines.append(chunk.text)
            prev, in_hunk = 0, set()
            continue
        words = chunk.text.split()
        depth, matched = _choose(chunk.marks, prev, words, indexes, maxdepth)
        if chunk.marks > depth:
            lines.append(">" * (chunk.marks - depth))
        if depth == 0:
            lines.append(chunk.text)
            prev, in_hunk = 0, set()
            continue
        quoted, own = _split_own(words, matched)
        lines.append(_quoted_line(depth, " ".join(quoted), in_hunk))
        prev = depth
        if own:
            lines.extend(["", " ".join(own)])
            prev, in_hunk = 0, set()
    return lines


def _choose(
    marks: int, prev: int, words: Sequence[str], indexes: Mapping[int, TokenIndex], maxdepth: int
) -> tuple[int, int]:
    """(depth, words matched at that depth) for a chunk after ``marks`` markers."""
    candidates = {marks}
    if prev and marks - prev >= 0:
        candidates.add(marks - prev)
    if marks % 2 == 0:
        candidates.add(marks // 2)
    limit = maxdepth or marks
    quoted = sorted((c for c in candidates if 1 <= c <= limit), reverse=True)
    scored = [(match_len(words, indexes[c]), c) for c in quoted if c in indexes]
    best = max(scored, default=(0, 0))
    if best[0] > 0:
        return best[1], best[0]
    if 0 in candidates and scored and len(scored) == len(quoted) and _prose(words):
        return 0, 0
    if quoted:
        return (marks if marks in quoted else quoted[0]), 0
    return min(marks, limit), 0


def _prose(words: Sequence[str]) -> bool:
    return len(words) >= _PROSE_WORDS and not _TRAILERISH.search(" ".join(words[:3]))


def _split_own(words: Sequence[str], matched: int) -> tuple[Sequence[str], Sequence[str]]:
    """Quoted prefix and the reply run on after it (only at a convincing boundary)."""
    if matched <= 0:
        cut = _unaligned_cut(words)
        return (words[:cut], words[cut:]) if cut else (words, ())
    if matched >= len(words):
        return words, ()
    if matched >= 2 or words[matched - 1].endswith(_BREAK_PUNCT):
        return words[:matched], words[matched:]
    return words, ()


def _unaligned_cut(words: Sequence[str]) -> int | None:
    """Where a reply runs on after a quoted line nothing on the page aligns with: prose
    after a line of code ("+ mutex_lock(&q->sysfs_lock); This now means ..."), or a
    reviewer's opener after a quoted sentence ("... a WQ context. Why not ...")."""
    openers = reviewer_openers()
    for k in range(1, len(words) - _PROSE_AFTER + 1):
        rest = words[k:]
        if _CODE_END.search(words[k - 1]) and _prose_run(rest):
            return k
        if words[k - 1].endswith((".", "?", "!")) and " ".join(rest[:4]).startswith(openers):
            return k
    return None


def _prose_run(words: Sequence[str]) -> bool:
    head = words[:_PROSE_AFTER]
    return bool(_CAPITAL_WORD.match(head[0])) and sum(w.isalpha() for w in head) >= _PROSE_AFTER - 1


def _quoted_line(depth: int, text: str, in_hunk: set[int]) -> str:
    """'>'*depth + text; context lines inside a quoted hunk get their leading space back."""
    for deeper in [d for d in in_hunk if d > depth]:
        in_hunk.discard(deeper)
    if _HUNK.match(text):
        in_hunk.add(depth)
    elif depth in in_hunk and not _DIFF_START.match(text):
        text = " " + text
    marks = " ".join(">" * depth)
    return f"{marks} {text}" if text else marks
