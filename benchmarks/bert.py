"""Fine-tuning and inference speed (and val accuracy) of ``train_bert`` on the real data.

Reads the preprocess output straight from data/ (``fit`` and ``val`` folds only: test is never
loaded), trains :class:`BertTextModel` with conf/base's ``train_bert`` parameters plus the
overrides given, and prints one JSON line per run (appended to ``benchmarks/results/bert.jsonl``).
Run it under the heavy-job lock on shared machines:

    flock /tmp/heavy.lock python benchmarks/bert.py --speed-only --fit-rows 96
    flock /tmp/heavy.lock python benchmarks/bert.py --set encoding.max_length=128
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

from mlops_pipeline.evaluation.subset import stratified_subset  # noqa: E402
from mlops_pipeline.models.bert import BertTextModel  # noqa: E402
from mlops_pipeline.pipelines.train_bert.nodes import model_config  # noqa: E402

REVIEWS = ROOT / "data/03_primary/preprocess/reviews_preprocessed.parquet"
RESULTS = ROOT / "benchmarks/results/bert.jsonl"


def load_params(overrides: list[str]) -> dict[str, Any]:
    params = yaml.safe_load((ROOT / "conf/base/parameters_train_bert.yml").read_text())
    params = params["train_bert"]
    for item in overrides:
        dotted, _, raw = item.partition("=")
        *parents, leaf = dotted.split(".")
        node = params
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = yaml.safe_load(raw)
    return params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit-rows", type=int, default=None, help="default: subset.fit_rows")
    parser.add_argument("--val-rows", type=int, default=None, help="default: subset.val_rows")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--speed-only", action="store_true", help="one epoch, no val scoring")
    parser.add_argument("--set", nargs="*", default=[], help="dotted overrides, key=yaml")
    args = parser.parse_args()
    params = load_params(args.set)
    fit_rows = args.fit_rows or params["subset"]["fit_rows"]
    val_rows = args.val_rows or params["subset"]["val_rows"]
    reviews = pd.read_parquet(REVIEWS, columns=["review_id", "fold", "label", "text_light"])
    fit = stratified_subset(reviews[reviews["fold"] == "fit"], fit_rows, args.seed)
    val = stratified_subset(reviews[reviews["fold"] == "val"], val_rows, args.seed)
    config = model_config(params)
    if args.speed_only:
        config["training"] = {**config["training"], "epochs": 1}
    model = BertTextModel({}, config, model_id=params["model_id"], seed=args.seed)
    start = time.perf_counter()
    model.fit_light(
        fit["text_light"].tolist(), fit["label"].astype(int).to_numpy(),
        None if args.speed_only else val["text_light"].tolist(),
        None if args.speed_only else val["label"].astype(int).to_numpy(),
    )  # fmt: skip
    train_seconds = time.perf_counter() - start
    texts = val["text_light"].tolist()[: 128 if args.speed_only else None]
    start = time.perf_counter()
    proba = model.predict_proba_light(texts)[:, 1]
    infer_seconds = time.perf_counter() - start
    labels = val["label"].astype(int).to_numpy()[: len(texts)]
    result = {
        "overrides": args.set,
        "fit_rows": len(fit),
        "speed_only": args.speed_only,
        "max_length": params["encoding"]["max_length"],
        "train_seconds": round(train_seconds, 1),
        "train_samples_per_second": model.card.extra["samples_per_second"],
        "history": model.card.extra["history"],
        "infer_rows": len(texts),
        "infer_reviews_per_second": round(len(texts) / infer_seconds, 1),
        "val_accuracy": round(float(np.mean((proba >= 0.5) == (labels == 1))), 5),
        "peak_memory_mb": model.card.extra["peak_memory_mb"],
    }
    line = json.dumps(result)
    print(line)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a") as handle:
        handle.write(line + "\n")


if __name__ == "__main__":
    main()
