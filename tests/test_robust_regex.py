"""Pathological text for every regular expression in the package: each public parser
(the functions that run the regexes) finishes fast on runs of hostile characters.

A call that takes longer than ``LIMIT`` seconds is interrupted by an alarm and fails,
so a catastrophic backtrack can never hang the suite.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from threadscan import lockname, mail
from threadscan.errors import QueryError
from threadscan.extract import analyze_patches, ccode, cfunc, primitives, repair
from threadscan.extract import diff as ediff
from threadscan.extract import unflatten as eunflatten
from threadscan.mail import (
    attribution,
    body,
    diffsplit,
    headers,
    hkpage,
    lorepage,
    page,
    subject,
    unquoted,
)
from threadscan.mail import unflatten as munflatten
from threadscan.model import Message, Provenance, RawItem
from threadscan.nlp import entities, funcnames, sentences
from threadscan.nlp.cues import load_cues
from threadscan.sources import detect, files, mhonarc, pipermail
from threadscan.store import query

LIMIT = 2.0
N = 20_000
PROV = Provenance("robust", "mbox")
UNITS = (" ", "\n", " \n", ">", "@", "(", "-", "+", "@@ -1", "On ", "é\u202e\u00a0", "\t", "<", "[",
         "=?utf-8?q?", " at ", "\\", "*", "/*", '"', "x, ", "{", "->", ":", "a(", "> On ")


def hostile() -> Iterator[tuple[str, str]]:
    """Long runs of one unit (ending in a character no pattern wants), and many lines of it."""
    for unit in UNITS:
        yield f"run {unit!r}", unit * (N // len(unit) + 1) + "!"
        yield f"lines {unit!r}", "\n".join([unit * 40 + "x"] * (N // 40))
    yield "1 MB line", "a" * 1_000_000
    yield "1 MB of calls", "spin_lock(&a->b) " * 60_000


class Timeout(Exception):
    pass


@contextmanager
def alarm(seconds: float) -> Iterator[None]:
    def fire(signum: int, frame: Any) -> None:
        raise Timeout(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _b(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _header_mail(t: str) -> object:
    heads = "".join(f"{h}: {t}\n" for h in ("From", "Subject", "Date", "Message-ID",
                                            "References", "List-Id"))
    return mail.parse_mail(_b(heads + "\n" + t), PROV)


def _diff_mail(t: str) -> object:
    head = ("From: a@b\nSubject: [PATCH] x\n\n---\n diff --git a/x.c b/x.c\n--- a/x.c\n"
            "+++ b/x.c\n@@ -1,3 +1,3 @@ f(void)\n+")
    msg = mail.parse_mail(_b(head + t.replace("\n", "\n+") + "\n-spin_lock(&x);\n"), PROV)
    assert isinstance(msg, Message)
    return analyze_patches([msg])


CUES = load_cues()
PARSERS: dict[str, Callable[[str], object]] = {
    "headers.parse_person": headers.parse_person,
    "headers.parse_date": headers.parse_date,
    "headers.decode_header": headers.decode_header,
    "headers.normalize_msgid": headers.normalize_msgid,
    "headers.parse_references": headers.parse_references,
    "subject.parse_subject": subject.parse_subject,
    "body.parse_body": lambda t: body.parse_body(t, "X"),
    "attribution.parse_attribution": attribution.parse_attribution,
    "attribution.parse_attribution_pair": lambda t: attribution.parse_attribution_pair(t, t),
    "attribution.sign_off_name": lambda t: attribution.sign_off_name(t.split("\n")),
    "attribution.page_addresses": lambda t: attribution.page_addresses(
        [f"Signed-off-by: {t}", f"> Signed-off-by: a {t} <", f"On x, {t} <a@b> wrote:"]),
    "attribution.parse_loose_date": attribution.parse_loose_date,
    "diffsplit.split_patch": diffsplit.split_patch,
    "unquoted.recover_quotes": lambda t: unquoted.recover_quotes(t.split("\n")),
    "page.parse_page": lambda t: page.parse_page(t, PROV),
    "page.detect_kind": page.detect_kind,
    "hkpage.parse_thread_page": lambda t: hkpage.parse_thread_page(
        f"HyperKitty\n{t}\nJane Doe\n21 Mar 2022\n6:04 a.m.\n{t}\nJohn Roe\n22 Mar\n"
        f"7:05 a.m.\n{t}".split("\n"), PROV),
    "lorepage.parse_lore (message page)": lambda t: lorepage.parse_lore(
        f"From: {t}\nCc: {t}\nMessage-ID: <{t}> (raw)\n\n{t}", PROV),
    "lorepage.parse_lore (thread page)": lambda t: lorepage.parse_lore(
        f"* {t}\n@ 2022-03-12 16:25 {t}` x\nFrom: {t} @ 2022-03-12 16:25 UTC (permalink / raw)\n"
        f"  To: {t}\n\n{t}\n^ permalink raw reply", PROV),
    "mail.unflatten.parse_patchwork": lambda t: munflatten.parse_patchwork(t, PROV),
    "mail.parse_mail (body)": lambda t: mail.parse_mail(_b(t), PROV),
    "mail.parse_mail (headers)": _header_mail,
    "mail.parse_item (page-text)": lambda t: mail.parse_item(RawItem(_b(t), "page-text", PROV)),
    "repair.repair_diff": repair.repair_diff,
    "extract.unflatten.looks_flattened": eunflatten.looks_flattened,
    "cfunc.definition_name": cfunc.definition_name,
    "cfunc.prototype_name": lambda t: cfunc.prototype_name(f"int f({t};"),
    "cfunc.prototype_name (commented)": lambda t: cfunc.prototype_name(f"int f({t}); /* {t} */"),
    "cfunc.section_function": cfunc.section_function,
    "cfunc.section_struct": cfunc.section_struct,
    "ccode.split_args": lambda t: ccode.split_args(t, 0),
    "primitives.normalize_lock": primitives.normalize_lock,
    "diff.parse_patch_text": lambda t: ediff.parse_patch_text(t, "m"),
    "sentences.split_sentences": sentences.split_sentences,
    "sentences.paragraphs": sentences.paragraphs,
    "entities.find_entities": lambda t: entities.find_entities(t, CUES),
    "lockname.normalize_lock": lockname.normalize_lock,
    "funcnames.described_functions": lambda t: funcnames.described_functions(t, ["foo", "bar_baz"]),
    "detect.detect_kind": lambda t: detect.detect_kind("http://127.0.0.1/", _b(t)),
    "detect.split_mbox": lambda t: detect.split_mbox(_b(t)),
    "detect.header_msgid": lambda t: detect.header_msgid(_b(t)),
    "files.sniff": lambda t: files.sniff(_b(t)),
    "files.split_mbox": lambda t: list(files.split_mbox(_b(t).splitlines(True))),
    "files.page_item": lambda t: files.page_item(_b(t), PROV),
    "mhonarc.parse_page": lambda t: mhonarc.parse_page(t, "http://127.0.0.1/a/2022-12/msg1.html"),
    "mhonarc.derot13": mhonarc.derot13,
    "pipermail.parse_article": lambda t: pipermail.parse_article(
        t, "http://127.0.0.1/pipermail/l/2019-May/1.html"),
    "pipermail.parse_thread_index": lambda t: pipermail.parse_thread_index(
        t, "http://127.0.0.1/pipermail/l/2019-May/"),
    "query.parse_query": lambda t: query.parse_query(t[:2000]),
}


def _run_all(fn: Callable[[str], object], inputs: Iterator[tuple[str, str]]) -> None:
    for label, text in inputs:
        start = time.perf_counter()
        try:
            with alarm(LIMIT):
                fn(text)
        except Timeout:
            pytest.fail(f"{label}: over {LIMIT} s")
        except QueryError:
            pass  # a clear refusal is fine
        assert time.perf_counter() - start < LIMIT, label


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_parser_is_fast_on_hostile_text(name: str) -> None:
    _run_all(PARSERS[name], hostile())


def test_whole_extract_stage_is_fast_on_hostile_added_lines() -> None:
    inputs = [(label, text) for label, text in hostile()
              if "@@" not in label and "a(" not in label and "calls" not in label]
    _run_all(_diff_mail, iter(inputs))


@pytest.mark.parametrize("text", ["a(" * 10_000, "spin_lock(&a->b) " * 150_000],
                         ids=["unclosed", "closed"])
def test_iter_calls_is_fast_on_one_long_line_of_calls(text: str) -> None:
    _run_all(lambda t: list(ccode.iter_calls(t)), iter([("calls", text)]))


def test_unflatten_diff_is_fast_on_one_long_flattened_line() -> None:
    text = "@@ -1,3 +1,3 @@ f(void) " + "x " * 100_000
    _run_all(eunflatten.unflatten_diff, iter([("flat", text)]))


def test_whole_extract_stage_is_fast_on_hunk_header_runs() -> None:
    _run_all(_diff_mail, iter([("lines @@", "\n".join(["@@ -1" * 40 + "x"] * 2000))]))
