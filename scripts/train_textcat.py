"""Train the objection text classifiers shipped in threadscan/nlp/model/.

    python scripts/train_textcat.py [--labels training/labels] [--out threadscan/nlp/model]
                                    [--epochs 10] [--seed 0] [--include-heldout] [--no-dev]
                                    [--features text+cues+ctx] [--cv K [--in-threads]]
                                    [--arch bow|ensemble|CATEGORY/STANCE] [--vectors DIR]

Reproducible: fixed seeds, CPU only, bag-of-words models (about 30 s; byte-identical
weights on re-run). Two components on one spacy.blank("en") pipeline with threadscan's
code tokenizer: ``textcat_stance`` (one-hot "stance:objection|question|suggestion|none",
trained on every sentence: the objection-bearing gate) and ``textcat_multilabel``
("cat:<category>", trained on objection-bearing sentences only). The classifier reads the
sentence plus cue and context pseudo-words (``pipeline.model_input``, ``context.py``); the
thread labels get their context by alignment with the fixture mboxes in ../shared/fixtures
(benchmark threads: cut from the benchmark mbox there, ``bench_threads.py``). Beside the
weights it writes ``cue-weights.json`` (``threadscan/nlp/weights.py``): per matched cue phrase,
how often it occurs in objection-bearing and other reviewer sentences of the train threads.
Training data: the ``split == "train"`` thread labels plus the shared dev file; the
``heldout`` split is never trained on unless --include-heldout is given (--no-dev leaves the
shared dev file out, to measure the tagger on it). ``--cv K`` prints
grouped K-fold cross-validation over the train threads (model selection; see
docs/EVALUATION.md) instead of training: sentence by sentence, or with ``--in-threads`` by
tagging each held-out fold's threads whole, as ``threadscan ingest`` does. ``--arch`` and
``--vectors`` (word vectors from ``train_vectors.py``) are for experiments: the shipped heads
are bag-of-words without vectors (docs/EVALUATION.md, round 6).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_threads import thread_mbox  # noqa: E402

from threadscan.model import CATEGORIES  # noqa: E402
from threadscan.nlp.context import (  # noqa: E402
    context_words,
    lock_func_words,
    neighbour_words,
    text_words,
)
from threadscan.nlp.labels import Labeled, load_dir  # noqa: E402
from threadscan.nlp.pipeline import (  # noqa: E402
    CAT_PREFIX,
    MANIFEST,
    MODEL_DIR,
    MODEL_NAME,
    STANCE_PREFIX,
    Pipeline,
    analyse,
    blank_nlp,
    cued_categories,
    load_pipeline,
    model_input,
)
from threadscan.nlp.sentences import same_sentence, sentence_key  # noqa: E402
from threadscan.nlp.stance import Decision  # noqa: E402
from threadscan.nlp.tag import Unit, answered_words  # noqa: E402
from threadscan.nlp.weights import WEIGHTS_FILE, count, save, weak_keys  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"
ROLE_WORDS = ("zzctxauthor", "zzctxreviewer")

STANCE_LABELS = ("objection", "question", "suggestion", "none")
BOW_LENGTH = 2**15
NGRAMS = 1  # CV (train threads): unigrams beat bigrams once the cue/context words are in
BATCH = 8.0  # largest minibatch (compounding from 4)


def _ensemble(exclusive: bool, vectors: bool = False) -> dict[str, object]:
    embed = {"@architectures": "spacy.MultiHashEmbed.v2", "width": 64,
             "rows": [2000, 2000, 500, 1000, 500],
             "attrs": ["NORM", "LOWER", "PREFIX", "SUFFIX", "SHAPE"],
             "include_static_vectors": vectors}
    encode = {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 64, "window_size": 1,
              "maxout_pieces": 3, "depth": 2}
    return {"@architectures": "spacy.TextCatEnsemble.v2",
            "tok2vec": {"@architectures": "spacy.Tok2Vec.v2", "embed": embed, "encode": encode},
            "linear_model": _bow(exclusive)}


def _bow(exclusive: bool, vectors: bool = False) -> dict[str, object]:
    """Bag-of-words head (reads no vectors: ``vectors`` is there to match ``_ensemble``)."""
    return {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": exclusive,
        "ngram_size": NGRAMS,
        "no_output_layer": False,
        "length": BOW_LENGTH,
    }


def cats_of(lab: Labeled) -> dict[str, float]:
    """Gold cats; the category head learns from objection-bearing sentences only (its labels
    are missing, not zero, on ``none`` sentences: it answers "which category, if any")."""
    cats: dict[str, float] = {}
    if lab.stance != "none":
        cats = {f"{CAT_PREFIX}{c}": float(c in lab.categories) for c in CATEGORIES}
    cats.update({f"{STANCE_PREFIX}{s}": float(s == lab.stance) for s in STANCE_LABELS})
    return cats


def inputs(labels: list[Labeled], features: str,
           contexts: Sequence[Sequence[str]] | None = None) -> list[str]:
    """The classifier's input texts (sentence, or sentence + cue / context pseudo-words)."""
    if features == "text":
        return [lab.text for lab in labels]
    rules = load_pipeline(None)
    ctx = contexts if contexts is not None else [()] * len(labels)
    return [model_input(a.text, a.hits, a.entities, features, c)
            for a, c in zip(analyse(rules, [lab.text for lab in labels]), ctx, strict=True)]


