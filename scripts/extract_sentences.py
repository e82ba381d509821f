"""List the review-reply sentences of a fixture mbox, for hand labeling.

Usage:
    python scripts/extract_sentences.py FILE.mbox [--list NAME] [--show] [--count]

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
PATCH_SUBJECT = re.compile(r"^\s*\[(?:[^\]]*\b)?(?:PATCH|RFC|PULL|GIT PULL)\b", re.I)
REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|sv)\s*(?:\[\d+\])?:", re.I)
KEEP_TRAILER = re.compile(r"^\s*(Acked|Reviewed|Tested|Nacked)-by:\s*\S", re.I)
TRAILER = re.compile(
    r"^\s*(Signed-off-by|Acked-by|Reviewed-by|Tested-by|Reported-by|Suggested-by|Nacked-by|"
    r"Co-developed-by|Reported-and-tested-by|Cc|Fixes|Link|Closes|Message-Id|Bisected-by|"
    r"Debugged-by|Requested-by|Stable-dep-of)\s*:\s*\S",
    re.I,
)
ATTRIBUTION = re.compile(
    r"(wrote|writes|a écrit|schrieb|写道)\s*[:：]\s*$|^\s*Quoting .*:\s*$|^-+\s*Original Message\s*-+",
    re.I,
)
DIFF_START = re.compile(r"^(diff --git |diff -|Index: |--- a/|\+\+\+ b/|@@ -\d)")
FOOTER = re.compile(r"^_{10,}\s*$|^-- ?\s*$|^You received this message because")
LOG_LINE = re.compile(
    r"^\s*\[\s*\d+\.\d+\]|^\s*#\d+:|\+0x[0-9a-f]+/0x[0-9a-f]+|^\s*(Call Trace|RIP|RSP|"
    r"Code|Hardware name|CPU: \d|Workqueue):|^\s*<(IRQ|TASK)>|^-{8,}\s*$|^\s*[A-Z]{2,}\s*$"
)
CODE_LINE = re.compile(
    r"^\s+\*(\s|$)|^\s*/\*|\*/\s*$|[;{}]\s*$|^\s*#\s*(include|define|if|endif)\b|^\s*(if|for|while|return|"
    r"static|struct|else)\b.*[({;]|^\s*\w+(->|\.)\w+.*[=;]|^\s*[+-]\s*[\w{}]"
)
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
    return bool(msg.get("In-Reply-To")) and not PATCH_SUBJECT.match(subject)


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
    if LOG_LINE.search(line) or CODE_LINE.search(line):
        return True
    return bool(INDENTED.match(line)) and not is_indented_prose(line)


def own_lines(text: str) -> Iterator[tuple[str, str]]:
    """(kind, line) for each body line: kind is quote/own/blank; stops at sig/footer/diff."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if FOOTER.match(line) or DIFF_START.match(line):
            return
        if line.strip() == "---" and any(DIFF_START.match(x) for x in lines[i + 1:i + 40]):
            return
        if line.lstrip().startswith(">"):
            yield "quote", line
        elif not line.strip() or is_noise(line):
            yield "blank", line
        else:
            yield "own", line


def iter_blocks(text: str) -> Iterator[Block]:
    """Group own lines into paragraphs (list items start new ones), keep quotes as context."""
    para: list[str] = []
    quote: list[str] = []
    for kind, line in own_lines(text):
        if kind != "own" or LIST_ITEM.match(line) or TRAILER.match(line):
            if para:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mbox", type=Path, nargs="+")
    parser.add_argument("--list", dest="list_name", default=None)
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--count", action="store_true")
    args = parser.parse_args(argv)
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
