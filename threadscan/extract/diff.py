"""Find and parse the diffs of a message into ``Patch`` objects.

``parse_patch_text(text, msgid)`` repairs the text (``repair.repair_diff``) and parses
the canonical result with unidiff (imported lazily; its objects never leave this
module, its errors are wrapped with the message id). ``find_patches(message)``
collects: the message's own diff segments (depth 0, one Patch), its quoted diff
segments (depth >= 1, grouped into one quoted Patch), and text attachments that are
patches (``.patch``/``.diff`` names, ``text/x-patch``/``text/x-diff`` types).
Hunk ids are ``"<msgid>:<file index>:<hunk index>"``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from threadscan.errors import ParseError
from threadscan.extract.cfunc import hunk_function
from threadscan.extract.image import is_prose_file
from threadscan.extract.repair import repair_diff
from threadscan.extract.unflatten import looks_flattened, unflatten_diff
from threadscan.model import UNKNOWN_FILE, DiffLine, FileDiff, Hunk, Message, Patch, Sign

PATCH_TYPES = ("text/x-patch", "text/x-diff", "text/x-diff-patch", "application/x-patch")
PATCH_SUFFIXES = (".patch", ".diff")
_SIGNS = frozenset({"+", "-", " "})
# unidiff's RE_HUNK_HEADER: the canonical fast path reads headers exactly as unidiff does
_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))?\ @@[ ]?(.*)")


def parse_patch_text(
    text: str, msgid: str, *, quoted: bool = False, depth: int = 0, first_file: int = 0
) -> Patch:
    """Parse (possibly damaged) diff text into a Patch; damage goes to ``Patch.defects``.

    ``first_file`` offsets the file index in hunk ids (several patches in one message).
    """
    rebuilt = looks_flattened(text)
    if rebuilt:
        text = unflatten_diff(text)
    repaired = repair_diff(text, quoted=quoted)
    defects = ["rebuilt flattened diff lines"] if rebuilt else []
    defects += repaired.defects
    files: tuple[FileDiff, ...] = ()
    if repaired.text:
        try:
            files = _parse_canonical(repaired.text, msgid, first_file)
        except ParseError as err:
            defects.append(f"unparseable diff: {err.message}")
    elif text.strip():
        defects.append("no hunks found")
    return Patch(msgid=msgid, files=files, quoted=quoted, depth=depth, defects=tuple(defects))


def _parse_canonical(text: str, msgid: str, first_file: int) -> tuple[FileDiff, ...]:
    simple = _parse_simple(text, msgid, first_file)
    return simple if simple is not None else _parse_unidiff(text, msgid, first_file)


def _parse_simple(text: str, msgid: str, first_file: int) -> tuple[FileDiff, ...] | None:
    """``repair_diff`` output in its plain shape (``---``/``+++`` pairs, then hunks whose
    lines all carry a sign and match their counts), read as unidiff reads it, without
    unidiff's per-line objects. None when anything is unusual: unidiff decides then."""
    lines = text.split("\n")
    if lines[-1] != "" or "\n\\" in text:
        return None  # no final newline, or "\ No newline" markers
    lines.pop()
    files: list[FileDiff] = []
    i = 0
    while i < len(lines):
        if i + 1 >= len(lines) or not _plain_pair(lines[i], lines[i + 1]):
            return None
        source, target, i = lines[i][4:], lines[i + 1][4:], i + 2
        path = _strip_prefix(target if target != "/dev/null" else source)
        hunks: list[Hunk] = []
        fid = f"{msgid}:{first_file + len(files)}"
        while i < len(lines) and lines[i].startswith("@@"):
            hunk, i = _simple_hunk(lines, i, f"{fid}:{len(hunks)}", path)
            if hunk is None:
                return None
            hunks.append(hunk)
        if not hunks:
            return None
        old_path = _strip_prefix(source if source != "/dev/null" else target)
        files.append(FileDiff(path=path, old_path=old_path, hunks=tuple(hunks)))
    return tuple(files)


def _plain_pair(old: str, new: str) -> bool:
    """A ``--- a`` / ``+++ b`` header pair without tabs or quotes in the names."""
    return old.startswith("--- ") and new.startswith("+++ ") \
        and not any(c in old or c in new for c in ('"', "\t"))


def _simple_hunk(lines: list[str], i: int, hid: str, path: str) -> tuple[Hunk | None, int]:
    """One hunk from its header at ``i``: (Hunk, next index), or (None, i) when unusual."""
    m = _HUNK_HEADER.match(lines[i])
    if m is None:
        return None, i
    old_start, new_start = int(m.group(1)), int(m.group(3))
    old_len = int(m.group(2)) if m.group(2) is not None else 1
    new_len = int(m.group(4)) if m.group(4) is not None else 1
    old_no, new_no = old_start, new_start
    old_end, new_end = old_start + old_len, new_start + new_len
    out: list[DiffLine] = []
    j = i + 1
    while (old_no < old_end or new_no < new_end) and j < len(lines):
        line, sign = lines[j], lines[j][:1]
        if sign == "+":
            out.append(DiffLine(sign="+", text=line[1:], old_no=None, new_no=new_no))
            new_no += 1
        elif sign == "-":
            out.append(DiffLine(sign="-", text=line[1:], old_no=old_no, new_no=None))
            old_no += 1
        elif sign == " ":
            out.append(DiffLine(sign=" ", text=line[1:], old_no=old_no, new_no=new_no))
            old_no, new_no = old_no + 1, new_no + 1
        else:
            return None, i
        j += 1
    if (old_no, new_no) != (old_end, new_end) or not out:
        return None, i  # short, long or empty: unidiff reports it
    section = (m.group(5) or "").strip()
    lines_t = tuple(out)
    return Hunk(id=hid, file=path, old_start=old_start, old_len=old_len, new_start=new_start,
                new_len=new_len, section=section, function=_function(path, lines_t, section),
                lines=lines_t), j


