"""Corpus storage: location, round trips, idempotence, threads, analyses, migrations."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest

from tests.test_store_support import (
    NVME,
    NVME_MING_LAST,
    NVME_ROOT,
    XEN,
    XEN_JULIEN,
    XEN_PATCH,
    all_messages,
    build_corpus,
    nvme_analysis,
    read_mbox,
    thread_with,
    xen_analysis,
)
from threadscan.errors import StoreError, UsageError
from threadscan.model import Provenance, Skip
from threadscan.store import Corpus
from threadscan.store.migrations import MIGRATION_NAMES
from threadscan.thread import build_threads


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    return build_corpus(tmp_path / "corpus.sqlite")


def test_default_location_is_xdg_data_home_with_private_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with Corpus.open() as corpus:
        assert corpus.path == tmp_path / "data" / "threadscan" / "corpus.sqlite"
    mode = stat.S_IMODE((tmp_path / "data" / "threadscan").stat().st_mode)
    assert mode == 0o700


def test_default_location_falls_back_to_local_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with Corpus.open() as corpus:
        assert corpus.path == tmp_path / ".local" / "share" / "threadscan" / "corpus.sqlite"


def test_corpus_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        assert corpus.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert corpus.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert corpus.migrations == MIGRATION_NAMES


def test_every_xen_and_nvme_message_round_trips_equal(tmp_path: Path) -> None:
    msgs = read_mbox(XEN) + read_mbox(NVME, "https://lore.kernel.org/linux-block/")
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        assert corpus.upsert_messages(msgs) == (15, 0)
        back = corpus.messages([m.msgid for m in msgs])
    assert back == msgs
    julien = next(m for m in back if m.msgid == XEN_JULIEN)
    assert julien.date is not None and julien.date.utcoffset() is not None
    assert julien.date.utcoffset().total_seconds() == 3600  # type: ignore[union-attr]
    assert julien.author.name == "Julien Grall"


def test_reingest_stores_nothing_new(corpus: Corpus) -> None:
    msgs = [m for ms in all_messages().values() for m in ms]
    assert corpus.upsert_messages(msgs) == (0, len(msgs))
    assert corpus.stats().messages == len(msgs) == 20


def test_same_message_id_twice_in_one_batch_is_a_duplicate(tmp_path: Path) -> None:
    msgs = read_mbox(XEN)
    other_copy = replace(msgs[0], provenance=Provenance("copy.mbox", "mbox", "9"))
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        assert corpus.upsert_messages([*msgs, other_copy]) == (6, 1)
        assert corpus.messages([XEN_PATCH])[0].provenance.source == XEN.name


def test_unknown_msgids_are_absent_from_messages(corpus: Corpus) -> None:
    got = corpus.messages(["nope@example.org", XEN_PATCH])
    assert [m.msgid for m in got] == [XEN_PATCH]


def test_skips_are_recorded_once_with_reason(corpus: Corpus) -> None:
    skip = Skip(Provenance("bad.mbox", "mbox", "3"), "no headers", None)
    assert corpus.record_skips([skip, skip]) == 1
    assert corpus.record_skips([skip]) == 0
    assert corpus.stats().skips == 1


def test_thread_rows_count_messages_not_ghosts(corpus: Corpus) -> None:
    rows = {r.id: r for r in corpus.threads()}
    xen = rows["01bbf3d4-ca6a-e837-91fe-b34aa014564c@suse.com"]  # the cover letter: a ghost
    assert xen.messages == 6
    assert xen.participants == ("Jan Beulich", "Julien Grall", "Roger Pau Monné")
    assert xen.first is not None and xen.first.isoformat() == "2021-05-27T11:28:07+00:00"
    assert next(iter(rows)) == "20251117202414.4071380-1-mkhalfella@purestorage.com"  # newest


def test_load_analysis_by_any_msgid_returns_what_was_saved(corpus: Corpus) -> None:
    msgs = [m for ms in all_messages().values() for m in ms]
    threads = build_threads(msgs)
    expected = xen_analysis(thread_with(threads, XEN_PATCH), msgs)
    assert corpus.load_analysis(XEN_JULIEN) == expected
    assert corpus.load_analysis(f"<{XEN_PATCH}>") == expected
    assert corpus.load_analysis(expected.thread.id) == expected
    nvme = corpus.load_analysis(NVME_MING_LAST)
    assert nvme == nvme_analysis(thread_with(threads, NVME_ROOT), msgs)
    assert nvme.lock_order[3].evidence.startswith("However, in blk_mq_exit_queue()")


def test_load_analysis_of_unknown_id_is_a_usage_error(corpus: Corpus) -> None:
    with pytest.raises(UsageError, match="no thread or message") as err:
        corpus.load_analysis("missing@example.org")
    assert err.value.file == str(corpus.path)  # which corpus was asked (the default one?)


def test_save_analysis_replaces_the_threads_rows(corpus: Corpus) -> None:
    before = corpus.load_analysis(NVME_ROOT)
    corpus.save_analysis(before)
    assert corpus.stats().objections == 4
    corpus.save_analysis(replace(before, objections=before.objections[:1]))
    after = corpus.load_analysis(NVME_ROOT)
    assert after.objections == before.objections[:1]
    assert after.lock_order == before.lock_order
    assert corpus.stats().objections == 2


def test_late_parent_merges_thread_and_drops_superseded_one(tmp_path: Path) -> None:
    msgs = read_mbox(NVME)
    replies = [m for m in msgs if m.msgid != NVME_ROOT]
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        corpus.upsert_messages(replies)
        corpus.replace_threads(build_threads(corpus.thread_inputs()))
        assert [r.messages for r in corpus.threads()] == [8]
        corpus.upsert_messages(msgs)
        corpus.replace_threads(build_threads(corpus.thread_inputs()))
        rows = corpus.threads()
        assert [(r.id, r.messages) for r in rows] == [(NVME_ROOT, 9)]
        assert corpus.resolve_thread(NVME_MING_LAST) == NVME_ROOT


def test_thread_headers_carry_parents_without_bodies(corpus: Corpus) -> None:
    heads = {m.msgid: m for m in corpus.thread_headers()}
    cover = "01bbf3d4-ca6a-e837-91fe-b34aa014564c@suse.com"
    julien = heads[XEN_JULIEN]
    assert julien.parent_ids == (cover, XEN_PATCH)
    assert julien.subject.is_reply
    assert julien.subject.clean == "evtchn: slightly defer lock acquire where possible"
    assert julien.segments == () and julien.attachments == ()


def test_corpus_created_at_0001_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    msgs = read_mbox(XEN)
    with Corpus.open(path, migrate_to="0001_initial") as old:
        assert old.migrations == ("0001_initial",)
        old.upsert_messages(msgs)
    with Corpus.open(path) as new:
        assert new.migrations == MIGRATION_NAMES
        assert new.messages([m.msgid for m in msgs]) == msgs
        new.replace_threads(build_threads(new.thread_inputs()))
        analysis = xen_analysis(thread_with(build_threads(msgs), XEN_PATCH), msgs)
        new.save_analysis(analysis)
        assert new.load_analysis(XEN_JULIEN) == analysis


def _fts_matches_content(corpus: Corpus) -> None:
    """Every row the store indexes is in its FTS table, and nothing else: FTS5's integrity
    check against the content table (rank 1) for hunks and objections; for segments, whose
    footers and signatures are not indexed, the indexed row ids."""
    conn = corpus.conn
    for fts in ("hunks_fts", "objections_fts"):
        conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
    conn.execute("INSERT INTO segments_fts(segments_fts) VALUES ('integrity-check')")
    indexed = [r[0] for r in conn.execute("SELECT id FROM segments_fts_docsize ORDER BY id")]
    expected = [r[0] for r in conn.execute(
        "SELECT id FROM segments WHERE kind NOT IN ('footer', 'signature') ORDER BY id")]
    assert indexed == expected and len(expected) > 100


def test_full_text_index_matches_stored_rows_across_the_0005_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    xen, nvme = read_mbox(XEN), read_mbox(NVME, "https://lore.kernel.org/linux-block/")
    with Corpus.open(path, migrate_to="0004_objection_resolution") as old:  # row triggers
        old.upsert_messages(xen)
    with Corpus.open(path) as new:  # 0005: the store indexes each batch itself
        new.upsert_messages(nvme)
        new.replace_threads(build_threads(new.thread_inputs()))
        threads = build_threads(xen + nvme)
        new.save_analysis(xen_analysis(thread_with(threads, XEN_PATCH), xen))
        new.save_analysis(nvme_analysis(thread_with(threads, NVME_ROOT), nvme))
        new.save_analysis(xen_analysis(thread_with(threads, XEN_PATCH), xen))  # replaced
        _fts_matches_content(new)
        assert XEN_PATCH in {h.msgid for h in new.search("evtchn_close", what="messages")}
        assert NVME_ROOT in {h.msgid for h in new.search("tag_list_rwsem", what="messages")}
        assert [h.msgid for h in new.search("cat:race")] == [XEN_JULIEN]


def test_unreadable_corpus_file_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        Corpus.open(path)


def test_reader_searches_while_writer_transaction_is_open(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    build_corpus(path).close()
    with Corpus.open(path) as writer, Corpus.open(path) as reader:
        with writer.transaction():
            writer.record_skips([Skip(Provenance("x.mbox", "mbox", "1"), "truncated")])
            hits = reader.search("cat:race")
            assert [h.msgid for h in hits] == [XEN_JULIEN]
            assert reader.stats().skips == 0  # not committed yet
        assert reader.stats().skips == 1


def test_failed_transaction_rolls_back(corpus: Corpus) -> None:
    with pytest.raises(RuntimeError), corpus.transaction():
        corpus.record_skips([Skip(Provenance("y.mbox", "mbox", "2"), "bad date")])
        raise RuntimeError("abort")
    assert corpus.stats().skips == 0


def test_analysis_of_an_unsaved_thread_is_refused(tmp_path: Path) -> None:
    msgs = read_mbox(XEN)
    analysis = xen_analysis(thread_with(build_threads(msgs), XEN_PATCH), msgs)
    with Corpus.open(tmp_path / "c.sqlite") as corpus, pytest.raises(UsageError):
        corpus.save_analysis(analysis)


def test_stats_report_lists_categories_and_top_locks(corpus: Corpus) -> None:
    s = corpus.stats()
    assert (s.messages, s.threads, s.patches, s.lock_changes, s.objections) == (20, 4, 3, 3, 4)
    assert dict(s.threads_per_list) == {
        "linux-block.vger.kernel.org": 3, "xen-devel.lists.xenproject.org": 1}
    assert dict(s.objections_per_category)["design"] == 2
    assert s.top_locks[0].lock == "d1->event_lock"
    assert (s.top_locks[0].objections, s.top_locks[0].lock_changes) == (1, 1)


def test_lone_surrogates_in_text_are_stored_replaced_not_crashing(tmp_path: Path) -> None:
    msg = read_mbox(XEN)[1]
    seg = replace(msg.segments[3], text="bad byte \udcff in a reply")
    broken = replace(msg, segments=(*msg.segments[:3], seg, *msg.segments[4:]))
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        assert corpus.upsert_messages([broken]) == (1, 0)
        [back] = corpus.messages([msg.msgid])
    assert back.segments[3].text == "bad byte ? in a reply"
    assert back.segments[4:] == msg.segments[4:]


def test_is_empty_until_a_message_is_stored(tmp_path: Path) -> None:
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        assert corpus.is_empty()
        corpus.upsert_messages(read_mbox(XEN)[:1])
        assert not corpus.is_empty()


def test_v2_thread_is_the_later_version_of_the_nvme_thread(corpus: Corpus) -> None:
    v1 = corpus.load_analysis(NVME_ROOT)
    [v2] = corpus.later_versions(v1)
    assert v2.thread.id == "20251117202414.4071380-1-mkhalfella@purestorage.com"
    assert v2.messages[0].subject.version == 2
    assert corpus.later_versions(v2) == []
    assert corpus.later_versions(corpus.load_analysis(XEN_PATCH)) == []


def test_thread_headers_thread_like_full_messages(corpus: Corpus) -> None:
    heads = list(corpus.thread_headers())
    assert len(heads) == 20 and all(m.segments == () for m in heads)
    assert build_threads(heads) == build_threads(corpus.thread_inputs())


def test_a_directory_is_not_a_corpus(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open corpus"):
        Corpus.open(tmp_path)
