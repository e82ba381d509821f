"""File sources: mbox/mboxrd, .gz/.xz (also truncated), Maildir, .eml, stdin, page text."""

from __future__ import annotations

import gzip
import io
import lzma
import shutil
from pathlib import Path

import pytest

from threadscan.errors import UnsupportedSource
from threadscan.mail import parse_item
from threadscan.model import Message, RawItem, Skip
from threadscan.sources.base import Item, SourceOptions, SourceRegistry
from threadscan.sources.files import FILE_ADAPTERS, iter_binary, sniff, split_mbox

FILES = Path(__file__).parent / "data" / "files"
MAIL = Path(__file__).parent / "data" / "mail"
LORE_GZ = FILES / "lore-linux-block-00000000000099c4ca05da07e42f-t.mbox.gz"
PIPERMAIL_GZ = FILES / "pipermail-linuxppc-dev-2019-October.txt.gz"
EML = FILES / "org.kernel.vger.netdev-2.eml"
SEED = FILES / "000_4ba6946febdef0f1.txt"
EVTCHN = MAIL / "xen-devel-evtchn-defer-lock-acquire-v6.mbox"
OPTIONS = SourceOptions()
SHARED = Path(__file__).resolve().parents[2] / "shared"


def registry() -> SourceRegistry:
    reg = SourceRegistry()
    for adapter in FILE_ADAPTERS:
        reg.register(adapter)
    return reg


def read(arg: str) -> list[Item]:
    return list(registry().iter_items(arg, OPTIONS))


def msgids(items: list[Item]) -> list[str]:
    out: list[str] = []
    for item in items:
        assert isinstance(item, RawItem)
        [msg] = parse_item(item)
        assert isinstance(msg, Message)
        out.append(msg.msgid)
    return out


def test_mboxrd_file_yields_each_message_with_index_locator() -> None:
    items = read(str(EVTCHN))
    assert registry().find(str(EVTCHN)).name == "mbox"
    assert [i.provenance.locator for i in items] == ["0", "1", "2", "3", "4", "5"]
    assert all(isinstance(i, RawItem) and i.kind == "mail" for i in items)
    assert all(i.provenance.kind == "mbox" for i in items)
    assert msgids(items)[0] == "5939858e-1c7c-5658-bc2d-0c9024c74040@suse.com"
    assert not any(i.data.startswith(b"From mboxrd@z") for i in items if isinstance(i, RawItem))


def test_mboxrd_unescapes_one_level_of_from_quoting() -> None:
    lines = [b"From mboxrd@z Thu Jan  1 00:00:00 1970\n", b"Subject: a\n", b"\n",
             b">From here\n", b">>From there\n", b"\n"]
    [data] = list(split_mbox(lines))
    assert data == b"Subject: a\n\nFrom here\n>From there\n"


def test_leading_blank_lines_do_not_make_an_empty_message() -> None:
    lines = [b"\n", b"\n", b"From a@b Mon Jan  1 00:00:00 2001\n", b"Subject: a\n", b"\n", b"x\n"]
    assert list(split_mbox(lines)) == [b"Subject: a\n\nx\n"]


def test_mboxo_body_line_starting_with_from_is_not_a_separator() -> None:
    lines = [b"From a@b Mon Jan  1 00:00:00 2001\n", b"Subject: a\n", b"\n",
             b"From the start this was wrong.\n", b"\n",
             b"From c@d Tue Jan  2 00:00:00 2001\n", b"Subject: b\n", b"\n", b"x\n"]
    assert len(list(split_mbox(lines))) == 2


def test_gzipped_lore_thread_mbox_streams_ten_messages() -> None:
    ids = msgids(read(str(LORE_GZ)))
    assert len(ids) == 10
    assert ids[0] == "00000000000099c4ca05da07e42f@google.com"
    assert ids[-1] == "926d498b-476c-018a-ddc6-4b776e49a0de@I-love.SAKURA.ne.jp"


def test_pipermail_txt_gz_with_obfuscated_from_lines() -> None:
    items = read(str(PIPERMAIL_GZ))
    assert len(items) == 4
    [first] = parse_item(items[0])  # type: ignore[arg-type]
    assert isinstance(first, Message)
    assert first.author.email == "paulus@ozlabs.org" and first.author.name == "Paul Mackerras"


def test_xz_mbox_is_read(tmp_path: Path) -> None:
    target = tmp_path / "thread.mbox.xz"
    target.write_bytes(lzma.compress(EVTCHN.read_bytes()))
    assert len(msgids(read(str(target)))) == 6


def test_file_kind_is_sniffed_not_taken_from_extension(tmp_path: Path) -> None:
    disguised = tmp_path / "notes.txt"
    disguised.write_bytes(gzip.decompress(LORE_GZ.read_bytes()))
    assert registry().find(str(disguised)).name == "mbox"
    eml_named_mbox = tmp_path / "single.mbox"
    shutil.copy(EML, eml_named_mbox)
    assert registry().find(str(eml_named_mbox)).name == "eml"