def _parse_unidiff(text: str, msgid: str, first_file: int) -> tuple[FileDiff, ...]:
    from unidiff.errors import UnidiffParseError  # lazy: only the diff stage needs unidiff
    from unidiff.patch import PatchSet

    try:
        patchset = PatchSet(text)
    except (UnidiffParseError, ValueError, IndexError) as err:
        raise ParseError(f"unidiff: {err}", msgid=msgid) from err
    return tuple(_file(pf, msgid, first_file + i) for i, pf in enumerate(patchset))


def _file(pf: Any, msgid: str, idx: int) -> FileDiff:
    path = _strip_prefix(pf.target_file if pf.target_file != "/dev/null" else pf.source_file)
    old_path = _strip_prefix(pf.source_file if pf.source_file != "/dev/null" else pf.target_file)
    hunks = tuple(_hunk(h, msgid, idx, hidx, path) for hidx, h in enumerate(pf))
    return FileDiff(path=path, old_path=old_path, hunks=hunks)


def _strip_prefix(name: str) -> str:
    name = name.split("\t")[0]
    for prefix in ("a/", "b/"):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _hunk(h: Any, msgid: str, fidx: int, hidx: int, path: str) -> Hunk:
    lines = tuple(
        DiffLine(sign=ln.line_type, text=ln.value.rstrip("\n"),  # one of "+", "-", " "
                 old_no=ln.source_line_no, new_no=ln.target_line_no)
        for ln in h if ln.line_type in _SIGNS
    )
    section = (h.section_header or "").strip()
    return Hunk(
        id=f"{msgid}:{fidx}:{hidx}", file=path,
        old_start=h.source_start, old_len=h.source_length,
        new_start=h.target_start, new_len=h.target_length,
        section=section, function=_function(path, lines, section), lines=lines,
    )


def _function(path: str, lines: tuple[DiffLine, ...], section: str) -> str | None:
    """A hunk's function; none in documentation (``is_prose_file``)."""
    return None if is_prose_file(path) else hunk_function(lines, section)


def _sign(line_type: str) -> Sign:
    return "+" if line_type == "+" else "-" if line_type == "-" else " "


def format_patch(patch: Patch) -> str:
    """Canonical unified-diff text of a Patch (``parse_patch_text`` of it gives it back)."""
    out: list[str] = []
    for f in patch.files:
        out += [f"--- a/{f.old_path}", f"+++ b/{f.path}"]
        for h in f.hunks:
            section = f" {h.section}" if h.section else ""
            out.append(f"@@ -{h.old_start},{h.old_len} +{h.new_start},{h.new_len} @@{section}")
            out += [ln.sign + ln.text for ln in h.lines]
    return "\n".join(out) + "\n" if out else ""


def is_unknown_file(path: str) -> bool:
    return path == UNKNOWN_FILE


def find_patches(message: Message) -> list[Patch]:
    """Every diff in a message: own (depth 0), quoted (grouped, depth >= 1), attachments."""
    patches: list[Patch] = []

    def used() -> int:
        return sum(len(p.files) for p in patches)

    own = [s.text for s in message.segments if s.kind == "diff" and s.depth == 0]
    if own:
        patches.append(parse_patch_text("\n".join(own), message.msgid))
    quoted = [s for s in message.segments if s.kind == "diff" and s.depth >= 1]
    if quoted:
        depth = min(s.depth for s in quoted)
        text = "\n".join(s.text for s in quoted)
        patches.append(parse_patch_text(
            text, message.msgid, quoted=True, depth=depth, first_file=used()))
    for att in message.attachments:
        if _is_patch_attachment(att.filename, att.content_type) and att.text.strip():
            patch = parse_patch_text(att.text, message.msgid, first_file=used())
            patches.append(dataclasses.replace(
                patch, defects=(*patch.defects, f"from attachment {att.filename or '?'}")))
    series = _series(message)
    return [dataclasses.replace(p, **series) for p in patches if p.files or p.defects]


def _is_patch_attachment(filename: str, content_type: str) -> bool:
    return content_type.lower() in PATCH_TYPES or filename.lower().endswith(PATCH_SUFFIXES)


def _series(message: Message) -> dict[str, Any]:
    subj = message.subject
    return {"series": subj.clean or None, "version": subj.version, "index": subj.index,
            "total": subj.total}
