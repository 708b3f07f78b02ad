"""Length-aware routing of an ensemble (issue 26): short inputs go to one route model.

An input of at most ``max_words`` whitespace-separated words is predicted by the route model
alone; a longer one by the combined members (each input through one path only, never both).
``max_words = 0`` switches routing off.

The choices are made on ``val`` with models trained on ``fit`` only (DESIGN.md "Who sees
what"): :func:`fit_only` gives such a copy of a final model (a classical head refit on ``fit``
rows; a deep model, never refit, as it is). :func:`choose_route` picks the route model by its
accuracy on the first sentences of the val reviews, then ``max_words`` from a grid: the best
val first-sentence accuracy of the routed ensemble whose whole-review val accuracy falls by at
most ``max_drop`` (ties go to the smaller ``max_words``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlops_pipeline.models.base import CARD_FILE, TextModel
from mlops_pipeline.models.discovery import load_model


@dataclass(frozen=True)
class ShortRoute:
    """Inputs of at most ``max_words`` words go to ``model_id`` (0 = routing off)."""

    model_id: str
    max_words: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ShortRoute:
        return cls(str(data["model_id"]), int(data["max_words"]))


def word_counts(texts: Sequence[str]) -> np.ndarray:
    """Whitespace-separated words of each raw text (what the route threshold counts)."""
    return np.fromiter((len(str(t).split()) for t in texts), dtype=np.int64, count=len(texts))


def routed(main: np.ndarray, route: np.ndarray, words: np.ndarray, max_words: int) -> np.ndarray:
    """``route`` where ``words <= max_words``, else ``main`` (P(positive) arrays)."""
    return np.where(np.asarray(words) <= max_words, route, main) if max_words > 0 else main


def _is_classical(model: TextModel) -> bool:
    """A :class:`~mlops_pipeline.models.classical.ClassicalTextModel` (a head over a bundled
    representation), told by its interface so this module does not import the family."""
    return all(hasattr(model, a) for a in ("fit_matrix", "transform_tokens", "estimator_family"))


def fit_only(model: TextModel, tokens: Sequence[Sequence[str]], labels: np.ndarray) -> TextModel:
    """A copy of ``model`` trained on the ``fit`` rows only (``tokens``/``labels``).

    Classical models refit on fit + val get their head refit on ``fit`` with the same
    representation and parameters (what the training stage scored on val); a model that was
    never refit (``refit_on_fit_val`` false: LSTM, BERT) is returned as it is.
    """
    extra = model.card.extra if model.card is not None else {}
    if extra.get("refit_on_fit_val") is False:
        return model
    if not _is_classical(model):
        raise ValueError(f"{model.model_id}: no fit-only copy for a {type(model).__name__}")
    copy = type(model)(
        model.preprocess_config, model.representation, model.estimator_family, model.params,
        model_id=model.model_id, features=model.features, seed=model.seed,
    )  # fmt: skip
    return copy.fit_matrix(model.transform_tokens(list(tokens)), np.asarray(labels, dtype=int))


def _accuracy(y: np.ndarray, proba: np.ndarray) -> float:
    return round(float(np.mean((np.asarray(proba) >= 0.5).astype(int) == y)), 5)


def choose_route(
    y: np.ndarray,
    whole: Mapping[str, np.ndarray],
    short: Mapping[str, np.ndarray],
    words: Mapping[str, np.ndarray],
    grid: Sequence[int],
    max_drop: float,
) -> dict[str, Any]:
    """The route model and ``max_words`` chosen on val.

    ``whole`` and ``short`` map ``"ensemble"`` and every route candidate to P(positive) on the
    val reviews and on their first sentences (same rows, labels ``y``); ``words`` holds the word
    counts of both (keys ``"whole"``, ``"short"``). Returns the chosen route, every candidate's
    one-sentence accuracy and one row per grid point.
    """
    y = np.asarray(y).astype(int)
    candidates = [k for k in short if k != "ensemble"]
    if not candidates:
        raise ValueError("short route: no candidate model")
    accuracy = {k: _accuracy(y, short[k]) for k in candidates}
    best = max(candidates, key=lambda k: (accuracy[k], -candidates.index(k)))
    rows = []
    for max_words in sorted({0, *(int(m) for m in grid)}):
        rows.append(
            {
                "max_words": max_words,
                "val_accuracy": _accuracy(
                    y, routed(whole["ensemble"], whole[best], words["whole"], max_words)
                ),
                "val_one_sentence_accuracy": _accuracy(
                    y, routed(short["ensemble"], short[best], words["short"], max_words)
                ),
                "routed_share_one_sentence": round(
                    float(np.mean(words["short"] <= max_words)) if max_words > 0 else 0.0, 5
                ),
            }
        )
    floor = rows[0]["val_accuracy"] - max_drop
    allowed = [r for r in rows if r["val_accuracy"] >= floor - 1e-12]
    chosen = max(allowed, key=lambda r: (r["val_one_sentence_accuracy"], -r["max_words"]))
    return {
        "model_id": best,
        "max_words": chosen["max_words"],
        "candidates_val_one_sentence_accuracy": accuracy,
        "grid": rows,
        "max_drop": max_drop,
        "chosen": chosen,
        "off": rows[0],
    }


def fit_only_models(
    models: Mapping[str, TextModel], fit_texts: Sequence[str], fit_labels: np.ndarray
) -> dict[str, TextModel]:
    """:func:`fit_only` copies of ``models``; ``fit_texts`` are tokenized once per preprocessing
    config (each model's own preprocessor: the same tokens its training stage used)."""
    tokens: dict[str, list[list[str]]] = {}
    out = {}
    for model_id, model in models.items():
        key = json.dumps(getattr(model, "preprocess_config", None), sort_keys=True, default=str)
        if key not in tokens and _is_classical(model):
            tokens[key] = model.preprocessor.tokens(list(fit_texts))
        out[model_id] = fit_only(model, tokens.get(key, []), fit_labels)
    return out


def route_study(
    members: Mapping[str, TextModel],
    candidates: Mapping[str, TextModel],
    combine: Any,
    data: Mapping[str, Any],
    grid: Sequence[int],
    max_drop: float,
) -> dict[str, Any]:
    """:func:`choose_route` on val with every model trained on ``fit`` only.

    ``data``: ``fit_texts``/``fit_labels`` (to refit classical heads on ``fit``), ``y`` (val
    labels), ``val_texts`` (whole reviews), ``sentences`` (their first sentences) and
    ``whole`` (P(positive) on the val reviews of ``"ensemble"`` and of every candidate, from
    models trained on ``fit``). ``combine`` maps member probabilities ``(n, m)`` (member
    order) to the ensemble's P(positive).
    """
    every = {**members, **candidates}
    copies = fit_only_models(every, data["fit_texts"], np.asarray(data["fit_labels"]))
    sentences = list(data["sentences"])
    short_of = {k: np.asarray(m.predict_proba(sentences))[:, 1] for k, m in copies.items()}
    short = {"ensemble": combine(np.column_stack([short_of[k] for k in members]))}
    short.update({k: short_of[k] for k in candidates})
    words = {"whole": word_counts(data["val_texts"]), "short": word_counts(sentences)}
    whole = {k: np.asarray(data["whole"][k]) for k in ["ensemble", *candidates]}
    return choose_route(np.asarray(data["y"]), whole, short, words, grid, max_drop)


def load_route(
    directory: Path, config: dict[str, Any], members: Mapping[str, TextModel]
) -> tuple[ShortRoute | None, TextModel | None, Path | None]:
    """The short route of ``ensemble.json`` (none in a version 1 folder) and its model."""
    data = config.get("short_route")
    if not data:
        return None, None, None
    route = ShortRoute.from_dict(data)
    if route.model_id in members:
        return route, None, None
    folder = directory / data["folder"]
    if not (folder / CARD_FILE).is_file():
        raise FileNotFoundError(f"{directory}: short route model missing at {data['folder']}")
    return route, load_model(folder), folder
