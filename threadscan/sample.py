"""The shipped sample corpus (``corpus/`` in the repository).

The first ``threadscan query`` or ``summary`` with no corpus built yet builds the
default corpus from these files. Locating the folder is the only I/O here; the
ingest itself is ``threadscan.pipeline.ingest``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from threadscan.errors import SourceError

if TYPE_CHECKING:
    from threadscan.pipeline import Progress
    from threadscan.store import Corpus

def sample_dir() -> Path:
    """``$THREADSCAN_SAMPLE_CORPUS`` or the repository's ``corpus/`` folder."""
    env = os.environ.get("THREADSCAN_SAMPLE_CORPUS")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[1] / "corpus")
    for cand in candidates:
        if cand.is_dir():
            return cand
    raise SourceError("sample corpus folder not found; set THREADSCAN_SAMPLE_CORPUS",
                      file=str(candidates[0]))


def sample_files(folder: Path | None = None) -> list[str]:
    """The mail and page files of the sample (its README/SOURCES notes are not ingested)."""
    from threadscan.pipeline import expand_dirs

    return [a for a in expand_dirs([str(folder or sample_dir())]) if isinstance(a, str)]


def ensure_sample_corpus(corpus: Corpus, progress: Progress | None = None) -> bool:
    """Build the corpus from the sample when it holds no message yet."""
    if not corpus.is_empty():
        return False
    from threadscan.pipeline import ingest

    ingest(sample_files(), corpus, progress=progress)
    return True
