"""Simulation of drift-gated retraining on the real IMDb data (issue 16).

Usage: ``python benchmarks/retrain_simulation.py [--workspace DIR] [--launch-rows N]``
(wrap it in ``flock /tmp/heavy.lock`` on a shared machine).

Everything happens in a scratch workspace (default ``.scratch/retrain_simulation/``, wiped at
start) with a throwaway MLflow store (``<workspace>/mlflow/``): the project's ``data/`` and its
registry are only read (``reviews.parquet`` of ingest and ``reviews_preprocessed.parquet`` of
preprocess, whose cached tokens spare re-tokenizing the reference and the holdout).

Story: the model "at launch" is the configured challenger family trained on ``--launch-rows``
reviews of ``fit`` (its reference data). IMDb's test fold is split into a frozen holdout (the
5,000 rows with the smallest sha1(review_id), as the pipeline's) and a sequence of labelled
batches arriving one per cycle:

1. ``b1_clean`` — 300 reviews of the same population: no drift, skipped;
2. ``b2_stripped`` — lowercased and stripped of punctuation (a broken upstream export): the gate
   fires, the challenger trains on launch data + b1 + b2 and is scored on the holdout;
3. ``b3_truncated`` — every review cut to its first sentence (reviews whose first sentence has
   no word, e.g. "8/10.", are left out: intake rejects such rows as ``no_words`` and one
   rejected row quarantines a whole batch): drift, retrained;
4. ``b4_mislabelled_scheduled`` — a clean-looking batch whose labels a broken labelling job
   flipped, arriving on the weekly schedule: retrained, the challenger is worse, kept;
5. ``b5_malformed`` — some rows without text and with label 5: quarantined whole;
6. ``b6_clean`` — no drift, skipped;
7. ``b7_tiny`` — 5 reviews: too small to measure, skipped, the batch waits for the next ones.

Prints the decision log (one JSON line per decision) and the champion's holdout accuracy
after each batch. Parameters are ``conf/base/parameters_retrain.yml``'s (challenger family,
promotion rule, drift gate), except the batch folders and the log, which live in the workspace.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mlops_pipeline.embeddings import DocumentEmbedder  # noqa: E402
from mlops_pipeline.registry import CHAMPION, Registry  # noqa: E402
from mlops_pipeline.registry.intake import frozen_holdout  # noqa: E402
from mlops_pipeline.registry.retraining import (  # noqa: E402
    CycleInputs,
    holdout_scores,
    read_decisions,
    run_cycle,
    train_challenger,
)
from mlops_pipeline.run_lock import pipeline_lock  # noqa: E402
from mlops_pipeline.tracking.config import TrackingConfig, sqlite_uri  # noqa: E402

SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _strip(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text)).strip().lower()


def _first_sentence(text: str) -> str:
    return SENTENCE.split(text.replace("<br />", " ").strip(), maxsplit=1)[0]


def _write_batch(folder: Path, name: str, rows: pd.DataFrame, edit=None) -> None:
    frame = rows[["review_id", "text", "label"]].rename(columns={"review_id": "id"}).copy()
    if edit is not None:
        frame["text"] = frame["text"].map(edit)
    frame["label"] = frame["label"].astype(int)
    frame.to_csv(folder / f"{name}.csv", index=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", type=Path, default=ROOT / ".scratch" / "retrain_simulation")
    parser.add_argument("--launch-rows", type=int, default=5000)
    parser.add_argument("--batch-rows", type=int, default=2500)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()

    params = yaml.safe_load((ROOT / "conf/base/parameters_retrain.yml").read_text())["retrain"]
    drift_params = yaml.safe_load((ROOT / "conf/base/parameters_drift.yml").read_text())["drift"]
    preprocess = yaml.safe_load((ROOT / "conf/base/parameters_preprocess.yml").read_text())
    preprocess_config = preprocess["preprocess"]["text"]
    seed = int(
        yaml.safe_load((ROOT / "conf/base/parameters_common.yml").read_text())["common"]["seed"]
    )

    ws = args.workspace.resolve()
    if ws.exists():
        shutil.rmtree(ws)
    ws.mkdir(parents=True)
    params["batches"] = {k: str(ws / "batches" / k) for k in ("incoming", "accepted", "quarantine")}
    params["decision_log"] = str(ws / "decisions.jsonl")
    params["dvc_add_accepted"] = False  # the scratch workspace is no DVC repository
    params["drift"]["report_dir"] = str(ws / "drift_reports")
    incoming = Path(params["batches"]["incoming"])
    incoming.mkdir(parents=True)

    reviews = pd.read_parquet(ROOT / "data/02_intermediate/ingest/reviews.parquet")
    tokens = pd.read_parquet(ROOT / "data/03_primary/preprocess/reviews_preprocessed.parquet")
    table = reviews[["review_id", "fold", "label", "text"]].merge(
        tokens[["review_id", "text_light", "tokens"]], on="review_id"
    )
    fit = table[table["fold"] == "fit"].sample(n=args.launch_rows, random_state=seed)
    reference = fit.reset_index(drop=True)
    test = table[table["fold"] == "test"]
    holdout = frozen_holdout(test, params["holdout"]["rows"]).reset_index(drop=True)
    pool = test[~test["review_id"].isin(set(holdout["review_id"]))].sample(
        frac=1.0, random_state=seed
    )
    n = args.batch_rows
    parts = [pool.iloc[i * n : (i + 1) * n] for i in range(4)]
    small = pool.iloc[4 * n : 4 * n + n // 5]

    config = TrackingConfig(
        tracking_uri=sqlite_uri(ws / "mlflow"),
        artifact_location=(ws / "mlflow" / "artifacts").as_uri(),
        experiment="retrain-simulation",
        registered_model="sentiment-classifier",
    )
    registry = Registry(config)

    # the model at launch: the challenger family on the launch rows
    launch = train_challenger(
        list(reference["tokens"]), reference["label"].to_numpy(int), params["challenger"],
        preprocess_config, seed, data_hash="launch",
    )  # fmt: skip
    launch_folder = launch.save(ws / "launch_model" / launch.model_id)
    embedder = DocumentEmbedder.load(ROOT / "data/04_feature/embeddings/word2vec/embedder")
    inputs = CycleInputs(
        reference=reference,
        holdout=holdout,
        first_champion=lambda: launch_folder,
        embedder=embedder,
    )

    malformed = parts[3].iloc[:500].copy()
    malformed.iloc[:3, malformed.columns.get_loc("text")] = ""
    malformed.iloc[3:5, malformed.columns.get_loc("label")] = 5
    flipped = parts[3].iloc[500:].copy()
    flipped["label"] = 1 - flipped["label"]
    has_word = parts[2]["text"].map(_first_sentence).str.contains(r"[^\W\d_]", regex=True)
    worded = parts[2][has_word]
    steps = [
        ("b1_clean", parts[0].iloc[:300], None, False),
        ("b2_stripped", parts[1], _strip, False),
        ("b3_truncated", worded, _first_sentence, False),
        ("b4_mislabelled_scheduled", flipped, None, True),
        ("b5_malformed", malformed, None, False),
        ("b6_clean", small, None, False),
        ("b7_tiny", pool.iloc[-5:], None, False),
    ]
    print(
        f"launch model: {launch.model_id} on {len(reference)} fit reviews; holdout "
        f"{len(holdout)} test reviews; batches of {n} (b4: {len(flipped)}, b6: {len(small)})"
    )
    rows = []
    with pipeline_lock("retrain", ws):
        for name, part, edit, scheduled in steps:
            _write_batch(incoming, name, part, edit)
            params["trigger"] = {"on_drift": True, "scheduled": scheduled, "force": False}
            t0 = time.perf_counter()
            decision = run_cycle(registry, inputs, params, preprocess_config, seed, drift_params)
            champion = registry.alias(CHAMPION)
            accuracy = holdout_scores(registry.load(CHAMPION), holdout)["accuracy"]
            rows.append(
                {
                    "batch": name,
                    "outcome": decision["outcome"],
                    "trigger": decision["trigger"],
                    "drift": decision["drift"]["drift_detected"],
                    "drift_reason": decision["drift"].get("reason"),
                    "champion_version": champion.version,
                    "champion_holdout_accuracy": accuracy,
                    "seconds": round(time.perf_counter() - t0, 1),
                }
            )
            print(json.dumps(rows[-1]))

    print("\ndecision log (" + params["decision_log"] + "):")
    for d in read_decisions(params["decision_log"]):
        short = {
            k: d.get(k)
            for k in ("outcome", "reason", "trigger", "batches", "quarantined",
                      "champion_before", "challenger_version", "champion_version",
                      "champion", "challenger", "train_rows")
        }  # fmt: skip
        short["drift"] = {
            "detected": d["drift"]["drift_detected"],
            "share": d["drift"].get("drifted_share"),
            "drifted": [k for k, v in d["drift"].get("signals", {}).items() if v["drifted"]],
        }
        print(json.dumps(short))
    outcomes = [r["outcome"] for r in rows]
    print(f"\noutcomes: {outcomes}; wall {time.perf_counter() - started:.0f} s")
    print(f"mlflow ui --backend-store-uri {config.tracking_uri} --host 127.0.0.1")
    accuracies = np.array([r["champion_holdout_accuracy"] for r in rows])
    print(f"champion holdout accuracy per batch: {accuracies.round(4).tolist()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
