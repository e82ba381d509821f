"""The corpus-wide lock-order graph: inversions first, then edges shared by threads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_store_support import (
    NVME_ABBA_A,
    NVME_ABBA_B,
    NVME_MING_ORDER,
    NVME_ROOT,
    NVME_V2_PATCH,
    build_corpus,
)
from threadscan.store import Corpus, lock_graph

NVME_V2_THREAD = "20251117202414.4071380-1-mkhalfella@purestorage.com"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    path: Path = tmp_path_factory.mktemp("graph") / "corpus.sqlite"
    with build_corpus(path) as c:
        yield c


def test_ming_lei_abba_statement_is_an_inversion_listed_first(corpus: Corpus) -> None:
    edges = lock_graph(corpus)
    first, second = edges[0], edges[1]
    assert {(first.outer, first.inner), (second.outer, second.inner)} == {
        ("q->freeze_lock", "tag_set->tag_list_lock"),
        ("tag_set->tag_list_lock", "q->freeze_lock"),
    }
    assert first.inversion and second.inversion
    assert first.inverse_threads == (NVME_ROOT,)
    texts = {ev.evidence for e in (first, second) for ev in e.evidence}
    assert texts == {NVME_ABBA_A, NVME_ABBA_B}
    ev = first.evidence[0]
    assert (ev.msgid, ev.origin, ev.change) == (NVME_MING_ORDER, "prose", "stated")
    assert ev.url == f"https://lore.kernel.org/linux-block/{NVME_MING_ORDER}/"


def test_same_code_edge_in_v1_and_v2_threads_is_shared(corpus: Corpus) -> None:
    edges = lock_graph(corpus)
    shared = edges[2]
    assert (shared.outer, shared.inner) == ("set->update_nr_hwq_lock", "set->tag_list_rwsem")
    assert shared.shared and not shared.inversion
    assert set(shared.threads) == {NVME_ROOT, NVME_V2_THREAD}
    assert {ev.msgid for ev in shared.evidence} == {NVME_ROOT, NVME_V2_PATCH}
    assert all(ev.function == "blk_mq_update_nr_hw_queues" for ev in shared.evidence)


def test_removed_edge_is_evidence_but_holds_nowhere(corpus: Corpus) -> None:
    last = lock_graph(corpus)[-1]
    assert (last.outer, last.inner) == ("set->update_nr_hwq_lock", "set->tag_list_lock")
    assert last.threads == () and not last.shared and not last.inversion
    assert last.evidence[0].change == "removed"


def test_lock_filter_keeps_edges_touching_the_lock(corpus: Corpus) -> None:
    edges = lock_graph(corpus, "->freeze_lock")
    assert len(edges) == 2 and all(e.inversion for e in edges)
    assert [(e.outer, e.inner) for e in lock_graph(corpus, "set->tag_list_rwsem")] == [
        ("set->update_nr_hwq_lock", "set->tag_list_rwsem")]
    assert lock_graph(corpus, "d1->event_lock") == []


def test_corpus_method_and_status_names(corpus: Corpus) -> None:
    edges = corpus.lock_graph()
    assert edges == lock_graph(corpus)
    assert [e.status for e in edges] == ["inversion", "inversion", "shared", "removed"]


def test_grouping_by_member_merges_owners_like_lockdep_classes(corpus: Corpus) -> None:
    edges = {(e.outer, e.inner): e for e in corpus.lock_graph(by="member")}
    assert edges[("freeze_lock", "tag_list_lock")].inversion
    assert edges[("update_nr_hwq_lock", "tag_list_rwsem")].status == "shared"
    assert edges[("update_nr_hwq_lock", "tag_list_lock")].status == "removed"
