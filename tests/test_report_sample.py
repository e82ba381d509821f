"""A ThreadAnalysis of seed 004 (Xen PoD locking rework) assembled by hand from the real
page text in tests/data/report/004_829cfff417aa0942.txt.

The page is Andres Lagar-Cavilla's reply; his patch and George Dunlap's review are
rebuilt from the quotes in it (the review text and diff lines are the real lines, quote
markers stripped). Message ids and the two earlier dates are stand-ins: the page shows
none. Used by the report tests for behaviours the pipeline output cannot exercise
(hostile text, later versions) and until the pipeline exists.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from threadscan.model import (
    DiffLine,
    FileDiff,
    Hunk,
    Link,
    LockChange,
    LockOp,
    Message,
    Objection,
    OrderEdge,
    Patch,
    Person,
    Provenance,
    Segment,
    Subject,
    Thread,
    ThreadAnalysis,
    ThreadNode,
)

DATA = Path(__file__).parent / "data" / "report"
SEED004 = DATA / "004_829cfff417aa0942.txt"
POD = "xen/arch/x86/mm/p2m-pod.c"
P2M = "xen/arch/x86/mm/p2m.c"
ANDRES = Person("Andres Lagar-Cavilla", "andres@lagarcavilla.org")
GEORGE = Person("George Dunlap", "george.dunlap@citrix.com")
M_PATCH = "56ceab0118cb.3of5@xen-devel.sample"
M_REVIEW = "george-review.3of5@xen-devel.sample"
M_REPLY = "andres-reply.3of5@xen-devel.sample"
URL = "https://lists.xenproject.org/archives/html/xen-devel/2012-02/msg00137.html"
HUNK_RE = re.compile(r"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@ ?(.*)$")


def seed_lines(first: int, last: int, depth: int) -> list[str]:
    """Lines ``first..last`` (1-based) of the seed page, ``depth`` quote markers removed."""
    lines = SEED004.read_text(encoding="utf-8").splitlines()[first - 1 : last]
    return [re.sub(rf"^>{{{depth}}} ?", "", ln) if ln.startswith(">" * depth) else ln
            for ln in lines]


def parse_hunks(msgid: str, fidx: int, path: str, lines: list[str]) -> tuple[Hunk, ...]:
    """Unified hunks from text lines; archive-wrapped lines are joined to the line above."""
    hunks: list[Hunk] = []
    head: re.Match[str] | None = None
    body: list[DiffLine] = []
    old = new = 0

    def close() -> None:
        if head is not None:
            a, b, c, d = (int(head[i]) for i in range(1, 5))
            section = head[5]
            fn = section.split("(")[0].split()[-1] if "(" in section else None
            hid = f"{msgid}:{fidx}:{len(hunks)}"
            hunks.append(Hunk(hid, path, a, b, c, d, section, fn, tuple(body)))

    for ln in lines:
        m = HUNK_RE.match(ln)
        if m:
            close()
            head, body, old, new = m, [], int(m[1]), int(m[3])
        elif ln[:1] in ("+", "-", " ", ""):
            sign = ln[:1] or " "
            body.append(DiffLine(sign, ln[1:], None if sign == "+" else old,  # type: ignore[arg-type]
                                 None if sign == "-" else new))
            old += sign != "+"
            new += sign != "-"
        elif body:
            last = body[-1]
            body[-1] = DiffLine(last.sign, f"{last.text} {ln}", last.old_no, last.new_no)
    close()
    return tuple(hunks)


def op(h: Hunk, text: str, role: str, prim: str, lock: str) -> LockOp:
    line = next(ln for ln in h.lines if ln.sign == "+" and ln.text.strip() == text)
    return LockOp(M_PATCH, h.file, h.function, "+", role, prim, "custom", lock,  # type: ignore[arg-type]
                  h.id, line.old_no, line.new_no, line.text, via="wrapper")


def seed004_patch() -> Patch:
    pod = parse_hunks(M_PATCH, 0, POD, seed_lines(8, 28, 2) + seed_lines(55, 87, 2))
    p2m = parse_hunks(M_PATCH, 1, P2M, seed_lines(249, 260, 2))
    files = (FileDiff(POD, POD, pod), FileDiff(P2M, P2M, p2m))
    series = "Rework locking in the PoD layer"
    return Patch(M_PATCH, files, series=series, index=3, total=5)


def seed004_messages(patch: Patch) -> tuple[Message, ...]:
    subj = Subject("[Xen-devel] [PATCH 3 of 5] Rework locking in the PoD layer",
                   "Rework locking in the PoD layer", False, ("Xen-devel", "PATCH"), None, 3, 5)
    re_subj = Subject("Re: " + subj.raw, subj.clean, True, subj.prefixes, None, 3, 5)
    prov = Provenance(str(SEED004), "text")
    diff = "\n".join(seed_lines(8, 28, 2) + seed_lines(55, 87, 2))
    root = Message(M_PATCH, ANDRES, dt.datetime(2012, 2, 1, 19, 56, tzinfo=dt.UTC), subj,
                   None, (), (Segment("diff", diff, 0, ANDRES.name, 0),), prov, "xen-devel")
    review_text = [
        Segment("attribution", seed_lines(7, 7, 1)[0], 0, GEORGE.name, 0),
        Segment("diff", "\n".join(seed_lines(8, 28, 2)), 1, ANDRES.name, 1),
        Segment("text", "\n".join(seed_lines(30, 35, 1)), 0, GEORGE.name, 23),
        Segment("text", "\n".join(seed_lines(51, 53, 1)), 0, GEORGE.name, 30),
        Segment("diff", "\n".join(seed_lines(55, 87, 2)), 1, ANDRES.name, 34),
        Segment("text", "\n".join(seed_lines(145, 152, 1)), 0, GEORGE.name, 70),
        Segment("signature", "-George", 0, GEORGE.name, 79),
    ]
    review = Message(M_REVIEW, GEORGE, dt.datetime(2012, 2, 2, 11, 0, tzinfo=dt.UTC), re_subj,
                     M_PATCH, (M_PATCH,), tuple(review_text), prov, "xen-devel")
    reply_segs = (
        Segment("attribution", seed_lines(7, 7, 1)[0], 1, GEORGE.name, 6),
        Segment("diff", "\n".join(seed_lines(8, 28, 2)), 2, ANDRES.name, 7),
        Segment("quote", "\n".join(seed_lines(30, 35, 1)), 1, GEORGE.name, 29),
        Segment("text", "\n".join(seed_lines(37, 45, 0)), 0, ANDRES.name, 36),
        Segment("signature", "Thanks!\nAndres", 0, ANDRES.name, 46),
        Segment("quote", "\n".join(seed_lines(51, 53, 1)), 1, GEORGE.name, 50),
        Segment("diff", "\n".join(seed_lines(55, 132, 2)), 2, ANDRES.name, 54),
        Segment("text", "\n".join(seed_lines(135, 142, 0)), 0, ANDRES.name, 134),
        Segment("quote", "\n".join(seed_lines(145, 154, 1)), 1, GEORGE.name, 144),
    )
    reply = Message(M_REPLY, ANDRES, dt.datetime(2012, 2, 2, 17, 43, tzinfo=dt.UTC),
                    re_subj, M_REVIEW, (M_PATCH, M_REVIEW), reply_segs,
                    Provenance(str(SEED004), "mhonarc", url=URL), "xen-devel")
    return root, review, reply


def seed004_objections(patch: Patch) -> tuple[Objection, ...]:
    h0, h1 = patch.hunks[0].id, patch.hunks[1].id
    quoted = Link("hunk", h0, "quoted lines above")
    return (
        Objection(M_REVIEW, GEORGE.name, "This assert should stay where it is.", "objection",
                  ("race",), (quoted, Link("function", "p2m_pod_cache_add", "hunk section")),
                  ("rule:objection.should-stay",), seen_in=(M_REPLY,)),
        Objection(M_REVIEW, GEORGE.name,
                  "Having the assert before cannot guarantee that they *will not* race with "
                  "emptying the PoD cache.", "objection", ("race",), (quoted,),
                  ("rule:race.word",), seen_in=(M_REPLY,)),
        Objection(M_REVIEW, GEORGE.name,
                  "Regarding locking on emergency sweeps: I think it should suffice if we could "
                  "do the equivalent of a spin_trylock() on each gpfn, and just move on (not "
                  "checking that gfn) if it fails.", "suggestion", ("deadlock", "design"),
                  (Link("hunk", h1, "quoted lines above"),
                   Link("lock", "p2m->lock", "matched lock change")),
                  ("rule:suggestion.i-think-it-should",), seen_in=(M_REPLY,)),
        Objection(M_REPLY, ANDRES.name,
                  "Question: should it not take the lock after the spin barrier, to be super "
                  "safe?", "question", ("race",), (Link("lock", "p2m->pod.lock", "pod lock"),),
                  ("rule:question.should-it",)),
    )


def seed004_analysis() -> ThreadAnalysis:
    """The hand-assembled analysis (patch, review, Andres's reply)."""
    patch = seed004_patch()
    msgs = seed004_messages(patch)
    h = {hk.function: hk for hk in reversed(patch.hunks)}
    sweep, guest = h["p2m_pod_emergency_sweep"], h["guest_physmap_add_entry"]
    ops = (
        op(patch.hunks[0], "unlock_page_alloc(p2m);", "release", "unlock_page_alloc",
           "p2m->page_alloc"),
        op(sweep, "p2m_lock(p2m);", "acquire", "p2m_lock", "p2m->lock"),
        op(guest, "pod_lock(p2m);", "acquire", "pod_lock", "p2m->pod.lock"),
        op(guest, "pod_unlock(p2m);", "release", "pod_unlock", "p2m->pod.lock"),
    )
    changes = (
        LockChange(M_PATCH, POD, "p2m_pod_cache_add", "extended", "p2m->page_alloc",
                   "unlock_page_alloc", "+", "release", "section now covers the BUG_ON",
                   (patch.hunks[0].id,)),
        LockChange(M_PATCH, POD, sweep.function, "section-added", "p2m->lock", "p2m_lock",
                   "+", "acquire", "", (sweep.id, patch.hunks[3].id)),
        LockChange(M_PATCH, P2M, guest.function, "section-added", "p2m->pod.lock",
                   "pod_lock", "+", "acquire", "replaces the p2m lock comment", (guest.id,)),
    )
    edges = (
        OrderEdge("p2m->pod.lock", "p2m->lock", "prose", M_PATCH, sweep.function,
                  change="stated", evidence=" ".join(seed_lines(63, 65, 2))),
        OrderEdge("p2m->lock", "p2m->pod.lock", "code", M_PATCH, "audit_p2m",
                  evidence="p2m_lock(p2m); pod_lock(p2m);"),
        OrderEdge("p2m->lock", "gfn", "prose", M_REVIEW, sweep.function, trylock=True,
                  change="stated", evidence="spin_trylock() on each gpfn"),
    )
    thread = Thread(M_PATCH, "Rework locking in the PoD layer",
                    (ThreadNode(M_PATCH, None), ThreadNode(M_REVIEW, M_PATCH),
                     ThreadNode(M_REPLY, M_REVIEW)))
    return ThreadAnalysis(thread, msgs, (patch,), ops, changes, edges,
                          seed004_objections(patch), ())


def test_sample_uses_real_seed_lines() -> None:
    analysis = seed004_analysis()
    review = analysis.messages[1]
    assert "This assert should stay where it is." in review.segments[2].text
    assert [h.function for h in analysis.patches[0].hunks][:2] == [
        "p2m_pod_cache_add", "p2m_pod_emergency_sweep"]
    assert analysis.lock_ops[1].text.strip() == "p2m_lock(p2m);"
