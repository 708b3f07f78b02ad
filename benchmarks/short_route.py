"""Val-only study of the ensemble's short-text route (issue 26 part c), on the real data.

Runs ``train_ensemble``'s own nodes (val labels -> candidates -> member selection -> short
route) on the current val predictions and model folders, read-only: nothing is saved under
``data/``. Prints every route candidate's val one-sentence accuracy (models trained on fit),
the max_words grid and the routed ensemble's val scores, then the raw-text throughput of the
ensemble with and without the route. Test is never loaded.

    nice -n 19 .venv/bin/python benchmarks/short_route.py [--candidates ID ...]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd
import yaml

from mlops_pipeline.datasets import TextModelsDataset
from mlops_pipeline.evaluation.short_texts import first_sentences
from mlops_pipeline.models.limitations import describe
from mlops_pipeline.pipelines.train_ensemble.nodes import (
    build_ensemble,
    candidate_table,
    route_short_inputs,
    select,
    train_texts,
    val_labels,
)

DATA = Path("data")
STAGES = ("train_classical", "train_lstm", "train_bert")


def _throughput(ensemble, texts: dict[str, list[str]], repeats: int = 3) -> dict[str, float]:
    """Reviews/s of the ensemble with and without its route, best of ``repeats`` runs taken
    in turn (so a load change on the machine hits both alike)."""
    route, best = ensemble.short_route, {}
    ensemble.predict_proba(texts["whole"][:50])  # warm-up (spaCy, caches)
    for _ in range(repeats):
        for name, value in (("unrouted", None), ("routed", route)):
            ensemble.short_route = value
            for kind, batch in texts.items():
                start = time.perf_counter()
                ensemble.predict_proba(batch)
                rate = len(batch) / (time.perf_counter() - start)
                best[f"{name}/{kind}"] = max(best.get(f"{name}/{kind}", 0.0), round(rate, 1))
    ensemble.short_route = route
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", nargs="*", help="route candidates (default: the yml)")
    parser.add_argument("--out", default="benchmarks/results/short_route.json")
    args = parser.parse_args()
    params = yaml.safe_load(Path("conf/base/parameters_train_ensemble.yml").read_text())
    params = params["train_ensemble"]
    seed = yaml.safe_load(Path("conf/base/parameters_common.yml").read_text())["common"]["seed"]
    reviews = pd.read_parquet(DATA / "02_intermediate/ingest/reviews.parquet")
    reviews = reviews[reviews["fold"].isin(["fit", "val"])]  # test never loaded further
    preds = [
        pd.read_parquet(DATA / f"07_model_output/{s}/val_predictions.parquet")
        for s in STAGES
        if (DATA / f"07_model_output/{s}/val_predictions.parquet").exists()
    ]
    sets = [
        TextModelsDataset(str(DATA / f"06_models/{s}")).load()
        for s in STAGES
        if (DATA / f"06_models/{s}").exists()
    ]
    have = {k for s in sets for k in s}
    if args.candidates:
        params["short_route"]["candidates"] = args.candidates
    params["short_route"]["candidates"] = [
        c for c in params["short_route"]["candidates"] if c in have
    ]
    table = candidate_table(val_labels(reviews), params, *preds)
    state = select(table, params, seed)
    start = time.perf_counter()
    routed_state = route_short_inputs(train_texts(reviews), table, state, params, *sets)
    seconds = round(time.perf_counter() - start, 1)
    study = routed_state["short_route"]
    models, _ = build_ensemble(table, routed_state, params, *sets)
    ensemble = models[params["model_id"]]
    val = reviews[reviews["fold"] == "val"]["text"].tolist()[:1000]
    speed = _throughput(ensemble, {"whole": val, "one_sentence": first_sentences(val)})
    out = {
        "members": state["members"],
        "val_metrics_unrouted": state["val_metrics"],
        "val_metrics_routed": routed_state["val_metrics"],
        "short_route": study,
        "route_seconds": seconds,
        "throughput_reviews_per_s": speed,
        "limitations": describe(ensemble.card),
    }
    print(json.dumps(out, indent=2))
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
