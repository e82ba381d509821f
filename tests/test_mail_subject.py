"""Subject parsing: reply markers, list tags, patch brackets."""

from __future__ import annotations

import pytest

from threadscan.mail.subject import parse_subject


@pytest.mark.parametrize(
    ("raw", "clean", "is_reply", "prefixes", "version", "index", "total"),
    [
        ("[PATCH v17 09/15] s390/vfio-ap: allow hot plug/unplug of AP resources using mdev device",
         "s390/vfio-ap: allow hot plug/unplug of AP resources using mdev device",
         False, ("PATCH",), 17, 9, 15),
        ("Re: [PATCH v17 09/15] s390/vfio-ap: hot plug", "s390/vfio-ap: hot plug",
         True, ("PATCH",), 17, 9, 15),
        ("[RFC PATCH net-next v2 3/7] net: foo", "net: foo",
         False, ("RFC", "PATCH", "net-next"), 2, 3, 7),
        ("Re: [Xen-devel] [PATCH 3 of 5] Rework locking in the PoD layer",
         "Rework locking in the PoD layer", True, ("PATCH",), None, 3, 5),
        ("Re: Re: [Xen-devel] [PATCH v7 2/3] xen/blkback: Squeeze page pools",
         "xen/blkback: Squeeze page pools", True, ("PATCH",), 7, 2, 3),
        ("[Xen-devel] Re: [PATCH] x86: fix", "x86: fix", True, ("PATCH",), None, None, None),
        ("[PATCH RESEND] brd: remove mutex", "brd: remove mutex", False, ("PATCH", "RESEND"),
         None, None, None),
        ("[GIT PULL] Block fixes for 5.18-rc1", "Block fixes for 5.18-rc1", False, ("GIT", "PULL"),
         None, None, None),
        ("RE: AW: Antw: Fwd: [net,v2,1/2] net: ieee802154: remove", "net: ieee802154: remove",
         True, ("net",), 2, 1, 2),
        ("[PATCHv3 0/4] zram: fixes", "zram: fixes", False, ("PATCH",), 3, 0, 4),
        ("[Metrics-grimoire] [GrimoireLab] Presenting GrimoireLab", "Presenting GrimoireLab",
         False, (), None, None, None),
        ("Re[2]: question", "question", True, (), None, None, None),
        ("=?utf-8?q?Remittance_Advice?=", "Remittance Advice", False, (), None, None, None),
        ("", "", False, (), None, None, None),
        # Chinese mail clients' reply / forward markers, encoded, with a full-width colon
        ("=?utf-8?b?5Zue5aSN77yaW1BBVENIIHYyIDEvM10gYmxrLW1xOiBmaXggeA==?=", "blk-mq: fix x",
         True, ("PATCH",), 2, 1, 3),
        ("答复: Re: [PATCH] x", "x", True, ("PATCH",), None, None, None),
        ("转发: [PATCH] x", "x", False, ("PATCH",), None, None, None),
        ("Removal: of x", "Removal: of x", False, (), None, None, None),
    ],
)
def test_parse_subject_table(
    raw: str,
    clean: str,
    is_reply: bool,
    prefixes: tuple[str, ...],
    version: int | None,
    index: int | None,
    total: int | None,
) -> None:
    s = parse_subject(raw)
    assert (s.clean, s.is_reply, s.prefixes) == (clean, is_reply, prefixes)
    assert (s.version, s.index, s.total) == (version, index, total)


def test_subject_keeps_raw_text_unfolded() -> None:
    s = parse_subject("Re: [PATCH v6 1/3] evtchn: slightly defer lock acquire where possible\n ")
    assert s.raw.startswith("Re: [PATCH v6 1/3]")
    assert s.clean == "evtchn: slightly defer lock acquire where possible"


def test_subject_none_is_empty() -> None:
    assert parse_subject(None).clean == ""
