"""List the review-reply sentences of a fixture mbox, for hand labeling.

Usage:
    python scripts/extract_sentences.py FILE.mbox [--list NAME] [--show] [--count]
    python scripts/extract_sentences.py --stats training/labels/threads

Default output is one JSON record per line:
    {"id": "<stem>:<msg idx>:<sent idx>", "thread": "<file name>", "list": ...,
     "msgid": ..., "speaker": ..., "text": ...}
``--show`` prints a reading view (quoted context above each paragraph) for the annotator;
``--count`` prints the number of candidate sentences.

Rules (see training/labels/README.md): only replies (subject "Re:", or In-Reply-To on a
non-patch subject); only the author's own text: quoted lines, attribution lines, diffs,
logs/code, signatures and list footers are dropped; trailers are dropped except
Acked-by/Reviewed-by/Tested-by/Nacked-by, which each give one record. Wrapped lines of a
paragraph are joined with one space; a reply is capped at its first MAX_SENTENCES sentences.
"""

from __future__ import annotations

import argparse
import json
import mailbox
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from email.header import decode_header, make_header
from email.message import Message
from email.utils import parseaddr
from pathlib import Path

MAX_SENTENCES = 40
PATCH_SUBJECT = re.compile(r"\[[^\]]*?\b(?:PATCH|RFC|PULL)", re.I)
REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|sv)\s*(?:\[\d+\])?:", re.I)
KEEP_TRAILER = re.compile(r"^\s*(Acked|Reviewed|Tested|Nacked)-by:\s*\S", re.I)
TRAILER = re.compile(
    r"^\s*(Signed-off-by|Acked-by|Reviewed-by|Tested-by|Reported-by|Suggested-by|Nacked-by|"
    r"Co-developed-by|Reported-and-tested-by|Cc|Fixes|Link|Closes|Message-Id|Bisected-by|"
    r"Debugged-by|Requested-by|Stable-dep-of)\s*:\s*\S",
    re.I,
)
ATTRIBUTION = re.compile(
    r"(wrote|writes|a écrit|schrieb|写道|ha scritto)\s*[:：]\s*(\.\.\.)?$|^\s*Quoting .*:\s*$|"
    r"^-+\s*Original Message\s*-+|^Am .{4,80} schrieb .{2,80}:$",
    re.I,
)
DIFF_START = re.compile(r"^(diff --git |diff -|Index: |--- a/|\+\+\+ b/|@@ -\d)")
FOOTER = re.compile(r"^_{10,}\s*$|^-- ?\s*$|^You received this message because")
LOG_LINE = re.compile(
    r"^\s*\[\s*\d+\.\d+\]|^\s*#\d+:|\+0x[0-9a-f]+/0x[0-9a-f]+|^\s*(Call Trace|RIP|RSP|"
    r"Code|Hardware name|CPU: \d|Workqueue):|^\s*<(IRQ|TASK)>|^-{8,}\s*$|^\s*[A-Z]{2,}\s*$"
)
CODE_LINE = re.compile(
    r"^\s+\*(\s|$)|^\s*/\*|\*/\s*$|[;{}]\s*$|^\s*#\s*(include|define|if|endif)\b|^\s*(if|for|while|switch)\s*\(|"
    r"^\s*\w+(->|\.)\w+.*[=;]|^\s*[+-]\s*[\w{}]"
)
MBOXRD_FROM = re.compile(r"^>(>*From )")
INDENTED = re.compile(r"^(\t| {4,})")
LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)]|[a-z][.)])\s+\S")
SENTENCE_END = re.compile(r"(?<=[.?!])[\"')\]]?\s+(?=[A-Z\"'(\[])")
ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|cf|Mr|Dr|approx|resp|incl|no)\.|\.\.\.)$", re.I)


@dataclass(frozen=True)
class Candidate:
    id: str
    thread: str
    list: str
    msgid: str
    speaker: str
    text: str


