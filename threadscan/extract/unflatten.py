"""Rebuild the lines of a diff whose newlines were lost (Patchwork page text, seed 003).

A flattened diff is one line: each newline became a space, indentation collapsed, so a
line starts where a ``+``/``-`` marker or a new C statement starts. ``unflatten_diff``
re-flattens the text (also a lossy earlier rebuild) and splits it again using:

- headers: ``diff --git a/X b/Y``, ``index ..``, ``--- X +++ Y``, ``@@ -a,b +c,d @@``;
- statement boundaries at paren depth 0: after a token ending in ``;``, ``{``, ``}``,
  ``,``, ``*/`` or a ``label:``;
- sign markers: a ``+``/``-`` token (or ``+static`` glued to a column-0 line) at a
  boundary, or before a comment continuation (``+ * text``);
- the hunk counts: ``+ static struct x = {`` is split into an empty added line and a
  context line when context lines are missing. (Blank context lines are lost for good;
  the repair stage recounts.)

``looks_flattened(text)`` says when to try it: several hunk headers on one line, or
statements (``return``, ``if`` ...) at column 0 of context lines while (almost) no context
line is indented (a lossy earlier rebuild; real C diffs indent their context).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

_LABEL = re.compile(r"\w+:")
HUNK_TOKENS = re.compile(r"^-(\d+)(?:,(\d+))?$"), re.compile(r"^\+(\d+)(?:,(\d+))?$")
STATEMENT_AT_COL0 = re.compile(r"^ (?:return\b|break;|goto |if \(|else\b|continue;)")
BOUNDARY_END = (";", "{", "}", ",", "*/")
BLOCK_HEADS = frozenset({"if", "for", "while", "switch", "else", "}", "do"})
SECTION_MAX = 80  # git truncates the @@ section (function line) near here
COL0_START = frozenset({"static", "#include", "#define", "#if", "#endif", "MODULE_DEVICE_TABLE",
                        "EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL"})


@dataclass
class _Hunk:
    header: str
    old_len: int
    new_len: int
    section: list[str]
    lines: list[tuple[str, list[str]]] = field(default_factory=list)  # (sign, tokens)
    parens: int = 0  # of the last line: count("(") - count(")") so far
    has_eq: bool = False  # of the last line: a "=" token so far

    def new_line(self, sign: str, toks: list[str]) -> None:
        self.lines.append((sign, []))
        self.parens, self.has_eq = 0, False
        for t in toks:
            self.add(t)

    def add(self, t: str) -> None:
        """Append a token to the last line, keeping its running counts (linear, not
        re-joining the line for every token)."""
        self.lines[-1][1].append(t)
        self.parens += t.count("(") - t.count(")")
        self.has_eq = self.has_eq or t == "="


def looks_flattened(text: str) -> bool:
    lines = text.split("\n")
    if any(ln.count("@@ -") >= 2 for ln in lines):
        return True
    context = [ln for ln in lines if ln.startswith(" ") and ln.strip()]
    indented = sum(1 for ln in context if ln[1:2] in (" ", "\t"))
    statements = sum(1 for ln in context if STATEMENT_AT_COL0.match(ln))
    return statements >= 2 and indented < 0.1 * len(context)


def unflatten_diff(text: str) -> str:
    """Split a flattened diff back into lines (best effort; counts repaired later)."""
    tokens = " ".join(ln.strip() for ln in text.split("\n")).split()
    out: list[str] = []
    i = 0
    hunk: _Hunk | None = None
    while i < len(tokens):
        used, header = _header(tokens, i)
        if used:
            _flush(hunk, out)
            hunk = None
            if header.startswith("@@"):
                hunk = _open(header, tokens, i, used)
                used += len(hunk.section)
            else:
                out.append(header)
            i += used
            continue
        if hunk is not None:
            _token(hunk, tokens, i)
        i += 1
    _flush(hunk, out)
    return "\n".join(out) + "\n"


def _header(tokens: list[str], i: int) -> tuple[int, str]:
    t = tokens[i]
    rest = tokens[i + 1:i + 4]
    if t == "diff" and rest[:1] == ["--git"] and len(rest) >= 3:
        return 4, " ".join(tokens[i:i + 4])
    if t == "index" and rest and ".." in rest[0]:
        mode = 1 if len(rest) > 1 and rest[1].isdigit() else 0
        return 2 + mode, " ".join(tokens[i:i + 2 + mode])
    if t == "---" and len(rest) >= 2 and rest[1] == "+++":
        return 4, f"--- {rest[0]}\n+++ {rest[2] if len(rest) > 2 else rest[0]}"
    if t == "@@" and len(rest) >= 3 and rest[2] == "@@" and HUNK_TOKENS[0].match(rest[0]) \
            and HUNK_TOKENS[1].match(rest[1]):
        return 4, " ".join(tokens[i:i + 4])
    return 0, ""


def _open(header: str, tokens: list[str], i: int, used: int) -> _Hunk:
    old = HUNK_TOKENS[0].match(header.split()[1])
    new = HUNK_TOKENS[1].match(header.split()[2])
    assert old is not None and new is not None
    section: list[str] = []
    for t in islice(tokens, i + used, None):
        if (t.startswith(("+", "-")) and section) or t == "@@":
            break
        section.append(t)
        if t.endswith((",", "{", ")", ";")) or len(" ".join(section)) >= SECTION_MAX:
            break
    return _Hunk(header, int(old.group(2) or 1), int(new.group(2) or 1), section)


def _at_boundary(hunk: _Hunk) -> bool:
    if not hunk.lines:
        return True
    toks = hunk.lines[-1][1]
    if not toks:
        return True
    if hunk.parens:
        return False
    last = toks[-1]  # the line's text ends with its last token
    if last.endswith(")") and toks[0] != "return" and not hunk.has_eq:
        return True  # if (...) / a function signature: the next line starts here
    return last.endswith(BOUNDARY_END) or bool(_LABEL.fullmatch(last))


def _token(hunk: _Hunk, tokens: list[str], i: int) -> None:
    t = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    boundary = _at_boundary(hunk)
    if t in ("+", "-") and (boundary or nxt.startswith("*") or nxt in ("+", "-")):
        hunk.new_line(t, [])
    elif t[0] in "+-" and len(t) > 1 and t[1] not in "+-=>0123456789" and boundary:
        hunk.new_line(t[0] + "|", [t[1:]])  # glued: a column-0 line
    elif not hunk.lines or (boundary and hunk.lines[-1][1] and not _opens_block(hunk, t)):
        hunk.new_line(" ", [t])
    else:
        hunk.add(t)


def _split_empty_marker_lines(hunk: _Hunk) -> None:
    """``+ static struct x = {``: an empty added line then a context line, when the counts
    say context lines are missing."""
    added = sum(1 for sign, _ in hunk.lines if sign[0] == "+")
    context = sum(1 for sign, _ in hunk.lines if sign == " ")
    deficit = hunk.new_len - added - context
    k = 0
    while deficit > 0 and k < len(hunk.lines):
        sign, toks = hunk.lines[k]
        if sign in ("+", "-") and toks and _top_level(toks):
            hunk.lines[k:k + 1] = [(sign, []), (" ", toks)]
            deficit -= 1
        k += 1


def _opens_block(hunk: _Hunk, t: str) -> bool:
    """``if (x) {``: the brace stays on the statement's line (not after a function head)."""
    return t == "{" and hunk.lines[-1][1][0] in BLOCK_HEADS


def _top_level(toks: list[str]) -> bool:
    """A construct that starts at column 0: ``static ...``, ``#include``, ``struct x {``."""
    head = toks[0].split("(")[0]
    return head in COL0_START or (head in ("struct", "union", "enum") and toks[-1] == "{")


def _flush(hunk: _Hunk | None, out: list[str]) -> None:
    if hunk is None:
        return
    _split_empty_marker_lines(hunk)
    section = " ".join(hunk.section)
    if section and not hunk.lines:
        hunk.lines.append((" ", hunk.section))
        section = ""
    out.append(f"{hunk.header} {section}".rstrip())
    for sign, toks in hunk.lines:
        indent = "" if sign in (" ", "+|", "-|") or not toks else "\t"
        out.append(sign[0] + indent + " ".join(toks))
