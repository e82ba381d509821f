"""build_summary on seed 004 (hand-assembled from the real page): roles, debate, outcomes."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tests.test_report_sample import (
    ANDRES,
    M_PATCH,
    M_REPLY,
    M_REVIEW,
    URL,
    seed004_analysis,
)
from threadscan.model import Approval, Message, Person, Segment, ThreadAnalysis, ThreadNode
from threadscan.report import build_summary

TIM = Person("Tim Deegan", "tim@xen.org")
M_APPLIED = "tim-applied.3of5@xen-devel.sample"


def with_maintainer(analysis: ThreadAnalysis) -> ThreadAnalysis:
    """Adds Tim's 'Applied, thanks.' reply with an Acked-by, and George's Reviewed-by."""
    reply = analysis.messages[2]
    tim = dataclasses.replace(
        reply, msgid=M_APPLIED, author=TIM, in_reply_to=M_REPLY,
        date=dt.datetime(2012, 2, 9, 10, 0, tzinfo=dt.UTC),
        segments=(Segment("text", "Applied, thanks.", 0, TIM.name, 0),
                  Segment("trailer", "Acked-by: Tim Deegan <tim@xen.org>", 0, TIM.name, 2)),
    )
    thread = dataclasses.replace(
        analysis.thread, nodes=(*analysis.thread.nodes, ThreadNode(M_APPLIED, M_REPLY)))
    approvals = (
        Approval(M_APPLIED, "Tim Deegan <tim@xen.org>", "Acked-by",
                 "Acked-by: Tim Deegan <tim@xen.org>"),
        Approval(M_REVIEW, "George Dunlap <george.dunlap@citrix.com>", "Reviewed-by",
                 "Reviewed-by: George Dunlap <george.dunlap@citrix.com>"),
    )
    return dataclasses.replace(analysis, thread=thread, messages=(*analysis.messages, tim),
                               approvals=approvals)


def as_v2(analysis: ThreadAnalysis, *, drop_sweep_lock: bool) -> ThreadAnalysis:
    """The same series re-posted as v2, optionally without the p2m_lock in the sweep."""
    def bump(m: Message) -> Message:
        return dataclasses.replace(m, subject=dataclasses.replace(m.subject, version=2))

    ops = tuple(op for op in analysis.lock_ops
                if not (drop_sweep_lock and op.function == "p2m_pod_emergency_sweep"))
    changes = tuple(c for c in analysis.lock_changes
                    if not (drop_sweep_lock and c.function == "p2m_pod_emergency_sweep"))
    return dataclasses.replace(analysis, messages=tuple(bump(m) for m in analysis.messages),
                               lock_ops=ops, lock_changes=changes)


def test_seed004_andres_is_author_and_george_reviewer() -> None:
    s = build_summary(seed004_analysis())
    roles = {p.name: (p.role, p.messages) for p in s.participants}
    assert roles == {"Andres Lagar-Cavilla": ("author", 2), "George Dunlap": ("reviewer", 1)}
    assert s.participants[0].why == "posted the patch"
    assert s.series == "Rework locking in the PoD layer"
    assert (s.versions, s.message_count, s.ghosts) == ((1,), 3, 0)


def test_applied_reply_makes_tim_maintainer_and_trailers_make_reviewer() -> None:
    s = build_summary(with_maintainer(seed004_analysis()))
    by_name = {p.name: p for p in s.participants}
    assert (by_name["Tim Deegan"].role, by_name["Tim Deegan"].why) == (
        "maintainer", "applied the patch")
    assert by_name["George Dunlap"].why == "Reviewed-by given"
    kinds = [(a.kind, a.person, a.cite.msgid) for a in s.version_info[0].approvals]
    assert ("Acked-by", "Tim Deegan <tim@xen.org>", M_APPLIED) in kinds


def test_committer_signoff_makes_maintainer() -> None:
    analysis = seed004_analysis()
    root = analysis.messages[0]
    signed = dataclasses.replace(root, segments=(*root.segments, Segment(
        "trailer", "Signed-off-by: Andres Lagar-Cavilla <andres@lagarcavilla.org>\n"
        "Signed-off-by: Tim Deegan <tim@xen.org>", 0, ANDRES.name, 80)))
    s = build_summary(dataclasses.replace(analysis, messages=(signed, *analysis.messages[1:])))
    tim = next(p for p in s.participants if p.name == "Tim Deegan")
    assert (tim.role, tim.why, tim.messages) == ("maintainer", "signed off as committer", 0)


def test_assert_objection_links_cache_add_hunk_and_gets_inline_reply() -> None:
    first = build_summary(seed004_analysis()).debate[0]
    assert first.sentence == "This assert should stay where it is."
    assert (first.speaker, first.role, first.stance) == ("George Dunlap", "reviewer", "objection")
    code = first.code[0]
    assert (code.file, code.function, code.hunk) == (
        "xen/arch/x86/mm/p2m-pod.c", "p2m_pod_cache_add", f"{M_PATCH}:0:0")
    assert code.header.startswith("@@ -114,15 +114,20 @@ p2m_pod_cache_add")
    assert code.lines == ("+    unlock_page_alloc(p2m);",)
    assert first.outcome.reply == ("As is, the code in cache_add mutually excludes "
                                   "p2m_pod_empty_cache until pod_lock is released by the caller.")
    assert first.outcome.reply_cite is not None
    assert (first.outcome.reply_cite.msgid, first.outcome.reply_cite.url) == (M_REPLY, URL)


def test_trylock_suggestion_reply_is_the_text_written_above_the_quote() -> None:
    sweep = build_summary(seed004_analysis()).debate[2]
    assert "spin_trylock()" in sweep.sentence
    assert sweep.outcome.reply == "You know what, these comments are *old*."
    assert sweep.code[0].lines[0] == "+    p2m_lock(p2m);"


def test_author_question_has_no_reply_outcome() -> None:
    q = build_summary(seed004_analysis()).debate[3]
    assert (q.speaker, q.role, q.stance) == ("Andres Lagar-Cavilla", "author", "question")
    assert q.outcome.reply is None
    assert q.outcome.detail.startswith("raised by the patch author")


def test_later_version_dropping_sweep_lock_marks_only_that_objection_changed() -> None:
    analysis = seed004_analysis()
    s = build_summary(analysis, later_versions=[as_v2(analysis, drop_sweep_lock=True)])
    changed = {d.number: d.outcome.code_changed for d in s.debate}
    assert changed == {1: False, 2: False, 3: True, 4: False}
    assert s.debate[2].outcome.detail == "v2 changed the linked lock code"
    assert s.versions == (1, 2)


def test_later_version_without_changes_keeps_code_unchanged() -> None:
    analysis = seed004_analysis()
    s = build_summary(analysis, later_versions=[as_v2(analysis, drop_sweep_lock=False)])
    assert {d.outcome.code_changed for d in s.debate} == {False}


def test_without_later_versions_code_change_is_unknown() -> None:
    s = build_summary(seed004_analysis())
    assert {d.outcome.code_changed for d in s.debate} == {None}


def test_inversion_flags_both_directions_but_not_trylock_edge() -> None:
    edges = build_summary(seed004_analysis()).edges
    flags = {(e.outer, e.inner): (e.inversion, e.trylock) for e in edges}
    assert flags == {
        ("p2m->pod.lock", "p2m->lock"): (True, False),
        ("p2m->lock", "p2m->pod.lock"): (True, False),
        ("p2m->lock", "gfn"): (False, True),
    }


def test_lock_changes_grouped_per_function_with_citations() -> None:
    funcs = build_summary(seed004_analysis()).functions
    assert [(f.file.rsplit("/", 1)[-1], f.function) for f in funcs] == [
        ("p2m-pod.c", "p2m_pod_cache_add"), ("p2m-pod.c", "p2m_pod_emergency_sweep"),
        ("p2m.c", "guest_physmap_add_entry")]
    assert all(c.cite.msgid == M_PATCH for f in funcs for c in f.changes)


def test_empty_thread_summarises_without_crashing() -> None:
    analysis = seed004_analysis()
    empty = ThreadAnalysis(dataclasses.replace(analysis.thread, nodes=(
        ThreadNode(M_PATCH, None, ghost=True),)), ())
    s = build_summary(empty)
    assert (s.participants, s.debate, s.first, s.ghosts) == ((), (), None, 1)


def test_pick_later_versions_matches_series_and_higher_version() -> None:
    from threadscan.report import pick_later_versions

    v1 = seed004_analysis()
    v2 = as_v2(v1, drop_sweep_lock=True)
    v2 = dataclasses.replace(v2, thread=dataclasses.replace(v2.thread, id="v2-root"))
    other = dataclasses.replace(v2, thread=dataclasses.replace(
        v2.thread, id="other", subject="Something else"), patches=())
    other = dataclasses.replace(other, messages=tuple(
        dataclasses.replace(m, subject=dataclasses.replace(m.subject, clean="Something else"))
        for m in other.messages))
    assert pick_later_versions(v1, [other, v2, v1]) == (v2,)


def test_cyclic_thread_parents_do_not_hang_outcomes() -> None:
    analysis = seed004_analysis()
    nodes = (ThreadNode(M_PATCH, M_REPLY), ThreadNode(M_REVIEW, M_PATCH),
             ThreadNode(M_REPLY, M_REVIEW))
    s = build_summary(dataclasses.replace(
        analysis, thread=dataclasses.replace(analysis.thread, nodes=nodes)))
    assert len(s.debate) == 4
