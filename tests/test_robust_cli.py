"""End to end: ``threadscan ingest`` of hostile files exits 0 or 1 with a clear message,
never a traceback; skipped items come back with reasons in ``--json``; sources are only
read; the corpus directory is private; only http(s) URLs are fetched."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from threadscan.cli import app
from threadscan.store import Corpus

DATA = Path(__file__).resolve().parent / "data" / "robust"
SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXED = sorted(DATA.glob("*.mbox"))
HEAD = b"From: Ann <ann@example.org>\nSubject: [PATCH] x\nMessage-ID: <%s@x>\n\n"


def ingest(*args: str, corpus: Path) -> Result:
    return CliRunner().invoke(app, ["ingest", *args, "--corpus", str(corpus), "--json",
                                    "--jobs", "1", "--no-summary"])


def check_clean_exit(result: Result) -> dict[str, object] | None:
    """Exit 0/1, no traceback; the --json document when one was printed."""
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    if not result.stdout.strip():
        return None
    doc = json.loads(result.stdout)
    for skip in doc["skipped"]:
        assert skip["reason"].strip() and skip["source"]
    return doc  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", FIXED, ids=[p.name for p in FIXED])
def test_fuzz_and_odd_encoding_mboxes_ingest_cleanly(path: Path, tmp_path: Path) -> None:
    doc = check_clean_exit(ingest(str(path), corpus=tmp_path / "c.sqlite"))
    assert doc is not None
    assert doc["seen"] == doc["stored"] + doc["duplicates"]  # type: ignore[operator]
    assert doc["seen"] or doc["skipped"]


def _hostile_files(root: Path) -> dict[str, Path]:
    files = {
        "nul.mbox": b"From a@b Mon Jan  1 00:00:00 2024\n" + HEAD % b"nul" + b"a\x00b\n",
        "garbage.bin": bytes(range(256)) * 64,
        "empty.eml": b"",
        "nested.json": b"[" * 50_000,
        "script.html": b"<html><body><script>alert('x')</script><p>On Mon, Bob wrote:"
                       b"<p><<<>>&&</b></i><table><tr><td>unclosed",
        "cut.mbox.gz": gzip.compress(b"From a@b Mon Jan  1 00:00:00 2024\n" + HEAD % b"gz"
                                     + os.urandom(40_000).hex().encode())[:30_000],
    }
    out = {}
    for name, data in files.items():
        out[name] = root / name
        out[name].write_bytes(data)
    return out


def test_generated_hostile_files_ingest_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    paths = _hostile_files(tmp_path / "in")
    doc = check_clean_exit(ingest(*map(str, paths.values()), corpus=tmp_path / "c.sqlite"))
    assert doc is not None
    reasons = {Path(s["source"]).name: s["reason"] for s in doc["skipped"]}  # type: ignore[attr-defined]
    assert "truncated or corrupt" in reasons["cut.mbox.gz"]
    assert reasons["empty.eml"] and reasons["garbage.bin"]
    with Corpus.open(tmp_path / "c.sqlite") as db:
        ids = {t.id for t in db.threads()}
    assert "nul@x" in ids


def test_saved_html_page_with_scripts_is_stored_without_them(tmp_path: Path) -> None:
    script = "<script>document.write('<pre>From: evil');steal()</script>"
    html = (DATA / "mhonarc-xen-devel-2022-11-msg00000.html").read_text("utf-8")
    page = tmp_path / "saved.html"
    page.write_text(html.replace("<pre>", f"<pre>{script}", 1).replace("</body>",
                                                                       f"{script}</body>"))
    doc = check_clean_exit(ingest(str(page), corpus=tmp_path / "c.sqlite"))
    assert doc is not None and doc["stored"] == 1
    with Corpus.open(tmp_path / "c.sqlite") as db:
        texts = [s.text for m in db.thread_inputs() for s in m.segments]
    assert any("Introduce a lock to xencons_info" in t for t in texts)
    assert not any(m in t for t in texts for m in ("steal()", "evil", "document.write"))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x.mbox",
                                 "javascript:alert(1)"])
def test_non_http_urls_are_refused_not_read(url: str, tmp_path: Path) -> None:
    result = ingest(url, corpus=tmp_path / "c.sqlite")
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output and url in result.output
    with Corpus.open(tmp_path / "c.sqlite") as db:
        assert db.stats().messages == 0


def test_non_http_url_error_says_only_http_is_fetched(tmp_path: Path) -> None:
    result = ingest("file:///etc/passwd", corpus=tmp_path / "c.sqlite")
    assert "http" in result.output.replace("file:///etc/passwd", "")


def _fingerprint(root: Path) -> dict[str, tuple[bytes, int, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_mode)
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_file_sources_are_read_never_written(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("fuzz-charset.mbox", "perceval-mbox_iso8859_encoding.mbox"):
        shutil.copy2(DATA / name, src / name)
    (src / "x.mbox.gz").write_bytes(gzip.compress((DATA / "fuzz-refshdr.mbox").read_bytes()))
    maildir = src / "md"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.host").write_bytes(HEAD % b"md" + b"hello\n")
    os.chmod(src / "fuzz-charset.mbox", 0o444)
    before = _fingerprint(src)
    doc = check_clean_exit(ingest(*(str(p) for p in sorted(src.iterdir())),
                                  corpus=tmp_path / "c.sqlite"))
    assert doc is not None and doc["stored"]
    assert _fingerprint(src) == before  # same names, bytes, mtimes and modes


def test_corpus_directory_is_created_user_only(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "umask", os.umask)  # restored below by the finally
    old = os.umask(0o022)
    try:
        check_clean_exit(ingest(str(DATA / "fuzz-charset.mbox"),
                                corpus=tmp_path / "deep" / "corpus" / "c.sqlite"))
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
        with Corpus.open(None) as db:
            assert db.stats().messages == 0
    finally:
        os.umask(old)
    for folder in (tmp_path / "deep" / "corpus", tmp_path / "xdg" / "threadscan"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent")
def test_whole_fuzz_and_perceval_corpora_ingest_in_one_run(tmp_path: Path) -> None:
    fixtures = SHARED / "fixtures"
    paths = sorted((fixtures / "patchwork-tests" / "fuzz").glob("*.mbox")) + sorted(
        (fixtures / "perceval-tests").rglob("*.mbox"))
    doc = check_clean_exit(ingest(*map(str, paths), corpus=tmp_path / "c.sqlite"))
    assert doc is not None and doc["seen"] > 40  # type: ignore[operator]
    assert not doc["errors"]


UNITS = (" ", ">", "@", "(", "-", "+", "@@ -1", "On ", "é\u202e\u00a0", "<", "[", "=?utf-8?q?",
         " at ", "\\", "/*", '"', "{", "->", "a(", "&lt;", "<script>x()</script>")


def _hostile_thread_mbox() -> str:
    """Patch threads whose names, subjects, quotes, diffs and prose are hostile runs."""
    out = []
    for n, u in enumerate(UNITS):
        for k, tail in enumerate([u * 2000 + "!", "\n".join([u * 40 + "x"] * 50),
                                  "\n".join("+" + u * 20 for _ in range(50))]):
            out.append(
                f"From a@b Mon Jan  1 00:00:00 2024\nFrom: {u * 30} <a{n}@b.org>\n"
                f"Subject: {'Re: ' if k else ''}[PATCH] hostile {u * 10}\n"
                f"Message-ID: <h{n}.{k}@x>\nIn-Reply-To: <h{n}.0@x>\n"
                f"Date: Mon, 1 Jan 2024 00:00:{k:02d} +0000\n\nOn Mon, Bob wrote:\n> {u * 50}\n\n"
                "This can deadlock with the lock held.\n---\ndiff --git a/x.c b/x.c\n"
                f"--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@ f(void)\n {u * 30}\n-spin_lock(&a->b);\n"
                f"+{u * 30}\n{tail}\n\n")
    return "".join(out)


def test_hostile_threads_ingest_and_render_in_every_format(tmp_path: Path) -> None:
    src = tmp_path / "hostile.mbox"
    src.write_text(_hostile_thread_mbox(), encoding="utf-8")
    db = tmp_path / "c.sqlite"
    doc = check_clean_exit(ingest(str(src), corpus=db))
    assert doc is not None and doc["stored"] == 3 * len(UNITS)
    assert len(doc["threads"]) == len(UNITS)  # type: ignore[arg-type]
    runner = CliRunner()
    for tid in doc["threads"][:: 4]:  # type: ignore[index]
        for args in (["show", tid, "--json"], ["locks", tid, "--json"],
                     *(["summary", tid, "--format", f] for f in ("text", "md", "html", "json"))):
            result = runner.invoke(app, [*args, "--corpus", str(db)])
            assert result.exit_code == 0, (args, result.output[-500:])
            assert "<script>x()" not in result.stdout or args[-1] in ("--json", "json", "text")
