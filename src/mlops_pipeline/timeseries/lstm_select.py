"""The LSTM candidates after training: forecasts from saved weights, the choice, the card."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.torch_runtime import select_device, torch_compute

from . import lstm as tslstm
from .frames import windows_sha256
from .prep import Scaler, Windows

DEVICE_PARAMETER = "timeseries.compute.device"


def model_architecture(config: dict[str, Any], windows: dict[str, Windows]) -> dict[str, Any]:
    """Constructor arguments of the forecaster: the config's plus horizon and target column."""
    train = windows["train"]
    return {
        **tslstm.architecture(config),
        "horizon": int(train.targets.shape[1]),
        "target_col": int(train.target_col),
        "seq_len": int(train.inputs.shape[1]),
    }


def predict_state(
    state: dict,
    architecture: dict[str, Any],
    windows: Windows,
    scaler: dict[str, Any],
    target: str,
    compute: dict[str, Any],
) -> np.ndarray:
    """Forecasts of an LSTM rebuilt from ``state``, back in the target's units."""
    device = select_device(compute["device"], parameter=DEVICE_PARAMETER)
    model = tslstm.build_model(windows.inputs.shape[2], architecture)
    model.load_state_dict(state)
    with torch_compute(compute["torch_threads"], compute["deterministic"]):
        scaled = tslstm.predict(model.to(device), windows, device)
    return Scaler.from_dict(scaler).inverse_column(scaled, target)


def model_card(
    chosen: str,
    candidate: dict[str, Any],
    windows: dict[str, Windows],
    scaler: dict[str, Any],
    target: str,
    compute: dict[str, Any],
    seed: int,
    val_rmse: dict[str, float],
) -> dict[str, Any]:
    """The chosen candidate's card: architecture, training settings, data and params digests.

    No time fields (DESIGN.md "Determinism and time"): the card is the same bytes every run.
    """
    config, info, state = (candidate[k] for k in ("config", "info", "state"))
    architecture = model_architecture(config, windows)
    return {
        "model_id": "timeseries_lstm",
        "family": "lstm",
        "candidate": chosen,
        "architecture": architecture,
        "n_features": int(windows["train"].inputs.shape[2]),
        "features": scaler["columns"],
        "target": target,
        "seq_len": int(windows["train"].inputs.shape[1]),
        "training": {k: v for k, v in config.items() if k not in architecture},
        "seed": seed,
        "device": str(select_device(compute["device"], parameter=DEVICE_PARAMETER)),
        "train_windows": len(windows["train"]),
        "best_epoch": info["best_epoch"],
        "epochs_run": info["epochs_run"],
        "candidates_val_rmse": {name: round(v, 6) for name, v in val_rmse.items()},
        "size_bytes": int(sum(t.numel() * t.element_size() for t in state.values())),
        "data_sha256": windows_sha256(windows),
        "params_sha256": hashlib.sha256(
            json.dumps([config, architecture, seed], sort_keys=True, default=str).encode()
        ).hexdigest(),
    }


def run_info(candidates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The time fields beside the card (``run_info.json``, kept out of DVC's hashes)."""
    return {
        "train_seconds": {name: c["info"]["train_seconds"] for name, c in candidates.items()},
        "created_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
    }