def cue_counts(labels: Sequence[Labeled], contexts: Sequence[Sequence[str]]
               ) -> dict[str, list[int]]:
    """Per cue phrase, how many reviewer sentences of the train threads it occurs in, not
    objection-bearing and objection-bearing (the shared dev file, nearly all objections, and
    patch-author sentences are left out)."""
    keep = [(lab, c) for lab, c in zip(labels, contexts, strict=True)
            if lab.split == "train" and "zzctxauthor" not in c]
    found = analyse(load_pipeline(None), [lab.text for lab, _ in keep])
    return count((a.hits, lab.stance != "none") for (lab, _), a in zip(keep, found, strict=True))



def _thread_units(path: Path) -> tuple[list[Unit], frozenset[str]]:
    """The own-text units ``tag_thread`` would make of a fixture mbox, and the functions
    whose locking its patches change."""
    from eval_objections import thread_messages

    from threadscan.extract import analyze_patches
    from threadscan.nlp.tag import message_units, patch_authors

    msgs = thread_messages(path)
    pa = analyze_patches(msgs)
    authors = patch_authors(msgs, (p.msgid for p in pa.patches if not p.quoted))
    units = [u for mi, m in enumerate(msgs) for u in message_units(mi, m, authors)
             if not u.quoted]
    return units, frozenset(c.function for c in pa.lock_changes if c.function)


def label_contexts(labels: Sequence[Labeled], fixtures: Path) -> list[tuple[str, ...]]:
    """Context pseudo-words per label: thread labels are aligned (same words) with the units
    of their fixture mbox (speaker role, diff above); others get text-only words."""
    from threadscan.nlp.cues import load_cues

    cues = load_cues()
    units: dict[str, list[Unit]] = {}
    funcs: dict[str, frozenset[str]] = {}
    for thread in sorted({lab.thread for lab in labels if lab.thread}):
        path = thread_mbox(thread, fixtures)
        units[thread], funcs[thread] = _thread_units(path) if path else ([], frozenset())
    near = _neighbours(units)
    out = []
    for lab in labels:
        key = sentence_key(lab.text)
        cands = units.get(lab.thread, [])
        u = next((u for u in cands if sentence_key(u.text) == key), None) or next(
            (u for u in cands if same_sentence(key, sentence_key(u.text))), None)
        out.append((*context_words(lab.text, u.strict, bool(u.diff_above)),
                    *answered_words(u, cues), *lock_func_words(lab.text, funcs[lab.thread]),
                    *near[id(u)]) if u else text_words(lab.text))
    return out


def _neighbours(units: dict[str, list[Unit]]) -> dict[int, tuple[str, ...]]:
    """Paragraph-neighbour cue words per unit (by object id), as ``analyse`` adds them."""
    rules = load_pipeline(None)
    out: dict[int, tuple[str, ...]] = {}
    for us in units.values():
        found = analyse(rules, [u.text for u in us])
        need = rules.cues.context_required
        words = neighbour_words([cued_categories(a.hits, a.text, need) for a in found],
                                [u.para for u in us])
        out.update((id(u), w) for u, w in zip(us, words, strict=True))
    return out


