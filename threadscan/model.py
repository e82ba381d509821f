"""The vocabulary of threadscan: small, typed, frozen dataclasses.

Data flows one way: sources -> mail -> thread -> extract -> nlp -> store -> report.
Every stage takes and returns these types; no dicts, no foreign objects
(``email.message``, unidiff, bs4, spaCy) cross a module boundary.

    RawItem            bytes from a source, with Provenance
      -> Message       one normalized mail: headers, Person, Subject, Segments
      -> Thread        messages linked by References / In-Reply-To
      -> Patch         a diff found in a message: FileDiff -> Hunk -> DiffLine
      -> LockOp        one changed line that calls a lock primitive
      -> LockChange    the semantic view per function (section added, conversion, ...)
      -> OrderEdge     outer -> inner nesting, from code or from prose
      -> Objection     a tagged review sentence with Links to the code
      -> Approval      Acked-by / Reviewed-by / Tested-by / "looks good"
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

SegmentKind = Literal["text", "quote", "diff", "trailer", "signature", "footer", "attribution"]
RawKind = Literal["mail", "page-text"]
Sign = Literal["+", "-", " "]
Role = Literal[
    "acquire", "release", "trylock", "cond_acquire", "assert_held", "init", "declare",
    "define", "destroy", "guard", "wait", "upgrade", "downgrade", "annotate",
]
Stance = Literal["objection", "question", "suggestion"]
Category = Literal[
    "lock-order", "deadlock", "race", "atomic-context", "latency", "fairness",
    "lifetime", "memory-ordering", "design",
]
CATEGORIES: tuple[Category, ...] = (
    "lock-order", "deadlock", "race", "atomic-context", "latency", "fairness",
    "lifetime", "memory-ordering", "design",
)
STANCES: tuple[Stance, ...] = ("objection", "question", "suggestion")
# the defect of page text stored under the Message-ID of mail the corpus lacks: that mail,
# when it comes, takes its place
STAND_IN = "page text standing in for unarchived mail"


# ---------------------------------------------------------------- sources


@dataclass(frozen=True)
class Provenance:
    """Where a raw item came from: enough to find it again."""

    source: str  # file path, URL, or "-" for stdin
    kind: str  # "mbox", "maildir", "eml", "stdin", "lore", "pipermail", "mhonarc", ...
    locator: str = ""  # index in an mbox, key in a Maildir, fragment of a page
    url: str | None = None  # archive URL of the message when known
    list_id: str | None = None  # list name hinted by the source (e.g. "linuxppc-dev")


@dataclass(frozen=True)
class RawItem:
    """What every source yields: raw RFC 822 bytes, or the text of an archive page."""

    data: bytes
    kind: RawKind
    provenance: Provenance


@dataclass(frozen=True)
class Skip:
    """An item a stage could not use, and why (never silent)."""

    provenance: Provenance
    reason: str
    msgid: str | None = None


# ---------------------------------------------------------------- messages


@dataclass(frozen=True)
class Person:
    name: str
    email: str  # lower-cased; "" when unknown
    obfuscated: bool = False  # the archive hid part of the address
    # e.g. "haren at linux.ibm.com" -> "haren@linux.ibm.com" is de-obfuscated (False);
    # "akrowiak@xxxxxxxxxxxxx" or "juli...@linux.vnet.ibm.com" stays partial (True).

    @property
    def display(self) -> str:
        return self.name or self.email


@dataclass(frozen=True)
class Subject:
    raw: str
    clean: str  # without Re:/Fwd: and [bracketed] prefixes
    is_reply: bool = False
    prefixes: tuple[str, ...] = ()  # ("PATCH", "RFC", "net-next")
    version: int | None = None  # v17 -> 17
    index: int | None = None  # 09/15 -> 9
    total: int | None = None  # 09/15 -> 15


@dataclass(frozen=True)
class Segment:
    """A run of body lines of one kind.

    ``text`` is the line content with quote markers removed (for quotes: the
    ``>`` prefixes of ``depth`` levels stripped). ``speaker`` is who wrote these
    words: the message author for text/diff/trailer/signature, the attributed
    person for quotes (None when it cannot be told).
    """

    kind: SegmentKind
    text: str
    depth: int = 0
    speaker: str | None = None
    line: int = 0  # 0-based index of the first body line of the segment


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    text: str  # decoded text for text/* parts (patches), "" otherwise


@dataclass(frozen=True)
class Message:
    msgid: str  # normalized: no angle brackets, stripped
    author: Person
    date: dt.datetime | None  # aware; None only when no date could be parsed (defect recorded)
    subject: Subject
    in_reply_to: str | None
    references: tuple[str, ...]
    segments: tuple[Segment, ...]
    provenance: Provenance
    list_id: str | None = None
    msgid_synthetic: bool = False
    defects: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()

    @property
    def parent_ids(self) -> tuple[str, ...]:
        """References then In-Reply-To, oldest first, without duplicates."""
        seen: list[str] = []
        for mid in (*self.references, *((self.in_reply_to,) if self.in_reply_to else ())):
            if mid and mid not in seen and mid != self.msgid:
                seen.append(mid)
        return tuple(seen)

    def segments_of(self, kind: SegmentKind) -> tuple[Segment, ...]:
        return tuple(s for s in self.segments if s.kind == kind)


# ---------------------------------------------------------------- threads


@dataclass(frozen=True)
class ThreadNode:
    msgid: str
    parent: str | None
    ghost: bool = False  # referenced but not stored


@dataclass(frozen=True)
class Thread:
    id: str  # msgid of the root (possibly a ghost)
    subject: str
    nodes: tuple[ThreadNode, ...]  # depth-first order, root first

    @property
    def message_ids(self) -> tuple[str, ...]:
        return tuple(n.msgid for n in self.nodes if not n.ghost)

    @property
    def ghosts(self) -> tuple[str, ...]:
        return tuple(n.msgid for n in self.nodes if n.ghost)


# ---------------------------------------------------------------- diffs


@dataclass(frozen=True)
class DiffLine:
    sign: Sign
    text: str
    old_no: int | None
    new_no: int | None


UNKNOWN_FILE = "(unknown)"  # the path of a hunk quoted without its file header


@dataclass(frozen=True)
class Hunk:
    id: str  # "<msgid>:<file index>:<hunk index>"
    file: str
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    section: str  # text after the second @@
    function: str | None  # enclosing function: from section, else from context lines
    lines: tuple[DiffLine, ...]

    @property
    def added(self) -> int:
        return sum(1 for ln in self.lines if ln.sign == "+")

    @property
    def removed(self) -> int:
        return sum(1 for ln in self.lines if ln.sign == "-")


@dataclass(frozen=True)
class FileDiff:
    path: str  # new path ("b/" stripped); old path for deletions
    old_path: str
    hunks: tuple[Hunk, ...]


@dataclass(frozen=True)
class Patch:
    msgid: str
    files: tuple[FileDiff, ...]
    quoted: bool = False  # a view of a patch inside a reply
    depth: int = 0  # quote depth for quoted patches
    series: str | None = None  # clean subject of the series
    version: int | None = None
    index: int | None = None
    total: int | None = None
    defects: tuple[str, ...] = ()  # repairs made and damage left

    @property
    def hunks(self) -> tuple[Hunk, ...]:
        return tuple(h for f in self.files for h in f.hunks)


# ---------------------------------------------------------------- locks


@dataclass(frozen=True)
class LockOp:
    msgid: str
    file: str
    function: str | None
    sign: Sign
    role: Role
    primitive: str  # "spin_lock", "mlx5vf_state_mutex_unlock", "spinlock_t"
    family: str  # "spinlock", "mutex", "rwsem", "rcu", "custom", ...
    lock: str  # normalized expression: "mvdev->state_mutex"
    hunk_id: str
    old_no: int | None
    new_no: int | None
    text: str  # the source line
    mode: str = "exclusive"  # exclusive | shared | write
    ctx: str = "plain"  # plain | irq | irqsave | bh | nested | ...
    sleeps: str = "n/a"  # sleeping | spinning | rt_sleeping | n/a
    via: str = "table"  # table | guard | wrapper | declaration | heuristic


@dataclass(frozen=True)
class LockChange:
    """The semantic view of what a patch does to one lock in one function."""

    msgid: str
    file: str
    function: str | None
    kind: str  # section-added | section-removed | extended | shrunk | split | moved |
    # introduced | retired | conversion | assertion-added | assertion-removed |
    # trylock-introduced | wrapper-release | wrapper-acquire | replaced | context-changed
    lock: str
    primitive: str
    sign: Sign
    role: Role
    detail: str = ""  # human-readable: "lock_page_alloc -> pod_lock"
    hunk_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrderEdge:
    outer: str
    inner: str
    origin: Literal["code", "prose"]
    msgid: str
    function: str | None = None
    trylock: bool = False  # inner taken with a trylock: cannot block
    change: Literal["added", "removed", "kept", "stated"] = "added"
    evidence: str = ""  # the line or sentence


# ---------------------------------------------------------------- objections


@dataclass(frozen=True)
class Link:
    kind: Literal["hunk", "lock", "function"]
    target: str  # hunk id, normalized lock expression, or function name
    evidence: str  # why: "quoted lines above", "named in sentence", "matched lock change"


@dataclass(frozen=True)
class Objection:
    msgid: str  # the message the sentence was found in (first seen)
    speaker: str | None  # who said it (quote speakers resolved)
    sentence: str
    stance: Stance
    categories: tuple[Category, ...]
    links: tuple[Link, ...] = ()
    fired: tuple[str, ...] = ()  # "rule:race.window", "model:textcat.v1", ...
    quoted: bool = False  # seen only as a quote
    depth: int = 0
    seen_in: tuple[str, ...] = ()  # other msgids where the same sentence appeared
    confidence: float = 1.0

    def targets(self, kind: str) -> tuple[str, ...]:
        """Distinct link targets of one kind, in link order (``links`` keeps every piece of
        evidence: one function can be both named and described)."""
        return tuple(dict.fromkeys(lk.target for lk in self.links if lk.kind == kind))

    @property
    def locks(self) -> tuple[str, ...]:
        return self.targets("lock")

    @property
    def functions(self) -> tuple[str, ...]:
        return self.targets("function")

    @property
    def hunks(self) -> tuple[str, ...]:
        return self.targets("hunk")


@dataclass(frozen=True)
class Approval:
    msgid: str
    person: str  # "Name <email>" as written
    kind: str  # "Acked-by" | "Reviewed-by" | "Tested-by" | "looks-good"
    text: str


# ---------------------------------------------------------------- analysis


@dataclass(frozen=True)
class ThreadAnalysis:
    """Everything threadscan knows about one thread."""

    thread: Thread
    messages: tuple[Message, ...]
    patches: tuple[Patch, ...] = ()
    lock_ops: tuple[LockOp, ...] = ()
    lock_changes: tuple[LockChange, ...] = ()
    lock_order: tuple[OrderEdge, ...] = ()
    objections: tuple[Objection, ...] = ()
    approvals: tuple[Approval, ...] = ()


@dataclass(frozen=True)
class IngestReport:
    seen: int = 0
    stored: int = 0
    duplicates: int = 0
    skipped: tuple[Skip, ...] = ()
    threads: tuple[str, ...] = ()  # ids of the threads touched
    errors: tuple[str, ...] = field(default_factory=tuple)  # sources that could not be read
    timings: tuple[tuple[str, float], ...] = ()  # (stage, seconds) for benchmarks


@dataclass(frozen=True)
class PatchAnalysis:
    """What the extract stage returns for the messages of one thread."""

    patches: tuple[Patch, ...] = ()
    lock_ops: tuple[LockOp, ...] = ()
    lock_changes: tuple[LockChange, ...] = ()
    lock_order: tuple[OrderEdge, ...] = ()


@dataclass(frozen=True)
class NlpResult:
    """What the nlp stage returns for the messages of one thread."""

    objections: tuple[Objection, ...] = ()
    approvals: tuple[Approval, ...] = ()
    prose_edges: tuple[OrderEdge, ...] = ()
