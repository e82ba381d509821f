"""Cutting a diff whose line breaks (and indentation) were collapsed back into lines.

Two sources of line breaks, best first: replies that quote the patch keep its
lines as runs of '>' markers ("quoted views"), so a stretch of the patch that a
reply quoted is cut exactly where the quote was; elsewhere lines are cut by
shape: file headers (``diff``, ``index``, ``---``, ``+++``), hunk headers, a
``+``/``-`` token after a finished statement, and statement ends (``;``, ``{``,
``}``, ``*/``) outside parentheses. The result is lossy (indentation is gone)
and is flagged as rebuilt by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["split_patch"]

_HUNK_TOKENS = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@$")
_ENDS = (";", "{", "}", "*/", ":")
_SECTION_ENDS = (")", "{", ",")
_SECTION_MAX = 16


def split_patch(text: str, quoted_views: Sequence[str] = ()) -> list[str]:
    """Diff lines from one flattened patch (see the module docstring)."""
    tokens = text.split()
    oracle = _oracle(quoted_views)
    lines: list[str] = []
    i = 0
    while i < len(tokens):
        length = _oracle_line(tokens, i, oracle)
        if length:
            lines.append(_render(tokens[i : i + length], lines))
            i += length
            continue
        length = _shape_line(tokens, i)
        lines.append(_render(tokens[i : i + length], lines))
        i += length
    return lines


def _oracle(views: Sequence[str]) -> dict[str, list[tuple[str, ...]]]:
    """First token -> token tuples of every line the quoting replies show."""
    from threadscan.mail.unflatten import split_flat

    table: dict[str, list[tuple[str, ...]]] = {}
    for view in views:
        for chunk in split_flat(view):
            words = tuple(chunk.text.split())
            if chunk.marks and words and words not in (("+",), ("-",)):
                table.setdefault(words[0], []).append(words)
    for rows in table.values():
        rows.sort(key=len, reverse=True)
    return table


def _oracle_line(tokens: Sequence[str], i: int, oracle: dict[str, list[tuple[str, ...]]]) -> int:
    for words in oracle.get(tokens[i], ()):
        if tuple(tokens[i : i + len(words)]) == words:
            return len(words)
    return 0


def _shape_line(tokens: Sequence[str], i: int) -> int:
    """How many tokens from ``i`` make one line, judged by shape."""
    header = _header_len(tokens, i)
    if header:
        return header
    depth = 0
    j = i
    while j < len(tokens):
        token = tokens[j]
        depth += token.count("(") - token.count(")")
        j += 1
        if j < len(tokens) and (_starts_line(tokens, j) or (depth <= 0 and token.endswith(_ENDS))):
            break
    return j - i


def _header_len(tokens: Sequence[str], i: int) -> int:
    token = tokens[i]
    if token == "@@" and _HUNK_TOKENS.match(" ".join(tokens[i : i + 4])):
        return 4 + _section_len(tokens, i + 4)
    if token == "diff" and i + 1 < len(tokens) and tokens[i + 1].startswith("-"):
        n = 1
        while i + n < len(tokens) and not _starts_line(tokens, i + n):
            n += 1
        return n
    if token in ("index", "---", "+++") and i + 1 < len(tokens):
        return 2
    return 0


def _section_len(tokens: Sequence[str], i: int) -> int:
    """The function context git prints after a hunk header."""
    depth = 0
    for n, token in enumerate(tokens[i : i + _SECTION_MAX]):
        if _starts_line(tokens, i + n):
            return n
        depth += token.count("(") - token.count(")")
        if token.endswith(_SECTION_ENDS) and depth <= 1:
            return n + 1
    return 0


def _starts_line(tokens: Sequence[str], j: int) -> bool:
    token = tokens[j]
    if token == "@@" and _HUNK_TOKENS.match(" ".join(tokens[j : j + 4])):
        return True
    if token == "diff" and j + 1 < len(tokens) and tokens[j + 1] in ("--git", "-r", "-u", "-urN"):
        return True
    if (
        token == "index"
        and j + 1 < len(tokens)
        and re.match(r"^[0-9a-f]+\.\.[0-9a-f]+$", tokens[j + 1])
    ):
        return True
    if token in ("---", "+++") and j + 1 < len(tokens) and tokens[j + 1][:2] in ("a/", "b/", "/d"):
        return True
    if token[:1] in ("+", "-") and not token.startswith(("->", "-=", "+=", "++", "--")):
        prev = tokens[j - 1] if j else ""
        if token in ("+", "-") and j + 1 < len(tokens) and tokens[j + 1].startswith("*"):
            return True  # a comment continuation line: "+ * text"
        return not prev or prev.endswith((*_ENDS, "/*", ")")) or prev in ("+", "-")
    return False


def _render(words: Sequence[str], done: Sequence[str]) -> str:
    """Tokens back to a diff line: '+ x' / '-x' keep their sign, the rest is context."""
    first = words[0]
    if first in ("@@", "diff", "index", "---", "+++") or not done:
        return " ".join(words)
    if first[:1] in ("+", "-"):
        return " ".join(words)
    return " " + " ".join(words)
