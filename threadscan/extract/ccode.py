"""Just enough C lexing for the lock stage: code without comments/strings, and calls.

- ``code_texts(lines)``: each DiffLine's text with comments and string/char literals
  blanked (comment state is tracked separately through the pre- and post-image);
- ``iter_calls(code, more)``: every ``name(args)`` call on a line with its split,
  top-level arguments (continued into ``more`` lines when the call spans lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from threadscan.extract.memo import identity_cache
from threadscan.model import DiffLine

CALL_RE = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
ASSERT_WRAPPERS = re.compile(
    r"\b(?:ASSERT|assert|WARN_ON|WARN_ON_ONCE|WARN|BUG_ON|VM_BUG_ON|VM_WARN_ON|"
    r"VM_WARN_ON_ONCE|lockdep_assert|RCU_LOCKDEP_WARN|g_assert)\s*\("
)
SPECIAL_RE = re.compile(r"[/\"']")
BRACKET_RE = re.compile(r"[()\[\]{},]")
OPENERS = "([{"
CONTROL = frozenset({"if", "for", "while", "switch", "return", "sizeof", "typeof", "__typeof__"})


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[str, ...]
    start: int  # column of the name in the code text
    in_assert: bool  # inside ASSERT()/WARN_ON()/... on this line


def _blank(code: str, state: bool) -> tuple[str, bool]:
    """Blank comments and literals in one line; ``state`` = inside a block comment."""
    if not state and not SPECIAL_RE.search(code):
        return code, False
    out: list[str] = []
    i, n = 0, len(code)
    while i < n:
        if state:
            end = code.find("*/", i)
            if end < 0:
                out.append(" " * (n - i))
                return "".join(out), True
            out.append(" " * (end + 2 - i))
            i, state = end + 2, False
            continue
        ch = code[i]
        if code.startswith("/*", i):
            out.append("  ")
            i, state = i + 2, True
            continue
        if code.startswith("//", i):
            out.append(" " * (n - i))
            break
        if ch in "\"'":
            j = _literal_end(code, i)
            out.append(ch + " " * max(0, j - i - 2) + (ch if j - i >= 2 else ""))
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out), state


def _literal_end(code: str, i: int) -> int:
    quote, j = code[i], i + 1
    while j < len(code):
        if code[j] == "\\":
            j += 2
            continue
        if code[j] == quote:
            return j + 1
        j += 1
    return len(code)


def code_texts(lines: Sequence[DiffLine]) -> tuple[str, ...]:
    """Per line: the code with comments and literals blanked (same length as the text)."""
    if type(lines) is tuple:  # a hunk's lines: immutable, asked for by every stage
        return _code_texts_of(lines)
    return _code_texts(lines)


@identity_cache(maxsize=512)
def _code_texts_of(lines: tuple[DiffLine, ...]) -> tuple[str, ...]:
    return _code_texts(lines)


def _code_texts(lines: Sequence[DiffLine]) -> tuple[str, ...]:
    old_state = new_state = False
    out: list[str] = []
    for ln in lines:
        if ln.sign == "-":
            code, old_state = _blank(ln.text, old_state)
        elif ln.sign == "+":
            code, new_state = _blank(ln.text, new_state)
        else:
            code, state = _blank(ln.text, old_state or new_state)
            old_state = new_state = state
        out.append(code)
    return tuple(out)


def split_args(text: str, start: int) -> tuple[tuple[str, ...], bool]:
    """Split the arguments of the call whose ``(`` is at ``start``; (args, closed)."""
    start = max(0, len(text) + start) if start < 0 else start  # as text[start:]
    if start >= len(text) or text[start] not in OPENERS:
        return _split_args_scan(text, start)
    depth, commas = 0, list[int]()
    for m in BRACKET_RE.finditer(text, start):
        ch = m.group()
        if ch in OPENERS:
            depth += 1
        elif ch != ",":
            depth -= 1
            if depth == 0:
                return _slices(text, start, m.start(), commas), True
        elif depth == 1:
            commas.append(m.start())
    return _slices(text, start, len(text), commas), False


def bracket_map(text: str) -> dict[int, tuple[int, tuple[int, ...]]]:
    """Per opening bracket of ``text``: (its matching closer or -1, its top-level commas).
    One pass, so splitting every call of a line is linear in the line length."""
    found: dict[int, tuple[int, tuple[int, ...]]] = {}
    stack: list[tuple[int, list[int]]] = []
    for m in BRACKET_RE.finditer(text):
        ch, pos = m.group(), m.start()
        if ch in OPENERS:
            stack.append((pos, []))
        elif ch == ",":
            if stack:
                stack[-1][1].append(pos)
        elif stack:
            opened, commas = stack.pop()
            found[opened] = (pos, tuple(commas))
    for opened, commas in stack:
        found[opened] = (-1, tuple(commas))
    return found


def split_mapped(
    text: str, brackets: dict[int, tuple[int, tuple[int, ...]]], start: int
) -> tuple[tuple[str, ...], bool]:
    """``split_args(text, start)`` for an opening bracket, read from ``bracket_map(text)``."""
    close, commas = brackets[start]
    if close < 0:
        return _slices(text, start, len(text), commas), False
    return _slices(text, start, close, commas), True


def _slices(text: str, start: int, end: int, commas: Sequence[int]) -> tuple[str, ...]:
    """The stripped, non-empty pieces of ``text[start + 1:end]`` cut at ``commas``."""
    bounds = (start, *commas, end)
    pieces = (text[a + 1:b].strip() for a, b in pairwise(bounds))
    return tuple(p for p in pieces if p)


def _split_args_scan(text: str, start: int) -> tuple[tuple[str, ...], bool]:
    """The general scan, for a ``start`` that is not an opening bracket."""
    depth = 0
    args: list[str] = []
    cur: list[str] = []
    for i in range(start, len(text)):
        ch = text[i]
        if ch in OPENERS:
            depth += 1
            if depth == 1:
                continue
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                args.append("".join(cur).strip())
                return tuple(a for a in args if a), True
        elif ch == "," and depth == 1:
            args.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    args.append("".join(cur).strip())
    return tuple(a for a in args if a), False


def iter_calls(
    code: str, more: Sequence[str] = (), wanted: Callable[[str], bool] | None = None
) -> Iterator[Call]:
    """Calls on a code line; arguments may continue into the ``more`` lines.
    ``wanted(name)`` filters calls before their arguments are split (speed)."""
    if "(" not in code:
        return
    asserts = [m.end() for m in ASSERT_WRAPPERS.finditer(code)] if "SSERT" in code or \
        "assert" in code or "WARN" in code or "BUG" in code else []
    line: _Mapped | None = None
    joined: _Mapped | None = None
    for m in CALL_RE.finditer(code):
        name = m.group(1)
        if name in CONTROL or (wanted is not None and not wanted(name)):
            continue
        line = line or _Mapped.of(code)
        args, closed = line.split(m.end() - 1)
        if not closed and more:
            joined = joined or _Mapped.of(code + " " + " ".join(more))
            args, _ = joined.split(m.end() - 1)
        in_assert = bool(asserts) and asserts[0] <= m.start()
        yield Call(name=name, args=args, start=m.start(), in_assert=in_assert)


@dataclass(frozen=True)
class _Mapped:
    """A text with its bracket map, built once per line for all of its calls."""

    text: str
    brackets: dict[int, tuple[int, tuple[int, ...]]]

    @classmethod
    def of(cls, text: str) -> _Mapped:
        return cls(text, bracket_map(text))

    def split(self, start: int) -> tuple[tuple[str, ...], bool]:
        return split_mapped(self.text, self.brackets, start)
