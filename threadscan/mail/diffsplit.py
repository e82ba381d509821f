"""Cutting a diff whose line breaks (and indentation) were collapsed back into lines.

Three sources of evidence, best first: replies that quote the patch keep its
lines ("quoted views", rebuilt with their blank lines), so where the patch
text and a view share a run of tokens the patch is cut exactly as the view is;
elsewhere lines are cut by shape: file headers (``diff``, ``index``, ``---``,
``+++``), hunk headers, a ``+``/``-`` token after a finished statement,
statement ends (``;``, ``{``, ``}``, ``*/``) outside parentheses, preprocessor
lines, closing braces, designated initializers, a function's own ``{``.
Last, ``diffcount`` fits each hunk to its header's line counts (blank added
lines before column-0 context, vanished blank context lines, wrapped lines).
The result is lossy (indentation is gone) and is flagged as rebuilt by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

__all__ = ["split_patch"]

_INDEX_RANGE = re.compile(r"^[0-9a-f]+\.\.[0-9a-f]+$")
_HUNK_TOKENS = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@$")
_ENDS = (";", "{", "}", "*/", ":")
_DIRECTIVE = re.compile(r"^[+-]?#(?:if|ifdef|ifndef|else|elif|endif|define|undef|include|pragma)\b")
_ONE_WORD_DIRECTIVES = ("#endif", "#else")
_TWO_WORD_DIRECTIVES = ("#ifdef", "#ifndef", "#include", "#undef")
_DEFINITION = re.compile(r"^(?:static|void|int|bool|long|unsigned|struct|u32|u64|ssize_t|size_t)$")
_MIN_RUN = 4  # tokens a view must share with the patch before its cuts are used
_GUIDE_MAX = 4_000_000  # patch tokens x view tokens
_SECTION_ENDS = (")", "{", ",")
_SECTION_MAX = 16


def split_patch(text: str, quoted_views: Sequence[Sequence[str]] = ()) -> list[str]:
    """Diff lines from one flattened patch (see the module docstring).

    ``quoted_views`` are the depth-1 lines of the replies quoting the patch, as
    rebuilt (blank quoted lines included); where the patch text matches a view,
    lines are cut as the view cuts them. The rest is cut by shape and then
    fitted to the hunk headers' counts (``diffcount``).
    """
    from threadscan.mail.diffcount import fit_counts

    tokens = text.split()
    cuts, blanks = _guide(tokens, quoted_views)
    lines: list[str] = []
    trusted: set[int] = set()
    i = 0
    while i < len(tokens):
        lines.extend(" " for _ in range(blanks.get(i, 0)))
        length = _shape_line(tokens, i, cuts)
        if cuts.get(i) and cuts.get(i + length):
            trusted.add(len(lines))
        lines.append(_render(tokens[i : i + length], lines))
        i += length
    return fit_counts(lines, trusted)


def _guide(
    tokens: Sequence[str], views: Sequence[Sequence[str]]
) -> tuple[dict[int, bool], dict[int, int]]:
    """Where the quoting replies cut lines (True) or did not (False), and blank lines.

    Both are taken only inside stretches of at least ``_MIN_RUN`` tokens that a
    view and the patch share.
    """
    from difflib import SequenceMatcher

    cuts: dict[int, bool] = {}
    blanks: dict[int, int] = {}
    for view in views:
        words, starts, empty = _view_tokens(view)
        if len(words) * len(tokens) > _GUIDE_MAX:
            continue  # the matcher is quadratic: too big to align, cut by shape
        matcher = SequenceMatcher(None, tokens, words, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            if size < _MIN_RUN:
                continue
            for off in range(size + 1):
                if (off in (0, size) and b + off not in starts) or b + off > len(words):
                    continue
                cuts.setdefault(a + off, b + off in starts)
                if 0 < off < size and empty.get(b + off):
                    blanks.setdefault(a + off, empty[b + off])
    return cuts, blanks


def _view_tokens(view: Sequence[str]) -> tuple[list[str], set[int], dict[int, int]]:
    """A view's tokens, the token indices where its lines start, blank lines before them."""
    words: list[str] = []
    starts: set[int] = set()
    empty: dict[int, int] = {}
    pending = 0
    for line in view:
        parts = line.split()
        if not parts:
            pending += 1
            continue
        starts.add(len(words))
        if pending:
            empty[len(words)] = pending
        words.extend(parts)
        pending = 0
    return words, starts, empty


def _shape_line(tokens: Sequence[str], i: int, cuts: Mapping[int, bool] | None = None) -> int:
    """How many tokens from ``i`` make one line: where a view cut, else by shape."""
    header = _header_len(tokens, i)
    if header and not cuts:
        return header
    depth = 0
    j = i
    while j < len(tokens):
        token = tokens[j]
        depth += token.count("(") - token.count(")")
        j += 1
        if j >= len(tokens):
            break
        forced = cuts.get(j) if cuts else None
        if forced is not None:
            if forced:
                break
        elif header:
            if j - i == header:
                break
        elif _starts_line(tokens, j) or (depth <= 0 and token.endswith(_ENDS)) or (
                depth <= 0 and _body_brace(tokens, i, j)):
            break
    return j - i


def _body_brace(tokens: Sequence[str], i: int, j: int) -> bool:
    """A function definition's "{" (kernel style puts it on a line of its own)."""
    if tokens[j] != "{" or not tokens[j - 1].endswith(")"):
        return False
    first = tokens[i + 1] if tokens[i] in ("+", "-") and i + 1 < j else tokens[i].lstrip("+-")
    return bool(_DEFINITION.match(first)) and "=" not in tokens[i:j]


def _after_directive(tokens: Sequence[str], j: int) -> bool:
    """The token after "#endif" / "#else" / "#ifdef X" / "#include <x>" starts a line."""
    def bare(k: int) -> str:
        return tokens[k].lstrip("+-") if k >= 0 else ""

    return bare(j - 1) in _ONE_WORD_DIRECTIVES or bare(j - 2) in _TWO_WORD_DIRECTIVES


def _initializer(tokens: Sequence[str], j: int) -> bool:
    """"x, .next = y" / "x, };" (designated initializers): a line per member."""
    nxt = tokens[j + 1] if tokens[j] in ("+", "-") and j + 1 < len(tokens) else tokens[j]
    nxt = nxt.lstrip("+-")
    return tokens[j - 1].endswith(",") and (nxt.startswith(".") or nxt in ("}", "};", "},"))


def _header_len(tokens: Sequence[str], i: int) -> int:
    token = tokens[i]
    if token == "@@" and _HUNK_TOKENS.match(" ".join(tokens[i : i + 4])):
        return 4 + _section_len(tokens, i + 4)
    if token == "diff" and i + 1 < len(tokens) and tokens[i + 1].startswith("-"):
        n = 1
        while i + n < len(tokens) and not _starts_line(tokens, i + n):
            n += 1
        return n
    if token == "index" and i + 2 < len(tokens) and re.fullmatch(r"[0-7]{6}", tokens[i + 2]):
        return 3  # "index a..b 100644"
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
        and _INDEX_RANGE.match(tokens[j + 1])
    ):
        return True
    if token in ("---", "+++") and j + 1 < len(tokens) and tokens[j + 1][:2] in ("a/", "b/", "/d"):
        return True
    if j and (_DIRECTIVE.match(token) or _after_directive(tokens, j) or _initializer(tokens, j)):
        return True
    if token in ("}", "};", "},") and j and tokens[j - 1] not in ("+", "-", "{"):
        return True  # a closing brace starts its line
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
