"""The show --json document and the summary document: shape, order, schema validity."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tests.test_report_sample import M_PATCH, M_REPLY, M_REVIEW, seed004_analysis
from threadscan.report import build_summary, summary_document, thread_document
from threadscan.report.schema import validate

SCHEMAS = Path(__file__).resolve().parents[1] / "docs" / "schema"


def schema(name: str) -> dict[str, object]:
    loaded = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def roundtrip(doc: dict[str, object]) -> object:
    return json.loads(json.dumps(doc))


def test_seed004_document_validates_against_show_schema() -> None:
    doc = thread_document(seed004_analysis())
    assert validate(roundtrip(doc), schema("show.schema.json")) == []


def test_seed004_summary_validates_against_summary_schema() -> None:
    doc = summary_document(build_summary(seed004_analysis()))
    assert validate(roundtrip(doc), schema("summary.schema.json")) == []


def test_messages_follow_thread_order_even_when_input_is_shuffled() -> None:
    analysis = seed004_analysis()
    shuffled = dataclasses.replace(analysis, messages=analysis.messages[::-1])
    doc = thread_document(shuffled)
    assert [m["msgid"] for m in doc["messages"]] == [M_PATCH, M_REVIEW, M_REPLY]
    assert json.dumps(doc) == json.dumps(thread_document(analysis))


def test_objection_carries_links_as_evidence_and_derived_lists() -> None:
    doc = thread_document(seed004_analysis())
    sweep = next(o for o in doc["objections"] if "spin_trylock()" in o["sentence"])
    assert sweep["stance"] == "suggestion"
    assert sweep["categories"] == ["deadlock", "design"]
    assert sweep["locks"] == ["p2m->lock"]
    assert sweep["hunks"] == [f"{M_PATCH}:0:1"]
    assert {"kind": "lock", "target": "p2m->lock", "evidence": "matched lock change"} in (
        sweep["evidence"])


def test_dates_are_iso8601_and_hunk_lines_keep_numbers() -> None:
    doc = thread_document(seed004_analysis())
    assert doc["messages"][0]["date"] == "2012-02-01T19:56:00+00:00"
    hunk = doc["patches"][0]["files"][0]["hunks"][1]
    assert hunk["function"] == "p2m_pod_emergency_sweep"
    lock_line = next(ln for ln in hunk["lines"] if ln["text"].strip() == "p2m_lock(p2m);")
    assert (lock_line["sign"], lock_line["old_no"], lock_line["new_no"]) == ("+", None, 937)


def test_lock_changes_and_edges_keep_contract_keys() -> None:
    doc = thread_document(seed004_analysis())
    assert list(doc["lock_changes"][0]) == [
        "msgid", "file", "function", "sign", "role", "primitive", "lock", "kind", "detail",
        "hunks"]
    trylock = [e for e in doc["lock_order"] if e["trylock"]]
    assert [(e["outer"], e["inner"], e["origin"]) for e in trylock] == [
        ("p2m->lock", "gfn", "prose")]


def test_validator_reports_wrong_enum_missing_key_and_bad_date() -> None:
    doc = json.loads(json.dumps(thread_document(seed004_analysis())))
    doc["messages"][0]["date"] = "Sat Oct 14 07:22:34 AEDT 2023"
    doc["objections"][0]["stance"] = "rant"
    del doc["approvals"]
    problems = validate(doc, schema("show.schema.json"))
    assert "$: missing required 'approvals'" in problems
    assert any(p.startswith("$.objections[0].stance: 'rant'") for p in problems)
    assert any(p.startswith("$.messages[0].date:") for p in problems)


def test_validator_refuses_unsupported_keywords() -> None:
    assert validate("x", {"type": "string", "maxLength": 3}) == [
        "$: schema uses unsupported keywords ['maxLength']"]


@pytest.mark.parametrize("value", [True, 1.5, "3"])
def test_validator_integer_rejects_bools_floats_and_strings(value: object) -> None:
    assert validate(value, {"type": "integer"}) != []
