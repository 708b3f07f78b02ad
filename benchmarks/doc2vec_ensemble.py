"""Val-only check of the paragraph-vector model and of the ensemble it would join.

Trains Doc2Vec with the committed ``embeddings.doc2vec`` settings on fit + val + unsup, infers
every ``fit`` and ``val`` review, chooses C of a logistic regression on ``val`` (as
``train_classical`` does for ``logreg__doc2vec``), and then runs ``train_ensemble``'s own
selection (greedy members, nested cross-fitted val accuracy) on the committed val predictions
of the other training pipelines plus this model's. Test is never loaded. Prints JSON.

    nice -n 10 .venv/bin/python benchmarks/doc2vec_ensemble.py
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.linear_model import LogisticRegression

from mlops_pipeline.embeddings.paragraph import ParagraphEmbedder, train_doc2vec
from mlops_pipeline.pipelines.train_ensemble.nodes import candidate_table, select, val_labels

DATA = Path("data")
CONF = Path("conf/base")
VAL_PREDICTIONS = ["train_classical", "train_lstm", "train_bert"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="folder for the embedder and fit/val vectors")
    parser.add_argument("--infer-epochs", type=int, help="override doc2vec_inference.epochs")
    args = parser.parse_args()
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    params = yaml.safe_load((CONF / "parameters_embeddings.yml").read_text())["embeddings"]
    if args.infer_epochs:
        params["doc2vec_inference"]["epochs"] = args.infer_epochs
    seed = yaml.safe_load((CONF / "parameters_common.yml").read_text())["common"]["seed"]
    ensemble = yaml.safe_load((CONF / "parameters_train_ensemble.yml").read_text())[
        "train_ensemble"
    ]
    frame = pd.read_parquet(
        DATA / "03_primary/preprocess/reviews_preprocessed.parquet",
        columns=["review_id", "fold", "label", "tokens"],
    )
    frame = frame[frame["fold"] != "test"].reset_index(drop=True)
    corpus = [list(t) for t in frame.loc[frame["fold"].isin(["fit", "val", "unsup"]), "tokens"]]
    start = time.process_time()
    model, stats = train_doc2vec(corpus, params["doc2vec"], seed, workers=params["workers"] or 1)
    inference = params["doc2vec_inference"]
    emb = ParagraphEmbedder.from_gensim(
        model, inference["epochs"], seed, inference["alpha"], inference["min_alpha"]
    )
    train_cpu = time.process_time() - start
    if args.save:  # reuse for further val-only checks (never a pipeline input)
        emb.save(args.save / "embedder")
    fit, val = frame[frame["fold"] == "fit"], frame[frame["fold"] == "val"]
    start = time.perf_counter()
    x_val = emb.transform([list(t) for t in val["tokens"]])
    infer_per_s = len(val) / (time.perf_counter() - start)
    start = time.process_time()
    x_fit = emb.transform([list(t) for t in fit["tokens"]])
    infer_cpu = time.process_time() - start
    if args.save:
        np.save(args.save / "fit.npy", x_fit)
        np.save(args.save / "val.npy", x_val)
    y_fit, y_val = fit["label"].to_numpy(int), val["label"].to_numpy(int)
    by_c = {}
    for c in (0.001, 0.01, 0.1, 1.0):  # train_classical's grid
        lr = LogisticRegression(C=c, solver="lbfgs", max_iter=2000, random_state=seed).fit(
            x_fit, y_fit
        )
        by_c[c] = (float((lr.predict(x_val) == y_val).mean()), lr.predict_proba(x_val)[:, 1])
    best_c = max(by_c, key=lambda c: by_c[c][0])
    mine = pd.DataFrame(
        {"review_id": val["review_id"], "model_id": "logreg__doc2vec", "proba": by_c[best_c][1]}
    )
    reviews = pd.read_parquet(
        DATA / "02_intermediate/ingest/reviews.parquet",
        columns=["review_id", "fold", "label", "movie_id"],
    )
    others = [
        pd.read_parquet(DATA / f"07_model_output/{p}/val_predictions.parquet")
        for p in VAL_PREDICTIONS
    ]
    labels = val_labels(reviews)
    results = {}
    for name, tables in {"without_doc2vec": others, "with_doc2vec": [*others, mine]}.items():
        chosen = select(candidate_table(labels, ensemble, *tables), ensemble, seed)
        results[name] = {
            "members": chosen["members"],
            "nested_val_accuracy": chosen["val_metrics"]["accuracy"],
        }
    print(json.dumps({
        "doc2vec": params["doc2vec"], "inference": inference, "train_cpu_seconds": round(train_cpu, 1),
        "train_seconds": stats["train_seconds"], "vocab_seconds": stats["vocab_seconds"],
        "infer_fit_cpu_seconds": round(infer_cpu, 1), "infer_reviews_per_s": round(infer_per_s, 1),
        "val_accuracy_by_C": {c: round(a, 5) for c, (a, _) in by_c.items()}, "best_C": best_c,
        "ensemble": results,
    }, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
