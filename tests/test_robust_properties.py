"""Property tests across the mail, mbox and diff parsers (extending the per-module ones):
transfer encodings do not change what is read, an mbox round trip loses nothing, parsing
is deterministic, and a quoted diff is a faithful view of the diff it quotes."""

from __future__ import annotations

import base64
import quopri
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadscan.extract.diff import find_patches, parse_patch_text
from threadscan.mail import parse_item
from threadscan.mail.body import split_marker
from threadscan.model import Message, Provenance, RawItem
from threadscan.sources.files import iter_stream

PROV = Provenance("prop", "eml")
XEN = Path(__file__).resolve().parent / "data" / "robust" / (
    "mhonarc-xen-devel-2022-11-msg00000.html")
HEAD = ("From: Ann Author <ann@example.org>\nSubject: [PATCH] t\nMessage-ID: <p@x>\n"
        "Date: Mon, 1 Jan 2024 00:00:00 +0000\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n")
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_PARTS = st.sampled_from([
    ">", "> ", "From ", ">From ", "On Mon, 1 Jan 2024, Bob wrote:", "-- ", "---", "+", "-",
    "@@ -1,2 +1,2 @@", "diff --git a/x.c b/x.c", "Signed-off-by: A <a@b>", "=", "=3D", "é",
    "\u00a0", "\t", " ", "spin_lock(&l);", "Hi Bob,", "x" * 20,
])
LINES = st.lists(st.lists(_PARTS | st.text(
    st.characters(blacklist_categories=["Cs", "Cc"]), max_size=10), max_size=5).map("".join),
    min_size=1, max_size=30)


def mail(body: str, cte: str) -> bytes:
    raw = body.encode("utf-8")
    if cte == "base64":
        payload = base64.encodebytes(raw)
    elif cte == "quoted-printable":
        payload = quopri.encodestring(raw)
    else:
        payload = raw
    return (HEAD + f"Content-Transfer-Encoding: {cte}\n\n").encode() + payload


def only(item: RawItem) -> Message:
    [msg] = parse_item(item)
    assert isinstance(msg, Message)
    return msg


def text_of(msg: Message) -> list[tuple[str, str, int]]:
    return [(s.kind, s.text, s.depth) for s in msg.segments]


@SETTINGS
@given(LINES)
def test_transfer_encoding_does_not_change_the_segments(lines: list[str]) -> None:
    body = "\n".join(ln.rstrip() for ln in lines) + "\n"
    plain = only(RawItem(mail(body, "8bit"), "mail", PROV))
    for cte in ("base64", "quoted-printable"):
        assert text_of(only(RawItem(mail(body, cte), "mail", PROV))) == text_of(plain)
    kept = {(s.line + i, t) for s in plain.segments for i, t in enumerate(s.text.split("\n"))}
    for i, line in enumerate(body.split("\n")):  # no data loss through the whole parser
        if split_marker(line)[1].strip():
            assert (i, split_marker(line)[1]) in kept, line


@SETTINGS
@given(st.lists(LINES, min_size=1, max_size=4))
def test_mbox_round_trip_keeps_every_message_and_its_body(bodies: list[list[str]]) -> None:
    messages = []
    chunks = []
    for n, lines in enumerate(bodies):
        body = "\n".join(lines) + "\n"
        data = mail(body, "8bit").replace(b"<p@x>", b"<p%d@x>" % n)
        messages.append(only(RawItem(data, "mail", PROV)))
        escaped = b"".join(b">" + ln if ln.lstrip(b">").startswith(b"From ") else ln
                           for ln in data.splitlines(keepends=True))
        chunks.append(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + escaped + b"\n")
    items = list(iter_stream(b"".join(chunks).splitlines(keepends=True), "m.mbox", "mbox"))
    assert len(items) == len(messages)
    for item, want in zip(items, messages, strict=True):
        assert isinstance(item, RawItem)
        got = only(item)
        assert got.msgid == want.msgid and text_of(got) == text_of(want)


@SETTINGS
@given(st.binary(max_size=1500))
def test_parsing_is_deterministic(data: bytes) -> None:
    item = RawItem(HEAD.encode() + b"\n" + data, "mail", PROV)
    assert parse_item(item) == parse_item(item)


