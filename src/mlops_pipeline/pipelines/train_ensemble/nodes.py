"""Nodes of ``train_ensemble``.

The combiner is fitted on the members' validation predictions (``<pipeline>_val_predictions``:
models trained on ``fit``, scored on ``val``), on the ``val`` rows every candidate predicted;
the first node keeps the ``val`` rows of the reviews table and nothing else, so no test label
or text can reach a later node. Members are chosen greedily on a cross-fitted score; the
ensemble's own ``val_metrics`` come from nested cross-fitting (selection and combiner fitted
on the other folds, each fold predicted once), never from the rows it was fitted on. The final
combiner (fitted on all those rows) is applied to the final member models.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.evaluation.short_texts import first_sentences
from mlops_pipeline.models.base import shared_preprocessor
from mlops_pipeline.models.discovery import ModelHandle
from mlops_pipeline.models.ensemble import (
    EnsembleTextModel,
    ShortRoute,
    cross_fit,
    fit_combiner,
    route_study,
    routed,
    scores,
    select_members,
    word_counts,
)

logger = logging.getLogger(__name__)

KEYS = ("review_id", "label", "movie_id")


def val_labels(reviews: pd.DataFrame) -> pd.DataFrame:
    """``review_id, label, movie_id`` of the ``val`` rows only (the only rows used later)."""
    val = reviews.loc[reviews["fold"] == "val", list(KEYS)].copy()
    if val.empty:
        raise ValueError("train_ensemble: the reviews table has no `val` rows; rerun ingest")
    val["label"] = val["label"].astype(int)
    logger.info("train_ensemble: %d val reviews", len(val))
    return val.sort_values("review_id", kind="stable").reset_index(drop=True)


def train_texts(reviews: pd.DataFrame) -> pd.DataFrame:
    """``review_id, fold, label, text`` of the ``fit`` and ``val`` rows only (the short-text
    route is chosen on val with models trained on fit; no test row reaches a later node)."""
    rows = reviews.loc[reviews["fold"].isin(["fit", "val"]), ["review_id", "fold", "label", "text"]]
    rows = rows.assign(label=rows["label"].astype(int))
    return rows.sort_values("review_id", kind="stable").reset_index(drop=True)


def candidate_table(
    labels: pd.DataFrame, params: dict[str, Any], *val_predictions: pd.DataFrame
) -> pd.DataFrame:
    """One column of P(positive) per candidate model on the ``val`` rows every one predicted.

    Candidates: ``params.candidates`` (null = every model with validation predictions);
    a model that predicted less than ``min_val_coverage`` of the val rows is left out.
    """
    preds = pd.concat(val_predictions, ignore_index=True)
    preds = preds[preds["review_id"].isin(labels["review_id"])]  # val rows only
    wide = preds.pivot(index="review_id", columns="model_id", values="proba")
    wanted = params.get("candidates")
    if wanted is not None:
        missing = sorted(set(wanted) - set(wide.columns))
        if missing:
            raise ValueError(
                f"train_ensemble.candidates: no validation predictions for {missing}; "
                f"available: {sorted(wide.columns)}"
            )
        wide = wide[list(wanted)]
    coverage = wide.notna().mean()
    low = coverage[coverage < params["min_val_coverage"]]
    for model_id, share in low.items():
        logger.info("train_ensemble: %s covers %.1f %% of val: left out", model_id, 100 * share)
    wide = wide.drop(columns=list(low.index)).dropna(axis=0, how="any")
    if wide.shape[1] == 0 or wide.empty:
        raise ValueError("train_ensemble: no candidate covers enough val rows")
    table = labels.merge(wide.reset_index(), on="review_id", how="inner", validate="one_to_one")
    logger.info("train_ensemble: %d candidates on %d val rows", wide.shape[1], len(table))
    return table.sort_values("review_id", kind="stable").reset_index(drop=True)


def _arrays(table: pd.DataFrame) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    names = [c for c in table.columns if c not in KEYS]
    probas = table[names].to_numpy(dtype=np.float64)
    return (
        names,
        probas,
        table["label"].to_numpy(dtype=int),
        table["movie_id"].astype(str).to_numpy(),
    )


def select(table: pd.DataFrame, params: dict[str, Any], seed: int) -> dict[str, Any]:
    """Greedy member selection (cross-fitted), its nested cross-fitted val score, singles."""
    names, probas, y, groups = _arrays(table)
    kind, C, folds = params["combiner"], float(params["C"]), int(params["cv_folds"])
    options = {
        "C": C,
        "max_members": int(params["max_members"]),
        "min_gain": float(params["min_gain"]),
        "metric": params["selection_metric"],
        "n_folds": folds,
    }
    chosen = select_members(probas, y, groups, kind, seed=seed, **options)
    members = [names[j] for j in chosen.members]
    outer_members: list[list[str]] = []

    def procedure(p: np.ndarray, t: np.ndarray, g: np.ndarray | None):
        inner = select_members(p, t, g, kind, seed=seed + 1, **options)
        outer_members.append([names[j] for j in inner.members])
        return lambda q: fit_combiner(p[:, inner.members], t, kind, C).predict(q[:, inner.members])

    oof = cross_fit(probas, y, procedure, groups, folds, seed)
    nested = scores(y, oof)
    singles = {name: scores(y, probas[:, j]) for j, name in enumerate(names)}
    best_single = max(singles, key=lambda n: (singles[n]["accuracy"], -names.index(n)))
    logger.info(
        "train_ensemble: members %s; nested cross-fitted val accuracy %.4f (best single %s %.4f)",
        members, nested["accuracy"], best_single, singles[best_single]["accuracy"],
    )  # fmt: skip
    return {
        "combiner": kind,
        "C": C,
        "members": members,
        "path": [{**step, "added": names[step["added"]]} for step in chosen.path],
        "val_metrics": {**nested, "rows": int(len(y))},
        "outer_fold_members": outer_members,
        "singles": singles,
        "best_single": {"model_id": best_single, **singles[best_single]},
        "val_review_id": table["review_id"].tolist(),
        "val_proba": oof.tolist(),
    }


def _chosen_members(
    selection: dict[str, Any], model_sets: tuple[Mapping[str, ModelHandle], ...]
) -> dict[str, ModelHandle]:
    """The handles of the selected members, from every training stage's model folders."""
    handles: dict[str, ModelHandle] = {}
    for model_set in model_sets:
        handles.update(model_set)
    missing = [m for m in selection["members"] if m not in handles]
    if missing:
        raise ValueError(f"train_ensemble: members {missing} have no model folder")
    return {m: handles[m] for m in selection["members"]}


