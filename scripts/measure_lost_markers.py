"""How well speakers are recovered when a page lost its quote markers (Google Groups text).

    python scripts/measure_lost_markers.py [--known] [--fixtures DIR]

Every reply of the ``lore-*`` fixture threads that quotes someone is rendered as a Google
Groups page shows it: quote markers and blank lines taken off, signature and trailers
dropped. ``mail.unquoted.recover_quotes`` reads it back, and each line's speaker (the
author at depth 0, else the quoted person) is compared with the mail's. Replies that quote
a patch and replies that do not are reported apart. ``--known`` also gives the recovery the
own text of the thread's earlier messages, by sender, to align against. ``--corpus`` finds
them as ``threadscan ingest`` does: the thread's mail is stored in a corpus, and the page's
words are looked up there (the reply's own mail left out of what is found).
``--render MSGID`` prints one reply as such a page (test data).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_objections import thread_messages  # noqa: E402

from threadscan.mail.page import HEADERLESS, parse_page  # noqa: E402
from threadscan.mail.quoted_texts import known_texts as quoted_known  # noqa: E402
from threadscan.mail.quoted_texts import probes  # noqa: E402
from threadscan.mail.unquoted import recover_quotes  # noqa: E402
from threadscan.model import Message, Provenance, Skip  # noqa: E402
from threadscan.pipeline import place_page  # noqa: E402
from threadscan.store import Corpus  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"
MARKS = re.compile(r"^(?:[ \t]{0,3}>)+ ?")
SKIP = ("signature", "footer", "trailer")


def rendered(m: Message) -> list[tuple[str, str]]:
    """(line without markers, true speaker) for every non-blank line the page would show."""
    out = []
    for s in m.segments:
        if s.kind in SKIP:
            continue
        speaker = (s.speaker or "") if s.depth > 0 else m.author.name
        out += [(MARKS.sub("", ln).rstrip(), speaker) for ln in s.text.split("\n") if ln.strip()]
    return out


def known_texts(m: Message, thread: list[Message]) -> dict[str, str]:
    """Own text of the thread's earlier messages, by sender."""
    known: dict[str, str] = {}
    for o in thread:
        if o.msgid != m.msgid and o.date and m.date and o.date < m.date:
            own = (s.text for s in o.segments if s.kind in ("text", "diff") and s.depth == 0)
            known[o.author.name] = known.get(o.author.name, "") + "\n" + "\n".join(own)
    return known


def corpus_known(m: Message, lines: list[tuple[str, str]], corpus: Corpus,
                 tally: Counter[str]) -> dict[str, str]:
    """What the pipeline finds for the page: its words looked up among the stored mail; the
    tally counts where the page is placed (parent found, and right) as ``ingest`` places it."""
    text = "\n".join(t for t, _ in lines)
    page = parse_page(text, Provenance("page.txt", "text"))[0]
    if not isinstance(page, Message) or HEADERLESS not in page.defects:
        tally["read as another kind of page (no lookup)"] += 1  # as ingest does
        return {}
    found = [o for o in corpus.writers_of(probes(page)) if o.msgid != m.msgid]
    known = quoted_known(found, page)
    again = parse_page(text, Provenance("page.txt", "text"), known)[0]
    tally[placement(m, again, found, corpus)] += 1
    return known


def placement(m: Message, page: Message | Skip, found: list[Message], corpus: Corpus) -> str:
    """Where ``ingest`` places the page of ``m`` when the corpus lacks ``m`` itself."""
    if not isinstance(page, Message):
        return "not mail"
    placed_as = place_page(corpus, page, found, frozenset({m.msgid}))
    if not isinstance(placed_as, Message):
        return "read as a stored message"
    if not placed_as.msgid_synthetic:
        right = placed_as.msgid == m.msgid and first(placed_as.author.name) == first(m.author.name)
        dated = ("" if placed_as.date is None or m.date is None
                 else " (date right)" if abs((placed_as.date - m.date).total_seconds()) < 60
                 else " (date wrong)")  # attribution lines often give minutes only
        return "the unarchived message " + ("(id and sender right)" if right else "(wrong)") + dated
    who = ("right, with the address" if placed_as.author == m.author
           else "right" if same_person(placed_as.author.name, m.author.name)
           else "none" if not placed_as.author.name else "wrong")
    if not placed_as.in_reply_to:
        return f"no parent (sender {who})"
    right = placed_as.in_reply_to == m.in_reply_to
    return f"parent {'right' if right else 'wrong'} (sender {who})"


