"""PNG figures (matplotlib): ROC and precision-recall of every model, confusion matrices."""

from __future__ import annotations

import math
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def curve_figure(
    points: pd.DataFrame, x: str, y: str, title: str, order: list[str] | None = None
) -> Any:
    """One line per ``model_id`` (legend in ``order``, e.g. the leaderboard's)."""
    fig, ax = plt.subplots(figsize=(7, 6))
    colours = plt.get_cmap("tab10").colors
    for i, model_id in enumerate(order or sorted(points["model_id"].unique())):
        part = points[points["model_id"] == model_id]
        style = ("-", "--", ":")[i // len(colours) % 3]  # distinct beyond ten models
        ax.plot(
            part[x], part[y], label=model_id, linewidth=1.2, color=colours[i % len(colours)],
            linestyle=style,
        )  # fmt: skip
    if x == "fpr":
        ax.plot([0, 1], [0, 1], linestyle=":", color="grey", linewidth=0.8)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(title)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right" if x == "fpr" else "lower left")
    fig.tight_layout()
    return fig


def confusion_figure(confusion: pd.DataFrame, order: list[str] | None = None) -> Any:
    """A grid of 2x2 confusion matrices, one panel per model."""
    models = order or sorted(confusion["model_id"].unique())
    cols = min(4, max(1, len(models)))
    rows = math.ceil(len(models) / cols) or 1
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 3.0 * rows), squeeze=False)
    for ax in axes.ravel()[len(models) :]:
        ax.axis("off")
    for ax, model_id in zip(axes.ravel(), models, strict=False):
        part = confusion[confusion["model_id"] == model_id].set_index(["actual", "predicted"])
        grid = [[int(part.loc[(a, p), "count"]) for p in ("neg", "pos")] for a in ("neg", "pos")]
        ax.imshow(grid, cmap="Blues")
        for i in range(2):
            for j in range(2):
                ax.text(j, i, f"{grid[i][j]:,}", ha="center", va="center", fontsize=9)
        ax.set_xticks([0, 1], ["neg", "pos"])
        ax.set_yticks([0, 1], ["neg", "pos"])
        ax.set_xlabel("predicted")
        ax.set_ylabel("actual")
        ax.set_title(model_id, fontsize=8)
    fig.tight_layout()
    return fig
