"""Corpus.search over real threads: full text, every filter and prefix, hostile input."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_store_support import (
    NVME_CK,
    NVME_MING_ABBA,
    NVME_MING_LAST,
    NVME_ROOT,
    NVME_V2_PATCH,
    XEN_JULIEN,
    XEN_PATCH,
    build_corpus,
)
from threadscan.errors import QueryError
from threadscan.store import WHATS, Corpus, What, parse_query

XEN_THREAD = "01bbf3d4-ca6a-e837-91fe-b34aa014564c@suse.com"
BRD_ROOT = "01fb7a16-fb97-b0e4-1c1f-aa42e7f68766@i-love.sakura.ne.jp"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    path: Path = tmp_path_factory.mktemp("search") / "corpus.sqlite"
    with build_corpus(path) as c:
        yield c


def ids(corpus: Corpus, text: str, what: What = "objections") -> list[str]:
    return [h.msgid for h in corpus.search(text, what=what)]


def test_full_text_objection_hit_has_snippet_and_citation(corpus: Corpus) -> None:
    [hit] = corpus.search("valid_evtchns decremented")
    assert hit.msgid == XEN_JULIEN
    assert hit.thread_id == XEN_THREAD
    assert "[valid_evtchns]" in hit.snippet and "[decremented]" in hit.snippet
    assert hit.who == "Julien Grall"
    assert (hit.stance, hit.categories) == ("objection", ("race",))
    assert (hit.lock, hit.function, hit.file) == (
        "d1->event_lock", "evtchn_close", "xen/common/event_channel.c")
    assert hit.url is None  # the Xen mails came from a file without archive URLs


def test_message_hits_carry_lore_url(corpus: Corpus) -> None:
    hit = corpus.search('"AB-BA deadlock"', what="messages")[0]
    assert hit.msgid == NVME_MING_ABBA
    assert hit.url == f"https://lore.kernel.org/linux-block/{NVME_MING_ABBA}/"
    assert "[AB-BA deadlock]" in hit.snippet and hit.score < 0


def test_category_filter(corpus: Corpus) -> None:
    assert ids(corpus, "cat:race") == [XEN_JULIEN]
    assert ids(corpus, "cat:lock-order") == [NVME_MING_ABBA]
    assert sorted(ids(corpus, "cat:race,deadlock")) == sorted([XEN_JULIEN, NVME_MING_ABBA])
    assert ids(corpus, "cat:fairness") == []


def test_stance_filter(corpus: Corpus) -> None:
    assert ids(corpus, "stance:question") == [NVME_CK]
    assert ids(corpus, "stance:suggestion") == [NVME_MING_LAST]


def test_lock_filter_by_expression_member_and_suffix(corpus: Corpus) -> None:
    assert ids(corpus, "lock:d1->event_lock") == [XEN_JULIEN]
    assert ids(corpus, "lock:&d1->event_lock") == [XEN_JULIEN]
    assert ids(corpus, "lock:event_lock") == [XEN_JULIEN]
    assert sorted(ids(corpus, "lock:->tag_list_lock")) == sorted([NVME_CK, NVME_MING_ABBA])
    assert ids(corpus, "lock:set->tag_list_lock") == [NVME_CK]
    assert ids(corpus, "lock:d2->event_lock") == []


def test_function_filter_by_link_and_by_hunk(corpus: Corpus) -> None:
    assert ids(corpus, "dfhh:evtchn_close") == [XEN_JULIEN]
    assert ids(corpus, "function:evtchn_close()") == [XEN_JULIEN]
    assert ids(corpus, "dfhh:blk_mq_add_queue_tag_set") == [NVME_MING_LAST]
    changes = corpus.search("dfhh:evtchn_bind_vcpu", what="lock_changes")
    assert [(h.lock, h.kind) for h in changes] == [("d->event_lock", "moved")]


def test_file_filter_by_name_or_path_suffix(corpus: Corpus) -> None:
    assert ids(corpus, "dfn:event_channel.c") == [XEN_JULIEN]
    assert ids(corpus, "dfn:common/event_channel.c") == [XEN_JULIEN]
    assert ids(corpus, "dfn:xen/common/event_channel.c") == [XEN_JULIEN]
    assert ids(corpus, "dfn:mmon/event_channel.c") == []
    assert ids(corpus, "dfn:block/blk-mq.c", "lock_changes") == [NVME_ROOT]
    assert set(ids(corpus, "dfn:blk-mq.h", "messages")) == {NVME_ROOT, NVME_V2_PATCH}


def test_removed_and_added_line_text(corpus: Corpus) -> None:
    assert ids(corpus, "dfa:spin_lock(&d1->event_lock)", "messages") == [XEN_PATCH]
    assert ids(corpus, "dfb:spin_lock(&d1->event_lock)", "messages") == [XEN_PATCH]
    both = ids(corpus, "dfa:tag_list_lock dfb:downgrade_write", "messages")
    assert set(both) == {NVME_ROOT, NVME_V2_PATCH}
    assert ids(corpus, "dfa:downgrade_write", "messages") == []


def test_subject_and_author_prefixes(corpus: Corpus) -> None:
    msgs = ids(corpus, "s:brd f:hellwig", "messages")
    assert msgs == ["20211221093416.GA10573@lst.de"]
    assert ids(corpus, "f:ming.lei@redhat.com s:tag_list", "objections") == [
        NVME_MING_LAST, NVME_MING_ABBA]
    assert ids(corpus, "speaker:Kulkarni") == [NVME_CK]


def test_list_and_date_filters(corpus: Corpus) -> None:
    assert ids(corpus, "l:xen-devel") == [XEN_JULIEN]
    assert ids(corpus, "d:2021") == [XEN_JULIEN]
    assert ids(corpus, "d:2021-05-27") == [XEN_JULIEN]
    assert ids(corpus, "d:2021-05-28..2021-12-31") == []
    threads = [h.thread_id for h in corpus.search("d:..2021", what="threads")]
    assert threads == [BRD_ROOT, XEN_THREAD]


def test_unresolved_means_no_later_word_from_the_patch_author(corpus: Corpus) -> None:
    # Mohamed (patch author) answered Chaitanya and Ming's AB-BA mail, not Ming's last one;
    # Jan answered Julien on 2021-06-01.
    assert ids(corpus, "is:unresolved") == [NVME_MING_LAST]
    assert [h.thread_id for h in corpus.search("is:unresolved", what="threads")] == [NVME_ROOT]


def test_has_lock_change(corpus: Corpus) -> None:
    threads = {h.thread_id for h in corpus.search("has:lock-change", what="threads")}
    assert threads == {XEN_THREAD, NVME_ROOT}
    assert ids(corpus, "has:lock-change", "messages") == [NVME_ROOT, XEN_PATCH]


def test_threads_by_text_rank_and_filters_combine(corpus: Corpus) -> None:
    hits = corpus.search("deadlock cat:deadlock", what="threads")
    assert [h.thread_id for h in hits] == [NVME_ROOT]
    assert corpus.search("brd_devices_mutex", what="threads")[0].thread_id == BRD_ROOT


def test_combined_text_and_structured_filters(corpus: Corpus) -> None:
    assert ids(corpus, "freeze cat:design stance:suggestion lock:->tag_list_lock") == []
    assert ids(corpus, "freeze cat:design stance:suggestion") == [NVME_MING_LAST]
    assert ids(corpus, "deadlock -lockdep") == []
    assert ids(corpus, "deadlock") == [NVME_MING_ABBA]


def test_lock_change_text_searches_the_patch_mail(corpus: Corpus) -> None:
    hits = corpus.search("rwsemaphore", what="lock_changes")
    assert [(h.msgid, h.lock, h.function) for h in hits] == [
        (NVME_ROOT, "set->tag_list_lock", "blk_mq_update_nr_hw_queues")]


def test_empty_result_is_an_empty_list(corpus: Corpus) -> None:
    for what in WHATS:
        assert corpus.search("zyzzyva", what=what) == []


def test_query_object_and_string_give_same_hits(corpus: Corpus) -> None:
    assert corpus.search(parse_query("cat:design")) == corpus.search("cat:design")


def test_bad_limit_and_what_are_query_errors(corpus: Corpus) -> None:
    with pytest.raises(QueryError):
        corpus.search("x", limit=0)
    with pytest.raises(QueryError):
        corpus.search("x", what="patches")  # type: ignore[arg-type]


HOSTILE = [
    '"', '""', '"""', "'", "*", "lock*", "^start", "col:umn", "text:deadlock", "(", ")",
    "((deadlock", "deadlock)", "-", "--", "-deadlock", "a - b", "NEAR", "NEAR(a b)",
    "NEAR(a b, 2)", "a AND", "OR", "NOT x", "AND OR NOT", "a + b", "{text}: x", "x:",
    ":", "::", "lock:", "lock:(", "lock:%", "lock:_", "dfn:%", "f:%_\\", "s:'; DROP TABLE",
    "'; DROP TABLE messages; --", "deadlock\x00", "\x00", "x" * 200, "x" * 5000,
    "é̃🙂 ü", "\u202e", "deadlock\t\nrace", "[PATCH]", "<msgid@x>", "a/b", "\\", "%", "_",
    'dfa:"unterminated', "cat:", "d:", "d:..", "d:0000", "d:9999", "-cat:race",
    "dfhh:*", "lock:->", "lock:.", "lock:&", "dfa:* dfb:^", "is:unresolved -x*",
    "in:", "in:text", "in:quote,diff -x", "in:diff \"(\"", "in:nope",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("what", WHATS)
