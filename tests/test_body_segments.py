"""parse_body on real lore / xen-devel mail bodies: kinds, depths, speakers."""

from __future__ import annotations

import email
import mailbox
from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from pathlib import Path

import pytest

from threadscan.mail.body import parse_body, split_marker
from threadscan.model import Segment

DATA = Path(__file__).parent / "data" / "body"
BRD = DATA / "linux-block-noobj-006-brd-remove-brd-devices-mutex-mutex.mbox"
XEN = DATA / "xen-devel-evtchn-defer-lock-acquire-v6.mbox"


def _mails(path: Path) -> list[EmailMessage]:
    return [email.message_from_bytes(m.as_bytes()) for m in mailbox.mbox(path)]


def _segments(path: Path, index: int) -> tuple[Segment, ...]:
    msg = _mails(path)[index]
    payload = msg.get_payload(decode=True)
    assert isinstance(payload, bytes)
    author = str(make_header(decode_header(msg["From"]))).split("<")[0].strip().strip('"')
    return parse_body(payload.decode(msg.get_content_charset() or "utf-8"), author)


def _find(segments: tuple[Segment, ...], needle: str) -> Segment:
    return next(s for s in segments if needle in s.text)


def test_own_patch_has_trailer_diff_and_signature() -> None:
    segs = _segments(BRD, 0)
    kinds = [s.kind for s in segs]
    assert kinds == ["text", "trailer", "diff", "signature"]
    assert segs[1].text == "Signed-off-by: Tetsuo Handa <penguin-kernel@I-love.SAKURA.ne.jp>"
    diff = segs[2]
    assert diff.depth == 0 and diff.speaker == "Tetsuo Handa"
    assert "-static DEFINE_MUTEX(brd_devices_mutex);" in diff.text
    assert segs[3].text.splitlines() == ["-- ", "2.32.0"]


def test_reviewed_by_reply_quotes_the_patch_author() -> None:
    segs = _segments(BRD, 1)
    assert segs[0].kind == "attribution"
    assert segs[0].text == "On Fri, Dec 17, 2021 at 08:03:48PM +0900, Tetsuo Handa wrote:"
    quote = segs[1]
    assert (quote.kind, quote.depth, quote.speaker) == ("quote", 1, "Tetsuo Handa")
    assert quote.text.startswith("If brd_alloc() from brd_probe() is called before")
    trailer = _find(segs, "Reviewed-by")
    assert (trailer.kind, trailer.depth, trailer.speaker) == ("trailer", 0, "Luis Chamberlain")


def test_xen_reply_quotes_diff_with_patch_author_as_speaker() -> None:
    segs = _segments(XEN, 1)
    assert segs[0].text == "Hi Jan," and segs[0].speaker == "Julien Grall"
    assert _find(segs, "On 27/05/2021 12:28, Jan Beulich wrote:").kind == "attribution"
    quoted_diff = next(s for s in segs if s.kind == "diff")
    assert (quoted_diff.depth, quoted_diff.speaker) == (1, "Jan Beulich")
    assert quoted_diff.text.startswith("--- a/xen/common/event_channel.c")
    assert "@@ -606,17 +606,14 @@ int evtchn_close(s" in quoted_diff.text


def test_quoted_trailer_stays_a_quote() -> None:
    segs = _segments(XEN, 1)
    quoted = _find(segs, "Signed-off-by: Jan Beulich")
    assert (quoted.kind, quoted.depth, quoted.speaker) == ("quote", 1, "Jan Beulich")
    assert not any(s.kind == "trailer" for s in segs)


def test_reply_signature_after_dash_dash() -> None:
    segs = _segments(XEN, 1)
    assert segs[-1].kind == "signature"
    assert segs[-1].text.splitlines()[-1] == "Julien Grall"
    assert _find(segs, "Cheers,").kind == "text"


def test_four_level_nesting_names_every_depth() -> None:
    segs = _segments(XEN, 4)
    by_depth = {s.depth: s.speaker for s in segs if s.kind == "quote"}
    assert by_depth == {1: "Jan Beulich", 2: "Roger Pau Monné", 3: "Julien Grall", 4: "Jan Beulich"}
    attributions = [s for s in segs if s.kind == "attribution"]
    assert [a.depth for a in attributions] == [0, 1, 2, 3]
    assert (
        _find(segs, "Lets take the example of free_xen_event_channel()").speaker == "Julien Grall"
    )