def first(name: str | None) -> str:
    return name.split()[0].lower() if name and name.split() else ""


def same_person(signed: str, name: str) -> bool:
    """A page's sender as read against the mail's: the same first name, a shortened one
    ("Steve" for Steven) or its initial ("M.")."""
    a, b = first(signed).rstrip("."), first(name)
    return bool(a) and (a == b or ((len(a) >= 3 or signed.endswith(".")) and b.startswith(a)))


def score(m: Message, lines: list[tuple[str, str]], known: dict[str, str], tally: Counter[str]
          ) -> None:
    found = recover_quotes([t for t, _ in lines], known)
    sender = found.author.name if found.author else ""
    tally["sender " + ("none" if not sender else "right" if same_person(sender, m.author.name)
                       else "wrong")] += 1
    said = [(s.speaker or "") if s.depth > 0 else m.author.name
            for s in found.segments for ln in s.text.split("\n") if ln.strip()]
    if len(said) != len(lines):
        tally["not aligned"] += 1
        return
    author = first(m.author.name)
    for got, (_, want) in zip(said, lines, strict=True):
        tally["lines"] += 1
        tally["right"] += first(got) == first(want)
        tally["own"] += first(want) == author
        tally["own said"] += first(got) == author
        tally["own found"] += first(got) == author == first(want)
    tally["messages"] += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--known", action="store_true")
    parser.add_argument("--corpus", action="store_true")
    parser.add_argument("--render", metavar="MSGID")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    args = parser.parse_args(argv)
    if args.render:
        return render(args.render, args.fixtures)
    tallies = {"quoting a patch": Counter[str](), "not quoting a patch": Counter[str]()}
    placing = Counter[str]()
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(args.fixtures.glob("lore-*/*.mbox")):
            thread = thread_messages(path)
            with Corpus.open(Path(tmp) / f"{path.stem}.sqlite") as corpus:
                if args.corpus:
                    corpus.upsert_messages(thread)
                for m, lines in replies(thread):
                    key = ("quoting a patch" if any(s.kind == "diff" for s in m.segments)
                           else "not quoting a patch")
                    known = (corpus_known(m, lines, corpus, placing) if args.corpus
                             else known_texts(m, thread) if args.known else {})
                    score(m, lines, known, tallies[key])
    print("| replies | messages | lines | speaker right | own lines: recall | precision |")
    print("|---|---:|---:|---:|---:|---:|")
    for key, t in tallies.items():
        print(f"| {key} | {t['messages']} | {t['lines']} | {t['right'] / t['lines']:.3f} | "
              f"{t['own found'] / t['own']:.3f} | {t['own found'] / max(t['own said'], 1):.3f} |")
    total = Counter[str]()
    for t in tallies.values():
        total.update(t)
    print("\nsender of the page read from its text: " + ", ".join(
        f"{k} {total[f'sender {k}']}" for k in ("right", "wrong", "none")))
    if placing:
        print("\nwhere ingest places the page:", ", ".join(f"{k} {v}" for k, v in
                                                          sorted(placing.items())))
    return 0


def replies(thread: list[Message]) -> Iterator[tuple[Message, list[tuple[str, str]]]]:
    """The replies that quote someone, as a page without markers shows them."""
    for m in thread:
        kinds = {(s.kind, s.depth > 0) for s in m.segments}
        if ("quote", True) not in kinds or ("text", False) not in kinds:
            continue
        if ("diff", False) in kinds:  # a reply carrying its own patch: not measured
            continue
        lines = rendered(m)
        if len(lines) >= 4:
            yield m, lines


def render(msgid: str, fixtures: Path) -> int:
    for path in sorted(fixtures.glob("lore-*/*.mbox")):
        for m in thread_messages(path):
            if m.msgid == msgid:
                print("\n".join(t for t, _ in rendered(m)))
                return 0
    print(f"no message {msgid} in {fixtures}/lore-*", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
