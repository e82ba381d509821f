"""The shipped model and cue data: loading, size, labels, training smoke run, controls."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from threadscan.errors import ModelError
from threadscan.nlp.cues import load_cues, parse_cues
from threadscan.nlp.labels import iter_labels, parse_label
from threadscan.nlp.pipeline import MODEL_DIR

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = ROOT / "training" / "labels" / "review-sentences.dev.jsonl"


def test_shipped_model_is_small_and_has_both_heads() -> None:
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size < 5_000_000
    assert (MODEL_DIR / "textcat_multilabel").is_dir()
    assert (MODEL_DIR / "textcat_stance").is_dir()


def test_dev_labels_map_extension_stances() -> None:
    labs = list(iter_labels(DEV))
    assert len(labs) == 123
    nak = parse_label({"text": "NAK on the whole concept.", "labels": ["rejection", "design"]})
    assert (nak.stance, nak.categories) == ("objection", ("design",))
    ack = parse_label({"text": "Acked-by: X <x@y>", "labels": ["ack"]})
    assert (ack.stance, ack.categories) == ("none", ())
    leak = parse_label({"text": "You need to drop the mutex.",
                        "labels": ["suggestion", "x-lock-imbalance", "rcu"]})
    assert leak.categories == ("deadlock",)


def test_bad_label_line_raises_model_error_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok", "labels": ["none"]}\n{"nope": 1}\n')
    with pytest.raises(ModelError) as err:
        list(iter_labels(bad))
    assert err.value.line == 2 and err.value.file == str(bad)


def test_malformed_cue_data_raises_model_error() -> None:
    raw = json.loads((ROOT / "threadscan" / "nlp" / "data" / "cues.v1.json").read_text())
    del raw["categories"]
    with pytest.raises(ModelError):
        parse_cues(raw)
    with pytest.raises(ModelError):
        load_cues(ROOT / "does-not-exist.json")


def test_training_smoke_run_gives_a_loadable_model(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from train_textcat import train  # type: ignore[import-not-found]

    from threadscan.nlp import load_pipeline, tag_text

    nlp = train(list(iter_labels(DEV))[:60], epochs=2, seed=0)
    nlp.tokenizer.token_match = None
    nlp.to_disk(tmp_path / "m")
    pipe = load_pipeline(tmp_path / "m")
    assert pipe.model == "textcat.v1"
    assert tag_text("GFP_KERNEL under a spin_lock will cause deadlocks.", pipe)


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent")
def test_control_threads_have_almost_no_objections() -> None:
    from threadscan.extract import analyze_patches
    from threadscan.mail import parse_item
    from threadscan.model import Message, RawItem
    from threadscan.nlp import load_pipeline, tag_thread
    from threadscan.sources import iter_items
    from threadscan.sources.base import SourceOptions

    pipe = load_pipeline()
    total = messages = 0
    for mbox in sorted((SHARED / "fixtures" / "lore-linux-block-controls").glob("*.mbox")):
        msgs = [m for it in iter_items(str(mbox), SourceOptions(offline=True))
                if isinstance(it, RawItem) for m in parse_item(it) if isinstance(m, Message)]
        pa = analyze_patches(msgs)
        total += len(tag_thread(msgs, pa, pipe).objections)
        messages += len(msgs)
    assert messages > 50
    assert total <= messages // 3
