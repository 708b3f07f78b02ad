"""Training loop of :class:`RecurrentClassifier`: length-bucketed batches, AdamW, gradient
clipping, early stopping on validation accuracy with the best state kept."""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from mlops_pipeline.models.sequence_model import length_grouped_batches, sorted_batches
from mlops_pipeline.torch_runtime import autocast

from .vocab import PAD

logger = logging.getLogger(__name__)

#: Training keys and defaults (``train_lstm.training`` in parameters).
DEFAULT_TRAINING: dict[str, Any] = {
    "epochs": 3,
    "batch_size": 64,
    "learning_rate": 0.002,
    "embedding_lr_scale": 0.5,  # embedding rows learn at this share of the learning rate
    "weight_decay": 0.01,  # AdamW, on weight matrices only (not biases, not embeddings)
    "schedule": "linear",  # constant | linear (decay to 0 over `epochs`)
    "max_grad_norm": 1.0,
    "patience": 2,  # epochs without a val-accuracy gain before stopping
    "min_delta": 0.0,
    "bucket_batches": 50,  # batches per length bucket (shuffled pool sorted by length)
    "eval_batch_size": 128,
}


def training_settings(config: Mapping[str, Any] | None) -> dict[str, Any]:
    unknown = set(config or {}) - set(DEFAULT_TRAINING)
    if unknown:
        raise ValueError(f"unknown training option(s) {sorted(unknown)}")
    settings = {**DEFAULT_TRAINING, **(config or {})}
    if settings["schedule"] not in ("constant", "linear"):
        raise ValueError(f"schedule must be constant or linear, got {settings['schedule']!r}")
    return settings


