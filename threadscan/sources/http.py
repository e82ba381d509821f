"""The only module of threadscan that talks to the network.

``Fetcher(options).fetch(url) -> FetchResult``: GET with an on-disk cache,
a polite per-host delay, retries with exponential backoff on 429/5xx (honouring
``Retry-After``, bounded), timeouts, a size cap enforced while streaming, a
redirect limit, and ``--offline`` (cache only, ``OfflineMiss`` otherwise).

Cache: one entry per URL under ``$XDG_CACHE_HOME/threadscan/http`` (mode 0700),
key = sha256 of the URL; ``<key>.body`` then ``<key>.json`` (the metadata,
written last, marks the entry complete), each written to a temp file and
renamed. Only complete 2xx responses are cached: never an error status, a
truncated transfer, an oversized body, or a gzip body that does not end.
A message (page, ``/raw``, ``/mbox/``) never changes, so its entry never
expires; thread-level resources (``t.mbox.gz``, ``/T/``, ``thread(s).html``,
series/comments API, HyperKitty exports, monthly ``.txt.gz``) grow as the thread
does and are refetched when older than ``max_age`` (1 h), falling back to the
stale copy if the refetch fails. ``--offline`` serves any cached entry.

Gzip bodies (``t.mbox.gz``, monthly ``.txt.gz``, HyperKitty exports) are left
as fetched; ``gunzip(data, limit)`` decompresses them and reports whether the
stream was complete, so an adapter can keep the complete messages before a
truncation and record a ``Skip`` for the rest.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import os
import re
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from threadscan.errors import FetchError, OfflineMiss, UsageError
from threadscan.sources.base import SourceOptions

USER_AGENT = "threadscan/0.1 (+mailing-list lock review analysis)"
MAX_REDIRECTS = 5
MAX_RETRY_WAIT = 60.0  # never sleep longer than this for one retry
BACKOFF_BASE = 0.5
CHUNK = 64 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
VOLATILE_MAX_AGE = 3600.0  # seconds a cached thread-level resource stays fresh
VOLATILE = re.compile(
    r"(/t\.mbox\.gz|/[Tt]/?|/threads?\.html|/maillist\.html|/(date|author|subject)\.html"
    r"|/api/.*/(series/\d+|comments)/?|/export/[^/]+\.mbox\.gz|\.txt(\.gz)?"
    r"|/series/\d+/mbox/?|/thread/[^/]+/?)$"
)


@dataclass(frozen=True)
class FetchResult:
    """One fetched (or cached) response."""

    url: str  # the URL asked
    final_url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    from_cache: bool = False

    @property
    def text(self) -> str:
        return self.body.decode(charset_of(self.content_type), errors="replace")


def charset_of(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"').lower()
    return "utf-8"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "threadscan" / "http"


def check_url(url: str) -> str:
    """Refuse anything but absolute http(s) URLs (UsageError)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise UsageError("only http:// and https:// URLs can be fetched", url=url)
    return url


def gunzip(data: bytes, limit: int) -> tuple[bytes, bool]:
    """Decompress (multi-member) gzip; return (bytes so far, complete?).

    A stream that stops early returns what was decoded and ``False``; corrupt
    data returns what came before the damage and ``False``. More than
    ``limit`` decompressed bytes raises ``FetchError`` (gzip bomb).
    """
    out: list[bytes] = []
    size = 0
    rest = data
    while rest:
        dec = zlib.decompressobj(wbits=31)
        try:
            chunk = dec.decompress(rest, limit + 1 - size)
        except zlib.error:
            return b"".join(out), False
        out.append(chunk)
        size += len(chunk)
        if size > limit:
            raise FetchError(f"gzip body expands beyond {limit} bytes")
        if not dec.eof:
            return b"".join(out), False
        rest = dec.unused_data.lstrip(b"\0")
    return b"".join(out), True


def is_volatile(url: str) -> bool:
    """A resource that grows with its thread or month (not a single message)."""
    return VOLATILE.search(urlsplit(url).path) is not None


def is_gzip(body: bytes) -> bool:
    return body[:2] == b"\x1f\x8b"


def retry_after(value: str | None, attempt: int) -> float:
    """Seconds to wait before retry ``attempt`` (0-based), bounded."""
    wait: float = BACKOFF_BASE * 2.0**attempt
    if value and value.strip().isdigit():
        wait = float(value.strip())
    elif value:
        wait = _seconds_until(value, wait)
    return max(0.0, min(wait, MAX_RETRY_WAIT))


def _seconds_until(http_date: str, default: float) -> float:
    try:
        when = email.utils.parsedate_to_datetime(http_date)
        return float(when.timestamp() - time.time())
    except (TypeError, ValueError):
        return default


