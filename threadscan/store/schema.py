"""Where the corpus lives and how a connection to it is set up."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from threadscan.errors import StoreError

BUSY_TIMEOUT_MS = 10_000


def default_path() -> Path:
    """``$XDG_DATA_HOME/threadscan/corpus.sqlite`` (else ``~/.local/share/...``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "threadscan" / "corpus.sqlite"


def ensure_parent(path: Path) -> None:
    """Create the corpus directory with mode 0700 (private mail archives)."""
    parent = path.parent
    if parent.exists():
        return
    try:
        parent.mkdir(mode=0o700, parents=True)
        parent.chmod(0o700)  # mkdir's mode is masked by the umask
    except OSError as err:
        raise StoreError(f"cannot create corpus directory: {err}", file=str(parent)) from err


def connect(path: Path) -> sqlite3.Connection:
    """Open ``path`` in autocommit mode with WAL, foreign keys and a busy timeout."""
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as err:
        raise StoreError(f"cannot open corpus: {err}", file=str(path)) from err
    return conn