@dataclass(frozen=True)
class Block:
    """A piece of a reply body: a quoted block (context) or one own-text paragraph."""

    kind: str  # "quote" | "para" | "trailer"
    text: str


def decode_str(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError):
        return value


def speaker_of(msg: Message) -> str:
    name, addr = parseaddr(decode_str(msg.get("From")))
    return name.strip().strip('"') or addr


def is_reply(msg: Message) -> bool:
    subject = " ".join(decode_str(msg.get("Subject")).split())
    if REPLY_SUBJECT.match(subject):
        return True
    return bool(msg.get("In-Reply-To")) and not PATCH_SUBJECT.search(subject)


def body_text(msg: Message) -> str:
    """The concatenated text/plain parts that are not attachments."""
    parts: list[str] = []
    for part in msg.walk():
        if part.get_content_type() != "text/plain":
            continue
        if part.get_content_disposition() == "attachment":
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            charset = part.get_content_charset() or "utf-8"
            try:
                parts.append(payload.decode(charset, errors="replace"))
            except LookupError:
                parts.append(payload.decode("utf-8", errors="replace"))
    return "\n".join(parts).replace("\r\n", "\n")


def is_indented_prose(line: str) -> bool:
    """An indented line that reads as prose (list continuation), not a code/log column."""
    body = line.strip()
    return len(re.findall(r"[A-Za-z]{2,}", body)) >= 4 and "  " not in body and bool(
        re.search(r"[A-Za-z.,?!:)]$", body)
    )


def is_noise(line: str) -> bool:
    """Code, logs or diff lines written at depth 0: not prose."""
    return bool(LOG_LINE.search(line) or CODE_LINE.search(line))


def line_kind(line: str, in_item: bool) -> str:
    """quote / blank (empty, code, log, indented non-prose) / own."""
    if line.lstrip().startswith(">"):
        return "quote"
    if not line.strip() or is_noise(line):
        return "blank"
    if INDENTED.match(line) and not (in_item and is_indented_prose(line)):
        return "blank"
    return "own"


def own_lines(text: str) -> Iterator[tuple[str, str]]:
    """(kind, line) for each body line: kind is quote/own/blank; stops at sig/footer/diff."""
    lines = [MBOXRD_FROM.sub(r"\1", x) for x in text.split("\n")]
    in_item = False
    for i, line in enumerate(lines):
        if FOOTER.match(line) or DIFF_START.match(line):
            return
        if line.strip() == "---" and any(DIFF_START.match(x) for x in lines[i + 1:i + 40]):
            return
        kind = line_kind(line, in_item)
        in_item = kind == "own" and (in_item or bool(LIST_ITEM.match(line)))
        yield kind, line


def iter_blocks(text: str) -> Iterator[Block]:
    """Group own lines into paragraphs (list items start new ones), keep quotes as context."""
    para: list[str] = []
    quote: list[str] = []
    for kind, line in own_lines(text):
        breaks = kind != "own" or LIST_ITEM.match(line) or TRAILER.match(line)
        if breaks and para:
            yield Block("para", " ".join(para))
            para = []
        if kind == "quote":
            quote.append(line)
            continue
        if quote:
            yield Block("quote", "\n".join(quote))
            quote = []
        if kind == "own" and TRAILER.match(line):
            if KEEP_TRAILER.match(line):
                yield Block("trailer", line.strip())
        elif kind == "own":
            para.append(line.strip())
    if para:
        yield Block("para", " ".join(para))


def is_attribution(block: Block, following: Block | None) -> bool:
    """'On ..., X wrote:' (possibly wrapped), usually followed by a quote."""
    if block.kind != "para" or not ATTRIBUTION.search(block.text):
        return False
    return len(block.text) < 300 or (following is not None and following.kind == "quote")


