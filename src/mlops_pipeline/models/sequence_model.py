"""What the two torch sequence models (:mod:`.lstm`, :mod:`.bert`) share, written once.

- :func:`resolve_options`: a stage's defaults overlaid with its parameters, unknown keys refused
- :func:`truncate`: head / tail / head+tail truncation of one review's ids
- :func:`length_grouped_batches` and :func:`sorted_batches`: training and inference batch order
- :func:`val_metrics`: the card's ``{accuracy, roc_auc, rows}`` on ``val``
- :class:`SequenceTextModel`: the :class:`~.base.TextModel` methods both implement alike
  (val metrics on the card, moving to a device, reading a saved folder's card and config)
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from mlops_pipeline.metrics import classification_metrics
from mlops_pipeline.models.base import ModelCard, TextModel, read_card
from mlops_pipeline.torch_runtime import select_device

TRUNCATIONS = ("head", "tail", "head_tail")
CONFIG_FILE = "config.json"


def resolve_options(
    defaults: Mapping[str, Any],
    options: Mapping[str, Any] | None,
    stage: str,
    nested: Collection[str] = (),
) -> dict[str, Any]:
    """A deep copy of ``defaults`` overlaid with ``options``; the ``nested`` keys are merged key
    by key (so ``encoding: {max_length: 128}`` keeps the other encoding defaults), the others
    replaced. An unknown key fails with its full name, e.g. ``train_bert.encoding.maxlen``."""
    resolved = copy.deepcopy(dict(defaults))
    unknown = set(options or {}) - set(resolved)
    if unknown:
        raise ValueError(f"unknown {stage} option(s) {sorted(unknown)}: see parameters_{stage}.yml")
    for key, value in (options or {}).items():
        if key in nested:
            unknown = set(value or {}) - set(resolved[key])
            if unknown:
                raise ValueError(f"unknown {stage}.{key} option(s) {sorted(unknown)}")
            resolved[key].update(value or {})
        else:
            resolved[key] = copy.deepcopy(value)
    return resolved


def truncate(
    ids: np.ndarray, max_length: int, mode: str = "head_tail", head: float = 0.5
) -> np.ndarray:
    """At most ``max_length`` ids: the start (``head``), the end (``tail``), or both.

    ``head_tail`` keeps the first ``round(head * max_length)`` and the last remaining ids:
    reviews often state the verdict in their last sentences (Sun et al. 2019 found head+tail
    truncation best for long IMDb reviews).
    """
    if mode not in TRUNCATIONS:
        raise ValueError(f"truncation must be one of {TRUNCATIONS}, got {mode!r}")
    n = int(max_length)
    if n <= 0:
        raise ValueError("max_length must be positive")
    ids = np.asarray(ids, dtype=np.int64)
    if len(ids) <= n:
        return ids
    if mode == "head":
        return ids[:n]
    if mode == "tail":
        return ids[-n:]
    n_head = min(n, max(0, round(float(head) * n)))
    n_tail = n - n_head
    return np.concatenate([ids[:n_head], ids[len(ids) - n_tail :]]) if n_tail else ids[:n_head]


def length_grouped_batches(
    lengths: np.ndarray, batch_size: int, rng: np.random.Generator, pool_batches: int = 50
) -> list[np.ndarray]:
    """Training batches of similar length in random order: shuffled pools of ``batch_size *
    pool_batches`` rows, each sorted by length and cut into batches; batch order shuffled
    (little padding, still a fresh order every epoch)."""
    order = rng.permutation(len(lengths))
    pool = max(1, int(batch_size) * int(pool_batches))
    batches: list[np.ndarray] = []
    for start in range(0, len(order), pool):
        part = order[start : start + pool]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def sorted_batches(lengths: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """Inference batches over rows sorted by length (least padding), longest first."""
    order = np.argsort(-np.asarray(lengths), kind="stable")
    return [order[i : i + int(batch_size)] for i in range(0, len(order), int(batch_size))]


def val_metrics(labels: Sequence[int], proba: np.ndarray) -> dict[str, Any]:
    """``{accuracy, roc_auc, rows}`` of P(positive) ``proba`` (DESIGN.md val scores), computed by
    the evaluation's :func:`classification_metrics` so val and test agree on definitions."""
    metrics = classification_metrics(labels, proba)
    return {key: metrics[key] for key in ("accuracy", "roc_auc", "rows")}


class SequenceTextModel(TextModel):
    """Base of the torch sequence models: subclasses set ``network``, ``config``, ``device``."""

    network: Any
    config: dict[str, Any]
    device: torch.device
    card: ModelCard | None
    #: The ONNX graph that serves on CPU (card ``extra.runtime``), and its session.
    onnx_model: bytes | None = None
    _ort: Any = None

    def onnx_signature(self) -> tuple[dict[str, torch.Tensor], dict[str, list[int]]]:
        """Example inputs of the network for export and each input's dynamic axes."""
        raise NotImplementedError(f"{type(self).__name__} has no ONNX export")

    def ort_network(self, model: bytes) -> Any:
        """An :class:`~.onnx_runtime.OrtNetwork` over ``model`` for this network's inputs."""
        raise NotImplementedError(f"{type(self).__name__} has no ONNX runtime")

    def use_runtime(self, runtime: dict[str, Any] | None, model: bytes | None) -> None:
        """Serve with ``runtime`` (card ``extra.runtime``; ``None`` or serve ``torch``: torch)."""
        onnx = runtime is not None and runtime.get("serve", "torch") != "torch"
        self.onnx_model = model if onnx else None
        self._ort = self.ort_network(model) if onnx and model is not None else None
        if self.card is not None and runtime is not None:
            self.card.extra["runtime"] = dict(runtime)

    def serving_network(self) -> Any:
        """The ONNX Runtime session on CPU when the card says so, else the torch network."""
        return self._ort if self._ort is not None and self.device.type == "cpu" else self.network

    def record_val_metrics(self, labels: Sequence[int], proba: np.ndarray) -> dict[str, Any]:
        """Score P(positive) on ``val`` (or its subset) and store it as the card's ``val_metrics``."""
        if self.card is None:
            raise RuntimeError(f"{self.model_id}: fit before scoring")
        self.card.val_metrics = val_metrics(labels, proba)
        return self.card.val_metrics

    def cpu_threads(self) -> int | None:
        """The configured torch threads on CPU; ``None`` (leave torch alone) on a GPU."""
        return self.config["cpu_threads"] if self.device.type == "cpu" else None

    def to(self, device: str | torch.device) -> SequenceTextModel:
        """Move inference to ``device`` (``auto`` | ``cpu`` | ``cuda``)."""
        if self.network is None:
            raise RuntimeError(f"{self.model_id} is not fitted")
        self.device = select_device(str(device), parameter="device")
        self.network.to(self.device)
        return self

    @staticmethod
    def read_saved(directory: Path, interface: str) -> tuple[ModelCard, dict[str, Any], str, int]:
        """``(card, config, model_id, seed)`` of a folder written by ``save``; a folder of another
        model class is refused before anything else is read."""
        card = read_card(directory)
        if card.interface != interface:
            raise ValueError(f"{directory} holds a {card.interface!r} model, not {interface!r}")
        config = json.loads((directory / CONFIG_FILE).read_text())
        model_id, seed = config.pop("model_id", card.model_id), int(config.pop("seed", 0))
        return card, config, model_id, seed
