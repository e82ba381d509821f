"""Patchwork (patchwork.kernel.org, patchwork.ozlabs.org, ...).

- patch or cover page ``/project/<p>/patch/<mid>/`` -> its ``mbox/``;
- REST API ``/api[/1.3]/patches/<id>/`` or ``covers/<id>/`` -> its ``mbox``;
  ``.../comments/`` -> each comment rebuilt as RFC 822 from its ``headers`` and
  ``content``; ``/api/1.3/series/<id>/`` -> the whole series (as ``--thread``);
- ``--thread``: the series of the patch (``?series=<id>`` on the page, ``series``
  in the API) -> the cover letter and every patch (their ``mbox``) plus all
  their comments; without the API, the series mbox (patches only) and a Skip.

Absolute URLs in API answers are moved onto the host that was asked, so a
mirror (or a 127.0.0.1 test server) is read like the real site.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from threadscan.errors import FetchError
from threadscan.model import RawItem, Skip
from threadscan.sources.detect import (
    Crawl,
    Item,
    build_mail,
    links,
    mbox_body_items,
    rebase,
    soup,
)
from threadscan.sources.http import FetchResult

API_OBJECT = re.compile(r"/api/(?:[\d.]+/)?(patches|covers|series)/(\d+)/(comments/)?$")
SUBMISSION = re.compile(r"/project/[^/]+/(patch|cover)/[^/]+/mbox/$")
SERIES_LINK = re.compile(r"[?&]series=(\d+)")
DROPPED_HEADERS = frozenset({"content-transfer-encoding", "content-type", "mime-version"})


def list_id_of(url: str) -> str | None:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    return parts[1] if len(parts) > 1 and parts[0] == "project" else None


def api_json(result: FetchResult) -> Any:
    try:
        return json.loads(result.text)
    except ValueError:
        return None


def iter_page(crawl: Crawl, page: FetchResult) -> Iterator[Item]:
    url = page.final_url
    found = API_OBJECT.search(urlsplit(url).path)
    data = api_json(page) if found or "json" in page.content_type else None
    if found and data is not None:
        yield from iter_api(crawl, page, found.group(1), bool(found.group(3)), data)
    elif urlsplit(url).path.endswith("/mbox/") or page.body.startswith(b"From "):
        yield from mbox_body_items(crawl, page, list_id_of(url))
    else:
        yield from iter_html(crawl, page)


def iter_html(crawl: Crawl, page: FetchResult) -> Iterator[Item]:
    url = page.final_url
    doc = soup(page.text)
    series = SERIES_LINK.search(page.text)
    if crawl.options.follow_thread and series:
        yield from iter_series(crawl, urljoin(url, f"/api/1.3/series/{series.group(1)}/"),
                               fallback=urljoin(url, f"/series/{series.group(1)}/mbox/"))
    mboxes = [u for u, _ in links(doc, url) if u.startswith(url) and u.endswith("/mbox/")]
    yield from iter_mbox(crawl, mboxes[0] if mboxes else urljoin(url, "mbox/"), list_id_of(url))


def iter_mbox(crawl: Crawl, mbox_url: str, list_id: str | None) -> Iterator[Item]:
    result = crawl.fetch_new(mbox_url, "patchwork mbox")
    if isinstance(result, Skip):
        yield result
    if not isinstance(result, FetchResult):
        return
    page = mbox_url.removesuffix("mbox/")
    single = SUBMISSION.search(urlsplit(mbox_url).path) is not None
    yield from mbox_body_items(crawl, result, list_id, (lambda _mid: page) if single else None)


def iter_api(crawl: Crawl, page: FetchResult, what: str, comments: bool,
             data: Any) -> Iterator[Item]:
    url = page.final_url
    if comments:
        yield from comment_items(crawl, url, data)
    elif not isinstance(data, dict):
        yield crawl.skip(url, f"patchwork API answer for {what} is not a JSON object")
    elif what == "series":
        yield from series_items(crawl, url, data)
    elif crawl.options.follow_thread and series_api(data):
        yield from iter_series(crawl, rebase(str(series_api(data)), url), fallback=None)
    else:
        yield from submission_items(crawl, url, data, with_comments=False)


def series_api(sub: dict[str, Any]) -> str | None:
    """The API URL of the first series of a patch/cover object, if well formed."""
    series = sub.get("series")
    first = series[0] if isinstance(series, list) and series else None
    return str(first["url"]) if isinstance(first, dict) and first.get("url") else None


def iter_series(crawl: Crawl, api_url: str, fallback: str | None) -> Iterator[Item]:
    try:
        result = crawl.fetch(api_url)
        data = api_json(result)
        if not isinstance(data, dict):
            raise FetchError("not a series object", url=api_url)
    except FetchError as err:
        yield crawl.skip(api_url, f"patchwork API unavailable, comments not read: {err}")
        if fallback:
            yield from iter_mbox(crawl, fallback, None)
        return
    yield from series_items(crawl, result.final_url, data)


def series_items(crawl: Crawl, url: str, series: dict[str, Any]) -> Iterator[Item]:
    patches = series.get("patches")
    members = [series.get("cover_letter"), *(patches if isinstance(patches, list) else [])]
    for member in (m for m in members if isinstance(m, dict)):
        yield from submission_items(crawl, url, member, with_comments=True)


def submission_items(crawl: Crawl, url: str, sub: dict[str, Any],
                     *, with_comments: bool) -> Iterator[Item]:
    """A patch or cover: its mbox, then (optionally) its comments from the API."""
    web = str(sub.get("web_url") or "")
    list_id = list_id_of(web) or project_list(sub)
    mbox = sub.get("mbox") or (web + "mbox/" if web else None)
    if mbox:
        yield from iter_mbox(crawl, rebase(str(mbox), url), list_id)
    if with_comments and sub.get("url"):
        comments_url = rebase(str(sub.get("comments") or str(sub["url"]) + "comments/"), url)
        yield from iter_comments(crawl, comments_url)


def project_list(sub: dict[str, Any]) -> str | None:
    project = sub.get("project")
    return str(project.get("link_name")) if isinstance(project, dict) else None


def iter_comments(crawl: Crawl, comments_url: str) -> Iterator[Item]:
    result = crawl.fetch_new(comments_url, "patchwork comments")
    if isinstance(result, Skip):
        yield result
    if not isinstance(result, FetchResult):
        return
    yield from comment_items(crawl, result.final_url, api_json(result))


def comment_items(crawl: Crawl, url: str, data: Any) -> Iterator[Item]:
    if not isinstance(data, list):
        yield crawl.skip(url, "patchwork comments answer is not a JSON list")
        return
    for comment in data:
        mail = comment_mail(comment) if isinstance(comment, dict) else None
        msgid = str(comment.get("msgid", "")).strip("<>") if isinstance(comment, dict) else ""
        if mail is None:
            yield crawl.skip(url, "patchwork comment without headers or content")
        elif not msgid or msgid not in crawl.seen_msgids:
            crawl.seen_msgids.add(msgid)
            web = rebase(str(comment.get("web_url") or url), url)
            yield RawItem(mail, "mail", crawl.prov(web, list_id_of(web)))


def comment_mail(comment: dict[str, Any]) -> bytes | None:
    headers = comment.get("headers")
    content = comment.get("content")
    if not isinstance(headers, dict) or not isinstance(content, str):
        return None
    fields: list[tuple[str, str]] = []
    for name, value in headers.items():
        if name.lower() in DROPPED_HEADERS:
            continue
        for one in value if isinstance(value, list) else [value]:
            fields.append((str(name), str(one)))
    fields.append(("X-Threadscan-Rebuilt", "patchwork comment"))
    return build_mail(fields, content)
