"""Subject lines: reply markers, list tags and ``[PATCH v17 09/15]`` brackets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from threadscan.mail.headers import decode_header
from threadscan.model import Subject

# Reply and forward markers of mail clients in several languages ("AW:" German, "SV:" Nordic,
# "回复：" Chinese, "返信:" Japanese), with an ASCII or a full-width colon.
_REPLY = re.compile(
    r"^(?:re|aw|antw|sv|vs|odp|r|ynt|回复|回覆|答复|答覆|返信)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*",
    re.I)
_FORWARD = re.compile(r"^(?:fwd?|fw|wg|tr|enc|转发|轉寄|転送)\s*[:：]\s*", re.I)
_BRACKET = re.compile(r"^\[([^\[\]]*)\]\s*")
_VERSION = re.compile(r"^v(\d+)(?:\.\d+)?$", re.I)
_GLUED = re.compile(r"^(PATCH|RFC)v(\d+)$", re.I)
_INDEX = re.compile(r"^(\d+)/(\d+)$")
_PATCH_WORDS = frozenset({"PATCH", "RFC", "RESEND", "GIT", "PULL", "REPOST", "PATCHSET", "RFT"})


@dataclass(frozen=True)
class _Bracket:
    prefixes: tuple[str, ...]
    version: int | None
    index: int | None
    total: int | None

    @property
    def is_patch(self) -> bool:
        words = {p.upper() for p in self.prefixes}
        return bool(words & _PATCH_WORDS) or self.version is not None or self.index is not None


def parse_subject(raw: str | None) -> Subject:
    """Split a subject into reply flag, patch prefixes, version, index/total and clean text."""
    text, _ = decode_header(raw)
    rest = " ".join(text.split())
    is_reply = False
    brackets: list[_Bracket] = []
    while True:
        m = _REPLY.match(rest) or _FORWARD.match(rest) or _BRACKET.match(rest)
        if m is None:
            break
        if m.re is _REPLY:
            is_reply = True
        elif m.re is _BRACKET:
            brackets.append(_parse_bracket(m.group(1)))
        rest = rest[m.end() :]
    return _build(text, rest.strip(), is_reply, [b for b in brackets if b.is_patch])


def _build(raw: str, clean: str, is_reply: bool, brackets: list[_Bracket]) -> Subject:
    prefixes: list[str] = []
    version = index = total = None
    for b in brackets:
        prefixes.extend(p for p in b.prefixes if p not in prefixes)
        version = b.version if b.version is not None else version
        if b.index is not None:
            index, total = b.index, b.total
    return Subject(
        raw=raw,
        clean=clean,
        is_reply=is_reply,
        prefixes=tuple(prefixes),
        version=version,
        index=index,
        total=total,
    )


def _parse_bracket(content: str) -> _Bracket:
    tokens = [t for t in re.split(r"[\s,]+", content) if t]
    prefixes: list[str] = []
    version = index = total = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if m := _VERSION.match(tok):
            version = int(m.group(1))
        elif m := _GLUED.match(tok):
            prefixes.append(m.group(1))
            version = int(m.group(2))
        elif m := _INDEX.match(tok):
            index, total = int(m.group(1)), int(m.group(2))
        elif _is_hg_index(tokens, i):
            index, total = int(tok), int(tokens[i + 2])
            i += 2
        else:
            prefixes.append(tok)
        i += 1
    return _Bracket(tuple(prefixes), version, index, total)


def _is_hg_index(tokens: list[str], i: int) -> bool:
    """Mercurial's patchbomb style: ``3 of 5``."""
    return (
        i + 2 < len(tokens)
        and tokens[i].isdigit()
        and tokens[i + 1].lower() == "of"
        and tokens[i + 2].isdigit()
    )
