"""Nodes of ``train_classical``.

Each representation node trains every configured combination that uses it, on the cached
matrices of the features/embeddings stages (no re-vectorizing): a small grid per model is
trained on ``fit`` and scored on ``val`` (:func:`mlops_pipeline.models.classical.select_on_val`,
which never receives test rows), then the val-best is refit on fit + val. The val-best's
scores and probabilities on ``val`` (before the refit) become the card's ``val_metrics`` and the
``train_classical_val_predictions`` table. The saved model bundles the preprocessor config and
the fitted representation, so it answers ``predict_proba`` on raw text.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from tqdm.auto import tqdm

from mlops_pipeline.models.base import hash_arrays, split_run_info
from mlops_pipeline.models.classical import (
    FAMILIES,
    NEEDS_NON_NEGATIVE,
    ClassicalTextModel,
    select_on_val,
)
from mlops_pipeline.text import TextPreprocessor

logger = logging.getLogger(__name__)


def model_id(spec: dict[str, Any]) -> str:
    return spec.get("model_id") or f"{spec['family']}__{spec['features']}"


def combinations(params: dict[str, Any], features: str) -> list[dict[str, Any]]:
    """The configured combinations that use ``features``, with family defaults filled in."""
    out = []
    for spec in params.get("models", []):
        if spec["features"] != features:
            continue
        family = spec["family"]
        if family not in FAMILIES:
            raise ValueError(f"train_classical: unknown family {family!r} in {spec}")
        defaults = params.get("families", {}).get(family, {})
        out.append(
            {
                "model_id": model_id(spec),
                "family": family,
                "features": features,
                "params": {**defaults.get("params", {}), **spec.get("params", {})},
                "grid": spec.get("grid", defaults.get("grid", {})),
            }
        )
    return out


def fold_rows(rows: pd.DataFrame, fold: str, n_rows: int) -> pd.DataFrame:
    """Rows of ``fold`` in matrix row order (``rows``: ``review_id, fold, label, row``)."""
    part = rows[rows["fold"] == fold].sort_values("row")
    if len(part) != n_rows or not np.array_equal(part["row"].to_numpy(), np.arange(n_rows)):
        raise ValueError(f"{fold}: {len(part)} labelled rows for a matrix of {n_rows} rows")
    return part


def fold_labels(rows: pd.DataFrame, fold: str, n_rows: int) -> np.ndarray:
    """Labels of ``fold`` in matrix row order."""
    return fold_rows(rows, fold, n_rows)["label"].astype(int).to_numpy()


def _stack(a: Any, b: Any) -> Any:
    return sp.vstack([a, b], format="csr") if sp.issparse(a) else np.vstack([a, b])


@dataclass(frozen=True)
class _Folds:
    """The fit and val matrices with their labels, and their stack (the refit's data)."""

    x_fit: Any
    y_fit: np.ndarray
    x_val: Any
    y_val: np.ndarray
    val_ids: np.ndarray
    x_train: Any
    y_train: np.ndarray
    data_hash: str


def _folds(x_fit: Any, x_val: Any, rows: pd.DataFrame) -> _Folds:
    y_fit = fold_labels(rows, "fit", x_fit.shape[0])
    val_rows = fold_rows(rows, "val", x_val.shape[0])
    y_val = val_rows["label"].astype(int).to_numpy()
    x_train, y_train = _stack(x_fit, x_val), np.concatenate([y_fit, y_val])
    return _Folds(
        x_fit, y_fit, x_val, y_val, val_rows["review_id"].to_numpy(), x_train, y_train,
        hash_arrays(x_train, y_train),
    )  # fmt: skip


def _fit_one(
    spec: dict[str, Any], folds: _Folds, representation: Any, preprocess_config: dict, seed: int
) -> tuple[ClassicalTextModel, dict[str, Any]]:
    """Choose ``spec``'s hyper-parameters (and n-gram range) on val, refit on fit + val."""
    selection, model_representation, columns = _select_with_ngram_range(
        folds.x_fit, folds.y_fit, folds.x_val, folds.y_val, spec, representation, seed
    )
    x_model = folds.x_train if columns is None else folds.x_train[:, columns]
    model = ClassicalTextModel(
        preprocess_config,
        model_representation,
        spec["family"],
        selection["best_params"],
        model_id=spec["model_id"],
        features=spec["features"],
        seed=seed,
    ).fit_matrix(x_model, folds.y_train, data_hash=folds.data_hash)
    logger.info(
        "train_classical %s: best %s val accuracy %.4f; refit on %d rows in %.1f s",
        spec["model_id"], selection["best_params"], selection["val_accuracy"],
        folds.x_train.shape[0], model.card.train_seconds,
    )  # fmt: skip
    model.card.val_metrics = {
        "accuracy": selection["val_accuracy"],
        "roc_auc": selection["val_roc_auc"],
        "rows": selection["val_rows"],
    }
    model.card.extra["selection"] = {
        "fit_rows": selection["fit_rows"],
        "candidates": selection["candidates"],
        "refit": "fit+val",
    }
    return model, {
        **selection,
        "n_features": int(x_model.shape[1]),
        "val_review_id": folds.val_ids,
        "family": spec["family"],
        "features": spec["features"],
        "refit_seconds": model.card.train_seconds,
        "train_rows": model.card.train_rows,
    }


def train_representation(
    x_fit: Any,
    x_val: Any,
    rows: pd.DataFrame,
    representation: Any,
    preprocess_params: dict[str, Any],
    params: dict[str, Any],
    seed: int,
    features: str,
    pooling: str | None = None,
) -> tuple[dict[str, ClassicalTextModel], dict[str, Any]]:
    """Select on val and refit on fit + val every combination configured for ``features``.

    Returns ``{model_id: model}`` and ``{model_id: selection report}``; each report carries
    the val-best's ``val_proba`` (model trained on ``fit``) for the val predictions table.
    """
    specs = combinations(params, features)
    if not specs:
        return {}, {}
    if pooling is not None:  # one embedder serves both poolings; the model keeps its own
        representation = copy.copy(representation)
        representation.pooling = pooling
    preprocess_config = TextPreprocessor(preprocess_params).to_config()
    folds = _folds(x_fit, x_val, rows)
    models, report = {}, {}
    for spec in tqdm(specs, desc=f"train_classical {features}", unit="model"):
        if spec["family"] in NEEDS_NON_NEGATIVE and not sp.issparse(x_fit):
            raise ValueError(f"{spec['model_id']}: {spec['family']} needs count/tf-idf features")
        models[spec["model_id"]], report[spec["model_id"]] = _fit_one(
            spec, folds, representation, preprocess_config, seed
        )
    return models, report


def _select_with_ngram_range(
    x_fit: Any, y_fit: np.ndarray, x_val: Any, y_val: np.ndarray, spec: dict[str, Any],
    representation: Any, seed: int,
) -> tuple[dict[str, Any], Any, np.ndarray | None]:  # fmt: skip
    """:func:`select_on_val`, with ``ngram_range`` in the grid chosen on ``val`` too.

    Each ``[lo, hi]`` of ``grid.ngram_range`` is a column subset of the cached matrix (the
    n-gram orders ``lo`` to ``hi`` of an unnormalised vectorizer), so no re-vectorizing is
    needed. Returns the selection (candidates carry their ``ngram_range``; ties go to the
    earlier range), the representation the model bundles (restricted to the chosen range) and
    the chosen columns (``None``: all).
    """
    grid = dict(spec["grid"] or {})
    ranges = grid.pop("ngram_range", None)
    if not ranges:
        selection = select_on_val(
            x_fit, y_fit, x_val, y_val, spec["family"], spec["params"], grid, seed,
            label=spec["model_id"],
        )  # fmt: skip
        return selection, representation, None
    best: tuple[dict[str, Any], Any, np.ndarray] | None = None
    candidates = []
    for ngram_range in ranges:
        restricted, columns = representation.restrict_ngrams(ngram_range)
        label = f"{spec['model_id']} ngram_range={list(ngram_range)}"
        selection = select_on_val(
            x_fit[:, columns], y_fit, x_val[:, columns], y_val, spec["family"], spec["params"],
            grid, seed, label=label,
        )  # fmt: skip
        logger.info("%s: %d features", label, len(columns))
        for candidate in selection["candidates"]:
            candidate["ngram_range"] = [int(n) for n in ngram_range]
            candidate["n_features"] = len(columns)
        candidates.extend(selection["candidates"])
        selection["ngram_range"] = [int(n) for n in ngram_range]
        if best is None or selection["val_accuracy"] > best[0]["val_accuracy"]:
            best = (selection, restricted, columns)
    assert best is not None
    best[0]["candidates"] = candidates
    return best


def make_trainer(features: str, pooling: str | None = None) -> Callable[..., Any]:
    """A node function bound to one representation (Kedro shows its name in the graph)."""

    def trainer(x_fit, x_val, rows, representation, preprocess_params, params, seed):
        return train_representation(
            x_fit, x_val, rows, representation, preprocess_params, params, seed, features, pooling
        )

    trainer.__name__ = trainer.__qualname__ = f"train_{features}"
    return trainer


def collect_models(
    *parts: Any,
) -> tuple[dict[str, ClassicalTextModel], dict[str, Any], dict[str, Any]]:
    """Merge the per-representation outputs ``(models, report, models, report, ...)``.

    Returns every model (saved by the models dataset), the full selection report (every
    candidate's val score and fit time) and the reports keyed by model id for the next nodes.
    """
    models: dict[str, ClassicalTextModel] = {}
    reports: dict[str, Any] = {}
    for part_models, part_report in zip(parts[::2], parts[1::2], strict=True):
        models.update(part_models)
        reports.update(part_report)
    if not models:
        raise ValueError(
            "train_classical: no combination configured (train_classical.models is empty)"
        )
    details = {
        mid: {
            "family": r["family"],
            "features": r["features"],
            "best_params": r["best_params"],
            **({"ngram_range": r["ngram_range"]} if "ngram_range" in r else {}),
            "n_features": r.get("n_features"),
            "val_accuracy": r["val_accuracy"],
            "val_roc_auc": r["val_roc_auc"],
            "train_rows": r["train_rows"],
            "candidates": r["candidates"],
        }
        for mid, r in sorted(reports.items())
    }
    # selection.json is a DVC out: wall times (fit/refit seconds) stay in the cards' run_info
    details, _ = split_run_info(details)
    return models, details, reports


def classical_metrics(reports: dict[str, Any]) -> dict[str, Any]:
    """``metrics.json``: val accuracy and ROC-AUC of each selected model (stable keys)."""
    return {
        mid: {"val_accuracy": r["val_accuracy"], "val_roc_auc": r["val_roc_auc"]}
        for mid, r in sorted(reports.items())
    }


def val_predictions(reports: dict[str, Any]) -> pd.DataFrame:
    """``review_id, model_id, proba`` on ``val`` of each val-best model trained on ``fit``."""
    frames = [
        pd.DataFrame({"review_id": r["val_review_id"], "model_id": mid, "proba": r["val_proba"]})
        for mid, r in sorted(reports.items())
    ]
    return pd.concat(frames, ignore_index=True)
