"""Pre- and post-images of each function, rebuilt from a patch's hunk lines.

A function's image is the concatenation, in file order, of the lines of every hunk
that belong to it (per line, see ``cfunc.line_functions``): the pre-image keeps context
and ``-`` lines, the post-image context and ``+`` lines. Lines between hunks are
unknown; simulations over an image approximate them as absent.
"""

from __future__ import annotations

from dataclasses import dataclass

from threadscan.extract.ccode import code_texts
from threadscan.extract.cfunc import line_functions
from threadscan.extract.repair import UNKNOWN_FILE
from threadscan.model import DiffLine, Patch

FuncKey = tuple[str, str | None]  # (file, function)
CODE_SUFFIXES = (".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".inc", ".S")


def is_code_file(path: str) -> bool:
    """C/C++ sources and headers (and hunks whose file is unknown); not docs or build files."""
    return path == UNKNOWN_FILE or path.endswith(CODE_SUFFIXES)


@dataclass(frozen=True)
class ImageLine:
    key: tuple[str, int]  # (hunk id, line index in the hunk): shared by both images for context
    line: DiffLine
    code: str  # comments and literals blanked
    more: tuple[str, ...]  # following code lines of the same image (multi-line calls)


@dataclass(frozen=True)
class Image:
    file: str
    function: str | None
    old: tuple[ImageLine, ...]
    new: tuple[ImageLine, ...]


def function_images(patch: Patch) -> dict[FuncKey, Image]:
    """Images of every function a patch's hunks touch (quoted or not)."""
    old: dict[FuncKey, list[ImageLine]] = {}
    new: dict[FuncKey, list[ImageLine]] = {}
    for hunk in patch.hunks:
        if not is_code_file(hunk.file):
            continue
        funcs = line_functions(hunk.lines, hunk.section)
        codes = code_texts(hunk.lines)
        for i, ln in enumerate(hunk.lines):
            key: FuncKey = (hunk.file, funcs[i])
            for sign, images in (("-", old), ("+", new)):
                if ln.sign in (sign, " "):
                    more = tuple(codes[j] for j in range(i + 1, min(i + 5, len(codes)))
                                 if hunk.lines[j].sign in (sign, " "))
                    images.setdefault(key, []).append(
                        ImageLine(key=(hunk.id, i), line=ln, code=codes[i], more=more))
    keys = list(dict.fromkeys([*old, *new]))
    return {k: Image(k[0], k[1], tuple(old.get(k, ())), tuple(new.get(k, ()))) for k in keys}
