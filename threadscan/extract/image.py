"""Pre- and post-images of each function, rebuilt from a patch's hunk lines.

A function's image is the concatenation, in file order, of the lines of every hunk
that belong to it (per line, see ``cfunc.line_functions``): the pre-image keeps context
and ``-`` lines, the post-image context and ``+`` lines. Lines between hunks are
unknown; simulations over an image approximate them as absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from threadscan.extract.ccode import code_texts
from threadscan.extract.cfunc import line_functions
from threadscan.extract.memo import identity_cache
from threadscan.model import UNKNOWN_FILE, DiffLine, Hunk, Patch

FuncKey = tuple[str, str | None]  # (file, function)
CODE_SUFFIXES = (".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".inc", ".S")


PROSE_SUFFIXES = (".rst", ".txt", ".md", ".tex", ".html", ".yaml", ".yml", ".json")


def is_code_file(path: str) -> bool:
    """C/C++ sources and headers (and hunks whose file is unknown); not docs or build files."""
    return path == UNKNOWN_FILE or path.endswith(CODE_SUFFIXES)


def is_prose_file(path: str) -> bool:
    """Documentation and data files, whose lines are no code: a word before a "(" in them
    ("the lock protecting (per-CPU) data") names no function."""
    return path.endswith(PROSE_SUFFIXES) or (
        path.startswith("Documentation/") and not is_code_file(path))


class ImageLine(NamedTuple):
    """One line of an image (a NamedTuple: hundreds of thousands are built per archive)."""

    key: tuple[str, int]  # (hunk id, line index in the hunk): shared by both images for context
    line: DiffLine
    code: str  # comments and literals blanked
    more: tuple[str, ...]  # following code lines of the same image (multi-line calls);
    # only kept for a line with a call (a "("): the lock stage reads it for nothing else


@dataclass(frozen=True)
class Image:
    file: str
    function: str | None
    old: tuple[ImageLine, ...]
    new: tuple[ImageLine, ...]


def function_images(patch: Patch) -> dict[FuncKey, Image]:
    """Images of every function a patch's hunks touch (quoted or not)."""
    return dict(_images_of(patch))


@identity_cache(maxsize=16)
def _images_of(patch: Patch) -> tuple[tuple[FuncKey, Image], ...]:
    old: dict[FuncKey, list[ImageLine]] = {}
    new: dict[FuncKey, list[ImageLine]] = {}
    for hunk in patch.hunks:
        if is_code_file(hunk.file):
            _add_hunk(hunk, "-", old)
            _add_hunk(hunk, "+", new)
    keys = list(dict.fromkeys([*old, *new]))
    return tuple((k, Image(k[0], k[1], tuple(old.get(k, ())), tuple(new.get(k, ()))))
                 for k in keys)


def _add_hunk(hunk: Hunk, sign: str, images: dict[FuncKey, list[ImageLine]]) -> None:
    """Append the lines of one image (context + ``sign`` lines) to their functions."""
    lines = hunk.lines
    funcs = line_functions(lines, hunk.section)
    codes = code_texts(lines)
    idxs = [i for i, ln in enumerate(lines) if ln.sign == sign or ln.sign == " "]
    hid, path = hunk.id, hunk.file
    for p, i in enumerate(idxs):
        code = codes[i]
        more = tuple([codes[j] for j in idxs[p + 1 : p + 5] if j < i + 5]) \
            if "(" in code else ()  # same-image lines after a call
        images.setdefault((path, funcs[i]), []).append(ImageLine((hid, i), lines[i], code, more))
