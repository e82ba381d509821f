"""threadscan: what the locking debate in a patch review thread was.

The library does the work; the ``threadscan`` command is a thin layer on top.
"""

from threadscan.errors import ThreadscanError
from threadscan.model import (
    Approval,
    DiffLine,
    FileDiff,
    Hunk,
    IngestReport,
    Link,
    LockChange,
    LockOp,
    Message,
    Objection,
    OrderEdge,
    Patch,
    Person,
    Provenance,
    RawItem,
    Segment,
    Skip,
    Subject,
    Thread,
    ThreadAnalysis,
)

__version__ = "0.1.0"

__all__ = [
    "Approval",
    "DiffLine",
    "FileDiff",
    "Hunk",
    "IngestReport",
    "Link",
    "LockChange",
    "LockOp",
    "Message",
    "Objection",
    "OrderEdge",
    "Patch",
    "Person",
    "Provenance",
    "RawItem",
    "Segment",
    "Skip",
    "Subject",
    "Thread",
    "ThreadAnalysis",
    "ThreadscanError",
    "__version__",
]
