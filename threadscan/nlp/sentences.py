"""Sentence segmentation that survives mail (pure, no spaCy).

Mail prose is hard-wrapped at ~72 columns, interleaved with pasted code, and
uses bullets ("1) ...", "- ..."). The splitter works in two passes:

1. ``paragraphs(text)``: join the wrapped lines of a paragraph, start a new
   chunk at blank lines, bullets and salutations/sign-offs, and keep lines that
   look like C (or diff, or tables) out of the prose.
2. ``split_paragraph(par)``: split on ``.?!`` followed by space and a sentence
   start (a capital, a snake_case name or a call: ``foo()``, ``kzalloc(GFP_KERNEL)``),
   never inside e.g./i.e./vs./etc., function calls or version numbers.
"""

from __future__ import annotations

import functools
import re

MAX_SENTENCE = 1200  # characters; longer runs are cut so hostile input stays fast
MAX_TEXT = 200_000  # characters of one segment that are looked at

_NON_WORD = re.compile(r"\W+")
TRAILER = re.compile(r"^\s*[A-Z][\w-]*-by:|^\s*(?:Cc|Fixes|Link|Closes):", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-h][)]|[-*•+])\s+(?=\S)")
_SALUTATION = re.compile(
    r"^(?:hi|hello|hey|dear|thanks|thank you|many thanks|regards|best regards|kind regards|"
    r"cheers|best|br|ciao|greetings)\b[^.?!]{0,40}[,!]?$",
    re.IGNORECASE,
)
_CODE_START = re.compile(
    r"^(?:/\*|\*|//|#\s*(?:include|define|if|ifdef|ifndef|endif|else|elif|undef)\b|[{}]|"
    r"@@ |diff |\+\+\+ |--- |index [0-9a-f]|(?:if|for|while|switch)\s*\(|"
    r"(?:return|goto|break|continue)\b[^.]*;?$|(?:static|struct|void|int|long|unsigned|u\d+|"
    r"bool|const|enum)\b[^.]*[;{(,)]$)"
)
# "* text" at the margin is a bullet; a C comment's "*" lines are indented (" * text")
_STAR_BULLET = re.compile(r"^\*\s+[A-Za-z(\[`\"']")
_TAB_LAYOUT = re.compile(r"\S\t")
_CODEISH = re.compile(r"[=;{}]|->|\w\(|^[\w*&]+$")
_SPACES = re.compile(r"\s+")
_LABEL = re.compile(r"^[a-z_][a-z0-9_]*:$")
_NOTE = re.compile(r"^\s*\[[^\]]*\]\s*$")  # "[ with similar loops ... ]": an editorial note
_ELLIPSIS = re.compile(r"^\s*(?:\.\.\.|…|\[\.\.\.\]|<snip>|\[snip\])\s*$", re.IGNORECASE)
_LOG = re.compile(  # kernel log / splat / register dump lines
    r"^(?:\[\s*\d+\.\d+\]|<[0-9a-f]+>|RIP:|RSP:|RAX:|RBX:|RCX:|RDX:|RBP:|R\d+:|CR\d:|"
    r"Call Trace:|Code:|Oops:|BUG:|WARNING:.*\bat\b|Modules linked in:|Hardware name:|"
    r"\?? ?[A-Za-z_][\w.]*\+0x[0-9a-f]+/0x[0-9a-f]+|\S+: [0-9a-f]{8,}\b|"
    r"(?:[0-9a-f]{2,16} ){4,})"
)
_ABBREV = re.compile(
    r"(?:\b(?:e\.g|i\.e|vs|etc|cf|approx|incl|resp|viz|al|Mr|Ms|Dr|Prof|Jr|Sr|no|No|fig|Fig|"
    r"Sec|sec|eq|Eq|ca|esp|ie|eg)\.)$"
)
_BOUNDARY = re.compile(
    r"(?<=[.?!])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9]|[a-z_]\w*(?:_\w+|\(\)|\([^)\s])|[&*]\w)|"
    r"(?<=[?!])\s+"
)


def is_code_line(line: str) -> bool:
    """Whether a line looks like C, a diff line, or a tab-laid-out table."""
    raw = line.rstrip()
    stripped = raw.strip()
    if not stripped:
        return False
    if _STAR_BULLET.match(raw):
        return stripped.endswith((";", "{", "}", "*/"))
    if _CODE_START.match(stripped) or _LABEL.match(stripped) or _LOG.match(stripped):
        return True
    if _TAB_LAYOUT.search(raw):
        return True
    if stripped.endswith((";", "{", "}", "*/")):
        return True
    indented = raw.startswith("\t") or raw.startswith("    ")
    if not indented or stripped.endswith((".", "?", "!", ":")):
        return False
    return bool(_CODEISH.search(stripped))


def _starts_chunk(line: str) -> bool:
    return bool(_BULLET.match(line) or _NOTE.match(line) or TRAILER.match(line))


def _ends_chunk(line: str) -> bool:
    """A salutation, an editorial note or a trailer ("Reviewed-by: ...") is a line of its own."""
    stripped = line.strip()
    return bool(_SALUTATION.match(stripped) or _NOTE.match(stripped) or TRAILER.match(stripped))


def paragraphs(text: str) -> list[str]:
    """Prose chunks of a segment: wrapped lines joined, code and blank lines dropped."""
    return list(_paragraphs(text))


@functools.lru_cache(maxsize=256)
def _paragraphs(text: str) -> tuple[str, ...]:
    """(A cache keyed on the text: a thread's segments are read for sentences, approvals and
    descriptions, and its quotes repeat the same text message after message.)"""
    chunks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            chunks.append(" ".join(current))
            current.clear()

    for line in text[:MAX_TEXT].splitlines():
        if not line.strip() or is_code_line(line):
            flush()
            continue
        if _ELLIPSIS.match(line):
            flush()
            continue
        if _starts_chunk(line):
            flush()
            line = _BULLET.sub("", line, count=1)
        current.append(line.strip())
        if _ends_chunk(line):
            flush()
    flush()
    return tuple(c for c in (_SPACES.sub(" ", c).strip() for c in chunks) if c)


def _cut(sentence: str) -> list[str]:
    if len(sentence) <= MAX_SENTENCE:
        return [sentence]
    return [sentence[i : i + MAX_SENTENCE] for i in range(0, len(sentence), MAX_SENTENCE)]


def split_paragraph(par: str) -> list[str]:
    """Split one joined paragraph into sentences."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(par):
        head = par[start : m.start()].rstrip()
        if _ABBREV.search(head):
            continue
        if head:
            out.extend(_cut(head))
        start = m.end()
    tail = par[start:].strip()
    if tail:
        out.extend(_cut(tail))
    return out


def split_sentences(text: str) -> list[str]:
    """All prose sentences of a segment text, in order."""
    return [s for par in paragraphs(text) for s in split_paragraph(par)]


def sentence_key(text: str) -> str:
    """A sentence as lowercased words joined by single spaces (punctuation dropped): how the
    same sentence is recognised in an original and its quotes, or in a label file."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def same_sentence(a: str, b: str) -> bool:
    """Whether two sentence keys are equal, or one is a run of whole words of the other (a
    quote re-wrapped into a different split, a label inside a longer sentence): "hi" is not
    in "this"."""
    if not a or not b:
        return False
    return a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} "
