"""The PyTorch LSTM forecaster: seeded, early-stopped on validation, gradient-clipped."""

from __future__ import annotations

import copy
import logging
import time
from typing import Any

import numpy as np
import torch
from torch import nn

from mlops_pipeline.torch_runtime import seed_everything

from .prep import Windows

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "hidden_size": 64,
    "num_layers": 1,
    "dropout": 0.0,
    "residual": False,
    "normalise": "none",
    "highway": False,
    "lr": 1e-3,
    "weight_decay": 0.0,
    "batch_size": 64,
    "max_epochs": 100,
    "patience": 10,
    "min_delta": 0.0,
    "clip_norm": 5.0,
    "shuffle_windows": True,
}


class LSTMForecaster(nn.Module):
    """``nn.LSTM`` over the window, last hidden state -> linear head of ``horizon`` outputs.

    With ``residual`` the head predicts the change from the window's last target value (input
    feature ``target_col``), so the untrained model starts as persistence and a trend outside
    the training range does not have to be extrapolated by saturating gates.

    With ``normalise`` (``last`` or ``mean``) each window is shifted by its own last value or
    mean, feature by feature (as RevIN and DeepAR-style models do), and the target's shift is
    added back to the output: the network sees only the window's shape, never its level, so a
    level outside the training range looks like one inside it.

    With ``highway`` a linear map of the window's (shifted) target values is added to the
    output, trained jointly with the LSTM (LSTNet's autoregressive highway): the LSTM then
    learns what a linear autoregression misses. It is one network, not the ridge.
    """

    def __init__(
        self,
        n_features: int,
        hidden_size: int = 64,
        num_layers: int = 1,
        dropout: float = 0.0,
        horizon: int = 1,
        residual: bool = False,
        target_col: int = 0,
        normalise: str = "none",
        highway: bool = False,
        seq_len: int = 0,
    ) -> None:
        super().__init__()
        self.lstm = nn.LSTM(
            n_features,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.head = nn.Linear(hidden_size, horizon)
        self.residual = residual
        self.target_col = target_col
        if normalise not in ("none", "last", "mean"):
            raise ValueError(f"normalise must be none, last or mean, got {normalise!r}")
        self.normalise = normalise
        self.highway = nn.Linear(seq_len, horizon) if highway else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        target = slice(self.target_col, self.target_col + 1)
        if self.normalise == "none":
            shift = x[:, -1, target] if self.residual else None
        else:
            ref = x[:, -1:, :] if self.normalise == "last" else x.mean(dim=1, keepdim=True)
            x, shift = x - ref, ref[:, 0, target]
        output, (_h_n, _c_n) = self.lstm(x)  # nn.LSTM returns (output, (h_n, c_n))
        out = self.head(output[:, -1, :])
        if self.highway is not None:
            out = out + self.highway(x[:, :, self.target_col])
        return out if shift is None else out + shift


def architecture(config: dict[str, Any]) -> dict[str, Any]:
    """The constructor arguments of :class:`LSTMForecaster` found in a config."""
    keys = ("hidden_size", "num_layers", "dropout", "residual", "normalise", "highway")
    return {key: config[key] for key in keys}


def build_model(n_features: int, architecture: dict[str, Any]) -> LSTMForecaster:
    """An untrained :class:`LSTMForecaster` (weights come from a ``state_dict``)."""
    return LSTMForecaster(n_features, **architecture)


def predict(model: nn.Module, windows: Windows, device: torch.device, batch: int = 4096):
    """Scaled forecasts ``(n, horizon)`` as float64 numpy."""
    model.eval()
    outputs = []
    with torch.inference_mode():
        for start in range(0, len(windows), batch):
            x = torch.from_numpy(windows.inputs[start : start + batch]).to(device)
            with torch.autocast(device.type, enabled=device.type == "cuda"):
                outputs.append(model(x).float().cpu().numpy())
    horizon = windows.targets.shape[1]
    return np.concatenate(outputs) if outputs else np.empty((0, horizon))


def train_lstm(
    train: Windows, val: Windows, config: dict[str, Any], seed: int, device: torch.device
) -> tuple[LSTMForecaster, dict[str, Any]]:
    """Adam on MSE; stops when the validation loss has not improved for ``patience`` epochs
    and returns the weights of the best validation epoch with the per-epoch history."""
    config = {**DEFAULTS, **config}
    seed_everything(seed)
    n_features, horizon = train.inputs.shape[2], train.targets.shape[1]
    model = LSTMForecaster(
        n_features,
        horizon=horizon,
        target_col=train.target_col,
        seq_len=train.inputs.shape[1],
        **architecture(config),
    ).to(device)
    optimiser = torch.optim.Adam(
        model.parameters(), lr=config["lr"], weight_decay=config["weight_decay"]
    )
    scaler = torch.amp.GradScaler(enabled=device.type == "cuda")
    loss_fn = nn.MSELoss()
    x_train = torch.from_numpy(train.inputs).to(device)
    y_train = torch.from_numpy(train.targets).to(device)
    generator = torch.Generator().manual_seed(seed)
    history: list[dict[str, float]] = []
    best_state, best_loss, best_epoch, waited = None, float("inf"), 0, 0
    started = time.perf_counter()
    for epoch in range(1, int(config["max_epochs"]) + 1):
        model.train()
        # Only the order of training windows within an epoch is shuffled; the split is not.
        order = (
            torch.randperm(len(train), generator=generator)
            if config["shuffle_windows"]
            else torch.arange(len(train))
        )
        total = 0.0
        for start in range(0, len(train), int(config["batch_size"])):
            idx = order[start : start + int(config["batch_size"])].to(device)
            optimiser.zero_grad(set_to_none=True)
            with torch.autocast(device.type, enabled=device.type == "cuda"):
                loss = loss_fn(model(x_train[idx]).float(), y_train[idx])
            scaler.scale(loss).backward()
            scaler.unscale_(optimiser)
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=float(config["clip_norm"]))
            scaler.step(optimiser)
            scaler.update()
            total += loss.item() * len(idx)
        val_loss = float(np.mean((predict(model, val, device) - val.targets) ** 2))
        history.append({"epoch": epoch, "train_loss": total / len(train), "val_loss": val_loss})
        if val_loss < best_loss - float(config["min_delta"]):
            best_state, best_loss, best_epoch, waited = (
                copy.deepcopy(model.state_dict()),
                val_loss,
                epoch,
                0,
            )
        else:
            waited += 1
            if waited >= int(config["patience"]):
                break
    model.load_state_dict(best_state)
    info = {
        "best_epoch": best_epoch,
        "epochs_run": len(history),
        "best_val_mse_scaled": best_loss,
        "train_seconds": round(time.perf_counter() - started, 3),
        "history": history,
    }
    logger.info(
        "LSTM %s: best epoch %d of %d, val MSE %.5f (scaled), %.1fs",
        architecture(config),
        best_epoch,
        len(history),
        best_loss,
        info["train_seconds"],
    )
    return model, info
