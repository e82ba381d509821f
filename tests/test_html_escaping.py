"""Hostile mail text never changes the structure of the page (property test)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_report_sample import seed004_analysis
from threadscan.model import Link, ThreadAnalysis
from threadscan.report import render_summary

PIECES = [*"<>&\"'`/=![]()*_#|\\-: \n\tasv\u2028\x00", "<script>", "</script>", "<!--",
          "-->", "]]>", "&amp;", "javascript:", "<img src=x onerror=alert(1)>", "</textarea>"]
NASTY = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1


def tags(html: str) -> Counter[str]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def poisoned(text: str) -> ThreadAnalysis:
    """Seed 004 with ``text`` in the subject, a speaker, a sentence, a category, a stance,
    a lock and a hunk section (stored data is not trusted to keep the closed sets)."""
    a = seed004_analysis()
    obj = dataclasses.replace(
        a.objections[2], speaker=f"G{text}", sentence=f"S{text}",
        categories=(f"design{text}",), stance=f"suggestion{text}",  # type: ignore[arg-type]
        links=(*a.objections[2].links, Link("lock", f"L{text}", "named")))
    patch = a.patches[0]
    f0 = patch.files[0]
    hunk = dataclasses.replace(f0.hunks[1], section=f"sec{text}")
    files = (dataclasses.replace(f0, hunks=(f0.hunks[0], hunk, *f0.hunks[2:])), *patch.files[1:])
    return dataclasses.replace(
        a, thread=dataclasses.replace(a.thread, subject=f"T{text}"),
        objections=(*a.objections[:2], obj, *a.objections[3:]),
        patches=(dataclasses.replace(patch, files=files),))


BASELINE = tags(render_summary(poisoned("x"), "html"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NASTY)
def test_hostile_text_never_adds_or_removes_tags(text: str) -> None:
    assert tags(render_summary(poisoned(text), "html")) == BASELINE
