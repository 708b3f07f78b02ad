"""Matplotlib figures (Agg backend: no display needed)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def acf_figure(
    acf: list[float], threshold: float, seq_len: int, n_train: int, acf_seq_len: int | None = None
) -> Figure:
    """ACF of the training part with the threshold, the ACF rule's length and ``SEQ_LEN``."""
    fig, ax = plt.subplots(figsize=(8, 3.5))
    lags = np.arange(len(acf))
    ax.vlines(lags, 0, acf, lw=1)
    ax.axhline(threshold, color="tab:red", ls="--", lw=1, label=f"threshold {threshold}")
    bound = 1.96 / np.sqrt(max(n_train, 1))
    ax.axhspan(-bound, bound, color="grey", alpha=0.2, label="95% band (white noise)")
    if acf_seq_len is not None and acf_seq_len != seq_len:
        ax.axvline(
            acf_seq_len, color="tab:orange", ls=":", lw=1.5, label=f"ACF rule: {acf_seq_len}"
        )
    ax.axvline(seq_len, color="tab:green", lw=1.5, label=f"SEQ_LEN = {seq_len} (chosen on val)")
    ax.set(xlabel="lag", ylabel="ACF", title="Autocorrelation of the training part")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def forecast_figure(
    frame: pd.DataFrame, target: str, models: list[str], band: str | None = None
) -> Figure:
    """Test part: actual values and one-step forecasts of each model; ``band`` names the
    model whose prediction interval (``<band>_lower``/``<band>_upper`` columns) is shaded."""
    fig, ax = plt.subplots(figsize=(10, 4))
    if band and f"{band}_lower" in frame:
        ax.fill_between(
            frame["timestamp"],
            frame[f"{band}_lower"],
            frame[f"{band}_upper"],
            color="tab:blue",
            alpha=0.15,
            label=f"{band} interval",
        )
    ax.plot(frame["timestamp"], frame["actual"], color="black", lw=1.2, label="actual")
    for model in models:
        if model in frame:
            ax.plot(frame["timestamp"], frame[model], lw=0.9, alpha=0.8, label=model)
    ax.set(xlabel="time", ylabel=target, title="Forecast vs actual (test part, step 1)")
    ax.legend(loc="upper right", fontsize=8, ncol=2)
    fig.autofmt_xdate()
    fig.tight_layout()
    plt.close(fig)
    return fig


def training_figure(history: pd.DataFrame, best_epoch: int) -> Figure:
    """Train and validation loss per epoch (scaled MSE), best epoch marked."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(history["epoch"], history["train_loss"], label="train")
    ax.plot(history["epoch"], history["val_loss"], label="validation")
    ax.axvline(best_epoch, color="tab:green", ls="--", lw=1, label=f"best epoch {best_epoch}")
    ax.set(xlabel="epoch", ylabel="MSE (scaled)", yscale="log", title="LSTM training curve")
    ax.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig
