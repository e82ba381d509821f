"""scripts/eval_objections.py on real labeled threads of the repository: label sentences are
matched to the objections tag_thread finds, links are scored exactly and as the same lock, and
the report carries bootstrap intervals over threads."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from tests.scriptmod import load_script
from threadscan.model import Link, Objection
from threadscan.nlp.labels import Labeled, load_dir
from threadscan.nlp.pipeline import load_pipeline

REPO = Path(__file__).resolve().parents[1]
THREADS = ("xen-devel-evtchn-defer-lock-acquire-v6.mbox",
           "linux-block-028-loop-scale-loop-device-by-introducing-per-device-lock.mbox")


def labeled() -> list[Labeled]:
    return [lab for lab in load_dir(REPO / "training" / "labels") if lab.thread in THREADS]


def predicted(ev, labels: list[Labeled]) -> list:  # type: ignore[no-untyped-def]
    return ev.predict_in_threads(load_pipeline(), labels, REPO / "tests" / "data")


def test_a_lock_written_another_way_counts_only_as_the_same_lock() -> None:
    ev = load_script("eval_objections")
    labels = labeled()
    preds = predicted(ev, labels)
    # Tyler Hicks wrote "lo_mutex"; the tagger links the patch's lo->lo_mutex
    [i] = [i for i, lab in enumerate(labels) if lab.text.startswith("In loop_probe(), we call")]
    assert labels[i].locks == ("lo_mutex",) and preds[i].locks == ("lo->lo_mutex",)
    exact = ev.link_score([labels[i]], [preds[i]], "locks")
    same = ev.link_score([labels[i]], [preds[i]], "locks", ev.same_lock)
    assert (exact.found, exact.correct) == (0, 0) and (same.found, same.correct) == (1, 1)


def test_the_report_scores_categories_detection_links_and_intervals() -> None:
    ev = load_script("eval_objections")
    labels = labeled()
    text = "\n".join(ev.report("two threads", labels, predicted(ev, labels)))
    assert "(60 sentences, 15 objection-bearing)" in text
    macro, lo, hi = map(float, re.search(
        r"macro-F1 \(categories with support\): \*\*([\d.]+)\*\* \(95 % bootstrap interval "
        r"([\d.]+)-([\d.]+)\)", text).groups())  # type: ignore[union-attr]
    assert lo <= macro <= hi
    links = re.search(r"locks (\d+)/(\d+) found.*same lock written another way: (\d+)/(\d+)",
                      text)
    assert links is not None
    found, n, same, n2 = map(int, links.groups())
    assert n == n2 >= 7 and found < same  # lo_mutex counts only as the same lock


def test_a_label_takes_the_objection_of_its_own_message() -> None:
    # the same sentence is also found in another message (a quote of it, or a re-post):
    # the label is scored against the objection where its speaker wrote it
    ev = load_script("eval_objections")
    [lab] = [lab for lab in labeled() if "without holding the per domai" in lab.text]
    elsewhere = Objection("<later@x>", lab.speaker, lab.text, "objection", ("race",))
    own = replace(elsewhere, msgid=lab.msgid, links=(Link("lock", "d->event_lock", "x"),))
    assert ev._matching(lab, [elsewhere, own]) is own
    assert ev._matching(lab, [elsewhere]) is elsewhere
    assert ev._matching(lab, []) is None


def test_a_short_label_does_not_take_a_longer_objection_of_another_message() -> None:
    # "Thanks," or a signature line inside a longer objection sentence is a split difference
    # only in its own message, and only for three words or more (else any objection of the
    # thread with that word would count as the label's)
    ev = load_script("eval_objections")
    [lab] = [lab for lab in labeled() if "without holding the per domai" in lab.text]
    words = lab.text.rstrip(".").split()
    longer = Objection(lab.msgid, lab.speaker, f"Thanks, {lab.text}", "objection", ("race",))
    thanks = replace(lab, text="Thanks,")
    part = replace(lab, text=" ".join(words[:4]))
    assert ev._matching(replace(lab, text=lab.text), [longer]) is longer  # split differently
    assert ev._matching(part, [longer]) is longer
    assert ev._matching(thanks, [longer]) is None  # one word
    assert ev._matching(part, [replace(longer, msgid="<other@x>")]) is None  # other message