@pytest.mark.parametrize("suffix", ["gz", "xz"])
def test_truncated_archive_yields_messages_so_far_and_a_skip(tmp_path: Path, suffix: str) -> None:
    data = EVTCHN.read_bytes()
    packed = gzip.compress(data) if suffix == "gz" else lzma.compress(data)
    target = tmp_path / f"cut.mbox.{suffix}"
    target.write_bytes(packed[: len(packed) * 2 // 3])
    items = read(str(target))
    assert isinstance(items[-1], Skip) and "truncated" in items[-1].reason
    complete = items[:-1]
    assert 1 <= len(complete) < 6
    ids = msgids(complete)
    assert ids[0] == "5939858e-1c7c-5658-bc2d-0c9024c74040@suse.com"


def test_corrupt_gzip_header_is_a_skip_not_a_crash(tmp_path: Path) -> None:
    target = tmp_path / "bad.mbox.gz"
    target.write_bytes(b"\x1f\x8b" + b"\x00" * 40)
    items = read(str(target))
    assert len(items) == 1 and isinstance(items[0], Skip)


def test_single_eml_file() -> None:
    [item] = read(str(EML))
    assert isinstance(item, RawItem) and item.provenance.kind == "eml"
    assert msgids([item]) == ["20020331191346.GI1954@pasky.ji.cz"]


def test_maildir_cur_and_new_with_keys(tmp_path: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (tmp_path / sub).mkdir()
    messages = [i for i in read(str(EVTCHN)) if isinstance(i, RawItem)]
    (tmp_path / "cur" / "1622115000.M1P1.host:2,S").write_bytes(messages[0].data)
    (tmp_path / "new" / "1622115001.M2P1.host").write_bytes(messages[1].data)
    (tmp_path / "tmp" / "ignored").write_bytes(messages[2].data)
    items = read(str(tmp_path))
    assert [i.provenance.locator for i in items] == ["1622115000.M1P1.host", "1622115001.M2P1.host"]
    assert all(i.provenance.kind == "maildir" for i in items)
    assert msgids(items)[1] == "938eb888-ec15-feb1-19f7-b90dfee822ae@xen.org"


def test_stdin_mbox_is_streamed() -> None:
    items = list(iter_binary(io.BytesIO(EVTCHN.read_bytes()), "-", OPTIONS))
    assert len(items) == 6 and all(i.provenance.source == "-" for i in items)
    assert all(i.provenance.kind == "stdin" for i in items)


def test_stdin_gzip_and_single_mail_are_sniffed() -> None:
    gz_items = list(iter_binary(io.BytesIO(LORE_GZ.read_bytes()), "-", OPTIONS))
    assert len(gz_items) == 10
    [single] = list(iter_binary(io.BytesIO(EML.read_bytes()), "-", OPTIONS))
    assert isinstance(single, RawItem) and single.kind == "mail"
    [page] = list(iter_binary(io.BytesIO(SEED.read_bytes()), "-", OPTIONS))
    assert isinstance(page, RawItem) and page.kind == "page-text"


def test_stdin_adapter_claims_dash() -> None:
    assert registry().find("-").name == "stdin"


def test_archive_page_text_becomes_one_page_text_item() -> None:
    [item] = read(str(SEED))
    assert registry().find(str(SEED)).name == "text"
    assert isinstance(item, RawItem) and item.kind == "page-text"
    assert item.provenance.kind == "text"
    assert item.data == SEED.read_bytes()


def test_sniff_table() -> None:
    assert sniff(b"From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: a\n") == "mbox"
    assert sniff(b"Received: from x\n\tby y\nFrom: a <a@b>\nSubject: s\n\nbody") == "mail"
    assert sniff(SEED.read_bytes()[:4096]) == "text"
    assert sniff(b"") == "text"


def test_directory_that_is_not_a_maildir_is_unsupported(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedSource):
        registry().find(str(tmp_path))


def test_oversized_eml_is_skipped(tmp_path: Path) -> None:
    items = list(registry().iter_items(str(EML), SourceOptions(max_bytes=100)))
    assert len(items) == 1 and isinstance(items[0], Skip) and "larger" in items[0].reason


def test_saved_html_page_is_rendered_to_page_text() -> None:
    page = FILES / "pipermail-linuxppc-dev-2019-May-210001.html"
    [item] = read(str(page))
    assert isinstance(item, RawItem) and item.kind == "page-text"
    assert item.provenance.locator == "html"
    text = item.data.decode("utf-8")
    assert "<pre>" not in text and "<a href" not in text
    assert text.startswith("[PATCH RFC 1/5] powerpc: Use regular rcu_dereference_raw API\n")
    assert "joel at joelfernandes.org\n" in text
    assert "Sat May 25 09:49:29 AEST 2019" in text
    assert "-\treturn rcu_dereference_raw_notrace(kvm->memslots[0]);" in text


def test_json_metadata_is_skipped_with_reason() -> None:
    [item] = read(str(FILES / "lore-xen-crosspost-index.json"))
    assert isinstance(item, Skip) and "JSON" in item.reason


def test_empty_file_and_empty_stdin_are_skipped(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    [item] = read(str(empty))
    assert isinstance(item, Skip) and item.reason == "empty input"
    [item] = list(iter_binary(io.BytesIO(b""), "-", OPTIONS))
    assert isinstance(item, Skip) and item.reason == "empty input"


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent")
def test_bench_xz_streams_all_4474_messages() -> None:
    bench = SHARED / "fixtures" / "lore-linux-block-bench" / "linux-block-2025q3.mbox.xz"
    count = 0
    for item in registry().iter_items(str(bench), OPTIONS):
        assert isinstance(item, RawItem) and item.data[:1] != b"\n"
        count += 1
    assert count == 4474