def xen_patch() -> str:
    from threadscan.sources.mhonarc import parse_page

    body = parse_page(XEN.read_text("utf-8"), "https://lists.xenproject.org/archives/html/"
                      "xen-devel/2022-11/msg00000.html").body
    return body[body.index("diff --git"):body.index("\n-- \n")] + "\n"


def xen_hunks() -> tuple[list[str], list[list[str]]]:
    """The file header lines and each whole hunk of the patch on the page."""
    lines = xen_patch().rstrip("\n").split("\n")
    starts = [i for i, ln in enumerate(lines) if ln.startswith("@@ ")]
    ends = [*starts[1:], len(lines)]
    return lines[:starts[0]], [lines[a:b] for a, b in zip(starts, ends, strict=True)]


FILE_HEAD, HUNKS = xen_hunks()


@SETTINGS
@given(st.lists(st.integers(0, len(HUNKS) - 1), min_size=1, unique=True).map(sorted),
       st.sampled_from(["> ", "> > ", ">> "]))
def test_quoted_diff_is_a_view_of_the_same_hunks(chosen: list[int], marker: str) -> None:
    text = "\n".join(FILE_HEAD + [ln for i in chosen for ln in HUNKS[i]])
    own = parse_patch_text(text, "m")
    quoted = "\n".join(marker + ln if ln else marker.rstrip() for ln in text.split("\n"))
    body = "On Mon, 1 Jan 2024, Roger wrote:\n" + quoted + "\n\nI think this can deadlock.\n"
    msg = only(RawItem((HEAD + "\n" + body).encode(), "mail", PROV))
    [view] = [p for p in find_patches(msg) if p.quoted]
    assert len(own.hunks) == len(chosen) and own.defects == ()
    assert view.depth == marker.count(">")
    assert [h.lines for h in view.hunks] == [h.lines for h in own.hunks]
    assert [h.section for h in view.hunks] == [h.section for h in own.hunks]


_PATCH_PARTS = st.sampled_from([
    ">", "> ", "On Mon, 1 Jan 2024, Bob wrote:", "-- ", "---", "+", "-", " ", "@@ -1,2 +1,2 @@",
    "@@ -0,0 +1 @@", "@@ -1 +1 @@ f(", "diff --git a/x.c b/x.c", "--- a/x.c", "+++ b/x.c",
    "--- /dev/null", "Signed-off-by: A <a@b>", "Acked-by: B <b@c>", "spin_lock(&l);",
    "spin_unlock(&l);", "mutex_lock(", "}", "{", "static int f(void)", "This can deadlock.",
    "lock order", "guard(mutex)(&x->lock);", "rcu_read_lock()", "\\ No newline at end of file",
    "(", ")", ";", "->", "/*", "*/", '"', "#define L(x) spin_lock(x)", "diff -r 1 -r 2 x.c",
    "GIT binary patch", "rename from a", "new file mode 100644",
])
_PATCH_BODY = st.lists(st.lists(_PATCH_PARTS, max_size=4).map("".join), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PATCH_BODY, min_size=1, max_size=3))
def test_whole_analysis_of_any_patch_thread_never_raises(bodies: list[list[str]]) -> None:
    from threadscan.pipeline import analyze_thread
    from threadscan.thread import build_threads

    messages = []
    for k, lines in enumerate(bodies):
        head = (f"From: A{k} <a{k}@b.org>\nSubject: {'Re: ' if k else ''}[PATCH] t\n"
                f"Message-ID: <t{k}@x>\nDate: Mon, 1 Jan 2024 00:00:0{k} +0000\n"
                + (f"In-Reply-To: <t{k - 1}@x>\n" if k else "") + "\n")
        messages.append(only(RawItem((head + "\n".join(lines)).encode(), "mail", PROV)))
    [thread] = build_threads(messages)
    analysis = analyze_thread(thread, messages)
    assert {p.msgid for p in analysis.patches} <= {m.msgid for m in messages}
    assert all(op.hunk_id.startswith(op.msgid + ":") for op in analysis.lock_ops)