def test_hostile_input_never_leaks_sqlite_errors(corpus: Corpus, text: str, what: What) -> None:
    try:
        hits = corpus.search(text, what=what, limit=5)
    except QueryError as err:
        assert str(err)
        return
    except sqlite3.Error as err:  # pragma: no cover - the point of the test
        pytest.fail(f"sqlite3 error escaped for {text!r}: {err}")
    assert isinstance(hits, list)


def test_hit_text_form_names_who_when_and_where(corpus: Corpus) -> None:
    [hit] = corpus.search("stance:suggestion")
    text = hit.format_text()
    assert text.startswith("2025-11-17 Ming Lei: Re: [PATCH] nvme: Convert tag_list mutex")
    assert "[suggestion design blk_mq_add_queue_tag_set()]" in text
    assert text.endswith(f"https://lore.kernel.org/linux-block/{NVME_MING_LAST}/")


def test_in_text_finds_own_words_and_in_quote_the_replies_quoting_them(corpus: Corpus) -> None:
    assert ids(corpus, 'in:text "AB-BA deadlock"', "messages") == [NVME_MING_ABBA]
    quoting = ids(corpus, 'in:quote "AB-BA deadlock"', "messages")
    assert NVME_MING_ABBA not in quoting and len(quoting) == 4
    assert ids(corpus, '"AB-BA deadlock"', "messages")[0] == NVME_MING_ABBA  # own words first
    assert ids(corpus, "in:diff rwsemaphore", "lock_changes") == []
    assert ids(corpus, "in:diff downgrade_write", "lock_changes") == [NVME_ROOT]


def test_in_quote_on_objections_means_seen_only_as_a_quote(corpus: Corpus) -> None:
    assert ids(corpus, "in:quote") == []
    assert len(ids(corpus, "in:text")) == 4