def pad_batch(
    sequences: Sequence[np.ndarray], index: np.ndarray
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(ids (batch, longest), lengths (batch,))`` for the rows ``index`` of ``sequences``."""
    lengths = np.fromiter((len(sequences[i]) for i in index), dtype=np.int64, count=len(index))
    ids = np.full((len(index), int(lengths.max())), PAD, dtype=np.int64)
    for row, i in enumerate(index):
        ids[row, : lengths[row]] = sequences[i]
    return torch.from_numpy(ids), torch.from_numpy(lengths)


def predict_logits(
    model: nn.Module,
    sequences: Sequence[np.ndarray],
    device: torch.device,
    amp_dtype: torch.dtype | None = None,
    batch_size: int = 256,
) -> np.ndarray:
    """Logits in input order; batches of similar length (sorted), no gradients, eval mode."""
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
    out = np.empty(len(sequences), dtype=np.float32)
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        for index in sorted_batches(lengths, batch_size):
            ids, lens = pad_batch(sequences, index)
            with autocast(device, amp_dtype):
                logits = model(ids.to(device), lens)
            out[index] = logits.float().cpu().numpy()
    model.train(was_training)
    return out


def make_optimizer(model: nn.Module, settings: Mapping[str, Any]) -> torch.optim.AdamW:
    """AdamW with three groups: weight matrices (decayed), biases/1-d (not), embedding (own lr)."""
    lr = float(settings["learning_rate"])
    decay, no_decay, embedding = [], [], []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        if name.startswith("embedding."):
            embedding.append(param)
        elif param.ndim >= 2:
            decay.append(param)
        else:
            no_decay.append(param)
    groups = [
        {"params": decay, "weight_decay": float(settings["weight_decay"])},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    if embedding:
        scale = float(settings["embedding_lr_scale"])
        groups.append({"params": embedding, "weight_decay": 0.0, "lr": lr * scale})
    return torch.optim.AdamW([g for g in groups if g["params"]], lr=lr)


def train_step(
    model: nn.Module,
    ids: torch.Tensor,
    lengths: torch.Tensor,
    labels: torch.Tensor,
    optimizer: torch.optim.Optimizer,
    scaler: torch.amp.GradScaler,
    max_grad_norm: float,
    device: torch.device,
    amp_dtype: torch.dtype | None = None,
) -> tuple[float, torch.Tensor]:
    """One update: forward, backward, clip the gradient norm to ``max_grad_norm``, step.

    Clipping sits between ``backward()`` and ``step()`` (after unscaling under fp16), so the
    optimizer always sees a gradient of norm <= ``max_grad_norm``. Returns the loss and logits.
    """
    optimizer.zero_grad(set_to_none=True)
    with autocast(device, amp_dtype):
        logits = model(ids, lengths)
    loss = nn.functional.binary_cross_entropy_with_logits(logits.float(), labels)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    params = [p for group in optimizer.param_groups for p in group["params"]]
    torch.nn.utils.clip_grad_norm_(params, max_grad_norm)
    scaler.step(optimizer)
    scaler.update()
    return float(loss.detach()), logits.detach()


def _val_scores(labels: np.ndarray, logits: np.ndarray) -> tuple[float, float]:
    loss = nn.functional.binary_cross_entropy_with_logits(
        torch.from_numpy(logits).double(), torch.from_numpy(labels).double()
    )
    return float(loss), float(np.mean((logits >= 0) == (labels == 1)))


def train_network(
    model: nn.Module,
    fit: tuple[Sequence[np.ndarray], np.ndarray],
    val: tuple[Sequence[np.ndarray], np.ndarray] | None,
    settings: Mapping[str, Any],
    device: torch.device,
    amp_dtype: torch.dtype | None = None,
    seed: int = 0,
    show_progress: bool = True,
) -> dict[str, Any]:
    """Train ``model`` in place; with ``val``, stop early on val accuracy and keep the best state.

    Returns ``{"history": [...per epoch...], "best_epoch", "epochs_run", "epoch_seconds"}``;
    history rows hold ``epoch, train_loss, train_accuracy, val_loss, val_accuracy`` (train
    numbers are running means over the epoch's batches, dropout on).
    """
    settings = training_settings(settings)
    sequences, labels = fit[0], np.asarray(fit[1], dtype=np.float32)
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
    rng = np.random.default_rng(seed)
    model.to(device).train()
    optimizer = make_optimizer(model, settings)
    epochs, batch_size = int(settings["epochs"]), int(settings["batch_size"])
    steps_per_epoch = -(-len(sequences) // batch_size)
    scheduler = None
    if settings["schedule"] == "linear":
        total = max(1, epochs * steps_per_epoch)
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: max(0.0, 1.0 - step / total)
        )
    scaler = torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)
    history: list[dict[str, Any]] = []
    epoch_seconds: list[float] = []
    best_accuracy, best_epoch, best_state, stale = -1.0, 0, None, 0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        batches = length_grouped_batches(lengths, batch_size, rng, settings["bucket_batches"])
        loss_sum, correct, seen = 0.0, 0, 0
        bar = tqdm(batches, desc=f"lstm epoch {epoch}/{epochs}", disable=not show_progress)
        for index in bar:
            ids, lens = pad_batch(sequences, index)
            y = torch.from_numpy(labels[index]).to(device)
            loss, logits = train_step(
                model, ids.to(device), lens, y, optimizer, scaler,
                float(settings["max_grad_norm"]), device, amp_dtype,
            )  # fmt: skip
            if scheduler is not None:
                scheduler.step()
            loss_sum += loss * len(index)
            correct += int(((logits.float() >= 0) == (y >= 0.5)).sum())
            seen += len(index)
            bar.set_postfix(loss=f"{loss_sum / seen:.4f}")
        row = {
            "epoch": epoch,
            "train_loss": round(loss_sum / seen, 6),
            "train_accuracy": round(correct / seen, 6),
        }
        if val is not None:
            val_logits = predict_logits(
                model, val[0], device, amp_dtype, settings["eval_batch_size"]
            )
            val_loss, val_accuracy = _val_scores(np.asarray(val[1]), val_logits)
            row.update(val_loss=round(val_loss, 6), val_accuracy=round(val_accuracy, 6))
        epoch_seconds.append(round(time.perf_counter() - start, 3))
        history.append(row)
        logger.info("lstm epoch %d: %s (%.1f s)", epoch, row, epoch_seconds[-1])
        if val is None:
            best_epoch = epoch
            continue
        if row["val_accuracy"] > best_accuracy + float(settings["min_delta"]):
            best_accuracy, best_epoch, stale = row["val_accuracy"], epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            stale += 1
            if stale >= int(settings["patience"]):
                logger.info("lstm: early stop after epoch %d (best %d)", epoch, best_epoch)
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return {
        "history": history,
        "best_epoch": best_epoch,
        "epochs_run": len(history),
        "epoch_seconds": epoch_seconds,
    }
