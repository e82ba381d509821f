"""parse_page never raises on hostile or random page text, and stays fast."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from threadscan.mail.page import parse_page
from threadscan.model import Message, Provenance, Skip

_PROV = Provenance(source="fuzz", kind="text")
_PIECES = st.sampled_from(
    [
        "Message ID | 1@x (mailing list archive) |",
        "---|---|",
        "Series | S | expand |",
        "On Mon, 7 Feb 2022 19:22:15 +0200 A B <a@b> wrote: > x > > y",
        "On Tue, Feb 08, 2022 at 05:08:01PM -0700, A B wrote: > > @@ -1,2 +1,3 @@ > > + a;",
        "diff --git a/x b/x --- a/x +++ b/x @@ -1,2 +1,3 @@ ctx; + add; - del;",
        "More information about the X mailing list",
        "[Date Prev][Date Next][Thread Prev][Thread Next]",
        "Haren Myneni haren at linux.ibm.com",
        "Sat Oct 14 07:22:34 AEDT 2023",
        "Hi Nathan,",
        "Juliet Kim<juli...@x.com> writes:",
        "Thanks,",
        "Nathan",
        "> quoted",
        "I think this is wrong.",
        "prohibiting",
        "x" * 90,
        "",
    ]
)
_PAGES = st.lists(_PIECES | st.text(max_size=30), max_size=30).map("\n".join)


def _check(found: list[Message | Skip]) -> None:
    assert found
    for item in found:
        assert isinstance(item, (Message, Skip))
        if isinstance(item, Message):
            assert item.msgid


@settings(max_examples=300, deadline=None)
@given(_PAGES)
def test_random_pages_never_raise(text: str) -> None:
    _check(parse_page(text, _PROV))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=600))
def test_arbitrary_text_never_raises(text: str) -> None:
    _check(parse_page(text, _PROV))


def test_hostile_patchwork_page_stays_fast() -> None:
    head = "Message ID | 1@x (mailing list archive) |\n---|---|\nSeries | S | expand |\n"
    lines = [
        "On Mon, 7 Feb 2022 19:22:15 +0200 A B <a@b> wrote: " + "> " * 5000 + "x",
        "On Tue, 8 Feb 2022 19:22:15 +0200 C D <c@d> wrote: " + "> word " * 3000 + "Thanks, Alex",
        "diff --git a/x b/x " + "+ a; " * 4000,
        " ".join(["(" * 50, "+"] * 200),
    ]
    start = time.perf_counter()
    _check(parse_page(head + "\n".join(lines), _PROV))
    assert time.perf_counter() - start < 5.0


def test_hostile_plain_pages_stay_fast() -> None:
    pages = [
        "Hi Bob,\n" + "prohibiting\n" + ("y" * 70 + "\n") * 3000,
        "\n".join(["On 1/1/20 1:00 PM, A B wrote:"] * 2000),
        " " * 50000 + "\n" + "\t" * 50000,
        "More information about the " + "x" * 50000,
    ]
    start = time.perf_counter()
    for text in pages:
        _check(parse_page(text, _PROV))
    assert time.perf_counter() - start < 5.0