def split_sentences(paragraph: str) -> list[str]:
    """Split on . ? ! followed by space + capital; never after e.g./i.e./etc."""
    out: list[str] = []
    start = 0
    for match in SENTENCE_END.finditer(paragraph):
        head = paragraph[start:match.start()].rstrip()
        if ABBREV.search(head) or len(head) < 2:
            continue
        out.append(head)
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if re.search(r"[A-Za-z]", s)]


def reply_blocks(msg: Message) -> list[Block]:
    blocks = list(iter_blocks(body_text(msg)))
    kept: list[Block] = []
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if not is_attribution(block, following):
            kept.append(block)
    return kept


def message_sentences(msg: Message) -> list[str]:
    sentences: list[str] = []
    for block in reply_blocks(msg):
        if block.kind == "trailer":
            sentences.append(block.text)
        elif block.kind == "para":
            sentences.extend(split_sentences(block.text))
    return sentences[:MAX_SENTENCES]


def list_name(path: Path) -> str:
    folder = path.parent.name
    return folder[len("lore-"):] if folder.startswith("lore-") else folder


def iter_candidates(path: Path, list_hint: str | None = None) -> Iterator[Candidate]:
    lst = list_hint or list_name(path)
    for index, msg in enumerate(mailbox.mbox(path, create=False)):
        if not is_reply(msg):
            continue
        msgid = decode_str(msg.get("Message-ID")).strip().strip("<>")
        speaker = speaker_of(msg)
        for n, text in enumerate(message_sentences(msg)):
            yield Candidate(f"{path.stem}:{index}:{n}", path.name, lst, msgid, speaker, text)


def show(path: Path) -> None:
    """Reading view: each reply with its quoted context and numbered sentences."""
    for index, msg in enumerate(mailbox.mbox(path, create=False)):
        if not is_reply(msg):
            continue
        print(f"\n===== [{index}] {speaker_of(msg)} :: {decode_str(msg.get('Subject'))[:90]}")
        n = 0
        for block in reply_blocks(msg):
            if block.kind == "quote":
                lines = block.text.split("\n")
                print("\n".join("      | " + x[:110] for x in lines[-6:]))
                continue
            texts = [block.text] if block.kind == "trailer" else split_sentences(block.text)
            for text in texts:
                if n < MAX_SENTENCES:
                    print(f"  {index}:{n}  {text}")
                n += 1


def label_stats(folder: Path) -> dict[str, dict[str, int]]:
    """Counts per split of threads, sentences, stances and categories of the label files."""
    stats: dict[str, dict[str, int]] = {}
    for path in sorted(folder.glob("*.jsonl")):
        records = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
        for rec in records:
            for split in (rec["split"], "all"):
                row = stats.setdefault(split, {})
                keys = ["sentences", f"stance:{rec['stance']}"]
                keys += [f"category:{c}" for c in rec["categories"]]
                for key in keys:
                    row[key] = row.get(key, 0) + 1
        for split in {rec["split"] for rec in records} | {"all"}:
            stats.setdefault(split, {})["threads"] = stats[split].get("threads", 0) + 1
    return stats


def print_stats(folder: Path) -> None:
    stats = label_stats(folder)
    splits = sorted(stats)
    keys = sorted({k for row in stats.values() for k in row})
    print("| count | " + " | ".join(splits) + " |")
    print("|---|" + "---|" * len(splits))
    for key in keys:
        print(f"| {key} | " + " | ".join(str(stats[s].get(key, 0)) for s in splits) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mbox", type=Path, nargs="+", help="mbox files (--stats: labels dir)")
    parser.add_argument("--list", dest="list_name", default=None)
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--count", action="store_true")
    parser.add_argument("--stats", action="store_true", help="count labels in a threads/ dir")
    args = parser.parse_args(argv)
    if args.stats:
        print_stats(args.mbox[0])
        return 0
    for path in args.mbox:
        if args.show:
            show(path)
        elif args.count:
            print(sum(1 for _ in iter_candidates(path, args.list_name)), path.name)
        else:
            for cand in iter_candidates(path, args.list_name):
                sys.stdout.write(json.dumps(asdict(cand), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
