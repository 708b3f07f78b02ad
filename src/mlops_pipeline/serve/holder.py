"""The served model and its safe swap: load and warm beside the old one, then one assignment.

:class:`ModelHolder` finds the champion as ``score`` does: the registry's ``@champion``
(:func:`mlops_pipeline.registry.serving.registry_champion`: manifest-checked folder, read by the
allow-listed loader), else — no registry store, or a store without a champion —
:func:`mlops_pipeline.models.champion.select_champion` over ``models_root`` (said in ``/model``
and the log). A configured store that cannot be reached fails the start in one line.

:meth:`ModelHolder.check` (every ``poll_seconds`` on a daemon thread, and ``POST /reload``)
reads the alias; when it names another version, that version is loaded and warmed (one probe
prediction) while the old model keeps serving, then ``self.current`` is replaced in one
assignment. A request takes ``holder.current`` once, so it is answered wholly by one model. A
version that fails to load leaves the old one serving; the failure is kept in ``/model``,
counted in ``/metrics`` and logged. A registry that stops answering is reported the same way.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.base import TextModel, read_card
from mlops_pipeline.models.champion import select_champion
from mlops_pipeline.models.discovery import ModelHandle, discover_models
from mlops_pipeline.registry import CHAMPION, Registry
from mlops_pipeline.registry.serving import registry_champion
from mlops_pipeline.tracking.config import load_tracking_config, store_exists

from .metrics import ServeMetrics
from .settings import ServeSettings

logger = logging.getLogger(__name__)

WARM_TEXT = "A warm-up review: the film was good."
EVALUATE_METRICS = Path("data/08_reporting/evaluate/metrics.json")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class Served:
    """A loaded, warmed model and what ``/model`` says about it. ``predict`` is serialised per
    model (tokenizer caches are not thread-safe); a swapped-in model has its own lock."""

    model: TextModel
    info: dict[str, Any]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def predict(self, texts: list[str]) -> np.ndarray:
        """``P(positive)`` per text: the model's own ``predict_proba`` on the raw texts."""
        with self.lock:
            return np.asarray(self.model.predict_proba(texts)[:, 1], dtype=np.float64)


