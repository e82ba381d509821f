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


@pytest.fixture(autouse=True)
def private_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real per-user corpus or HTTP cache."""
    base = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    monkeypatch.delenv("THREADSCAN_CORPUS", raising=False)
