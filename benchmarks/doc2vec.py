"""Choose the paragraph-vector (Doc2Vec) settings on val: train on fit + val + unsup, probe on val.

Each config trains Doc2Vec on the corpus the pipeline uses (fit + val + unsup tokens; test is
never loaded), infers vectors for a seeded subset of ``fit`` and of ``val`` with every
``--infer-epochs`` value, and prints one JSON line per (config, infer epochs): training
seconds, inference reviews/s (1 thread) and the val accuracy of a logistic regression trained
on the ``fit`` subset (C chosen on val from a small grid, as ``train_classical`` does).

    nice -n 10 .venv/bin/python benchmarks/doc2vec.py --fit-rows 5000 --val-rows 5000 \
        --infer-epochs 5 10 20 --config '{"dm": 0, "vector_size": 100, "epochs": 10}'
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from mlops_pipeline.embeddings.paragraph import ParagraphEmbedder, train_doc2vec

PREPROCESSED = Path("data/03_primary/preprocess/reviews_preprocessed.parquet")
RESULTS = Path("benchmarks/results/doc2vec.jsonl")


def _probe(x_fit: np.ndarray, y_fit: np.ndarray, x_val: np.ndarray, y_val: np.ndarray) -> dict:
    scaler = StandardScaler().fit(x_fit)
    scores = {}
    for c in (0.01, 0.1, 1.0):
        lr = LogisticRegression(C=c, max_iter=2000).fit(scaler.transform(x_fit), y_fit)
        scores[c] = round(float((lr.predict(scaler.transform(x_val)) == y_val).mean()), 5)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", action="append", required=True, help="Doc2Vec options (JSON)")
    parser.add_argument("--infer-epochs", type=int, nargs="+", default=[10])
    parser.add_argument("--fit-rows", type=int, default=5000)
    parser.add_argument("--val-rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    frame = pd.read_parquet(PREPROCESSED, columns=["fold", "label", "tokens"])
    frame = frame[frame["fold"] != "test"].reset_index(drop=True)
    frame["tokens"] = [list(t) for t in frame["tokens"]]
    corpus = frame[frame["fold"].isin(["fit", "val", "unsup"])]["tokens"].tolist()
    fit = frame[frame["fold"] == "fit"].sample(n=args.fit_rows, random_state=0)
    val = frame[frame["fold"] == "val"]
    val = val.sample(n=min(args.val_rows, len(val)), random_state=0)
    for raw in args.config:
        params = json.loads(raw)
        model, stats = train_doc2vec(corpus, params, args.seed, workers=1)
        for epochs in args.infer_epochs:
            emb = ParagraphEmbedder.from_gensim(model, infer_epochs=epochs, seed=args.seed)
            start = time.perf_counter()
            x_val = emb.transform(val["tokens"])
            per_s = len(val) / (time.perf_counter() - start)
            x_fit = emb.transform(fit["tokens"])
            y_fit, y_val = fit["label"].to_numpy(int), val["label"].to_numpy(int)
            line = {
                "config": params, "infer_epochs": epochs, "train_seconds": stats["train_seconds"],
                "vocabulary_size": stats["vocabulary_size"], "infer_reviews_per_s": round(per_s, 1),
                "fit_rows": len(fit), "val_rows": len(val),
                "val_accuracy_by_C": _probe(x_fit, y_fit, x_val, y_val),
            }  # fmt: skip
            print(json.dumps(line), flush=True)
            with RESULTS.open("a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