def build_ensemble(
    table: pd.DataFrame,
    selection: dict[str, Any],
    params: dict[str, Any],
    *model_sets: Mapping[str, ModelHandle],
) -> tuple[dict[str, EnsembleTextModel], dict[str, Any]]:
    """Load the chosen members (final models), fit the combiner on all the val rows; return
    the ensemble and ``selection.json`` (candidates' val scores, greedy path, weights)."""
    chosen = _chosen_members(selection, model_sets)
    ensemble = EnsembleTextModel(
        {m: handle.load() for m, handle in chosen.items()},
        model_id=params["model_id"],
        member_folders={m: handle.folder for m, handle in chosen.items()},
        kind=selection["combiner"],
        **_route_arguments(selection.get("short_route"), chosen, model_sets),
    )
    ensemble.fit_probas(
        table[selection["members"]].to_numpy(dtype=np.float64),
        table["label"].to_numpy(dtype=int),
        C=selection["C"],
        val_metrics=selection["val_metrics"],
        extra={
            "val_metrics_from": "nested cross-fitting on val (selection + combiner per fold)",
            "selection_path": selection["path"],
            "best_single": selection["best_single"],
            "short_route": selection.get("short_route"),
            "train_median_words": selection.get("fit_median_words"),
            **_unrouted(selection),
        },
    )
    weights = ensemble.card.params["weights"]
    logger.info("train_ensemble: %s weights %s", params["model_id"], weights)
    details = {
        "model_id": params["model_id"],
        "combiner": selection["combiner"],
        "weights": weights,
        "intercept": ensemble.combiner.intercept,
        "val_metrics": selection["val_metrics"],
        "path": selection["path"],
        "outer_fold_members": selection["outer_fold_members"],
        "candidates": selection["singles"],
        "short_route": selection.get("short_route"),
        **_unrouted(selection),
    }
    return {params["model_id"]: ensemble}, details


def _unrouted(selection: dict[str, Any]) -> dict[str, Any]:
    """The nested cross-fitted val scores before routing, when a route changed them."""
    if "val_metrics_unrouted" not in selection:
        return {}
    return {
        "val_metrics_unrouted": selection["val_metrics_unrouted"],
        "val_metrics_routing": "inputs of at most short_route.max_words words: the route "
        "model's val predictions (trained on fit); max_words chosen on these val rows",
    }


def _route_arguments(
    route: dict[str, Any] | None,
    chosen: Mapping[str, ModelHandle],
    model_sets: tuple[Mapping[str, ModelHandle], ...],
) -> dict[str, Any]:
    """``EnsembleTextModel`` keywords of the chosen short route (the final route model; a
    member is routed to as it is, another model's folder is copied into the ensemble)."""
    if not route or int(route["max_words"]) <= 0:
        return {}
    arguments: dict[str, Any] = {"short_route": ShortRoute.from_dict(route)}
    if route["model_id"] not in chosen:
        handle = _handles(model_sets)[route["model_id"]]
        arguments.update(route_model=handle.load(), route_folder=handle.folder)
    return arguments