def test_depth2_words_keep_their_speaker_between_depth1_turns() -> None:
    segs = _segments(XEN, 3)
    race = _find(segs, "risk that port_is_valid() may be valid and then invalid")
    assert (race.kind, race.depth, race.speaker) == ("quote", 2, "Julien Grall")
    roger = _find(segs, "Hm, I guess you could indeed have parallel calls")
    assert (roger.depth, roger.speaker) == (1, "Roger Pau Monné")
    own = _find(segs, "I don't see this as relevant.")
    assert (own.kind, own.depth, own.speaker) == ("text", 0, "Jan Beulich")


def test_segment_line_is_first_body_line() -> None:
    segs = _segments(XEN, 1)
    assert segs[0].line == 0
    attribution = _find(segs, "Jan Beulich wrote:")
    assert attribution.line == 2


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("> > foo", (2, "foo")),
        (">>> bar", (3, "bar")),
        (">>  ctx", (2, " ctx")),
        ("&gt; &gt; quoted", (2, "quoted")),
        ("plain", (0, "plain")),
        (">\tmutex_lock(&m);", (1, "\tmutex_lock(&m);")),
    ],
)
def test_split_marker_forms(line: str, expected: tuple[int, str]) -> None:
    assert split_marker(line) == expected


def test_two_line_attribution_and_footer() -> None:
    text = (
        "On Thu, 21 Oct 2021 11:23:26 -0400\n"
        "Tony Krowiak <akrowiak@xxxxxxxxxxxxx> wrote:\n"
        "\n"
        "> Keep in mind that the kvm->lock must be taken outside.\n"
        "\n"
        "Agreed.\n"
        "\n"
        "_______________________________________________\n"
        "Xen-devel mailing list\n"
        "Xen-devel@lists.xen.org\n"
    )
    segs = parse_body(text, "Halil Pasic")
    assert [(s.kind, s.depth, s.speaker) for s in segs] == [
        ("attribution", 0, "Halil Pasic"),
        ("quote", 1, "Tony Krowiak"),
        ("text", 0, "Halil Pasic"),
        ("footer", 0, None),
    ]
    assert segs[0].text.count("\n") == 1


def test_quoted_hunk_without_any_header_is_a_diff() -> None:
    text = (
        "On Mon, 1 Jan 2024 10:00:00 +0000, Ann Lee wrote:\n"
        "> +\tspin_lock(&q->lock);\n"
        "> +\tlist_add(&x->node, &q->list);\n"
        ">  \tq->count++;\n"
        "> -\tmutex_lock(&q->mutex);\n"
        "\n"
        "This takes a spinlock in atomic context.\n"
        "- item one\n"
        "- item two\n"
    )
    segs = parse_body(text, "Bob")
    assert [(s.kind, s.depth, s.speaker) for s in segs] == [
        ("attribution", 0, "Bob"),
        ("diff", 1, "Ann Lee"),
        ("text", 0, "Bob"),
    ]
    assert segs[1].text.splitlines()[-1] == "-\tmutex_lock(&q->mutex);"


def test_top_posted_reply_above_outlook_header_quotes_the_rest() -> None:
    text = (
        "I agree, the lock order is wrong here.\n"
        "\n"
        "-----Original Message-----\n"
        "From: Bob Stone <bob@example.com>\n"
        "Sent: Monday, January 1, 2024 10:00 AM\n"
        "Subject: [PATCH] foo: take bar_lock first\n"
        "\n"
        "We take bar_lock before foo_lock now.\n"
    )
    segs = parse_body(text, "Ann Lee")
    assert [(s.kind, s.depth, s.speaker) for s in segs] == [
        ("text", 0, "Ann Lee"),
        ("attribution", 0, "Ann Lee"),
        ("quote", 1, "Bob Stone"),
    ]


def test_in_body_from_header_of_a_patch_is_not_top_posting() -> None:
    text = "From: Bob Stone <bob@example.com>\nDate: Mon, 1 Jan 2024\nSubject: x\n\nBody.\n"
    assert {s.depth for s in parse_body(text, "Ann Lee")} == {0}
