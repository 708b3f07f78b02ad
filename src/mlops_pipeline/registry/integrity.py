"""What the registry accepts and what it trusts back (issue 22).

* :func:`check_loadable` — before a version is created, its model folder is loaded through the
  allow-listed :func:`mlops_pipeline.models.discovery.load_model` and predicts on a probe
  text; a folder that cannot (no card, a card naming ``os:system``, broken weights) is refused
  in one line and nothing is registered.
* The **manifest** — ``{path: SHA-256}`` of every file of the version as stored (the model
  folder, the loader ``pyfunc_model.py``, ``MLmodel``, ``requirements.txt``, the project
  wheel …), kept in the version's tag ``manifest`` in the registry's *database*, apart from
  the artifact store it describes. :func:`verify_manifest` recomputes it at every load
  (:meth:`Registry.folder`, hence ``Registry.load``, ``score``, ``retrain`` and
  :meth:`Registry.load_pyfunc`) and fails in one line naming the first file that differs.
  ``registered_model_meta`` is left out: MLflow itself rewrites it on every download.
* ``model_version`` (tag, and ``score``'s prediction column) — the first 12 hex digits of the
  digest of the model folder's own manifest (:meth:`ModelHandle.version`): it changes with any
  byte of the weights, not only with ``model_card.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.base import CARD_FILE
from mlops_pipeline.models.discovery import file_manifest, load_model, manifest_digest

MANIFEST_TAG = "manifest"
MODEL_VERSION_TAG = "model_version"
#: Written by MLflow into a model folder on every download (name and version): not content.
UNHASHED = ("registered_model_meta",)
PROBE_TEXTS = ["A probe review: the acting was fine and the plot kept me watching."]


def check_loadable(folder: str | Path) -> Any:
    """The model of ``folder``, loaded through the allow-listed loader and checked to give
    probabilities on :data:`PROBE_TEXTS`; :class:`UserInputError` (one line) otherwise."""
    folder = Path(folder)
    refuse = f"{folder}: not registered"
    if not folder.is_dir():
        raise UserInputError(f"{refuse}: no such folder; give a model folder (with {CARD_FILE})")
    if not (folder / CARD_FILE).is_file():
        raise UserInputError(
            f"{refuse}: no {CARD_FILE} in it; give a model folder a training pipeline wrote "
            "(data/06_models/<pipeline>/<model_id>/)"
        )
    try:
        model = load_model(folder)
        proba = np.asarray(model.predict_proba(PROBE_TEXTS), dtype=float)
    except Exception as exc:  # noqa: BLE001 - whatever fails, the folder is not a usable model
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise UserInputError(
            f"{refuse}: it does not load or predict through the allow-listed loader "
            f"({type(exc).__name__}: {reason}); fix or retrain the model"
        ) from None
    ok = proba.shape == (len(PROBE_TEXTS), 2) and np.isfinite(proba).all()
    if not ok or (proba < 0).any() or (proba > 1).any():
        raise UserInputError(
            f"{refuse}: its predict_proba on a probe text gave {proba.tolist()!r}, not one row "
            "of two probabilities; fix the model"
        )
    return model


def version_manifest(root: str | Path) -> dict[str, str]:
    """The manifest of a version's stored files under ``root`` (the model's artifact root)."""
    return file_manifest(root, exclude=UNHASHED)


def manifest_tags(root: str | Path, model_folder: str | Path) -> dict[str, str]:
    """Version tags: the ``manifest`` of ``root`` and the ``model_version`` of its folder."""
    return {
        MANIFEST_TAG: json.dumps(version_manifest(root), sort_keys=True),
        MODEL_VERSION_TAG: manifest_digest(file_manifest(model_folder))[:12],
    }


def verify_manifest(root: str | Path, tags: dict[str, str], what: str) -> None:
    """Raise :class:`UserInputError` naming the first file of ``root`` that differs from the
    manifest in ``tags`` (changed, missing or added); ``what`` names the version."""
    stored = tags.get(MANIFEST_TAG)
    if not stored:
        raise UserInputError(
            f"{what} has no manifest of its files (registered before manifests existed), so "
            "its artifacts cannot be trusted; register its model folder again "
            "(python -m mlops_pipeline.registry register FOLDER [--promote])"
        )
    try:
        expected = json.loads(stored)
    except ValueError:
        raise UserInputError(f"{what}: its manifest tag is not JSON; re-register it") from None
    found = version_manifest(root)
    for name in sorted(set(expected) | set(found)):
        if expected.get(name) == found.get(name):
            continue
        if name not in found:
            change = "is missing"
        elif name not in expected:
            change = "was added"
        else:
            change = "does not match its registered SHA-256"
        raise UserInputError(
            f"{what}: stored file {name} {change} (changed after registration: {root}); "
            "refusing to load it: promote another version or register the model again"
        )
