"""parse_body never raises, never loses a non-blank line, and stays linear on hostile input."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from threadscan.mail.attribution import parse_attribution
from threadscan.mail.body import parse_body, split_marker
from threadscan.model import Segment

_LINE_PARTS = st.sampled_from(
    [
        ">",
        "> ",
        ">>",
        " ",
        "\t",
        "-- ",
        "--- a/x.c",
        "+++ b/x.c",
        "@@ -1,3 +1,4 @@",
        "+",
        "-",
        "diff --git a/x b/x",
        "Signed-off-by: A <a@b>",
        "On Mon, 1 Jan 2024, X wrote:",
        "wrote:",
        "Hi Bob,",
        "Thanks,",
        "lock",
        "&gt;",
        "___________________________",
        "mailing list",
        "[Date Prev]",
        "Index: foo",
        "\xa0",
        "é",
        "x" * 30,
    ]
)
_LINES = st.lists(
    st.lists(_LINE_PARTS | st.text(max_size=12), max_size=6).map("".join), max_size=40
)


def _covered(lines: list[str], segments: tuple[Segment, ...]) -> None:
    spans: dict[int, str] = {}
    for seg in segments:
        for offset, text in enumerate(seg.text.split("\n")):
            spans[seg.line + offset] = text
    for i, line in enumerate(lines):
        if split_marker(line)[1].strip():
            assert i in spans, f"line {i} {line!r} lost"
            assert spans[i] == split_marker(line)[1]


@settings(max_examples=300, deadline=None)
@given(_LINES)
def test_random_bodies_never_raise_and_lose_nothing(lines: list[str]) -> None:
    text = "\n".join(lines)
    split = text.splitlines()
    segments = parse_body(text, "Someone")
    _covered(split, segments)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    segments = parse_body(text, None)
    _covered(text.splitlines(), segments)


def test_hostile_lines_stay_fast() -> None:
    hostile = "\n".join(
        [
            ">" * 20000,
            "> " * 10000,
            " " * 20000 + ">",
            "On " + "x " * 5000 + "wrote:",
            "On " + "1, " * 3000,
            "@@ -" + "1" * 5000 + " @@",
            "diff " + "-a " * 5000,
            "&gt;" * 5000 + "x",
            ("a" * 50 + " wrote:") * 200,
        ]
        * 5
    )
    start = time.perf_counter()
    segments = parse_body(hostile, "X")
    assert time.perf_counter() - start < 2.0
    _covered(hostile.splitlines(), segments)
    start = time.perf_counter()
    assert parse_attribution("On " + "Mon, " * 40 + "x" * 100) is None
    assert time.perf_counter() - start < 0.5
