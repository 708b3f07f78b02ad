"""Epoch time, val accuracy and inference speed of the ``train_lstm`` model on the real data.

Reads the preprocess output and the Word2Vec model straight from data/ (fit and val folds
only: test is never loaded), trains :class:`LSTMTextModel` with conf/base's ``train_lstm``
parameters plus the overrides given, and prints one JSON line per run (appended to
``benchmarks/results/lstm.jsonl``). Run it under the heavy-job lock on shared machines:

    flock /tmp/heavy.lock python benchmarks/lstm.py --threads 1 --fit-rows 4000 --epochs 1
    flock /tmp/heavy.lock python benchmarks/lstm.py --set encoding.max_length=384 hidden=...
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mlops_pipeline.models.lstm import LSTMTextModel  # noqa: E402
from mlops_pipeline.pipelines.train_lstm.nodes import model_config  # noqa: E402

REVIEWS = ROOT / "data/03_primary/preprocess/reviews_preprocessed.parquet"
RAW = ROOT / "data/02_intermediate/ingest/reviews.parquet"
WORD2VEC = ROOT / "data/04_feature/embeddings/word2vec/gensim/word2vec.model"
OLD_WORD2VEC = ROOT / "data/06_models/embeddings/word2vec/gensim/word2vec.model"  # before issue 10
RESULTS = ROOT / "benchmarks/results/lstm.jsonl"


def set_path(config: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for key in parents:
        config = config.setdefault(key, {})
    config[leaf] = value


def load_params(overrides: list[str]) -> dict[str, Any]:
    text = (ROOT / "conf/base/parameters_train_lstm.yml").read_text()
    params = yaml.safe_load(text)["train_lstm"]
    for item in overrides:
        key, _, raw = item.partition("=")
        set_path(params, key, yaml.safe_load(raw))
    return params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", nargs="*", default=[], help="dotted train_lstm overrides")
    parser.add_argument("--fit-rows", type=int, default=None, help="seeded subset of fit")
    parser.add_argument("--val-rows", type=int, default=None, help="seeded subset of val")
    parser.add_argument("--raw-rows", type=int, default=1000, help="val reviews for raw speed")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--label", default="")
    args = parser.parse_args()

    params = load_params(args.set)
    reviews = pd.read_parquet(REVIEWS, columns=["review_id", "fold", "label", "tokens"])
    reviews = reviews[reviews["fold"].isin(["fit", "val"])]  # never test
    folds = {f: reviews[reviews["fold"] == f].sort_values("review_id") for f in ("fit", "val")}
    rng = np.random.default_rng(args.seed)
    for fold, rows in (("fit", args.fit_rows), ("val", args.val_rows)):
        if rows and rows < len(folds[fold]):
            keep = np.sort(rng.choice(len(folds[fold]), rows, replace=False))
            folds[fold] = folds[fold].iloc[keep]
    from gensim.models import Word2Vec

    path = WORD2VEC if WORD2VEC.exists() else OLD_WORD2VEC
    word2vec = Word2Vec.load(str(path)) if params["embedding_init"] == "word2vec" else None
    model = LSTMTextModel({}, model_config(params), model_id="bench", seed=args.seed)
    vocab_docs = reviews[reviews["fold"].isin(params["vocabulary"]["folds"])]["tokens"]
    vocab = model.build_vocabulary([list(t) for t in vocab_docs])
    tok = {f: [list(t) for t in part["tokens"]] for f, part in folds.items()}
    lab = {f: part["label"].astype(int).to_numpy() for f, part in folds.items()}
    model.fit_tokens(tok["fit"], lab["fit"], tok["val"], lab["val"], vocab, word2vec)

    start = time.perf_counter()
    proba = model.predict_proba_tokens(tok["val"])[:, 1]
    token_speed = len(proba) / (time.perf_counter() - start)
    raw_speed = preprocess_speed = None
    if args.raw_rows and RAW.exists():
        raw = pd.read_parquet(RAW, columns=["review_id", "fold", "text"])
        texts = raw[raw["fold"] == "val"].sort_values("review_id")["text"].head(args.raw_rows)
        model.predict_proba(texts.head(20).tolist())  # load spaCy / lookups first
        start = time.perf_counter()
        model.predict_proba(texts.tolist())
        raw_speed = len(texts) / (time.perf_counter() - start)
        start = time.perf_counter()
        model.preprocessor.tokens(texts.tolist())
        preprocess_speed = len(texts) / (time.perf_counter() - start)
    extra = model.card.extra
    result = {
        "label": args.label,
        "overrides": args.set,
        "fit_rows": len(tok["fit"]),
        "val_rows": len(tok["val"]),
        "vocab_size": len(vocab),
        "word2vec_coverage": extra["word2vec_coverage"],
        "val_accuracy": round(float(np.mean((proba >= 0.5) == (lab["val"] == 1))), 5),
        "best_epoch": extra["best_epoch"],
        "history": extra["history"],
        "epoch_seconds": extra["epoch_seconds"],
        "train_seconds": model.card.train_seconds,
        "val_reviews_per_s_tokens": round(token_speed, 1),
        "val_reviews_per_s_raw": round(raw_speed, 1) if raw_speed else None,
        "preprocess_only_reviews_per_s": round(preprocess_speed, 1) if preprocess_speed else None,
    }
    print(json.dumps(result))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a") as handle:
        handle.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
