"""Shared fixtures: the local archive server (see ``tests/archive_server.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.archive_server import ArchiveServer
from threadscan.sources.base import SourceOptions


@pytest.fixture
def archive() -> Iterator[ArchiveServer]:
    """A fresh local archive server per test (request counts start at zero)."""
    server = ArchiveServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def web_options(tmp_path: Path) -> SourceOptions:
    """Fetch options for tests: private cache dir, no politeness delay, short timeout."""
    return SourceOptions(cache_dir=str(tmp_path / "http-cache"), delay=0.0, timeout=5.0,
                         retries=2)
