"""Repair damaged diff text into canonical unified-diff text that unidiff can parse.

Mail mangles diffs. ``repair_diff(text, quoted=...)`` scans the text line by line,
tolerating what archives and mail clients do to it, and re-emits one canonical
``--- / +++ / @@`` diff whose hunk counts match its lines. Every repair is
recorded as a defect string. Repairs:

- file headers: ``diff --git``, Mercurial ``diff -r A -r B path``, ``Index: path``
  (+ ``====``), plain ``--- / +++`` pairs; hunks before any file header go to the
  file ``UNKNOWN_FILE`` ("unknown file" defect);
- hunk counts recomputed when they do not match the lines (trimmed quotes);
- whitespace-mangled context lines (missing leading space, empty lines);
- wrapped long lines (a sign-less line continuing a long ``+``/``-``/context line);
- git binary patches skipped (defect);
- quoted diffs (``quoted=True``): counts are not trusted, every line up to the next
  header belongs to the current hunk (reviewers trim and interleave).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from threadscan.model import UNKNOWN_FILE

WRAP_PREV_MIN = 30  # a wrapped line was at least this long ...
WRAP_WIDTH = 66  # ... and joined with its sign-less continuation exceeds this width

HUNK_RE = re.compile(r"^@@+ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@+ ?(.*)$")
GIT_RE = re.compile(r"^diff --git (?:\"?a/)?(\S+) (?:\"?b/)?(\S+?)\"?$")
HG_RE = re.compile(r"^diff(?: -[a-zA-Z]+(?: [0-9a-f]+)?)* (?:-r [0-9a-f]+ )+(\S+)$")
INDEX_RE = re.compile(r"^Index: (\S+)")
OLD_RE = re.compile(r"^--- (\S+)")
NEW_RE = re.compile(r"^\+\+\+ (\S+)")
_OLD_PAIR = re.compile(r"^--- (a/|/dev/null|\S+/)")
_NEW_PAIR = re.compile(r"^\+\+\+ (b/|\S+/)")
_BODY_SIGNS = frozenset("+- ")
GIT_META = (
    "index ", "new file mode", "deleted file mode", "old mode", "new mode", "similarity index",
    "dissimilarity index", "rename from", "rename to", "copy from", "copy to", "====",
)


@dataclass(frozen=True)
class Repaired:
    """Canonical diff text plus what was done to get it."""

    text: str
    defects: tuple[str, ...]
    files: int
    hunks: int


@dataclass
class _Hunk:
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    section: str
    lines: list[str] = field(default_factory=list)
    old_left: int = 0
    new_left: int = 0
    blank_tail: int = 0  # trailing lines that were empty in the input

    @property
    def complete(self) -> bool:
        return self.old_left <= 0 and self.new_left <= 0


@dataclass
class _File:
    old: str
    new: str
    hunks: list[_Hunk] = field(default_factory=list)
    binary: bool = False


@dataclass
class _Scan:
    """Local, per-call scanner state (never shared)."""

    quoted: bool
    files: list[_File] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    pending: _File | None = None  # a file header seen, no hunk yet
    mangled: int = 0
    wrapped: int = 0
    stray: int = 0  # diff-like lines after a complete hunk (ignored)
    skipping_binary: bool = False

    @property
    def hunk(self) -> _Hunk | None:
        if self.pending is None and self.files and self.files[-1].hunks:
            return self.files[-1].hunks[-1]
        return None


def repair_diff(text: str, *, quoted: bool = False) -> Repaired:
    """Scan ``text`` tolerantly and re-emit canonical unified diff text."""
    scan = _Scan(quoted=quoted)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    while i < len(lines):
        i += _step(scan, lines, i)
    return _emit(scan)


def _step(scan: _Scan, lines: list[str], i: int) -> int:
    """Consume line ``i`` (and maybe followers); return how many lines were used."""
    line = lines[i]
    hunk = scan.hunk
    if hunk is not None and line[:1] in _BODY_SIGNS and not line.startswith("--- ") \
            and (scan.quoted or not hunk.complete) and not scan.skipping_binary:
        _hunk_line(scan, hunk, line)  # the common case: a body line of an open hunk
        return 1
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    if _file_header(scan, line, nxt):
        return 2 if line.startswith("--- ") else 1
    if scan.skipping_binary:
        return 1
    m = HUNK_RE.match(line) if line.startswith("@@") else None
    if m:
        _open_hunk(scan, m)
        return 1
    hunk = scan.hunk
    if hunk is None or (hunk.complete and not scan.quoted):
        if hunk is not None and hunk.complete and line.startswith("\\"):
            hunk.lines.append(line)
        elif hunk is not None and line[:1] in ("+", "-") and not line.startswith(("-- ", "---")):
            scan.stray += 1
        return 1
    _hunk_line(scan, hunk, line)
    return 1


def _file_header(scan: _Scan, line: str, nxt: str) -> bool:
    hunk = scan.hunk
    in_hunk = hunk is not None and (scan.quoted or not hunk.complete)
    if line.startswith("--- ") and NEW_RE.match(nxt):
        if in_hunk and not _next_is_header_pair(line, nxt):
            return False
        old, new = OLD_RE.match(line), NEW_RE.match(nxt)
        assert old is not None and new is not None
        _begin_file(scan, old.group(1), new.group(1), keep_pending=True)
        return True
    if in_hunk and line[:1] in ("+", "-", " "):
        return False
    return _other_header(scan, line)


def _next_is_header_pair(line: str, nxt: str) -> bool:
    return bool(_OLD_PAIR.match(line) and _NEW_PAIR.match(nxt))


def _other_header(scan: _Scan, line: str) -> bool:
    m = GIT_RE.match(line)
    if m:
        _begin_file(scan, "a/" + m.group(1), "b/" + m.group(2))
        return True
    m = HG_RE.match(line) if line.startswith("diff ") else None
    if m:
        _begin_file(scan, "a/" + m.group(1), "b/" + m.group(1))
        return True
    m = INDEX_RE.match(line)
    if m:
        _begin_file(scan, m.group(1), m.group(1))
        return True
    if scan.pending is not None and line.startswith(GIT_META):
        return True
    if line.startswith(("GIT binary patch", "Binary files ")):
        _mark_binary(scan, line)
        return True
    return False


def _begin_file(scan: _Scan, old: str, new: str, *, keep_pending: bool = False) -> None:
    _close_hunk(scan)
    scan.skipping_binary = False
    if keep_pending and scan.pending is not None:
        scan.pending.old, scan.pending.new = old, new
        return
    if scan.pending is not None and not scan.pending.binary:
        scan.defects.append(f"file header without hunks: {scan.pending.new}")
    scan.pending = _File(old=old, new=new)


def _mark_binary(scan: _Scan, line: str) -> None:
    target = scan.pending or (scan.files[-1] if scan.files else None)
    name = target.new if target else UNKNOWN_FILE
    scan.defects.append(f"binary patch skipped: {name}")
    if target is not None:
        target.binary = True
    scan.pending = None
    scan.skipping_binary = line.startswith("GIT binary patch")


def _open_hunk(scan: _Scan, m: re.Match[str]) -> None:
    _close_hunk(scan)
    if scan.pending is not None:
        scan.files.append(scan.pending)
        scan.pending = None
    elif not scan.files or scan.files[-1].binary:
        scan.files.append(_File(old="a/" + UNKNOWN_FILE, new="b/" + UNKNOWN_FILE))
        scan.defects.append("unknown file: hunks before any file header")
    old_len = int(m.group(2)) if m.group(2) is not None else 1
    new_len = int(m.group(4)) if m.group(4) is not None else 1
    hunk = _Hunk(int(m.group(1)), old_len, int(m.group(3)), new_len, m.group(5).rstrip())
    hunk.old_left, hunk.new_left = old_len, new_len
    scan.files[-1].hunks.append(hunk)


def _hunk_line(scan: _Scan, hunk: _Hunk, line: str) -> None:
    if line == "-- " and not scan.quoted:
        hunk.old_left = hunk.new_left = 0  # the signature separator ends the diff
        return
    sign = line[:1]
    if hunk.lines and _is_comment_wrap(hunk.lines[-1], line):
        hunk.lines[-1] = hunk.lines[-1] + line
        scan.wrapped += 1
    elif sign in ("+", "-", " ", "\\"):
        _add(hunk, line)
        hunk.blank_tail = 0
    elif line.strip() == "":
        _add(hunk, " ")
        scan.mangled += 1
        hunk.blank_tail += 1
    elif hunk.lines and _is_wrap(hunk.lines[-1], line):
        hunk.lines[-1] = hunk.lines[-1] + " " + line.strip()
        scan.wrapped += 1
    else:
        _add(hunk, " " + line)
        scan.mangled += 1
        hunk.blank_tail = 0


def _is_wrap(prev: str, line: str) -> bool:
    """A sign-less line that, joined to ``prev``, would have exceeded a mailer's wrap width."""
    return (
        prev[:1] in ("+", "-", " ")
        and len(prev) >= WRAP_PREV_MIN
        and len(prev) + 1 + len(line.strip()) >= WRAP_WIDTH
    )


