"""Who sent a page without quote markers when no attribution names them: a last line that is
only a first name or an initial is the sender's signature, and the corpus completes it from
the people of the page's thread (kernel people sign "Paolo", "M.")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.archive_server import file_messages, mbox_without
from threadscan.model import Message, Person
from threadscan.pipeline import IngestOptions, ingest
from threadscan.store import Corpus

ROOT = Path(__file__).resolve().parents[1]
THREAD = ROOT / "corpus" / "lore" / (
    "kvmarm-003-kvm-don-t-take-mmu-lock-for-range-invalidation-unless-necess.mbox")
PAGES = Path(__file__).parent / "data" / "pagetext"
PAOLO = PAGES / "gg-text-kvm-mmu-paolo-bonzini.txt"  # signed "Paolo"
MARC = PAGES / "gg-text-kvm-mmu-marc-zyngier.txt"  # signed "\tM."
MARC_ID = "87eeffolp8.wl-maz@kernel.org"  # the reply the page shows


def page_of(corpus: Corpus, *sources: Path) -> Message:
    ingest([str(s) for s in sources], corpus, IngestOptions(jobs=1, analyze=False))
    page = str(sources[-1])
    [msg] = [m for m in corpus.thread_inputs() if m.provenance.source == page]
    return msg


@pytest.mark.parametrize(("page", "name"), [(PAOLO, "Paolo"), (MARC, "M.")])
def test_a_bare_first_name_or_initial_at_the_end_signs_the_page(tmp_path: Path, page: Path,
                                                                 name: str) -> None:
    with Corpus.open(tmp_path / "empty.sqlite") as corpus:
        msg = page_of(corpus, page)
    assert msg.author == Person(name, "")
    assert {s.speaker for s in msg.segments if s.depth == 0} == {name}


def test_the_thread_in_the_corpus_completes_the_signature(tmp_path: Path) -> None:
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        corpus.upsert_messages([m for m in file_messages(THREAD) if m.msgid != MARC_ID])
        msg = page_of(corpus, MARC)
    assert msg.author == Person("Marc Zyngier", "maz@kernel.org")
    assert {s.speaker for s in msg.segments if s.depth == 0} == {"Marc Zyngier"}
    assert msg.in_reply_to == "20210402005658.3024832-6-seanjc@google.com"


def test_the_thread_read_in_the_same_run_completes_it_too(tmp_path: Path) -> None:
    mbox = mbox_without(THREAD, MARC_ID, tmp_path / "thread.mbox")
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        msg = page_of(corpus, mbox, MARC)
    assert msg.author == Person("Marc Zyngier", "maz@kernel.org")


def test_an_initial_shared_by_two_people_of_the_thread_is_left_as_signed(tmp_path: Path
                                                                        ) -> None:
    from threadscan.mail.quoted_texts import signed_by

    with Corpus.open(tmp_path / "empty.sqlite") as corpus:
        msg = page_of(corpus, MARC)
    people = [Person("Marc Zyngier", "maz@kernel.org"), Person("Mark Rutland", "m@arm.com")]
    assert signed_by(msg, people).author == Person("M.", "")
    assert signed_by(msg, people[:1]).author == people[0]


TESTED = PAGES / "gg-text-kvm-mmu-marc-zyngier-tested.txt"  # quotes Paolo quoting Sean
TESTED_ID = "87czuzol1j.wl-maz@kernel.org"


def test_the_signature_of_a_threaded_page_outweighs_the_attribution_guess(tmp_path: Path
                                                                        ) -> None:
    with Corpus.open(tmp_path / "empty.sqlite") as corpus:  # the text alone guesses by the
        alone = page_of(corpus, TESTED)  # alternation of replies: Sean, quoted second
    assert alone.author.name == "Sean Christopherson"
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        corpus.upsert_messages([m for m in file_messages(THREAD) if m.msgid != TESTED_ID])
        msg = page_of(corpus, TESTED)
    assert msg.author == Person("Marc Zyngier", "maz@kernel.org")  # signed "M."
    assert {s.speaker for s in msg.segments if s.depth == 0} == {"Marc Zyngier"}
    assert {s.speaker for s in msg.segments if s.depth == 2} == {"Sean Christopherson"}
