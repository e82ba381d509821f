"""The body parser's cheap pre-checks never change an answer.

Each pre-check (first character, combined footer alternation, trailing colon) may
only skip lines that the full rule would reject; these properties pin that, on
random text and on the real boilerplate lines of the seed pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from threadscan.mail import attribution as attr
from threadscan.mail.body import _footer_any, _may_be_footer, footer_rules, split_marker
from threadscan.mail.diffline import OPENERS, DiffState, diff_step

SEEDS = Path(__file__).parent / "data" / "seeds"
_MARKER = re.compile(r"^(?:[ \t]{0,3}(?:>|&gt;))+")
# lines built from the characters the rules care about, plus anything
LINEISH = st.one_of(
    st.text(alphabet=st.sampled_from(list(" \t>&gt;-_[]|:：@+dIOn wrote")), max_size=40),
    st.text(max_size=60),
)


def _split_marker_reference(line: str) -> tuple[int, str]:
    m = _MARKER.match(line)
    if not m:
        return 0, line
    rest = line[m.end():]
    return m.group(0).replace("&gt;", ">").count(">"), rest[1:] if rest.startswith(" ") else rest


@given(LINEISH)
def test_split_marker_matches_the_plain_regex(line: str) -> None:
    assert split_marker(line) == _split_marker_reference(line)


@settings(max_examples=300)
@given(LINEISH)
def test_footer_precheck_is_exact(text: str) -> None:
    assert _may_be_footer(text) == any(r.pattern.search(text) for r in footer_rules())


def test_footer_rules_join_into_one_anchored_alternation() -> None:
    combined, anchored = _footer_any()
    assert combined is not None and anchored


def test_footer_precheck_keeps_real_boilerplate_lines() -> None:
    lines = [ln.replace("\xa0", " ").strip()
             for path in sorted(SEEDS.glob("*.txt"))
             for ln in path.read_text("utf-8").splitlines()]
    hits = [ln for ln in lines if any(r.pattern.search(ln) for r in footer_rules())]
    assert hits and all(_may_be_footer(ln) for ln in hits)


@given(LINEISH, st.one_of(st.none(), LINEISH), st.booleans(), st.integers(0, 90))
def test_idle_state_skips_exactly_the_lines_no_rule_can_open(
    text: str, nxt: str | None, seen: bool, last_len: int
) -> None:
    state = DiffState(seen=seen, last_len=last_len)
    is_diff, after = diff_step(state, text, nxt)
    if text[:1] not in OPENERS:
        assert (is_diff, after) == (False, state)


@given(LINEISH)
def test_attribution_forms_all_end_with_a_colon(line: str) -> None:
    text = " ".join(line.split())
    patterns = (attr._ON_WROTE, attr._QUOTING, attr._MUTT, attr._AM_SCHRIEB, attr._EXCERPTS,
                attr._WROTE_END)
    if text[-1:] not in (":", "："):
        assert not any(p.match(text) for p in patterns)
        assert attr.parse_attribution(line) is None


def test_wrapped_attribution_still_found() -> None:
    found = attr.parse_attribution_pair("On Tue, Feb 08, 2022 at 05:08:01PM -0700,",
                                        "Alex Williamson wrote:")
    assert found is not None and found.name == "Alex Williamson"