def ensemble_metrics(selection: dict[str, Any]) -> dict[str, Any]:
    """``metrics.json``: the ensemble's val scores (nested cross-fitted; routed when a short
    route is on), its member count and, with a route, its val one-sentence accuracy."""
    m = selection["val_metrics"]
    route = selection.get("short_route")
    metrics = {
        "val_accuracy": m["accuracy"],
        "val_roc_auc": m["roc_auc"],
        "val_rows": m["rows"],
        "members": len(selection["members"]),
        "best_single_val_accuracy": selection["best_single"]["accuracy"],
    }
    if route:  # the served ensemble's val one-sentence accuracy (routed) and the route's words
        metrics["val_one_sentence_accuracy"] = route["chosen"]["val_one_sentence_accuracy"]
        metrics["short_route_max_words"] = route["max_words"]
    return metrics


def val_predictions(selection: dict[str, Any], params: dict[str, Any]) -> pd.DataFrame:
    """``review_id, model_id, proba``: the nested cross-fitted (out-of-fold) val predictions."""
    return pd.DataFrame(
        {
            "review_id": selection["val_review_id"],
            "model_id": params["model_id"],
            "proba": selection["val_proba"],
        }
    )


def _handles(model_sets: tuple[Mapping[str, ModelHandle], ...]) -> dict[str, ModelHandle]:
    return {k: v for model_set in model_sets for k, v in model_set.items()}


def _route_data(
    texts: pd.DataFrame, table: pd.DataFrame, selection: dict[str, Any], members: dict, wanted: list
) -> dict[str, Any]:
    """What :func:`route_study` reads: fit rows, val labels, whole val reviews and their first
    sentences (``text_light`` by the members' preprocessing, as evaluate builds them)."""
    by_id = texts.set_index("review_id")
    fit, val_texts = by_id[by_id["fold"] == "fit"], by_id.loc[table["review_id"], "text"].tolist()
    light = shared_preprocessor(next(iter(members.values())).preprocess_config).light(val_texts)
    whole = {m: table[m].to_numpy(dtype=np.float64) for m in wanted}
    return {
        "fit_texts": fit["text"].tolist(), "fit_labels": fit["label"].to_numpy(dtype=int),
        "y": table["label"].to_numpy(dtype=int), "val_texts": val_texts,
        "sentences": first_sentences(light),
        "whole": {"ensemble": np.asarray(selection["val_proba"], dtype=np.float64), **whole},
    }  # fmt: skip


def route_short_inputs(
    texts: pd.DataFrame,
    table: pd.DataFrame,
    selection: dict[str, Any],
    params: dict[str, Any],
    *model_sets: Mapping[str, ModelHandle],
) -> dict[str, Any]:
    """Choose the short-text route on val (models trained on ``fit``): the selection state
    with ``short_route`` and, when a route is on, the routed ensemble's val scores and
    predictions (the nested cross-fitted ones where inputs are long)."""
    options = params.get("short_route") or {}
    fit_words = word_counts(texts.loc[texts["fold"] == "fit", "text"].tolist())
    median = float(np.median(fit_words)) if len(fit_words) else None
    selection = {**selection, "fit_median_words": median}
    if not options.get("enabled", False):
        return {**selection, "short_route": None}
    handles, wanted = _handles(model_sets), options.get("candidates") or selection["members"]
    missing = [m for m in [*selection["members"], *wanted] if m not in handles or m not in table]
    if missing:
        raise ValueError(f"train_ensemble.short_route: no model or val predictions for {missing}")
    members = {m: handles[m].load() for m in selection["members"]}
    data = _route_data(texts, table, selection, members, wanted)
    member_probas = table[selection["members"]].to_numpy(dtype=np.float64)
    combiner = fit_combiner(member_probas, data["y"], selection["combiner"], selection["C"])
    candidates = {m: members.get(m) or handles[m].load() for m in wanted}
    study = route_study(
        members, candidates, combiner.predict, data,
        options["max_words_grid"], float(options["max_drop"]),
    )  # fmt: skip
    whole, words = data["whole"], word_counts(data["val_texts"])
    proba = routed(whole["ensemble"], whole[study["model_id"]], words, study["max_words"])
    logger.info("train_ensemble: short route %s, max_words %d: %s",
                study["model_id"], study["max_words"], study["chosen"])  # fmt: skip
    return {
        **selection, "short_route": study, "val_proba": proba.tolist(),
        "val_metrics": {**scores(data["y"], proba), "rows": int(len(proba))},
        "val_metrics_unrouted": selection["val_metrics"],
    }  # fmt: skip
