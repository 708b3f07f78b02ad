"""Choose the ``embeddings`` defaults: train configs on the real corpus, score an LR probe on val.

Every config is trained on fit + val + unsup tokens (as the pipeline does) and judged by the
val accuracy of a logistic regression trained on ``fit`` document vectors (never ``test``).
Prints one JSON line per config (train seconds, tokens/s, val accuracy for mean / tfidf pooling).

    flock /tmp/heavy.lock .venv/bin/python benchmarks/embedding_defaults.py \
        --config '{"family": "word2vec", "sg": 0, "vector_size": 100, "epochs": 5}' ...
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import pandas as pd

from mlops_pipeline.embeddings import DocumentEmbedder, compute_idf, train_embedding
from mlops_pipeline.features import probe_val_accuracy

PREPROCESSED = Path("data/03_primary/preprocess/reviews_preprocessed.parquet")
REVIEWS = Path("data/02_intermediate/ingest/reviews.parquet")
_TOKEN = re.compile(r"[a-z0-9']+|[!?]")


def load_tokens(limit: int | None) -> pd.DataFrame:
    if PREPROCESSED.exists():
        frame = pd.read_parquet(PREPROCESSED, columns=["fold", "label", "tokens"])
        frame["tokens"] = [list(t) for t in frame["tokens"]]
        source = str(PREPROCESSED)
    else:  # crude stand-in until preprocess has run: lowercase regex tokens, no lemmas
        frame = pd.read_parquet(REVIEWS, columns=["fold", "label", "text"])
        text = frame.pop("text").str.lower().str.replace(r"<[^>]+>", " ", regex=True)
        frame["tokens"] = [_TOKEN.findall(t) for t in text]
        source = f"{REVIEWS} (regex tokens)"
    if limit:
        frame = frame.groupby("fold", group_keys=False).sample(frac=1.0, random_state=0)
        frame = frame.groupby("fold", group_keys=False).head(limit)
    print(json.dumps({"source": source, "rows": len(frame)}), flush=True)
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", action="append", required=True, help="JSON; key family")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="rows per fold (smoke runs)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    frame = load_tokens(args.limit)
    corpus = frame.loc[frame["fold"].isin(["fit", "val", "unsup"]), "tokens"].tolist()
    fit = frame[frame["fold"] == "fit"]
    val = frame[frame["fold"] == "val"]
    terms, idf, n_docs = compute_idf(frame.loc[frame["fold"].isin(["fit", "val"]), "tokens"])
    for raw in args.config:
        config = json.loads(raw)
        family = config.pop("family")
        model, stats = train_embedding(family, corpus, config, args.seed, args.workers)
        emb = DocumentEmbedder.from_gensim(model, terms, idf, n_docs)
        result = {"family": family, **config, **stats}
        start = time.perf_counter()
        for pooling in ("mean", "tfidf"):
            x_fit = emb.transform(fit["tokens"], pooling)
            x_val = emb.transform(val["tokens"], pooling)
            acc = probe_val_accuracy(x_fit, fit["label"], x_val, val["label"], 1.0, args.seed)
            result[f"val_acc_{pooling}"] = round(acc, 4)
        result["pool_probe_seconds"] = round(time.perf_counter() - start, 1)
        result["oov_share_val"] = emb.oov_stats(val["tokens"])["oov_share"]
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
