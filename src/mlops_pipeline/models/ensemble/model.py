"""``EnsembleTextModel``: copies of member models + a combiner of their probabilities.

Folder layout written by :meth:`EnsembleTextModel.save` (self-contained: the registered
artifact loads alone)::

    model_card.json          the card: members, weights, cross-fitted val_metrics
    ensemble.json            member ids (column order of the weights) and the combiner
    members/<model_id>/      each member's folder, copied byte for byte as its pipeline saved it
    route/<model_id>/        the short-text route model's folder when it is not a member

With a short route (:mod:`.routing`), inputs of at most ``max_words`` words are predicted by
the route model alone and longer ones by the combined members: each input takes one path.

Members load through the allow-listed :func:`mlops_pipeline.models.discovery.load_model`
(safe formats only); a missing member folder is an error naming it. ``predict_proba`` on raw
text runs the project's preprocessing ONCE per call for every member that shares its config
(``text_light`` and ``tokens`` columns), then each member's ``predict_proba_prepared``.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.atomic_io import atomic_directory
from mlops_pipeline.models.base import (
    CARD_FILE,
    ModelCard,
    TextModel,
    hash_arrays,
    hash_params,
    read_card,
    shared_preprocessor,
    write_card,
)
from mlops_pipeline.models.discovery import load_model

from .combiner import Combiner, fit_combiner
from .routing import ShortRoute, load_route, word_counts

INTERFACE = "mlops_pipeline.models.ensemble:EnsembleTextModel"
CONFIG_FILE = "ensemble.json"
MEMBERS_DIR = "members"
ROUTE_DIR = "route"
FORMAT_VERSION = 1
ROUTED_FORMAT_VERSION = 2  # ensemble.json with a short route (version 1 readers would ignore it)


def _config_key(config: Any) -> str | None:
    return None if config is None else json.dumps(config, sort_keys=True)


class EnsembleTextModel(TextModel):
    """A combiner over fitted member models (each a :class:`TextModel`).

    Args:
        members: ``{model_id: model}`` in the combiner's column order.
        combiner: the fitted :class:`.combiner.Combiner` (one weight per member), or ``None``
            until :meth:`fit`.
        model_id: folder / leaderboard name.
        member_folders: ``{model_id: folder}`` the members were loaded from; :meth:`save`
            copies these folders byte for byte (members without one are saved afresh).
        kind: the combiner kind :meth:`fit` uses.
        short_route: inputs of at most ``short_route.max_words`` words go to the route model.
        route_model: the route model when it is not a member (a member is routed to as is).
        route_folder: the folder ``route_model`` was loaded from (copied by :meth:`save`).
    """

    family = "ensemble"

    def __init__(
        self,
        members: Mapping[str, TextModel],
        combiner: Combiner | None = None,
        model_id: str = "ensemble",
        member_folders: Mapping[str, str | Path] | None = None,
        kind: str = "logit_mean",
        short_route: ShortRoute | None = None,
        route_model: TextModel | None = None,
        route_folder: str | Path | None = None,
    ) -> None:
        if not members:
            raise ValueError("an ensemble needs at least one member")
        if combiner is not None and len(combiner.weights) != len(members):
            raise ValueError(f"{len(combiner.weights)} weights for {len(members)} members")
        self.members = dict(members)
        self.combiner = combiner
        self.kind = combiner.kind if combiner is not None else kind
        self._model_id = model_id
        self.member_folders = {k: Path(v) for k, v in (member_folders or {}).items()}
        self.card = None
        self.short_route = short_route if short_route and short_route.max_words > 0 else None
        self.route_model = None if self.short_route is None else route_model
        self.route_folder = None if route_folder is None else Path(route_folder)
        route_id = self.short_route.model_id if self.short_route else None
        if (
            route_id not in (None, *self.members)
            and getattr(route_model, "model_id", 0) != route_id
        ):
            raise ValueError(f"short route {route_id!r}: model not given")
        configs = {_config_key(getattr(m, "preprocess_config", None)) for m in members.values()}
        configs.discard(None)
        # The preprocessing computed once per call: the config every member that has one shares.
        self.preprocess_config = json.loads(configs.pop()) if len(configs) == 1 else None

    @property
    def member_ids(self) -> list[str]:
        return list(self.members)

    # -- inference -------------------------------------------------------------------------
    def prepare(self, texts: Sequence[str]) -> pd.DataFrame:
        """``text`` plus, when the members share a preprocessing config, ``text_light`` and
        ``tokens`` computed once (what every member's ``predict_proba_prepared`` reads)."""
        frame = pd.DataFrame({"text": list(texts)})
        if self.preprocess_config is not None and len(frame):
            light, tokens = shared_preprocessor(self.preprocess_config).light_and_tokens(
                frame["text"].tolist()
            )
            frame["text_light"], frame["tokens"] = light, tokens
        return frame

    def member_probas_prepared(
        self, frame: pd.DataFrame, cache: dict[str, Any] | None = None
    ) -> np.ndarray:
        """Each member's P(positive), shape ``(n, m)`` in member order."""
        cache = {} if cache is None else cache
        shared = _config_key(self.preprocess_config)
        raw_only = frame[["text"]]
        columns = []
        for member in self.members.values():
            own = _config_key(getattr(member, "preprocess_config", None))
            # a member with another preprocessing config must not read these columns
            part = frame if own in (None, shared) else raw_only
            columns.append(np.asarray(member.predict_proba_prepared(part, cache))[:, 1])
        return np.column_stack(columns) if columns else np.zeros((len(frame), 0))

    @property
    def routed_model(self) -> TextModel | None:
        """The model short inputs go to (``None``: no route)."""
        if self.short_route is None:
            return None
        return self.members.get(self.short_route.model_id, self.route_model)

    def _route_proba(self, frame: pd.DataFrame, cache: dict[str, Any]) -> np.ndarray:
        model = self.routed_model
        own = _config_key(getattr(model, "preprocess_config", None))
        part = frame if own in (None, _config_key(self.preprocess_config)) else frame[["text"]]
        return np.asarray(model.predict_proba_prepared(part, cache))[:, 1]

    def _predict(self, frame: pd.DataFrame, cache: dict[str, Any] | None) -> np.ndarray:
        """Short inputs through the route model, the rest through the combined members.

        A subset of rows never touches the caller's ``cache`` (shared by other models of a
        batch, keyed by representation: a subset's matrix must not be reused for all rows)."""
        if self.short_route is None or frame.empty:
            return self._combine(self.member_probas_prepared(frame, cache))
        short = word_counts(frame["text"].tolist()) <= self.short_route.max_words
        if not short.any():
            return self._combine(self.member_probas_prepared(frame, cache))
        p1 = np.empty(len(frame), dtype=np.float64)
        p1[short] = self._route_proba(frame.loc[short].reset_index(drop=True), {})
        if (~short).any():
            rest = frame.loc[~short].reset_index(drop=True)
            p1[~short] = self._combine(self.member_probas_prepared(rest, {}))[:, 1]
        return np.column_stack([1.0 - p1, p1])

    def _combine(self, probas: np.ndarray) -> np.ndarray:
        if self.combiner is None:
            raise RuntimeError(f"{self.model_id} is not fitted")
        p1 = np.clip(self.combiner.predict(probas), 0.0, 1.0)
        return np.column_stack([1.0 - p1, p1])

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self._predict(self.prepare(texts), None)

    def predict_proba_prepared(
        self, frame: pd.DataFrame, cache: dict[str, Any] | None = None
    ) -> np.ndarray:
        """Members read the prepared columns (and share ``cache`` with other models)."""
        if "tokens" not in frame and self.preprocess_config is not None:
            frame = self.prepare(frame["text"].tolist())
        return self._predict(frame, cache)

    # -- training --------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> EnsembleTextModel:
        """Fit the combiner on the members' predictions for ``texts`` (members stay fixed).

        The pipeline fits on the members' validation predictions instead (models trained on
        ``fit``, scored on ``val``): see :meth:`fit_probas`.
        """
        probas = self.member_probas_prepared(self.prepare(texts))
        return self.fit_probas(probas, labels)

    def fit_probas(
        self,
        probas: np.ndarray,
        labels: Sequence[int],
        C: float = 1.0,
        val_metrics: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> EnsembleTextModel:
        """Fit the combiner on member probabilities ``(n, m)`` (member order) and labels."""
        start = time.perf_counter()
        self.combiner = fit_combiner(probas, labels, self.kind, C)
        seconds = time.perf_counter() - start
        weights = dict(zip(self.member_ids, self.combiner.weights, strict=True))
        self.card = ModelCard(
            model_id=self.model_id,
            family=self.family,
            features="+".join(self.member_ids),
            params={"combiner": self.kind, "C": C, "members": self.member_ids, "weights": weights},
            train_rows=int(len(labels)),
            train_seconds=round(float(seconds), 3),
            device=_device(self.members),
            params_hash=hash_params(
                {"combiner": self.combiner.to_dict(), "members": self.member_ids}
            ),
            data_hash=hash_arrays(
                np.ascontiguousarray(probas, dtype=np.float64), np.asarray(labels, dtype=np.int64)
            ),
            interface=INTERFACE,
            val_metrics=dict(val_metrics or {}),
            extra=dict(extra or {}),
        )
        return self

    # -- persistence -----------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        if self.combiner is None or self.card is None:
            raise RuntimeError(f"{self.model_id}: fit before save")
        directory = Path(directory)
        with atomic_directory(directory) as tmp:
            for model_id, member in self.members.items():
                target = tmp / MEMBERS_DIR / model_id
                source = self.member_folders.get(model_id)
                if source is not None and (source / CARD_FILE).exists():
                    shutil.copytree(source, target)
                else:
                    member.save(target)
            config = {
                "format_version": FORMAT_VERSION,
                "model_id": self.model_id,
                "members": self.member_ids,
                "combiner": self.combiner.to_dict(),
            }
            if self.short_route is not None:
                config["format_version"] = ROUTED_FORMAT_VERSION
                config["short_route"] = self._save_route(tmp)
            (tmp / CONFIG_FILE).write_text(json.dumps(config, indent=2))
            self.card.extra = {
                **self.card.extra,
                "members": [
                    {
                        "model_id": model_id,
                        "family": (member.card.family if member.card else None),
                        "weight": weight,
                        "train_rows": (member.card.train_rows if member.card else None),
                        "val_accuracy": (
                            (member.card.val_metrics or {}).get("accuracy") if member.card else None
                        ),
                    }
                    for (model_id, member), weight in zip(
                        self.members.items(), self.combiner.weights, strict=True
                    )
                ],
                "members_train_seconds": round(
                    sum(float(m.card.train_seconds) for m in self.members.values() if m.card), 3
                ),
            }
            write_card(tmp, self.card)
        self.member_folders = {mid: directory / MEMBERS_DIR / mid for mid in self.members}
        if self.short_route is not None and self.short_route.model_id not in self.members:
            self.route_folder = directory / ROUTE_DIR / self.short_route.model_id
        return directory

    def _save_route(self, tmp: Path) -> dict[str, Any]:
        """Copy (or save) the route model's folder unless it is a member; its config entry."""
        route = self.short_route
        folder = f"{MEMBERS_DIR}/{route.model_id}"
        if route.model_id not in self.members:
            folder = f"{ROUTE_DIR}/{route.model_id}"
            source = self.route_folder
            if source is not None and (source / CARD_FILE).exists():
                shutil.copytree(source, tmp / folder)
            else:
                self.route_model.save(tmp / folder)
        return {**route.to_dict(), "folder": folder}

    @classmethod
    def load(cls, directory: str | Path) -> EnsembleTextModel:
        """Load a folder written by :meth:`save`; every member folder must be inside it."""
        directory = Path(directory)
        card = read_card(directory)
        if card.interface != INTERFACE:
            raise ValueError(f"{directory} holds a {card.interface!r} model, not {INTERFACE!r}")
        config = json.loads((directory / CONFIG_FILE).read_text())
        if config.get("format_version") not in (FORMAT_VERSION, ROUTED_FORMAT_VERSION):
            raise ValueError(f"unsupported ensemble format in {directory}: {config!r}")
        members, folders = {}, {}
        for model_id in config["members"]:
            folder = directory / MEMBERS_DIR / model_id
            if not (folder / CARD_FILE).is_file():
                raise FileNotFoundError(
                    f"{directory}: member {model_id!r} is missing (expected "
                    f"{MEMBERS_DIR}/{model_id}/{CARD_FILE}); retrain with "
                    f"`kedro run --pipelines train_ensemble`"
                )
            members[model_id] = load_model(folder)
            folders[model_id] = folder
        route, route_model, route_folder = load_route(directory, config, members)
        model = cls(
            members,
            Combiner.from_dict(config["combiner"]),
            model_id=config["model_id"],
            member_folders=folders,
            short_route=route,
            route_model=route_model,
            route_folder=route_folder,
        )
        model.card = card
        return model


def _device(members: Mapping[str, TextModel]) -> str:
    devices = sorted({m.card.device for m in members.values() if m.card is not None})
    return "+".join(devices) or "cpu"