def build(labels: list[Labeled], arch: str = "bow",  # type: ignore[no-untyped-def]
          features: str = "text", contexts: Sequence[Sequence[str]] | None = None,
          pos_weight: int = 1, vectors: Path | None = None):
    from spacy.training import Example
    from spacy.training.initialize import load_vectors_into_model

    nlp = blank_nlp()
    if vectors is not None:
        load_vectors_into_model(nlp, str(vectors))
    cat_arch, _, stance_arch = arch.partition("/")
    archs = {"bow": _bow, "ensemble": _ensemble}
    vec = vectors is not None
    multi = nlp.add_pipe("textcat_multilabel",
                         config={"model": archs[cat_arch](False, vec), "threshold": 0.5})
    single = nlp.add_pipe("textcat_multilabel", name="textcat_stance", config={
        "model": archs[stance_arch or cat_arch](False, vec), "threshold": 0.5})
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
                for text, lab in zip(inputs(labels, features, contexts), labels, strict=True)
                for _ in range(pos_weight if lab.stance != "none" else 1)]
    return nlp, examples


def train(labels: list[Labeled], epochs: int, seed: int,  # type: ignore[no-untyped-def]
          arch: str = "bow", features: str = "text",
          contexts: Sequence[Sequence[str]] | None = None, pos_weight: int = 1,
          vectors: Path | None = None):
    from spacy.util import compounding, fix_random_seed, minibatch

    fix_random_seed(seed)
    nlp, examples = build(labels, arch, features, contexts, pos_weight, vectors)
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=compounding(4.0, BATCH, 1.5)):
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
        "include_heldout": args.include_heldout, "no_dev": args.no_dev,
        "pos_weight": args.pos_weight, "vectors": str(args.vectors) if args.vectors else None,
        "label_files": {f.name: hashlib.sha1(f.read_bytes()).hexdigest()
                        for f in files if f.exists()},
    }
    (args.out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")


def folds(labels: Sequence[Labeled], k: int) -> dict[str, int]:
    """Train threads -> fold (grouped by thread, fixed by a hash of the thread name)."""
    names = sorted({lab.thread for lab in labels if lab.split == "train"},
                   key=lambda t: hashlib.md5(t.encode()).hexdigest())
    return {t: i % k for i, t in enumerate(names)}


def _oof(labels: list[Labeled], ctx: list[tuple[str, ...]], args: argparse.Namespace
         ) -> list[tuple[Labeled, Decision | None]]:
    """Out-of-fold decisions on the train threads (model trained on the other folds + dev):
    sentence by sentence, or (``--in-threads``) by tagging each fold's threads as
    ``tag_thread`` does and matching the label sentences, as eval_objections.py does."""
    fold = folds(labels, args.cv)
    out: list[tuple[Labeled, Decision | None]] = []
    for k in range(args.cv):
        tr = [i for i, lab in enumerate(labels) if fold.get(lab.thread, -1) != k]
        te = [i for i, lab in enumerate(labels) if fold.get(lab.thread, -1) == k]
        pipe = _fold_pipeline([labels[i] for i in tr], [ctx[i] for i in tr], args)
        decide_fold = _in_threads if args.in_threads else _by_sentence
        out.extend(decide_fold(pipe, [labels[i] for i in te], [ctx[i] for i in te], args))
    return out


def _fold_pipeline(labels: list[Labeled], ctx: list[tuple[str, ...]],
                   args: argparse.Namespace) -> Pipeline:
    from threadscan.nlp.rules import build_rules
    from threadscan.nlp.tokenizer import customize_tokenizer

    cues = load_pipeline(None).cues
    nlp = train(labels, args.epochs, args.seed, args.arch, args.features, ctx, args.pos_weight,
                args.vectors)
    customize_tokenizer(nlp)
    weak = weak_keys(cue_counts(labels, ctx))
    return Pipeline(nlp, build_rules(nlp, cues), cues, MODEL_NAME, args.features, weak)


def _by_sentence(pipe: Pipeline, labels: list[Labeled], ctx: list[tuple[str, ...]],
                 args: argparse.Namespace) -> list[tuple[Labeled, Decision | None]]:
    from threadscan.nlp.stance import decide

    found = analyse(pipe, [lab.text for lab in labels], (), ctx)
    return [(lab, decide(a, MODEL_NAME, strict="zzctxauthor" in c,
                         required=pipe.cues.context_required))
            for lab, c, a in zip(labels, ctx, found, strict=True)]


def _in_threads(pipe: Pipeline, labels: list[Labeled], ctx: list[tuple[str, ...]],
                args: argparse.Namespace) -> list[tuple[Labeled, Decision | None]]:
    from eval_objections import predict_in_threads

    preds = predict_in_threads(pipe, labels, args.fixtures)
    return [(lab, Decision(p.stance, p.categories, (), 0.0) if p.stance != "none" else None)
            for lab, p in zip(labels, preds, strict=True)]  # type: ignore[arg-type]


def cv_report(pairs: list[tuple[Labeled, Decision | None]]) -> str:
    """Macro-F1 over categories and objection detection P/R of out-of-fold decisions."""
    f1s = []
    for c in CATEGORIES:
        tp = sum(c in g.categories and d is not None and c in d.categories for g, d in pairs)
        fp = sum(c not in g.categories and d is not None and c in d.categories for g, d in pairs)
        fn = sum(c in g.categories and (d is None or c not in d.categories) for g, d in pairs)
        if tp + fn:
            f1s.append(2 * tp / (2 * tp + fp + fn))
    tp = sum(g.stance != "none" and d is not None for g, d in pairs)
    p = tp / max(sum(d is not None for _, d in pairs), 1)
    r = tp / max(sum(g.stance != "none" for g, _ in pairs), 1)
    return (f"cv: {len(pairs)} train sentences, macro-F1 {sum(f1s) / len(f1s):.3f}, "
            f"detection P {p:.2f} R {r:.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--labels", type=Path, default=ROOT / "training" / "labels")
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--include-heldout", action="store_true")
    ap.add_argument("--no-dev", action="store_true",
                    help="leave the shared dev file out (to measure generalization on it)")
    ap.add_argument("--arch", default="bow",
                    choices=("bow", "ensemble", "ensemble/bow", "bow/ensemble"),
                    help="classifier of both heads, or CATEGORY/STANCE head")
    ap.add_argument("--features", choices=("text", "text+cues", "text+cues+ctx", "cues+ctx"),
                    default="text+cues+ctx")
    ap.add_argument("--vectors", type=Path, default=None,
                    help="spaCy vectors dir (spacy init vectors) for --arch ensemble")
    ap.add_argument("--pos-weight", type=int, default=1, help="copies of each positive")
    ap.add_argument("--fixtures", type=Path, default=FIXTURES, help="mboxes for contexts")
    ap.add_argument("--cv", type=int, default=0, help="K: grouped K-fold CV on train only")
    ap.add_argument("--in-threads", action="store_true",
                    help="with --cv: tag whole threads (tag_thread), not single sentences")
    args = ap.parse_args(argv)
    labels = [lab for lab in load_dir(args.labels)
              if lab.split == "train" or (lab.split == "dev" and not args.no_dev)
              or args.include_heldout]
    ctx = label_contexts(labels, args.fixtures)
    print(f"training on {len(labels)} sentences "
          f"({sum(lab.stance != 'none' for lab in labels)} objection-bearing, "
          f"{sum(w[0] in ROLE_WORDS for w in ctx if w)} with thread context)")
    if args.cv:
        keep = [i for i, lab in enumerate(labels) if lab.split != "heldout"]
        print(cv_report(_oof([labels[i] for i in keep], [ctx[i] for i in keep], args)))
        return 0
    started = time.monotonic()
    nlp = train(labels, args.epochs, args.seed, args.arch, args.features, ctx, args.pos_weight,
                args.vectors)
    nlp.tokenizer.token_match = None  # re-installed by customize_tokenizer() at load time
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    save(args.out / WEIGHTS_FILE, cue_counts(labels, ctx))
    write_manifest(args, labels)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"saved {args.out} ({size / 1e6:.2f} MB) in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
