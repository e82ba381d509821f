"""C function and struct names for hunk lines (heuristic, whitespace-style agnostic).

- ``section_function("mlx5vf_pci_step_device_state_locked(struct mlx5vf_pci_core_device *mvdev,")``
  -> ``"mlx5vf_pci_step_device_state_locked"``; a struct section (``struct foo {``) or a
  macro statement (``boolean_param("x", y);``) is not a function -> ``None``.
- ``line_functions(lines, section)``: the enclosing function of every line, walking the
  pre-image for ``-`` lines and the post-image for ``+``/context lines, so a hunk that
  spans two functions, or defines a new one in ``+`` lines, is attributed per line.
- ``line_structs(lines, section)``: the enclosing struct for every line (declarations).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from threadscan.extract.memo import identity_cache
from threadscan.model import DiffLine

KEYWORDS = frozenset(
    {"if", "for", "while", "switch", "return", "sizeof", "do", "else", "case", "typeof",
     "__typeof__", "defined", "likely", "unlikely", "goto", "asm", "__attribute__"}
)
DEF_RE = re.compile(r"^((?:[A-Za-z_]\w*[\s\*]+)*\**)([A-Za-z_]\w*)\s*\(")
STRUCT_OPEN_RE = re.compile(
    r"^(?:typedef\s+)?(?:static\s+)?(?:const\s+)?(?:struct|union)\s+(\w+)\s*\{"
)
AGGREGATE_RE = re.compile(r"^[A-Za-z_][^(]*=\s*\{")
FLAT_RE = re.compile(r"^(?:return|break|continue|goto|if|for|while|else|switch|case)\b")
FLAT_FIRST = frozenset("rbcgifwes")  # first letters of the FLAT_RE keywords


def definition_name(text: str) -> str | None:
    """The function defined (or starting to be defined) by a column-0 line, else None."""
    if not text or text[0] in " \t#{}/*" or "(" not in text \
            or _code_end(text).endswith((";", "\\")):
        return None  # DEF_RE needs a "(": without one there is no definition
    m = DEF_RE.match(text)
    if m is None or m.group(2) in KEYWORDS:
        return None
    if "=" in text[: m.start(2)]:
        return None
    return m.group(2)


def _code_end(text: str) -> str:
    """The line without a trailing comment (``LIST_HEAD(l); /* protected by x */``)."""
    text = text.rstrip()
    if text.endswith("*/") and "/*" in text:
        text = text[: text.rindex("/*")].rstrip()
    elif "//" in text:
        text = text[: text.index("//")].rstrip()
    return text


def prototype_name(text: str) -> str | None:
    """The function a column-0 prototype declares (``void zram_slot_lock(struct zram *zram,
    u32 index);``): a declaration, not a call of it."""
    if not text or text[0] in " \t#{}/*" or "(" not in text or not _code_end(text).endswith(";"):
        return None
    m = DEF_RE.match(text)
    if m is None or not m.group(1).strip() or m.group(2).isupper():
        return None  # "static DEFINE_MUTEX(m);" defines a lock with a macro
    if m.group(1).split()[0] in KEYWORDS or "=" in text[: m.start(2)]:
        return None
    return m.group(2) if _declares_params(text, m.end()) else None


def _declares_params(text: str, start: int) -> bool:
    """Whether the first parameter after ``(`` declares one ("struct zram *zram", "void", an
    empty list) rather than passes one ("x", "&m"): a type and a name, or a pointer."""
    ends = [i for i in (text.find(",", start), text.find(")", start)) if i >= 0]
    if not ends:
        return False
    first = text[start:min(ends)].strip()
    return first in ("", "void") or " " in first or "*" in first


def section_function(section: str) -> str | None:
    """The function named by a hunk's ``@@ ... @@ section`` text, else None."""
    text = section.strip()
    if not text or STRUCT_OPEN_RE.match(text) or AGGREGATE_RE.match(text):
        return None
    return definition_name(text)


def section_struct(section: str) -> str | None:
    m = STRUCT_OPEN_RE.match(section.strip())
    return m.group(1) if m else None


def is_flat(lines: Sequence[DiffLine]) -> bool:
    """Indentation lost (a rebuilt flattened diff): statements start at column 0."""
    return any(ln.text[:1] in FLAT_FIRST and FLAT_RE.match(ln.text) for ln in lines)


def _walk(
    lines: Sequence[DiffLine], names: Sequence[str | None], start: str | None, signs: str,
    closes: bool,
) -> list[str | None]:
    """One image's walk; ``names`` = definition_name per line; ``closes``: not is_flat."""
    out: list[str | None] = [None] * len(lines)
    cur = start
    for i, ln in enumerate(lines):
        if ln.sign not in signs:
            continue
        text = ln.text
        name = names[i]
        if name is not None:
            cur = name
        elif (closes and text.startswith("}")) or _opens_aggregate(text):
            out[i] = cur if text.startswith("}") else None
            cur = None
            continue
        out[i] = cur
    return out


def _opens_aggregate(text: str) -> bool:
    """``struct x {`` or ``... = {`` (both patterns need a ``{``)."""
    return "{" in text and bool(STRUCT_OPEN_RE.match(text) or AGGREGATE_RE.match(text))


def line_definitions(lines: Sequence[DiffLine]) -> tuple[str | None, ...]:
    """``definition_name`` of every line (shared by the function, struct and wrapper walks);
    a line that continues a macro (the line before ends in a backslash) defines nothing."""
    if type(lines) is tuple:
        return _line_definitions_of(lines)
    return _definitions(lines)


@identity_cache(maxsize=512)
def _line_definitions_of(lines: tuple[DiffLine, ...]) -> tuple[str | None, ...]:
    return _definitions(lines)


def _definitions(lines: Sequence[DiffLine]) -> tuple[str | None, ...]:
    out: list[str | None] = []
    continued = False
    for ln in lines:
        out.append(None if continued else definition_name(ln.text))
        continued = ln.text.rstrip().endswith("\\")
    return tuple(out)


def line_functions(lines: Sequence[DiffLine], section: str) -> tuple[str | None, ...]:
    """Enclosing function per line: ``-`` lines from the pre-image, others from the post-image."""
    if type(lines) is tuple:  # a hunk's lines: immutable, asked for by every stage
        return _line_functions_of(lines, section)
    return _line_functions(lines, section)


@identity_cache(maxsize=512)
def _line_functions_of(lines: tuple[DiffLine, ...], section: str) -> tuple[str | None, ...]:
    return _line_functions(lines, section)


def _line_functions(lines: Sequence[DiffLine], section: str) -> tuple[str | None, ...]:
    start = section_function(section)
    names = line_definitions(lines)
    closes = not is_flat(lines)  # without indentation a "}" may close any block
    new = _walk(lines, names, start, " +", closes)
    old = _walk(lines, names, start, " -", closes)
    return tuple(old[i] if ln.sign == "-" else new[i] for i, ln in enumerate(lines))


def hunk_function(lines: Sequence[DiffLine], section: str) -> str | None:
    """The function of a hunk: from its section, else the first one found in its lines."""
    named = section_function(section)
    if named is not None:
        return named
    return next((f for f in line_functions(lines, section) if f is not None), None)


def line_structs(lines: Sequence[DiffLine], section: str) -> tuple[str | None, ...]:
    """Enclosing named struct per line (for qualifying field declarations)."""
    cur = section_struct(section)
    out: list[str | None] = []
    names = line_definitions(lines)
    for i, ln in enumerate(lines):
        m = STRUCT_OPEN_RE.match(ln.text) if "{" in ln.text else None
        if m:
            cur = m.group(1)
        elif ln.text.startswith("}") or names[i]:
            cur = None
        out.append(cur)
    return tuple(out)
