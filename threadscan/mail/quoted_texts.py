"""The stored messages a page without quote markers quotes (Google Groups text).

Such a page shows no Message-ID, subject or date, so which messages of a corpus are its
thread's is known only from its words. ``probes`` picks word runs of the page to look up
(``Corpus.writers_of``: messages whose own text holds them); ``known_texts`` turns the
messages found into what ``mail.unquoted`` aligns the page's blocks against: each
sender's own text. Pure functions; the lookup itself is the pipeline's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from threadscan.model import Message

PROBE_WORDS = 6  # words in a run looked up; long enough to be unlikely by chance
MAX_PROBES = 24
_WORD = re.compile(r"[A-Za-z][\w'-]*")


def probes(msg: Message) -> list[str]:
    """Word runs from the page's prose lines, spread over the page (at most MAX_PROBES)."""
    runs = [run for s in msg.segments if s.kind in ("text", "quote")
            for line in s.text.split("\n") if (run := _run(line))]
    if len(runs) <= MAX_PROBES:
        return runs
    step = len(runs) / MAX_PROBES
    return [runs[int(i * step)] for i in range(MAX_PROBES)]


def _run(line: str) -> str | None:
    """The middle PROBE_WORDS words of a line that has that many (prose, not code)."""
    words = _WORD.findall(line)
    if len(words) < PROBE_WORDS or any(c in line for c in ";{}"):
        return None
    mid = (len(words) - PROBE_WORDS) // 2
    return " ".join(words[mid:mid + PROBE_WORDS])


def known_texts(found: Iterable[Message], page: Message) -> dict[str, str]:
    """Each sender's own text (prose at depth 0) among the messages found, the page's own
    message (the same id) left out."""
    known: dict[str, list[str]] = {}
    for m in found:
        if m.msgid == page.msgid or not m.author.name.strip():
            continue
        own = [s.text for s in m.segments if s.kind == "text" and s.depth == 0]
        known.setdefault(m.author.name, []).extend(own)
    return {name: "\n".join(texts) for name, texts in known.items() if texts}
