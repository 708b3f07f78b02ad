"""A synthetic ``reviews_preprocessed`` table (the ``preprocess`` output contract) for tests."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pandas as pd
from kedro.config import OmegaConfigLoader
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


def project_config(env: str = "test") -> OmegaConfigLoader:
    """The project's configuration as ``kedro run --env <env>`` sees it (``conf/<env>`` over
    ``conf/base``), loaded by Kedro's own ``OmegaConfigLoader``."""
    return OmegaConfigLoader(
        conf_source=str(PROJECT_ROOT / "conf"), base_env="base", default_run_env=env
    )


def run_pipeline_on_tmp_catalog(
    pipeline_name: str, tmp_path: Path, reviews: pd.DataFrame, env: str = "test"
) -> DataCatalog:
    """Run ``pipeline_name`` on ``reviews`` with the catalog entries and parameters of ``env``,
    every path moved under ``tmp_path`` (``<data_root>/...`` becomes ``tmp_path/data/...``);
    return a fresh catalog that reloads from disk."""
    module = importlib.import_module(f"mlops_pipeline.pipelines.{pipeline_name}")
    pipeline = module.create_pipeline()
    config = project_config(env)
    # every dataset the pipeline uses, resolved through the catalog's factories (patterns)
    resolver = DataCatalog.from_config(config["catalog"]).config_resolver
    entries = {
        name: dict(resolver.resolve_pattern(name))
        for name in sorted(pipeline.datasets())
        if not name.startswith("params:") and name != "reviews_preprocessed"
    }
    data_root = Path(config["globals"]["data_root"])
    for entry in entries.values():
        for key in ("filepath", "path"):
            if key in entry:
                path = Path(entry[key])
                if path.is_relative_to(data_root):
                    path = Path("data") / path.relative_to(data_root)
                entry[key] = str(tmp_path / path)
    catalog = DataCatalog.from_config(entries)
    catalog["reviews_preprocessed"] = reviews
    for name, value in config["parameters"].items():
        _add_params(catalog, f"params:{name}", value)
    SequentialRunner().run(pipeline, catalog)
    return DataCatalog.from_config(entries)


def _add_params(catalog: DataCatalog, prefix: str, value: object) -> None:
    catalog[prefix] = value
    if isinstance(value, dict):
        for key, sub in value.items():
            _add_params(catalog, f"{prefix}.{key}", sub)


#: Files that hold wall times by design (DESIGN.md "Determinism and time").
TIMING_FILES = {"timings.json", "node_timings.json"}


def output_bytes(root: Path) -> dict[str, bytes]:
    """Every file a run wrote under ``root`` (relative path -> bytes), timing files aside."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in TIMING_FILES
    }
