"""Quote speakers: attribution lines, nesting, sign-offs, alternation, lost markers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from threadscan.mail.attribution import parse_attribution, parse_attribution_pair, sign_off_name
from threadscan.mail.body import parse_body, segment_lines
from threadscan.mail.quote import full_name
from threadscan.mail.unquoted import recover_quotes

SEEDS = Path(__file__).parent / "data" / "seeds"


def _seed_lines(prefix: str) -> list[str]:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text("utf-8").split("\n")


@pytest.mark.parametrize(
    ("line", "name", "email", "when"),
    [
        ("On 10/11/23 1:36 PM, Nathan Lynch wrote:", "Nathan Lynch", "", None),
        (
            "Haren Myneni <haren at linux.ibm.com> writes:",
            "Haren Myneni",
            "haren@linux.ibm.com",
            None,
        ),
        (
            "Juliet Kim<juli...@linux.vnet.ibm.com> writes:",
            "Juliet Kim",
            "juli...@linux.vnet.ibm.com",
            None,
        ),
        (
            "On Mon, 7 Feb 2022 19:22:15 +0200 Yishai Hadas <yishaih@nvidia.com> wrote:",
            "Yishai Hadas",
            "yishaih@nvidia.com",
            dt.datetime(2022, 2, 7, 19, 22, 15, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        ),
        (
            "On Tue, Feb 08, 2022 at 05:08:01PM -0700, Alex Williamson wrote:",
            "Alex Williamson",
            "",
            dt.datetime(2022, 2, 8, 17, 8, 1, tzinfo=dt.timezone(dt.timedelta(hours=-7))),
        ),
        (
            "On Wed, 2012-02-01 at 19:56 +0000, Andres Lagar-Cavilla wrote:",
            "Andres Lagar-Cavilla",
            "",
            dt.datetime(2012, 2, 1, 19, 56, tzinfo=dt.UTC),
        ),
        ("On 27/05/2021 12:28, Jan Beulich wrote:", "Jan Beulich", "", None),
        ("在 2025/10/14 16:06, Ming Lei 写道:", "Ming Lei", "", None),
        ("Excerpts from Waiman Long's message of July 8, 2020 1:33 pm:", "Waiman Long", "", None),
        (
            "Il giorno 2 set 2019, alle ore 17:56, Tejun Heo <tj@kernel.org> ha scritto:",
            "Tejun Heo",
            "tj@kernel.org",
            None,
        ),
        ("Quoting Jan Beulich <JBeulich@suse.com>:", "Jan Beulich", "jbeulich@suse.com", None),
        # Paolo Bonzini's phone (Gmail in Italian), kvmarm-008
        ("Il gio 26 ago 2021, 22:28 Oliver Upton <oupton@google.com> ha scritto:",
         "Oliver Upton", "oupton@google.com", None),
        # Gmail in Chinese, linux-block-noobj-012
        ("Greg KH <gregkh@linuxfoundation.org> 于2021年6月8日周二 下午5:29写道：",
         "Greg KH", "gregkh@linuxfoundation.org", None),
        # a surname that is also an English word (linux-block 2025q3 benchmark mbox)
        ("在 2025/09/01 16:22, Xue He 写道:", "Xue He", "", None),
        # "在 …写道:" through Jens Axboe's 7-bit mailer (linux-block 2025q3 benchmark mbox)
        ("? 2025/7/2 02:00, Jens Axboe ??:", "Jens Axboe", "", None),
        # Dominique Martinet's mailer (linux-block 2025q3 benchmark mbox)
        ("Nathan Chancellor wrote on Tue, Aug 12, 2025 at 10:16:33PM -0700:",
         "Nathan Chancellor", "",
         dt.datetime(2025, 8, 12, 22, 16, 33, tzinfo=dt.timezone(dt.timedelta(hours=-7)))),
        # Apple Mail in Chinese (linux-block 2025q3 benchmark mbox)
        ("2025年8月18日 20:20，John Garry <john.g.garry@oracle.com> 写道：",
         "John Garry", "john.g.garry@oracle.com", None),
        # alot writes no colon (linux-block 2025q3 benchmark mbox)
        ("Quoting Tamir Duberstein (2025-07-10 08:31:07)", "Tamir Duberstein", "", None),
    ],
)
def test_attribution_forms(line: str, name: str, email: str, when: dt.datetime | None) -> None:
    found = parse_attribution(line)
    assert found is not None
    assert (found.name, found.email, found.date) == (name, email, when)


def test_prose_ending_in_wrote_is_not_an_attribution() -> None:
    assert parse_attribution("This is what the patch wrote:") is None
    assert parse_attribution("I think that you wrote:") is None
    assert parse_attribution("Quoting the spec (section 5)") is None
    assert parse_attribution("He wrote:") is None
    assert parse_attribution("On Monday, I wrote:") is None
    assert parse_attribution("? what ??:") is None
    assert parse_attribution("(see above)") is None


def test_a_gmail_chinese_attribution_names_the_quoted_speaker() -> None:
    from tests.archive_server import file_messages

    msgs = file_messages(Path(__file__).parent / "data" / "mail" /
                         "zram-noobj-012-yong-w-reply.mbox")
    [reply] = [m for m in msgs if m.author.name == "yong w"]
    assert [s.speaker for s in reply.segments if s.kind == "quote" and s.depth == 1] == [
        "Greg KH"] * 3


def test_attribution_wrapped_over_two_lines() -> None:
    found = parse_attribution_pair(
        "On Thu, 21 Oct 2021 11:23:26 -0400", "Tony Krowiak <akrowiak@xxxxxxxxxxxxx> wrote:"
    )
    assert found is not None and found.name == "Tony Krowiak"
    assert found.date == dt.datetime(
        2021, 10, 21, 11, 23, 26, tzinfo=dt.timezone(dt.timedelta(hours=-4))
    )


@pytest.mark.parametrize(
    ("lines", "name"),
    [
        (["Thanks,", "Nathan"], "Nathan"),
        (["-George"], "George"),
        (["Regards,", "Halil"], "Halil"),
        (["Thanks!", "Andres"], "Andres"),
        (["the code is fine."], None),
    ],
)
def test_sign_offs(lines: list[str], name: str | None) -> None:
    assert sign_off_name(lines) == name


def test_full_name_from_first_name() -> None:
    assert full_name("Nathan", ["Nathan Lynch", "Haren Myneni"]) == "Nathan Lynch"
    assert full_name("George", ["Andres Lagar-Cavilla"]) == "George"


def test_seed000_depth_speakers_from_attributions_and_alternation() -> None:
    body = _seed_lines("000")[5:]
    segs = parse_body("\n".join(body), "Haren Myneni")
    quotes = {s.depth: s.speaker for s in segs if s.kind == "quote"}
    assert quotes == {1: "Nathan Lynch", 2: "Haren Myneni", 3: "Nathan Lynch", 4: "Haren Myneni"}


def test_seed004_sign_off_names_depth1_and_inner_attribution_depth2() -> None:
    body = _seed_lines("004")[3:]
    segs = parse_body("\n".join(body), "Andres Lagar-Cavilla")
    assert {s.speaker for s in segs if s.depth == 1} == {"George"}
    assert {s.speaker for s in segs if s.depth == 2} == {"Andres Lagar-Cavilla"}


def test_fixed_speakers_override_alternation() -> None:
    lines = [
        "On Tue, Feb 08, 2022 at 05:08:01PM -0700, Alex Williamson wrote:",
        "> > +\tfoo();",
        "> why?",
        "because",
    ]
    plain = segment_lines(lines, "Jason Gunthorpe")
    assert [s.speaker for s in plain if s.depth == 2] == ["Jason Gunthorpe"]  # alternation guess
    fixed = segment_lines(lines, "Jason Gunthorpe", {2: "Yishai Hadas"})
    assert [s.speaker for s in fixed if s.depth == 2] == ["Yishai Hadas"]


def test_seed001_lost_markers_recovered_block_by_block() -> None:
    recovered = recover_quotes(_seed_lines("001"))
    assert recovered.author is not None and recovered.author.name == "Juliet Kim"
    table = [(s.kind, s.depth, s.speaker, s.text.split("\n")[0]) for s in recovered.segments]
    assert table == [
        ("text", 0, "Juliet Kim", "Hi Nathan,"),
        ("attribution", 0, "Juliet Kim", "On 5/6/19 12:14 PM, Nathan Lynch wrote:"),
        ("quote", 1, "Nathan Lynch", "Hi Juliet,"),
        ("attribution", 1, "Nathan Lynch", "Juliet Kim<juli...@linux.vnet.ibm.com> writes:"),
        ("quote", 2, "Juliet Kim", "Fix extending start/stop topology update scope during LPM"),
        ("quote", 1, "Nathan Lynch", "I think this is conflating two issues:"),
        (
            "text",
            0,
            "Juliet Kim",
            "PRRN request can be received at any time including before/after LPM and",
        ),
        ("quote", 1, "Nathan Lynch", "2. The NUMA topology update processing. Generally speaking,"),
        (
            "text",
            0,
            "Juliet Kim",
            "When the regression (CPU affinity update has been accidentally disabled",
        ),
        ("quote", 1, "Nathan Lynch", "Thanks,"),
    ]


def test_seed001_known_text_alignment_wins_over_cues() -> None:
    lines = _seed_lines("001")
    juliets_patch = "\n".join(lines[4:13])
    nathans_review = "\n".join(lines[13:21] + lines[38:46])
    known = {"Juliet Kim": juliets_patch, "Nathan Lynch": nathans_review}
    recovered = recover_quotes(lines, known)
    two = next(s for s in recovered.segments if s.text.startswith("2. The NUMA"))
    assert (two.depth, two.speaker) == (1, "Nathan Lynch")
    instead = next(s for s in recovered.segments if "Instead, use mutex_lock" in s.text)
    assert instead.speaker == "Juliet Kim"


def test_known_text_by_an_unnamed_sender_names_nobody() -> None:
    # Greg KH's reply in a real thread, its quote markers taken off, against the texts of the
    # thread's other messages by sender; one sender has no display name (keyed ""): that
    # text cannot say who speaks, and must not stop the recovery (it raised IndexError)
    from tests.archive_server import file_messages

    path = (Path(__file__).parent / "data" / "labels" /
            "linux-block-noobj-011-zram-calculate-available-memory-when-zram-is-used.mbox")
    msgs = file_messages(path)
    greg = next(m for m in msgs if m.msgid == "YLuvQwkZkl9UCoJw@kroah.com")
    lines = [ln.lstrip("> ") for s in greg.segments for ln in s.text.split("\n") if ln.strip()]
    known: dict[str, str] = {}
    for m in msgs:
        if m is not greg:
            own = (s.text for s in m.segments if s.kind == "text" and s.depth == 0)
            known[m.author.name] = known.get(m.author.name, "") + "\n".join(own)
    assert "" in known
    recovered = recover_quotes(lines, known)
    assert recovered.segments and all(s.speaker for s in recovered.segments if s.kind == "quote")


def test_marked_text_goes_through_the_marker_path() -> None:
    recovered = recover_quotes(
        ["Hi Bob,", "On Mon, 1 Jan 2024 10:00:00 +0000, Bob Smith wrote:", "> a race", "", "No."]
    )
    assert [(s.kind, s.depth, s.speaker) for s in recovered.segments][-2:] == [
        ("quote", 1, "Bob Smith"),
        ("text", 0, None),
    ]


def test_lost_markers_a_quoted_hunk_is_the_patch_authors_diff_and_the_comment_under_it_is_own(
) -> None:
    # Tyler Hicks reviews Pavel Tatashin's loop patch inline: attribution, quoted commit
    # message, comments, quoted hunks, comments. Rendered as Google Groups shows a reply
    # (quote markers and blank lines gone), a quoted hunk is still diff text: it is the
    # patch author's diff (so its lock changes are found), and the prose under it is
    # Tyler's answer to it, as in the mail.
    from tests.archive_server import file_messages
    from threadscan.extract.diff import find_patches
    from threadscan.model import Message, Provenance

    path = (Path(__file__).parent / "data" / "labels" /
            "linux-block-028-loop-scale-loop-device-by-introducing-per-device-lock.mbox")
    mail = next(m for m in file_messages(path) if m.msgid == "20200723180902.GV3673@sequoia")
    marks = re.compile(r"^(?:[ \t]{0,3}>)+ ?")
    own = [s for s in mail.segments if s.kind in ("text", "quote", "diff", "attribution")]
    lines = [marks.sub("", ln) for s in own for ln in s.text.split("\n") if ln.strip()]
    recovered = recover_quotes(lines)
    diffs = [s for s in recovered.segments if s.kind == "diff"]
    assert diffs and {(s.depth, s.speaker) for s in diffs} == {(1, "Pavel Tatashin")}
    after = [recovered.segments[i + 1] for i, s in enumerate(recovered.segments[:-1])
             if s.kind == "diff" and recovered.segments[i + 1].kind != "diff"]
    assert after and all(s.depth == 0 for s in after)
    page = Message(mail.msgid, mail.author, mail.date, mail.subject, None, (),
                   recovered.segments, Provenance("page", "text"))
    [quoted] = find_patches(page)
    [in_mail] = find_patches(mail)
    assert quoted.quoted and [f.path for f in quoted.files] == [f.path for f in in_mail.files]
    assert [f.path for f in quoted.files] == ["drivers/block/loop.c", "drivers/block/loop.h"]


@pytest.mark.parametrize(("name", "quoted"), [
    ("apple-mail-almeida.mbox", {1: "Andreas Hindborg"}),
    ("apple-mail-coly-li.mbox", {1: "John Garry", 2: "Coly Li"}),
])
def test_apple_mail_quotes_its_attribution_line_with_the_message(
        name: str, quoted: dict[int, str]) -> None:
    # "> On 11 Jul 2025, at 08:43, Andreas Hindborg <...> wrote:" opens the depth-1 quote it
    # names (and, above a quoted message's own attribution, still names its own depth)
    from tests.archive_server import file_messages

    [msg] = file_messages(Path(__file__).parent / "data" / "mail" / name)
    said = {s.depth: s.speaker for s in msg.segments if s.kind in ("quote", "diff")}
    assert {d: said.get(d) for d in quoted} == quoted


def test_a_quoted_outlook_header_names_the_message_it_opens() -> None:
    # Shameer Kolothum quotes Leon Romanovsky's mail under "> -----Original Message-----",
    # "> From: Leon Romanovsky <leon@kernel.org>", "> Sent: ..."; Leon's mail quotes Alex
    from tests.archive_server import file_messages

    [msg] = file_messages(Path(__file__).parent / "data" / "mail" / "outlook-quoted-header.mbox")
    said = {s.depth: s.speaker for s in msg.segments if s.kind in ("quote", "diff")}
    assert (said[1], said[2]) == ("Leon Romanovsky", "Alex Williamson")
    # the whole block is attribution, its Cc: list wrapped over ten lines included
    [block] = [s for s in msg.segments if s.text.startswith("-----Original Message-----")]
    assert block.kind == "attribution" and block.text.split("\n")[-1].startswith("Subject: Re:")
    assert "<vivek.kasireddy@intel.com>; Will Deacon <will@kernel.org>" in block.text


def test_quoted_persons_own_sign_off_in_capitals_is_not_the_page_author() -> None:
    # a Google Groups page that shows only Nathan Lynch's quoted words, signed in capitals
    lines = [
        "On Thu, Jan 5, 2023 at 10:00 AM Nathan Lynch <nathanl@linux.ibm.com> wrote:",
        "readers of the flag check it under the mutex, but the writer updates it outside.",
        "",
        "Thanks,",
        "NATHAN",
    ]
    assert recover_quotes(lines).author is None
