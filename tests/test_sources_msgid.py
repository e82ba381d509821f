"""A bare Message-ID as a source: looked up through the midmask (b4's), read as that URL."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.archive_server import ArchiveServer, expected_ids, msgids
from threadscan.errors import SourceError, UsageError
from threadscan.sources import default_registry
from threadscan.sources.base import SourceOptions
from threadscan.sources.msgid import claims_msgid, msgid_of, msgid_url

LORE = "https://lore.kernel.org/linux-block/"
REPLY_ID = "aO4EniFy63IlWM_-@fedora"
ROOT = LORE + "20251014022149.947800-1-yukuai3@huawei.com/"


def _midmask(archive: ArchiveServer) -> str:
    return archive.url(LORE) + "%s/"


def test_message_ids_are_recognised_with_or_without_angle_brackets() -> None:
    assert msgid_of("<aO4EniFy63IlWM_-@fedora>") == REPLY_ID
    assert msgid_of("  aO4EniFy63IlWM_-@fedora ") == REPLY_ID
    assert msgid_of("<a/b+c@host.example>") == "a/b+c@host.example"
    for not_an_id in ("notes.mbox", "dir/a@b", "a@b@c", "<a b@c>", "@host", "user@", ""):
        assert msgid_of(not_an_id) is None, not_an_id


def test_an_existing_file_shaped_like_a_message_id_is_read_as_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "patch@v2").write_text("From: a\n\nhello\n")
    assert not claims_msgid("patch@v2")
    assert claims_msgid("other@v2")
    assert default_registry().find("patch@v2").name != "msgid"


def test_message_id_url_escapes_what_lore_escapes() -> None:
    mask = "https://lore.kernel.org/all/%s/"
    assert msgid_url(REPLY_ID, mask) == "https://lore.kernel.org/all/aO4EniFy63IlWM_-@fedora/"
    assert msgid_url("a/b%c@x", mask) == "https://lore.kernel.org/all/a%2Fb%25c@x/"
    with pytest.raises(UsageError):
        msgid_url(REPLY_ID, "https://lore.kernel.org/all/")


def test_a_message_id_reads_the_message_from_the_midmask_archive(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    opts = dataclasses.replace(web_options, midmask=_midmask(archive))
    assert msgids(list(default_registry().iter_items(f"<{REPLY_ID}>", opts))) == [REPLY_ID]
    assert archive.hits[archive.url(LORE + REPLY_ID + "/raw").removeprefix(archive.base)] == 1


def test_a_message_id_with_thread_reads_the_whole_thread(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    opts = dataclasses.replace(web_options, midmask=_midmask(archive), follow_thread=True)
    items = list(default_registry().iter_items(REPLY_ID, opts))
    assert sorted(msgids(items)) == sorted(expected_ids(ROOT + "t.mbox.gz"))


def test_an_unknown_message_id_is_a_source_error_naming_the_url(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    opts = dataclasses.replace(web_options, midmask=_midmask(archive), retries=0)
    with pytest.raises(SourceError) as err:
        list(default_registry().iter_items("no-such-message@example.org", opts))
    assert "no-such-message@example.org" in str(err.value)


def test_ingest_command_takes_a_message_id_and_the_midmask_from_the_environment(
        archive: ArchiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from threadscan.cli.app import app
    from threadscan.store import Corpus

    monkeypatch.setenv("THREADSCAN_MIDMASK", _midmask(archive))
    db = tmp_path / "c.sqlite"
    result = CliRunner().invoke(app, ["ingest", f"<{REPLY_ID}>", "--corpus", str(db),
                                      "--jobs", "1", "--no-summary"])
    assert result.exit_code == 0, result.output
    with Corpus.open(db) as corpus:
        [msg] = corpus.messages([REPLY_ID])
    assert msg.author.name == "Ming Lei"
