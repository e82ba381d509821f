"""A local archive server for tests: stdlib http.server on 127.0.0.1, random port.

It serves the pages of ``tests/data/html`` by the URLs in their MANIFEST.json,
with the real host replaced by the local one (request path + query -> file),
counts requests per path, and injects faults per path:

- ``status``: answer with this status (``times`` times, then normally), with an
  optional ``Retry-After``; 429/500 then success;
- ``slow``: sleep ``seconds`` before answering (client timeout);
- ``truncate-gzip``: serve only the first ``keep`` bytes of the file;
- ``short-body``: announce the full Content-Length but send ``keep`` bytes and close;
- ``reset``: close the connection without an answer (``times`` times);
- ``redirect-loop``: redirect to itself forever;
- ``oversize``: serve ``size`` bytes of padding;
- ``content-type``: serve with another Content-Type.
"""

from __future__ import annotations

import dataclasses
import json
import re
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from threadscan.mail import parse_item
from threadscan.model import Message, RawItem, Skip
from threadscan.sources import default_registry, iter_items
from threadscan.sources.base import SourceOptions

DATA = Path(__file__).resolve().parent / "data" / "html"


@dataclass
class Fault:
    kind: str
    times: int = 1_000_000
    retry_after: str | None = None
    status: int = 500
    seconds: float = 0.0
    keep: int = 0
    size: int = 0
    content_type: str = ""


def expected_ids(real_url: str, root: Path = DATA) -> list[str]:
    """The Message-IDs PAGES.tsv lists for a page (in page order)."""
    for line in (root / "PAGES.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if cols[1] == real_url:
            return cols[2].split()
    raise KeyError(real_url)


def path_key(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


class ArchiveServer:
    def __init__(self, root: Path = DATA) -> None:
        manifest = json.loads((root / "MANIFEST.json").read_text(encoding="utf-8"))["urls"]
        self.root = root
        self.routes: dict[str, tuple[Path, str]] = {}
        for url, entry in manifest.items():
            target = (root / entry["file"], entry["content_type"])
            self.routes[path_key(url)] = target
            self.routes.setdefault(unquote(path_key(url)), target)
        self.faults: dict[str, Fault] = {}
        self.hits: Counter[str] = Counter()
        self.agents: list[str] = []
        self.lock = threading.Lock()
        self.httpd = QuietServer(("127.0.0.1", 0), _handler_for(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,),
                                       daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, real_url: str) -> str:
        """The local URL serving ``real_url`` of the manifest."""
        return self.base + path_key(real_url)

    def add(self, path_or_url: str, fault: Fault) -> None:
        self.faults[path_key(path_or_url)] = fault

    @property
    def total(self) -> int:
        return sum(self.hits.values())

    def start(self) -> ArchiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class QuietServer(ThreadingHTTPServer):
    """Clients closing kept-alive connections is normal here: do not print it."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


def _handler_for(server: ArchiveServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            key = self.path
            with server.lock:
                server.hits[key] += 1
                server.agents.append(self.headers.get("User-Agent", ""))
                fault = server.faults.get(key)
                if fault is not None and fault.times > 0:
                    fault.times -= 1
                else:
                    fault = None
            if fault is not None and self._fault(fault, key):
                return
            route = server.routes.get(key) or server.routes.get(unquote(key))
            if route is None:
                self._send(404, "text/plain", b"not found")
                return
            path, ctype = route
            if fault is not None and fault.kind == "content-type":
                ctype = fault.content_type
            self._send(200, ctype, path.read_bytes())

        def _fault(self, fault: Fault, key: str) -> bool:
            if fault.kind == "status":
                extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                self._send(fault.status, "text/plain", b"try again", extra)
            elif fault.kind == "slow":
                time.sleep(fault.seconds)
                return False
            elif fault.kind == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.close_connection = True
            elif fault.kind == "redirect-loop":
                self._send(302, "text/plain", b"", {"Location": key})
            elif fault.kind == "oversize":
                self._send(200, "text/html", b"x" * fault.size)
            elif fault.kind in ("truncate-gzip", "short-body"):
                self._partial(fault, key)
            else:
                return False
            return True

        def _partial(self, fault: Fault, key: str) -> None:
            route = server.routes.get(key) or server.routes.get(unquote(key))
            assert route is not None, key
            data = route[0].read_bytes()
            if fault.kind == "truncate-gzip":
                self._send(200, route[1], data[: fault.keep])
                return
            self.send_response(200)
            self.send_header("Content-Type", route[1])
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: fault.keep])
            self.wfile.flush()
            self.close_connection = True

        def _send(self, status: int, ctype: str, body: bytes,
                  extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


# ---------------------------------------------------------------- end-to-end helpers


def run(archive: ArchiveServer, real_url: str, options: SourceOptions,
        *, thread: bool = False) -> list[RawItem | Skip]:
    opts = dataclasses.replace(options, follow_thread=thread)
    return list(default_registry().iter_items(archive.url(real_url), opts))


def messages(items: list[RawItem | Skip]) -> list[Message]:
    out: list[Message] = []
    for item in items:
        if isinstance(item, RawItem):
            out += [m for m in parse_item(item) if isinstance(m, Message)]
    return out


def file_messages(path: Path) -> list[Message]:
    """The messages of a local fixture file, read offline by its source adapter."""
    return messages(list(iter_items(str(path), SourceOptions(offline=True))))


def tagged(msgs: list[Message]) -> tuple[set[tuple[object, ...]], int]:
    """What a thread's analysis says, comparable across sources: its objections (speaker,
    sentence, stance, categories) and how many lock changes."""
    from threadscan.extract import analyze_patches
    from threadscan.nlp import tag_thread
    from threadscan.nlp.sentences import sentence_key

    analysis = analyze_patches(msgs)
    objections = tag_thread(msgs, analysis).objections
    return ({(o.speaker, sentence_key(o.sentence), o.stance, o.categories) for o in objections},
            len(analysis.lock_changes))


def msgids(items: list[RawItem | Skip]) -> list[str]:
    return [m.msgid for m in messages(items)]


def skips(items: list[RawItem | Skip]) -> list[Skip]:
    return [i for i in items if isinstance(i, Skip)]


def mbox_without(mbox: Path, msgid: str, out: Path) -> Path:
    """A copy of an mbox without one message (the other messages' bytes unchanged)."""
    data = mbox.read_bytes()
    starts = [0, *(m.start() + 1 for m in re.finditer(rb"\nFrom ", data))]
    own = re.compile(rb"(?im)^message-id:\s*<" + re.escape(msgid.encode()))
    mails = [data[a:b] for a, b in zip(starts, [*starts[1:], len(data)], strict=True)]
    out.write_bytes(b"".join(m for m in mails if not own.search(m)))
    return out
