"""Who wrote the patch when the posting is not in the batch (tag.missing_posters).

A reply fetched alone, or a series whose cover letter went to another list or archive month:
the patch author's own replies are then defence, not review, and the author's words they
quote are the change, not a concern about it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.archive_server import file_messages
from threadscan.model import Message, PatchAnalysis
from threadscan.nlp import tag_thread
from threadscan.nlp.tag import (
    is_posting,
    message_units,
    missing_posters,
    patch_authors,
    poster_address,
)

THREAD = (Path(__file__).parent / "data" / "nlp" /
          "linux-block-noobj-004-block-protect-debugfs-attributes-using-q-elevator-lock.mbox")
ROOT = "20250312102903.3584358-1-nilay@linux.ibm.com"  # git send-email: <stamp-1-sender>


@pytest.fixture(scope="module")
def replies() -> list[Message]:
    msgs = file_messages(THREAD)
    assert [m.msgid for m in msgs if is_posting(m)] == [ROOT]
    return [m for m in msgs if not is_posting(m)]


def test_author_reply_alone_is_known_by_the_address_git_wrote_into_the_root_id(
        replies: list[Message]) -> None:
    last = [m for m in replies if m.msgid.startswith("c44eabfb")]
    assert last and last[0].author.email == "nilay@linux.ibm.com"
    assert missing_posters(last) == {"Nilay Shroff"}
    units = message_units(0, last[0], patch_authors(last, ()))
    own = [u for u in units if not u.quoted]
    assert own and all(u.strict for u in own)


def test_direct_reply_to_a_patch_root_names_the_author_it_quotes(replies: list[Message]) -> None:
    damien = [m for m in replies if m.author.display == "Damien Le Moal"]
    assert len(damien) == 1 and damien[0].parent_ids == (ROOT,)
    assert missing_posters(damien) == {"Nilay Shroff"}


def test_reviewer_reply_deeper_in_the_thread_names_no_one(replies: list[Message]) -> None:
    # Christoph's second mail answers Nilay's answer: its first quote is not the posting, and
    # the root's address (Nilay's) is nobody's in this batch
    later = [m for m in replies if m.msgid.startswith("20250313075421")]
    assert len(later) == 1 and len(later[0].parent_ids) > 1
    assert missing_posters(later) == set()


@pytest.mark.parametrize(("msgid", "address"), [
    (ROOT, "nilay@linux.ibm.com"),  # git send-email
    ("cover.1757589589.git.leon@kernel.org", "leon@kernel.org"),  # format-patch cover letter
    ("9a5e0d1ca4d3a1a1b6c1b6bb4b1f5b3c6a9dc1e2.1757589589.git.leon@kernel.org",
     "leon@kernel.org"),  # format-patch patch (a commit id)
    ("20250822-rnull-up-v6-16-v6-0-ec65006e2f07@kernel.org", None),  # b4: a domain only
    ("3e26b52a-0bc7-438d-8ae4-29ac27268cad@kernel.org", None),  # a mail client
    ("20250312141251.GA13250@lst.de", None),  # mutt
])
def test_only_git_made_ids_name_their_poster(msgid: str, address: str | None) -> None:
    assert poster_address(msgid) == address


def test_a_root_id_without_an_address_names_no_one() -> None:
    msgs = file_messages(THREAD)
    reply = next(m for m in msgs if m.msgid.startswith("c44eabfb"))
    assert missing_posters([reply]) == {"Nilay Shroff"}
    moved = replace(reply, references=("20250822-rnull-up-v6-16-v6-0-ec65006e2f07@kernel.org",
                                       *reply.references[1:]))
    assert missing_posters([moved]) == set()


def test_author_answer_fetched_alone_is_not_tagged_as_review(replies: list[Message]) -> None:
    # Nilay's last mail alone: his concession ("Alright, then I will not replace
    # mutex_lock_interruptible ...") was an objection of his before; the reviewer's quoted
    # concern stays Christoph's
    last = [m for m in replies if m.msgid.startswith("c44eabfb")]
    res = tag_thread(last, PatchAnalysis())
    assert {o.speaker for o in res.objections} == {"Christoph Hellwig"}
    assert any("mutex_lock_killable" in o.sentence for o in res.objections)
