"""Query strings -> Query: prefixes, phrases, date ranges, and clear errors."""

from __future__ import annotations

import datetime as dt

import pytest

from threadscan.errors import QueryError
from threadscan.store import Query, parse_query


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_bare_words_and_phrases_are_full_text_terms() -> None:
    q = parse_query('race "port_is_valid() may be valid" window')
    assert q.terms == ("race", "port_is_valid() may be valid", "window")


def test_public_inbox_prefixes_fill_their_filters() -> None:
    q = parse_query(
        "s:evtchn f:julien dfn:event_channel.c dfhh:evtchn_close "
        "dfa:spin_lock(&d1->event_lock) dfb:\"return -EINVAL;\" l:xen-devel"
    )
    assert q.subject == ("evtchn",)
    assert q.authors == ("julien",)
    assert q.files == ("event_channel.c",)
    assert q.functions == ("evtchn_close",)
    assert q.removed == ("spin_lock(&d1->event_lock)",)
    assert q.added == ("return -EINVAL;",)
    assert q.lists == ("xen-devel",)


def test_threadscan_prefixes_and_flags() -> None:
    q = parse_query("lock:->tag_list_lock cat:deadlock,lock-order stance:objection "
                    "speaker:Ming is:unresolved has:lock-change")
    assert q.locks == ("->tag_list_lock",)
    assert q.categories == ("deadlock", "lock-order")
    assert q.stances == ("objection",)
    assert q.speakers == ("Ming",)
    assert q.unresolved and q.has_lock_change


def test_date_range_with_both_ends_is_half_open_utc() -> None:
    q = parse_query("d:2021-01-01..2021-12-31")
    assert (q.since, q.until) == (utc(2021, 1, 1), utc(2022, 1, 1))


def test_open_ended_date_ranges_cover_whole_periods() -> None:
    assert parse_query("d:..2022").until == utc(2023, 1, 1)
    assert parse_query("d:..2022").since is None
    assert parse_query("d:2021-05..").since == utc(2021, 5, 1)
    q = parse_query("d:2021-12")
    assert (q.since, q.until) == (utc(2021, 12, 1), utc(2022, 1, 1))


def test_unknown_prefix_is_just_text() -> None:
    assert parse_query("http://lore.kernel.org/x").terms == ("http://lore.kernel.org/x",)


def test_minus_word_excludes_and_lone_punctuation_is_dropped() -> None:
    q = parse_query("deadlock -lockdep *** ()")
    assert q.terms == ("deadlock",)
    assert q.exclude == ("lockdep",)


def test_empty_query_is_empty() -> None:
    assert parse_query("   ").is_empty
    assert parse_query("") == Query()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"unbalanced phrase', "unbalanced quote"),
        ("cat:deadlocks", "unknown category"),
        ("stance:angry", "unknown stance"),
        ("d:yesterday", "bad date"),
        ("d:2022..2021", "empty date range"),
        ("d:2021-13", "bad date"),
        ("is:resolved", "unknown flag"),
        ("has:unresolved", "unknown flag"),
        ("-lock:foo", "exclude"),
        ("a\x00b", "control character"),
        ("x" * 300, "term too long"),
        ("y " * 1500, "query too long"),
        (" ".join(["w"] * 80), "too many terms"),
        ('lock:""', "needs a value"),
    ],
)
def test_bad_queries_raise_clear_query_errors(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query(text)


def test_command_line_filters_join_the_parsed_query() -> None:
    q = parse_query("deadlock cat:race").with_filters(
        category="lock-order", stance="question", lock="->tag_list_lock", file="blk-mq.c",
        author="ming", list_id="linux-block", since="2025-11", until="2025-11-16",
        unresolved=True)
    assert q.terms == ("deadlock",)
    assert q.categories == ("race", "lock-order")
    assert (q.stances, q.locks, q.files, q.authors, q.lists) == (
        ("question",), ("->tag_list_lock",), ("blk-mq.c",), ("ming",), ("linux-block",))
    assert (q.since, q.until) == (utc(2025, 11, 1), utc(2025, 11, 17))
    assert q.unresolved and not q.has_lock_change


def test_bad_command_line_filters_are_errors() -> None:
    with pytest.raises(QueryError, match="unknown category"):
        Query().with_filters(category="races")
    with pytest.raises(TypeError):
        Query().with_filters(colour="red")  # type: ignore[call-arg]


def test_in_prefix_takes_segment_kinds() -> None:
    assert parse_query("in:text,diff lock").kinds == ("text", "diff")
    with pytest.raises(QueryError, match="unknown segment kind"):
        parse_query("in:footer x")