class Fetcher:
    """HTTP GET with cache, politeness, retries and limits (see module doc)."""

    def __init__(
        self,
        options: SourceOptions,
        *,
        transport: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        max_age: float = VOLATILE_MAX_AGE,
    ) -> None:
        self.options = options
        self.max_age = max_age
        self.cache_dir = Path(options.cache_dir) if options.cache_dir else default_cache_dir()
        self.requests = 0  # network requests made (cache hits excluded)
        self._transport = transport
        self._sleep = sleep
        self._clients: dict[str, Any] = {}
        self._last: dict[str, float] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def fetch(self, url: str) -> FetchResult:
        check_url(url)
        cached = self._cache_get(url)
        if cached is not None and (self.options.offline or not self._stale(url, cached[1])):
            return cached[0]
        if self.options.offline:
            raise OfflineMiss("--offline and the URL is not in the cache", url=url)
        try:
            result = self._fetch_with_retries(url)
        except FetchError:
            if cached is None:
                raise
            return cached[0]  # a stale thread index beats none
        if is_cacheable(result, self.options.max_bytes):
            self._cache_put(result)
        return result

    def _stale(self, url: str, fetched: float) -> bool:
        """Thread-level resources (indexes, thread mboxes) expire; messages never do."""
        return is_volatile(url) and time.time() - fetched > self.max_age

    # ------------------------------------------------------------ network

    def _fetch_with_retries(self, url: str) -> FetchResult:
        import httpx

        attempts = max(0, self.options.retries) + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                result, wait_hint = self._follow(url)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if last:
                    msg = f"network error: {type(exc).__name__}: {exc}"
                    raise FetchError(msg, url=url) from exc
                self._sleep(retry_after(None, attempt))
                continue
            if result.status in RETRY_STATUSES and not last:
                self._sleep(retry_after(wait_hint, attempt))
                continue
            if not 200 <= result.status < 300:
                raise FetchError(f"HTTP {result.status}", status=result.status, url=url)
            return result
        raise FetchError("no attempt made", url=url)  # pragma: no cover - attempts >= 1

    def _follow(self, url: str) -> tuple[FetchResult, str | None]:
        seen = [url]
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            status, headers, body = self._get_once(current)
            if status not in REDIRECT_STATUSES:
                ctype = headers.get("content-type", "")
                res = FetchResult(url, current, status, ctype, body)
                return res, headers.get("retry-after")
            target = check_url(urljoin(current, headers.get("location", "")))
            if target in seen:
                raise FetchError("redirect loop", status=status, url=url)
            seen.append(target)
            current = target
        raise FetchError(f"more than {MAX_REDIRECTS} redirects", url=url)

    def _get_once(self, url: str) -> tuple[int, dict[str, str], bytes]:
        self._polite_wait(url)
        self.requests += 1
        client = self._get_client(url)
        with client.stream("GET", url) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            if response.status_code in REDIRECT_STATUSES or response.status_code >= 400:
                return response.status_code, headers, b""
            body = self._read_capped(response, url)
            return response.status_code, headers, body

    def _read_capped(self, response: Any, url: str) -> bytes:
        cap = self.options.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(f"response of {declared} bytes exceeds {cap}", url=url,
                             status=response.status_code)
        parts: list[bytes] = []
        size = 0
        for chunk in response.iter_raw(CHUNK):
            size += len(chunk)
            if size > cap:
                raise FetchError(f"response exceeds {cap} bytes", url=url,
                                 status=response.status_code)
            parts.append(chunk)
        encoding = response.headers.get("content-encoding", "")
        return _decode_transfer(b"".join(parts), encoding, cap, url)

    def _get_client(self, url: str) -> Any:
        """One client per scheme: plain http needs no TLS context (slow to build)."""
        import httpx

        scheme = urlsplit(url).scheme.lower()
        if scheme not in self._clients:
            self._clients[scheme] = httpx.Client(
                transport=self._transport,
                verify=scheme == "https",
                timeout=httpx.Timeout(self.options.timeout),
                follow_redirects=False,
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"},
            )
        return self._clients[scheme]

    def _polite_wait(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        last = self._last.get(host)
        if last is not None and self.options.delay > 0:
            wait = self.options.delay - (time.monotonic() - last)
            if wait > 0:
                self._sleep(wait)
        self._last[host] = time.monotonic()

    # ------------------------------------------------------------ cache

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.cache_dir / f"{key}.body", self.cache_dir / f"{key}.json"

    def _cache_get(self, url: str) -> tuple[FetchResult, float] | None:
        body_path, meta_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("url") != url or meta.get("size") != len(body):
            return None
        result = FetchResult(url, str(meta["final_url"]), int(meta["status"]),
                             str(meta["content_type"]), body, from_cache=True)
        return result, float(meta.get("fetched", 0.0))

    def _cache_put(self, result: FetchResult) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):
            os.chmod(self.cache_dir, 0o700)
        body_path, meta_path = self._paths(result.url)
        meta = {"url": result.url, "final_url": result.final_url, "status": result.status,
                "content_type": result.content_type, "size": len(result.body),
                "fetched": time.time()}
        _atomic_write(body_path, result.body)
        _atomic_write(meta_path, json.dumps(meta).encode("utf-8"))


def is_cacheable(result: FetchResult, limit: int) -> bool:
    """Only complete 2xx bodies; a gzip body must decode to its end."""
    if not 200 <= result.status < 300:
        return False
    if is_gzip(result.body):
        try:
            return gunzip(result.body, limit)[1]
        except FetchError:
            return False
    return True


def _decode_transfer(body: bytes, encoding: str, cap: int, url: str) -> bytes:
    """Undo a Content-Encoding: gzip transfer (not a .gz file served as such)."""
    if encoding.strip().lower() not in ("gzip", "x-gzip"):
        return body
    data, complete = gunzip(body, cap)
    if not complete:
        raise FetchError("truncated gzip transfer encoding", url=url)
    return data


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