class ModelHolder:
    """The served model (:attr:`current`) and the registry poll that replaces it."""

    def __init__(self, settings: ServeSettings, metrics: ServeMetrics) -> None:
        self.settings = settings
        self.metrics = metrics
        config = load_tracking_config(settings.project_path, settings.env)
        if settings.registered_model:
            config = type(config)(
                **{**config.__dict__, "registered_model": settings.registered_model}
            )
        self.config = config
        self.current: Served | None = None
        self.registry_error: str | None = None
        self.last_load_error: dict[str, Any] | None = None
        self.checked_at: str | None = None
        self._failed: str | None = None  # the alias target that failed to load (not retried)
        self._check_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- finding and loading -------------------------------------------------------------
    def _registry(self) -> Any:
        """A :class:`Registry` of the configured store, ``None`` when the store does not exist."""
        if not store_exists(self.config):
            return None
        return Registry(self.config, create=False)

    def _target(self) -> tuple[str, int | None]:
        """``(key, registry version)`` of what should be served: ``registry:N`` or
        ``select_champion``. Raises :class:`RegistryError` when the store cannot be read."""
        registry = self._registry()
        found = None if registry is None else registry.alias(CHAMPION)
        if found is None:
            return "select_champion", None
        return f"registry:{found.version}", found.version

    def _load(self, key: str) -> Served:
        """Find, load and warm the model ``key`` names (nothing is swapped here)."""
        found = registry_champion(self.config) if key.startswith("registry:") else None
        if found is not None:
            handle, info = found
        else:
            root = self.settings.path(self.settings.models_root)
            folders = discover_models(root)
            if not folders:
                raise UserInputError(
                    f"no registry champion and no model folder under {root}: run `make run`, "
                    "then `python -m mlops_pipeline.registry init`"
                )
            handle = select_champion({f.name: ModelHandle(f.name, f) for f in folders})
            why = "no registry store" if self._registry() is None else "no @champion"
            info = {
                "model_id": handle.model_id,
                "source": f"select_champion ({why} at {self.config.tracking_uri})",
                "registry_version": None,
                "model_version": handle.version(),
            }
        model = handle.load()
        model.predict_proba([WARM_TEXT])  # tokenizer, caches: the first request is not slower
        card = read_card(handle.folder)
        info = {
            **info,
            "registered_model": self.config.registered_model,
            "family": card.family,
            "folder": str(handle.folder),
            "val_metrics": card.val_metrics,
            "test_metrics": self._test_metrics(handle),
            "loaded_at": _now(),
        }
        return Served(model, info)

    def _test_metrics(self, handle: ModelHandle) -> dict[str, Any] | None:
        """``evaluate``'s test metrics of this very model (same card hashes as the model
        ``evaluate`` scored under that id), else ``None`` (a retrained challenger)."""
        path = self.settings.path(EVALUATE_METRICS)
        same = [f for f in discover_models(self.settings.path(self.settings.models_root))
                if f.name == handle.folder.name]  # fmt: skip
        if not path.is_file() or not same:
            return None
        ours, theirs = read_card(handle.folder), read_card(same[0])
        if (ours.data_hash, ours.params_hash) != (theirs.data_hash, theirs.params_hash):
            return None
        return json.loads(path.read_text()).get(handle.model_id)

    def start(self) -> Served:
        """The first load: a store that cannot be read is a one-line error (no fallback)."""
        key, _ = self._target()
        served = self._load(key)
        self._swap(served, key, first=True)
        if self.settings.poll_seconds > 0:
            self._thread = threading.Thread(target=self._poll, name="champion-poll", daemon=True)
            self._thread.start()
        return served

    def _swap(self, served: Served, key: str, first: bool = False) -> None:
        old = self.current
        served.info["key"] = key
        self.current = served  # the swap: one assignment
        self._failed = None
        self.metrics.serving(served.info)
        if not first:
            self.metrics.swaps.inc()
        logger.info(
            "serving %s (registry version %s, model_version %s; %s)%s",
            served.info["model_id"], served.info["registry_version"],
            served.info["model_version"], served.info["source"],
            "" if old is None else f", replacing {old.info['model_id']} "
            f"(registry version {old.info['registry_version']})",
        )  # fmt: skip

    # -- polling -------------------------------------------------------------------------
    def check(self, force: bool = False) -> dict[str, Any]:
        """Read the alias; load and swap when it names another model. ``force`` retries a
        version that failed before. Never raises: errors are kept and reported."""
        with self._check_lock:
            self.checked_at = _now()
            try:
                key, version = self._target()
            except Exception as exc:  # noqa: BLE001 - any store failure: keep serving
                self.registry_error = " ".join(str(exc).split())[:500]
                self.metrics.registry_up.set(0)
                logger.warning("registry poll failed, still serving the loaded model: %s",
                               self.registry_error)  # fmt: skip
                return {"swapped": False, "registry_error": self.registry_error}
            if self.registry_error:
                logger.info("registry answers again")
            self.registry_error = None
            self.metrics.registry_up.set(1)
            current = self.current
            if current is not None and current.info.get("key") == key:
                return {"swapped": False, "serving": key}
            if key == self._failed and not force:
                return {"swapped": False, "serving": current and current.info["key"],
                        "failed": key}  # fmt: skip
            try:
                served = self._load(key)
            except Exception as exc:  # noqa: BLE001 - a bad version never replaces a good one
                self._failed = key
                self.last_load_error = {"target": key, "registry_version": version,
                                        "error": " ".join(str(exc).split())[:500], "at": _now()}  # fmt: skip
                self.metrics.load_failures.inc()
                logger.error("could not load %s, still serving %s: %s", key,
                             current and current.info["key"], self.last_load_error["error"])  # fmt: skip
                return {"swapped": False, "serving": current and current.info["key"],
                        "failed": key, "error": self.last_load_error["error"]}  # fmt: skip
            self._swap(served, key)
            return {"swapped": True, "serving": key}

    def _poll(self) -> None:
        while not self._stop.wait(self.settings.poll_seconds):
            self.check()

    def stop(self) -> None:
        self._stop.set()

    def status(self) -> dict[str, Any]:
        """What ``GET /model`` answers."""
        current = self.current
        return {
            **({} if current is None else {k: v for k, v in current.info.items() if k != "key"}),
            "tracking_uri": self.config.tracking_uri,
            "poll_seconds": self.settings.poll_seconds,
            "checked_at": self.checked_at,
            "registry_error": self.registry_error,
            "last_load_error": self.last_load_error,
        }
