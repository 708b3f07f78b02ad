"""One "host" of tests/cluster/test_lock.py: its own checkout folder and ``MLOPS_HOST_ID``, the
team's MLflow server and lock database (environment). ``argv``: checkout, go-file,
registered model. Waits for the go-file (both hosts start together), then takes the
``retrain`` run lock and runs one retraining cycle against the server, as the ``retrain``
pipeline does under RunLockHook. The winner holds the lock until ``<checkout>/release``
appears; a refused host prints the lock error and exits 3."""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registry"))

from registry_fixtures import PROJECT_ROOT  # noqa: E402
from synthetic_text_models import PREPROCESS, raw_reviews, tokens_of, trained_model  # noqa: E402
from synthetic_tokens import project_config  # noqa: E402

from mlops_pipeline.registry import Registry  # noqa: E402
from mlops_pipeline.registry.intake import frozen_holdout  # noqa: E402
from mlops_pipeline.registry.retraining import CycleInputs, run_cycle  # noqa: E402
from mlops_pipeline.run_lock import RunLockedError, pipeline_lock  # noqa: E402
from mlops_pipeline.tracking.config import load_tracking_config  # noqa: E402

DRIFT = project_config("test")["parameters"]["drift"]


def _inputs(root: Path) -> CycleInputs:
    frame = raw_reviews(240, seed=0)
    frame["tokens"] = tokens_of(frame["text"].tolist())
    reference = frame[frame["fold"] != "test"].reset_index(drop=True)
    holdout = frozen_holdout(frame[frame["fold"] == "test"], 40).reset_index(drop=True)
    model, _ = trained_model("logreg", "tfidf", {"C": 0.01})
    folder = model.save(root / "models" / model.model_id)
    return CycleInputs(reference=reference, holdout=holdout, first_champion=lambda: folder)


def _params(root: Path) -> dict:
    batch = raw_reviews(80, seed=2).rename(columns={"review_id": "id"})
    batch["text"] = [re.sub(r"[^\w\s]", "", t).lower() for t in batch["text"]]  # drifted
    (root / "incoming").mkdir(parents=True, exist_ok=True)
    batch[["id", "text", "label"]].to_csv(root / "incoming" / "b1.csv", index=False)
    return {
        "batches": {k: str(root / k) for k in ("incoming", "accepted", "quarantine")},
        "decision_log": str(root / "reporting" / "decisions.jsonl"),
        "max_chars": 10000,
        "trigger": {"on_drift": True, "scheduled": False, "force": True},
        "drift": {"reference_rows": 60, "report_dir": str(root / "reporting" / "drift")},
        "challenger": {"family": "logreg", "features": "tfidf",
                       "vectorizer": {"ngram_range": [1, 2], "min_df": 1}, "params": {"C": 1.0}},
        "promotion": {"metric": "accuracy", "min_delta": -1.0, "other_metrics": [],
                      "tolerance": 1.0},
        "holdout": {"rows": 20},
    }  # fmt: skip


def main(checkout: str, go: str, name: str) -> int:
    root = Path(checkout)
    base = load_tracking_config(PROJECT_ROOT, "test")
    registry = Registry(type(base)(**{**base.__dict__, "registered_model": name}))
    inputs, params = _inputs(root), _params(root)
    while not Path(go).exists():
        time.sleep(0.05)
    try:
        with pipeline_lock("retrain", root):
            print("lock taken", flush=True)
            decision = run_cycle(registry, inputs, params, PREPROCESS, 0, DRIFT)
            (root / "decision.json").write_text(json.dumps(decision, default=str))
            deadline = time.monotonic() + 120
            while not (root / "release").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
    except RunLockedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
