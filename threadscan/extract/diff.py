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
from typing import Any

from threadscan.errors import ParseError
from threadscan.extract.cfunc import hunk_function
from threadscan.extract.repair import UNKNOWN_FILE, repair_diff
from threadscan.extract.unflatten import looks_flattened, unflatten_diff
from threadscan.model import DiffLine, FileDiff, Hunk, Message, Patch, Sign

PATCH_TYPES = ("text/x-patch", "text/x-diff", "text/x-diff-patch", "application/x-patch")
PATCH_SUFFIXES = (".patch", ".diff")


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
        DiffLine(sign=_sign(ln.line_type), text=ln.value.rstrip("\n"),
                 old_no=ln.source_line_no, new_no=ln.target_line_no)
        for ln in h if ln.line_type in ("+", "-", " ")
    )
    section = (h.section_header or "").strip()
    return Hunk(
        id=f"{msgid}:{fidx}:{hidx}", file=path,
        old_start=h.source_start, old_len=h.source_length,
        new_start=h.target_start, new_len=h.target_length,
        section=section, function=hunk_function(lines, section), lines=lines,
    )


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
