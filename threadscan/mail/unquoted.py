"""Recovering who said what when the quote markers were lost (Google Groups text).

The text is cut into blocks at sentence starts and where diff text starts or ends (a
diff keeps its shape without markers). Attribution lines open a new quote level (the
first names depth 1, the next depth 2, ...). A diff block is the deepest speaker's so far
(the quoted patch; depth 0 when no one was quoted: the author's own), and prose right
under a quoted diff answers it (depth 0). Each other block is
then given a depth, in order of strength: alignment with a known text of a
speaker (``known_texts``), a salutation ("Hi Juliet," is not Juliet speaking),
the author's own re-wrapped lines (a lone word left on a line after a long one),
a numbered list resumed ("2." after "1."), a reviewer's opener right under a quote
("I think ...": the reply to that quote), a sign-off ("Thanks,\\nNathan"); else the block
continues the previous one.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from threadscan.mail.attribution import (
    Attribution,
    first_name,
    parse_attribution,
    sign_off_name,
)
from threadscan.model import Person, Segment, SegmentKind

__all__ = ["Recovered", "is_salutation", "not_names", "recover_quotes", "reviewer_openers"]

_SENTENCE_END = re.compile(r"[.?!:]['\")\]]*\s*$")
_SENTENCE_START = re.compile(r"^(?:[A-Z(\"']|\d{1,2}[.)]\s)")
_NUMBERED = re.compile(r"^(\d{1,2})[.)]\s")
_LONG, _SHORT, _SHORT_WORDS = 60, 16, 2
_ALIGN = 0.6
_UNALIGNED = 0.2  # below this share of its trigrams in a speaker's stored text: not theirs
_MIN_GRAMS = 4
Grams = frozenset[tuple[str, ...]]  # a text's word trigrams


@dataclass(frozen=True)
class Recovered:
    segments: tuple[Segment, ...]
    author: Person | None
    defects: tuple[str, ...]


@dataclass(frozen=True)
class _Block:
    start: int
    lines: tuple[str, ...]
    diff: bool = False  # lines of a patch (diff text keeps its shape without markers)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@lru_cache(maxsize=1)
def _voice() -> tuple[re.Pattern[str], tuple[str, ...], frozenset[str]]:
    """``data/voice.toml``: the salutation regex, reviewer openers, words that are no name."""
    text = resources.files("threadscan.mail").joinpath("data/voice.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return (re.compile(str(data["salutation"])), tuple(str(s) for s in data["reviewer_openers"]),
            frozenset(str(w) for w in data["not_names"]))


def recover_quotes(lines: Sequence[str], known_texts: Mapping[str, str] | None = None) -> Recovered:
    """Segments (depth, speaker) and the author of header-less text."""
    if any(ln.lstrip().startswith(">") for ln in lines):
        return _with_markers(lines)
    attributions = [(i, a) for i, ln in enumerate(lines) if (a := parse_attribution(ln))]
    speakers = _speakers(lines, [a for _, a in attributions])
    blocks = _blocks(lines, {i for i, _ in attributions}, _diff_lines(lines))
    known = {name: frozenset(trigrams(text)) for name, text in (known_texts or {}).items()
             if name.strip()}  # a text by nobody named cannot name a speaker
    depths = _depths(blocks, lines, dict(attributions), speakers, known)
    segments = _segments(blocks, depths, speakers, {i for i, _ in attributions})
    defects = ("quote markers lost: speakers recovered from text cues",)
    return Recovered(segments=segments, author=speakers.author, defects=defects)


def _with_markers(lines: Sequence[str]) -> Recovered:
    from threadscan.mail.body import segment_lines

    attributions = [a for ln in lines if (a := parse_attribution(ln.lstrip("> ")))]
    speakers = _speakers(lines, attributions)
    author = speakers.author
    segments = segment_lines(lines, author.display if author else None)
    return Recovered(segments=segments, author=author, defects=())


@dataclass(frozen=True)
class _Speakers:
    by_depth: tuple[str, ...]  # depth -> display name
    author: Person | None


def _speakers(lines: Sequence[str], attributions: Sequence[Attribution]) -> _Speakers:
    """Depth 0 is the author: the party the first salutation/attribution is not."""
    names = [a.name for a in attributions]
    people = {a.name: Person(name=a.name, email=a.email) for a in attributions if a.name}
    author_name = names[1] if len(names) >= 2 and names[1] != names[0] else None
    if author_name is None:
        quoted = names[0] if names else None
        author_name = _last_signer(lines, quoted) or _bare_signer(lines, names)
    author = people.get(author_name or "") or (Person(author_name, "") if author_name else None)
    if author is not None and author.email:
        from threadscan.mail.headers import parse_person

        author = parse_person(f"{author.name} <{author.email}>")
    return _Speakers(by_depth=(author_name or "", *names), author=author)


def _last_signer(lines: Sequence[str], quoted: str | None) -> str | None:
    name = sign_off_name(lines[-3:])
    if name and not (quoted and _same_first(quoted, name)):
        return name
    return None


_BARE_NAME = re.compile(r"-{0,2} ?(?P<name>[A-Z][a-z]+\.?|[A-Z]\.)")


def _bare_signer(lines: Sequence[str], names: Sequence[str]) -> str | None:
    """A last line that is a bare signature, and no attribution's person's: the author of a
    page that answers someone (an attribution line; "Register" ends a site's menu)."""
    name = bare_signature(lines)
    if not names or name is None:
        return None
    return None if any(_same_first(n, name) for n in names if n) else name


def bare_signature(lines: Sequence[str]) -> str | None:
    """The name of a last line that is only a first name or an initial ("Will", "M.",
    "--Nilay", "-- Steve"), as kernel people sign; else None."""
    last = next((ln.strip() for ln in reversed(lines) if ln.strip()), "")
    m = _BARE_NAME.fullmatch(last)
    if m is None or m.group("name").rstrip(".").lower() in not_names():
        return None
    return m.group("name")


def reviewer_openers() -> tuple[str, ...]:
    """Sentence starts of a reviewer answering quoted text ("I think", "Why ", ...)."""
    return _voice()[1]


def not_names() -> frozenset[str]:
    """Words that stand alone on a line without being anybody's name ("thanks", "yes")."""
    return _voice()[2]


def is_salutation(line: str) -> str | None:
    """The addressee of a greeting line ("Hi Juliet," -> "Juliet"), else None."""
    m = _voice()[0].match(line.strip())
    return m.group("name") if m else None


def _diff_lines(lines: Sequence[str]) -> frozenset[int]:
    """The lines that are a patch's, as the mail parser reads diff text."""
    from threadscan.mail.body import classify_lines

    return frozenset(ln.idx for ln in classify_lines(lines) if ln.kind == "diff")


def _blocks(lines: Sequence[str], attribution_lines: set[int],
            diff_lines: frozenset[int] = frozenset()) -> list[_Block]:
    """Cut at sentence starts, attribution and salutation lines, and where a diff starts or
    ends."""
    blocks: list[_Block] = []
    current: list[str] = []
    start = 0
    for i, line in enumerate(lines):
        edge = i > 0 and (i in diff_lines) != (i - 1 in diff_lines)
        if current and (edge or _starts_block(lines, i, attribution_lines)):
            blocks.append(_Block(start, tuple(current), start in diff_lines))
            current, start = [], i
        if not current:
            start = i
        current.append(line)
    if current:
        blocks.append(_Block(start, tuple(current), start in diff_lines))
    return blocks


def _starts_block(lines: Sequence[str], i: int, attribution_lines: set[int]) -> bool:
    prev, line = lines[i - 1].strip(), lines[i].strip()
    if i in attribution_lines or (i - 1) in attribution_lines or not prev:
        return True
    if is_salutation(line) or is_salutation(prev) or _is_sign_off(lines, i):
        return True
    return bool(_SENTENCE_END.search(prev) and _SENTENCE_START.match(line))


def _is_sign_off(lines: Sequence[str], i: int) -> bool:
    """'Thanks,' starting a sign-off whose name line closes the text or paragraph."""
    tail = [ln for ln in lines[i : i + 2]]
    return len(tail) == 2 and sign_off_name(tail) is not None and i + 2 >= len(lines)


def _depths(
    blocks: Sequence[_Block],
    lines: Sequence[str],
    attributions: Mapping[int, Attribution],
    speakers: _Speakers,
    known: Mapping[str, Grams],
) -> list[int]:
    """One depth per block (see the module docstring for the order of the cues)."""
    out: list[int] = []
    level = 0  # the depth the last attribution opened
    numbered: dict[int, int] = {}  # list number -> depth it was seen at
    openers = _voice()[1]
    previous: _Block | None = None
    for block in blocks:
        first = block.lines[0].strip()
        if block.start in attributions:
            out.append(level)
            level += 1
            previous = block
            continue
        if block.diff:  # a quoted patch is the deepest speaker's so far (0: the author's own)
            out.append(level)
            previous = block
            continue
        follows_attribution = not out or block.start - 1 in attributions
        depth = level if follows_attribution else out[-1]
        if previous is not None and previous.diff and out[-1]:
            depth = 0  # prose right under a quoted hunk answers it
        depth = _cued_depth(block, lines, speakers, level, depth, numbered, openers, known)
        m = _NUMBERED.match(first)
        if m:
            numbered[int(m.group(1))] = depth
        out.append(depth)
        previous = block
    return out


def _cued_depth(
    block: _Block,
    lines: Sequence[str],
    speakers: _Speakers,
    level: int,
    depth: int,
    numbered: Mapping[int, int],
    openers: Sequence[str],
    known: Mapping[str, Grams],
) -> int:
    first = block.lines[0].strip()
    aligned = _aligned_speaker(block.text, known)
    if aligned is not None and any(_same_first(aligned, s) for s in speakers.by_depth):
        return _depth_of(aligned, speakers, level)
    if depth and _not_theirs(block.text, speakers.by_depth[depth], known):
        return 0
    greeted = is_salutation(first)
    if greeted is not None:
        return _not_depth(greeted, speakers, depth, level)
    if _rewrapped(block, lines):
        return 0
    m = _NUMBERED.match(first)
    if m and int(m.group(1)) - 1 in numbered:
        return numbered[int(m.group(1)) - 1]
    if depth >= 1 and first.startswith(tuple(openers)):
        return depth - 1
    signer = sign_off_name(block.lines)
    if signer is not None:
        return _depth_of(signer, speakers, level)
    return depth


def _depth_of(name: str, speakers: _Speakers, level: int) -> int:
    """The shallowest depth >= 1 spoken by ``name`` (first-name match), else 0."""
    for depth, spoken in enumerate(speakers.by_depth[: level + 1]):
        if depth and _same_first(spoken, name):
            return depth
    return 0


def _same_first(a: str, b: str) -> bool:
    """Two names with the same first name (a page often shows only that: "Halil")."""
    return first_name(a) == first_name(b) != ""


def _not_depth(greeted: str, speakers: _Speakers, depth: int, level: int) -> int:
    """A greeting to X is spoken by someone else: keep ``depth`` unless X speaks there."""

    def is_x(d: int) -> bool:
        spoken = speakers.by_depth[d] if d < len(speakers.by_depth) else ""
        return first_name(spoken) == greeted.lower() != ""

    if not is_x(depth):
        return depth
    return next((d for d in range(level + 1) if not is_x(d)), depth)


def _rewrapped(block: _Block, lines: Sequence[str]) -> bool:
    """A lone short line after a long one, mid-paragraph: the author's own re-wrapped text."""
    for k, line in enumerate(block.lines):
        i = block.start + k
        if i == 0 or i + 1 >= len(lines):
            continue
        words = line.split()
        prev = lines[i - 1].rstrip()
        if 0 < len(words) <= _SHORT_WORDS and len(line.strip()) <= _SHORT and len(prev) >= _LONG:
            return True
    return False


def _aligned_speaker(text: str, known: Mapping[str, Grams]) -> str | None:
    """The speaker whose known text contains most of this block's word trigrams."""
    grams = trigrams(text)
    if not grams or not known:
        return None
    best, score = None, 0.0
    for speaker, source in known.items():
        ratio = len(grams & source) / len(grams)
        if ratio > score:
            best, score = speaker, ratio
    return best if score >= _ALIGN else None


def _not_theirs(text: str, speaker: str, known: Mapping[str, Grams]) -> bool:
    """A block the quoted speaker's stored text does not hold (under a quote, the reply)."""
    grams = trigrams(text)
    theirs = [source for name, source in known.items() if _same_first(name, speaker)]
    if len(grams) < _MIN_GRAMS or not theirs:
        return False
    return len(grams & frozenset().union(*theirs)) / len(grams) < _UNALIGNED


def trigrams(text: str) -> set[tuple[str, ...]]:
    words = text.lower().split()
    return {tuple(words[i : i + 3]) for i in range(max(0, len(words) - 2))}


def _segments(
    blocks: Sequence[_Block],
    depths: Sequence[int],
    speakers: _Speakers,
    attribution_lines: set[int],
) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for block, depth in zip(blocks, depths, strict=True):
        if not block.text.strip():
            continue
        kind: SegmentKind = (
            "attribution" if block.start in attribution_lines
            else "diff" if block.diff else ("quote" if depth else "text")
        )
        names = speakers.by_depth
        speaker = names[depth] if depth < len(names) and names[depth] else None
        prev = out[-1] if out else None
        if prev and (prev.kind, prev.depth, prev.speaker) == (kind, depth, speaker):
            out[-1] = Segment(kind, f"{prev.text}\n{block.text}", depth, speaker, prev.line)
        else:
            out.append(Segment(kind, block.text, depth, speaker, block.start))
    return tuple(out)
