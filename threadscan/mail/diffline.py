"""Which body lines belong to a diff: a small per-depth state machine.

Recognises git (``diff --git``, ``index``, ``---``/``+++``), hg (``diff -r A -r B
path``), quilt/svn (``Index:``) headers, ``@@ -a,b +c,d @@`` hunks with their line
counts, mail-mangled hunks (blank context lines, long lines wrapped by a mail
client), headerless continuation hunks, and the ``---`` / diffstat preamble.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["HUNK_HEADER", "OPENERS", "DiffState", "diff_step"]

HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_COMMAND = re.compile(r"^(?:diff (?:-{1,2}[\w=-]+ (?:[0-9a-f]{6,40} )?)+\S|Index: \S+\s*$)")
_META = re.compile(
    r"^(?:index [0-9a-f]+\.\.[0-9a-f]+|new file mode|deleted file mode|old mode|new mode|"
    r"similarity index|dissimilarity index|rename from|rename to|copy from|copy to|"
    r"Binary files|={10,}|\+\+\+ |--- |RCS file:|retrieving revision)"
)
_DIFFSTAT = re.compile(r"^\s*(?:\S.{0,200}\|\s*(?:\d+ ?[+-]*|Bin\b.*)|\d+ files? changed.*)\s*$")
_WRAP_MIN = 66
_CODE_SIGN = re.compile(r"^[+-](?:\t| {2,})\S")
_CODE_LINE = re.compile(r"^[+ -](?:\t| {2,})\S")
# first characters of a hunk header, a diff command, a file header, a '---' preamble
_HEADS = frozenset("@dI-")
_SIGNS = frozenset("+-")
# first characters of any line that can start a diff from an idle state (see DiffState.idle)
OPENERS = _HEADS | _SIGNS


class DiffState(NamedTuple):
    """The diff state of one quote depth (a NamedTuple: one is built per diff line)."""

    seen: bool = False  # a diff header was seen at this depth
    header: bool = False  # inside a file header / diffstat block
    in_hunk: bool = False
    old: int | None = None  # remaining old-side lines; None = open-ended hunk
    new: int | None = None
    last_len: int = 0  # length of the previous diff line (wrapped-line detection)

    @property
    def idle(self) -> bool:
        """Outside any header or hunk: only a line starting with one of OPENERS is diff."""
        return not (self.header or self.in_hunk)

    def closed(self) -> DiffState:
        if not (self.header or self.in_hunk) and self.old is None and self.new is None:
            return self
        return DiffState(seen=self.seen, last_len=self.last_len)

    def counted(self, old: int | None, new: int | None, last_len: int) -> DiffState:
        """The same state with new hunk counts and last line length."""
        return DiffState(self.seen, self.header, self.in_hunk, old, new, last_len)


def diff_step(state: DiffState, text: str, nxt: str | None) -> tuple[bool, DiffState]:
    """Is ``text`` a diff line? ``nxt`` is the next line at the same depth (or None)."""
    first = text[:1]
    if first in _HEADS:
        head = _head(text, nxt)
        if head is not None:
            return True, head
    elif first != "+" and state.idle:
        return False, state.closed()  # nothing below can match such a line
    if state.header and (_META.match(text) or _DIFFSTAT.match(text) or not text.strip()):
        return True, state
    if state.in_hunk:
        inside, after = _hunk_step(state, text, nxt)
        if inside:
            return True, after
    if first in _SIGNS and ((state.seen and _headerless(text, nxt)) or _code_pair(text, nxt)):
        return True, DiffState(seen=True, in_hunk=True, last_len=len(text))
    return False, state.closed()


def _head(text: str, nxt: str | None) -> DiffState | None:
    """The state after a hunk header, a diff command, a file header or a '---' preamble."""
    first = text[:1]
    if first == "@":
        m = HUNK_HEADER.match(text)
        if m:
            old = int(m.group(2)) if m.group(2) is not None else 1
            new = int(m.group(4)) if m.group(4) is not None else 1
            return DiffState(seen=True, in_hunk=True, old=old, new=new, last_len=len(text))
    elif first == "-":
        if _file_header(text, nxt) or _preamble(text, nxt):
            return DiffState(seen=True, header=True)
    elif _COMMAND.match(text):
        return DiffState(seen=True, header=True)
    return None


def _code_pair(text: str, nxt: str | None) -> bool:
    """Two indented-code +/- lines in a row: a hunk quoted without any header."""
    return bool(_CODE_SIGN.match(text)) and nxt is not None and bool(_CODE_LINE.match(nxt))


def _file_header(text: str, nxt: str | None) -> bool:
    return text.startswith("--- ") and nxt is not None and nxt.startswith("+++ ")


def _preamble(text: str, nxt: str | None) -> bool:
    """'---' before a diffstat or a diff header (own patches from git format-patch)."""
    if text.rstrip() != "---" or nxt is None:
        return False
    return bool(_DIFFSTAT.match(nxt) or _COMMAND.match(nxt))


def _headerless(text: str, nxt: str | None) -> bool:
    """'+'/'-' lines after an earlier diff at this depth: a hunk whose header was cut."""
    if text[:1] not in ("+", "-") or text[:3] in ("---", "+++") or text.startswith("-- "):
        return False
    return nxt is not None and nxt[:1] in ("+", "-", " ", "@")


def _hunk_step(state: DiffState, text: str, nxt: str | None) -> tuple[bool, DiffState]:
    if state.old is None or state.new is None:
        return _open_step(state, text, nxt)
    old, new = state.old, state.new
    first = text[:1]
    if first == "+":
        new -= 1
    elif first == "-":
        old -= 1
    elif first == " " or not text:
        old, new = old - 1, new - 1
    elif first != "\\" and not _wrapped(state, text):
        return False, state.closed()
    if old <= 0 and new <= 0:  # counts spent: go on while lines look like diff
        return True, state.counted(None, None, len(text))
    return True, state.counted(old, new, len(text))


def _diff_shaped(text: str | None) -> bool:
    if text is None:
        return True
    return text[:1] in ("+", "-", " ", "@") or bool(_COMMAND.match(text))


def _wrapped(state: DiffState, text: str) -> bool:
    """A mail client wrapped the previous diff line: its next word did not fit on it."""
    words = text.split()
    return bool(words) and state.last_len + 1 + len(words[0]) >= _WRAP_MIN


def _open_step(state: DiffState, text: str, nxt: str | None) -> tuple[bool, DiffState]:
    """A hunk without counts: continue over +/-/space lines and blanks followed by more."""
    if text[:1] in ("+", "-", " ", "\\") and not text.startswith("-- "):
        return True, state.counted(state.old, state.new, len(text))
    if text and _diff_shaped(nxt) and _wrapped(state, text):
        return True, state.counted(state.old, state.new, len(text))
    if not text and nxt is not None and nxt[:1] in ("+", "-", " ", "@"):
        return True, state
    return False, state.closed()