def _is_comment_wrap(prev: str, line: str) -> bool:
    """``... /* Non-super lists`` + ``    */``: a comment end wrapped onto its own line."""
    return (
        line.strip().startswith("*/")
        and prev.rfind("/*") > prev.rfind("*/")
        and len(prev) >= WRAP_PREV_MIN
        and len(prev) + len(line) >= WRAP_WIDTH
    )


def _add(hunk: _Hunk, line: str) -> None:
    hunk.lines.append(line)
    sign = line[:1]
    if sign in (" ", "-"):
        hunk.old_left -= 1
    if sign in (" ", "+"):
        hunk.new_left -= 1


def _close_hunk(scan: _Scan) -> None:
    hunk = scan.hunk
    if hunk is None:
        return
    if hunk.blank_tail and (scan.quoted or not hunk.complete or hunk.old_left < 0):
        del hunk.lines[len(hunk.lines) - hunk.blank_tail:]
        hunk.blank_tail = 0


def _emit(scan: _Scan) -> Repaired:
    _close_hunk(scan)
    if scan.pending is not None and not scan.pending.binary:
        scan.defects.append(f"file header without hunks: {scan.pending.new}")
    out: list[str] = []
    nfiles = nhunks = 0
    for f in scan.files:
        body = [h for h in f.hunks if any(ln[:1] in "+- " for ln in h.lines)]
        if f.binary or not body:
            continue
        nfiles += 1
        out += [f"--- {f.old}", f"+++ {f.new}"]
        for idx, h in enumerate(body):
            nhunks += 1
            out += _emit_hunk(scan, f, idx, h)
    if scan.mangled:
        scan.defects.append(f"whitespace-mangled context lines repaired: {scan.mangled}")
    if scan.stray:
        scan.defects.append(f"diff-like lines after a complete hunk ignored: {scan.stray}")
    if scan.wrapped:
        scan.defects.append(f"wrapped long lines joined: {scan.wrapped}")
    text = "\n".join(out) + "\n" if out else ""
    return Repaired(text=text, defects=tuple(scan.defects), files=nfiles, hunks=nhunks)


def _emit_hunk(scan: _Scan, f: _File, idx: int, h: _Hunk) -> list[str]:
    old = sum(1 for ln in h.lines if ln[:1] in (" ", "-"))
    new = sum(1 for ln in h.lines if ln[:1] in (" ", "+"))
    if (old, new) != (h.old_len, h.new_len):
        scan.defects.append(
            f"recounted hunk {idx} of {f.new}: -{h.old_start},{h.old_len} +{h.new_start},"
            f"{h.new_len} -> -{h.old_start},{old} +{h.new_start},{new}"
        )
    lines = list(h.lines)
    if lines and lines[0].startswith("\\"):
        lines = lines[1:]
    section = f" {h.section}" if h.section else ""
    header = f"@@ -{h.old_start},{old} +{h.new_start},{new} @@{section}"
    return [header, *lines]
