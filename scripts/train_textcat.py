"""Train the objection text classifiers shipped in threadscan/nlp/model/.

    python scripts/train_textcat.py [--labels training/labels] [--out threadscan/nlp/model]
                                    [--epochs 30] [--seed 0] [--include-heldout]

Reproducible: fixed seeds, CPU only, a bag-of-words model (a minute or so).
Two components on one spacy.blank("en") pipeline with threadscan's code
tokenizer: ``textcat_multilabel`` (labels "cat:<category>", trained on every
sentence, non-objections all-zero) and ``textcat_stance`` (a second
multilabel head trained one-hot on "stance:objection|question|suggestion|none";
two exclusive heads cannot share ``doc.cats`` in spaCy 3). Training data: the
``split == "train"`` thread labels plus the shared dev file; the ``heldout``
split is never trained on unless --include-heldout is given.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from threadscan.model import CATEGORIES  # noqa: E402
from threadscan.nlp.labels import Labeled, load_dir  # noqa: E402
from threadscan.nlp.pipeline import (  # noqa: E402
    CAT_PREFIX,
    MANIFEST,
    MODEL_DIR,
    MODEL_NAME,
    STANCE_PREFIX,
    analyse,
    blank_nlp,
    load_pipeline,
    model_input,
)

STANCE_LABELS = ("objection", "question", "suggestion", "none")
BOW_LENGTH = 2**15
NGRAMS = 2


def _ensemble(exclusive: bool) -> dict[str, object]:
    embed = {"@architectures": "spacy.MultiHashEmbed.v2", "width": 64,
             "rows": [2000, 2000, 500, 1000, 500],
             "attrs": ["NORM", "LOWER", "PREFIX", "SUFFIX", "SHAPE"],
             "include_static_vectors": False}
    encode = {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 64, "window_size": 1,
              "maxout_pieces": 3, "depth": 2}
    return {"@architectures": "spacy.TextCatEnsemble.v2",
            "tok2vec": {"@architectures": "spacy.Tok2Vec.v2", "embed": embed, "encode": encode},
            "linear_model": _bow(exclusive)}


def _bow(exclusive: bool) -> dict[str, object]:
    return {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": exclusive,
        "ngram_size": NGRAMS,
        "no_output_layer": False,
        "length": BOW_LENGTH,
    }


def cats_of(lab: Labeled) -> dict[str, float]:
    cats = {f"{CAT_PREFIX}{c}": float(c in lab.categories) for c in CATEGORIES}
    cats.update({f"{STANCE_PREFIX}{s}": float(s == lab.stance) for s in STANCE_LABELS})
    return cats


def inputs(labels: list[Labeled], features: str) -> list[str]:
    """The classifier's input texts (sentence, or sentence + cue pseudo-words)."""
    if features == "text":
        return [lab.text for lab in labels]
    rules = load_pipeline(None)
    return [model_input(a.text, a.hits, a.entities, features)
            for a in analyse(rules, [lab.text for lab in labels])]


def build(labels: list[Labeled], arch: str = "bow",  # type: ignore[no-untyped-def]
          features: str = "text"):
    from spacy.training import Example

    nlp = blank_nlp()
    model = _ensemble if arch == "ensemble" else _bow
    multi = nlp.add_pipe("textcat_multilabel", config={"model": model(False), "threshold": 0.5})
    single = nlp.add_pipe("textcat_multilabel", name="textcat_stance",
                          config={"model": model(False), "threshold": 0.5})
    cat_labels = [f"{CAT_PREFIX}{c}" for c in CATEGORIES]
    stance_labels = [f"{STANCE_PREFIX}{s}" for s in STANCE_LABELS]
    for lab in cat_labels:
        multi.add_label(lab)
    for lab in stance_labels:
        single.add_label(lab)
    nlp.config["initialize"]["components"] = {  # else initialize() adds every label it sees
        "textcat_multilabel": {"labels": cat_labels},
        "textcat_stance": {"labels": stance_labels},
    }
    examples = [Example.from_dict(nlp.make_doc(text), {"cats": cats_of(lab)})
                for text, lab in zip(inputs(labels, features), labels, strict=True)]
    return nlp, examples


def train(labels: list[Labeled], epochs: int, seed: int,  # type: ignore[no-untyped-def]
          arch: str = "bow", features: str = "text"):
    from spacy.util import compounding, fix_random_seed, minibatch

    fix_random_seed(seed)
    nlp, examples = build(labels, arch, features)
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=compounding(4.0, 32.0, 1.5)):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        if epoch % 5 == 0 or epoch == epochs - 1:
            print(f"epoch {epoch:3d} " + " ".join(f"{k}={v:.3f}" for k, v in losses.items()))
    return nlp


def write_manifest(args: argparse.Namespace, labels: list[Labeled]) -> None:
    """What the weights were trained on (label file hashes), for reproducing them."""
    files = sorted((args.labels / "threads").glob("*.jsonl"))
    files += [args.labels / "review-sentences.dev.jsonl"]
    manifest = {
        "model": MODEL_NAME, "arch": args.arch, "features": args.features,
        "epochs": args.epochs, "seed": args.seed,
        "bow_length": BOW_LENGTH, "ngrams": NGRAMS, "sentences": len(labels),
        "include_heldout": args.include_heldout,
        "label_files": {f.name: hashlib.sha1(f.read_bytes()).hexdigest()
                        for f in files if f.exists()},
    }
    (args.out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--labels", type=Path, default=ROOT / "training" / "labels")
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--include-heldout", action="store_true")
    ap.add_argument("--arch", choices=("bow", "ensemble"), default="bow")
    ap.add_argument("--features", choices=("text", "text+cues"), default="text")
    args = ap.parse_args(argv)
    labels = [lab for lab in load_dir(args.labels)
              if lab.split in ("train", "dev") or args.include_heldout]
    print(f"training on {len(labels)} sentences "
          f"({sum(lab.stance != 'none' for lab in labels)} objection-bearing)")
    started = time.monotonic()
    nlp = train(labels, args.epochs, args.seed, args.arch, args.features)
    nlp.tokenizer.token_match = None  # re-installed by customize_tokenizer() at load time
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    write_manifest(args, labels)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"saved {args.out} ({size / 1e6:.2f} MB) in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
