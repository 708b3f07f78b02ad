"""A synthetic ``reviews_preprocessed`` table (the ``preprocess`` output contract) for tests."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from kedro.io import DataCatalog
from kedro.runner import SequentialRunner

PROJECT_ROOT = Path(__file__).resolve().parents[1]

POSITIVE = ["great", "excellent", "wonderful", "brilliant", "good", "love", "!"]
NEGATIVE = ["awful", "bad", "boring", "terrible", "waste", "dull", "?"]
FILLER = ["the", "movie", "film", "plot", "actor", "story", "a", "be", "and", "of", "this"]
TEST_ONLY = "zzztestonly"


def synthetic_reviews(n_per_fold: int = 30, seed: int = 0) -> pd.DataFrame:
    """fit / val / test / unsup rows; positives use POSITIVE words, negatives NEGATIVE ones and
    "not good"; every test review contains ``TEST_ONLY``, a token no other fold has."""
    rng = np.random.default_rng(seed)
    rows = []
    for fold in ("fit", "val", "test", "unsup"):
        for i in range(n_per_fold):
            label = None if fold == "unsup" else i % 2
            sentiment = POSITIVE if (label == 1 or (label is None and i % 2)) else NEGATIVE
            tokens = list(rng.choice(FILLER, 12)) + list(rng.choice(sentiment, 4))
            if sentiment is NEGATIVE:
                tokens += ["not", "good"]
            if fold == "test":
                tokens.append(TEST_ONLY)
            rng.shuffle(tokens)
            rows.append(
                {
                    "review_id": f"{fold}_{i}",
                    "split": {"fit": "train", "val": "train"}.get(fold, fold),
                    "fold": fold,
                    "label": label,
                    "text_light": " ".join(tokens),
                    "tokens": [str(t) for t in tokens],
                }
            )
    frame = pd.DataFrame(rows)
    frame["label"] = frame["label"].astype("Int8")
    return frame


def run_pipeline_on_tmp_catalog(
    pipeline_name: str, tmp_path: Path, reviews: pd.DataFrame, env: str = "test"
) -> DataCatalog:
    """Run ``pipeline_name`` with its real catalog file, every path moved under ``tmp_path``,
    and the parameters of ``conf/<env>`` (falling back to ``conf/base``); return the catalog."""
    conf = PROJECT_ROOT / "conf"
    config = yaml.safe_load((conf / "base" / f"catalog_{pipeline_name}.yml").read_text())
    for entry in config.values():
        for key in ("filepath", "path"):
            if key in entry:
                entry[key] = str(tmp_path / entry[key])
    catalog = DataCatalog.from_config(config)
    catalog["reviews_preprocessed"] = reviews
    params_file = conf / env / f"parameters_{pipeline_name}.yml"
    if not params_file.exists():
        params_file = conf / "base" / f"parameters_{pipeline_name}.yml"
    params = yaml.safe_load(params_file.read_text())[pipeline_name]
    catalog["params:common.seed"] = 42
    _add_params(catalog, f"params:{pipeline_name}", params)
    module = importlib.import_module(f"mlops_pipeline.pipelines.{pipeline_name}")
    SequentialRunner().run(module.create_pipeline(), catalog)
    return DataCatalog.from_config(config)  # a fresh catalog: everything reloads from disk


def _add_params(catalog: DataCatalog, prefix: str, value: object) -> None:
    catalog[prefix] = value
    if isinstance(value, dict):
        for key, sub in value.items():
            _add_params(catalog, f"{prefix}.{key}", sub)
