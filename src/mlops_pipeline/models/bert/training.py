"""Fine-tuning loop: AdamW with linear warmup/decay, length-grouped batches with dynamic padding,
gradient accumulation, mixed precision on CUDA, val accuracy each epoch, best state kept, early
stopping. A plain loop rather than ``transformers.Trainer``: head+tail truncation, the fixed
subsets and the project's determinism settings stay in one short, readable function."""

from __future__ import annotations

import logging
import math
import re
import resource
import time
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from mlops_pipeline.models.sequence_model import length_grouped_batches, sorted_batches
from mlops_pipeline.torch_runtime import DeviceUnavailableError

from .encoding import collate

logger = logging.getLogger(__name__)

PRECISIONS = ("auto", "bf16", "fp16", "fp32")

#: ``train_bert.training`` keys and defaults (parameters_train_bert.yml documents each).
DEFAULT_TRAINING: dict[str, Any] = {
    "epochs": 2,
    "batch_size": 16,
    "gradient_accumulation_steps": 1,
    "learning_rate": 5e-5,
    "layer_lr_decay": 1.0,
    "weight_decay": 0.01,
    "warmup_ratio": 0.1,
    "max_grad_norm": 1.0,
    "patience": 1,
    "min_delta": 0.0,
    "pool_batches": 50,
    "eval_batch_size": 64,
}


def training_settings(config: Mapping[str, Any] | None) -> dict[str, Any]:
    unknown = set(config or {}) - set(DEFAULT_TRAINING)
    if unknown:
        raise ValueError(f"unknown train_bert.training option(s) {sorted(unknown)}")
    return {**DEFAULT_TRAINING, **(config or {})}


def select_precision(device: torch.device, precision: str = "auto") -> torch.dtype | None:
    """Autocast dtype (``None``: fp32). CPU always runs fp32.

    On CUDA, ``auto`` is bf16 where the GPU supports it (Ampere and later: no loss scaling
    needed) and fp16 with a ``GradScaler`` otherwise; ``bf16`` on a GPU without it is an error.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"train_bert.precision must be one of {PRECISIONS}, got {precision!r}")
    if device.type != "cuda" or precision == "fp32":
        return None
    bf16 = torch.cuda.is_bf16_supported()
    if precision == "bf16" and not bf16:
        raise DeviceUnavailableError(
            "train_bert.precision is 'bf16' but this GPU has no bf16; use 'auto' or 'fp16'"
        )
    if precision == "auto":
        return torch.bfloat16 if bf16 else torch.float16
    return {"bf16": torch.bfloat16, "fp16": torch.float16}[precision]


def enable_tf32(device: torch.device) -> None:
    """TF32 matmuls and convolutions on CUDA (Ampere+): fp32 parts of mixed precision run faster."""
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True


def grad_scaler(device: torch.device, dtype: torch.dtype | None) -> torch.amp.GradScaler | None:
    """A gradient scaler for fp16 autocast (bf16 and fp32 need none)."""
    if device.type == "cuda" and dtype == torch.float16:
        return torch.amp.GradScaler("cuda")
    return None


def amp_context(device: torch.device, dtype: torch.dtype | None) -> Any:
    return nullcontext() if dtype is None else torch.autocast(device.type, dtype=dtype)


def linear_warmup_decay(optimizer: torch.optim.Optimizer, warmup: int, total: int) -> Any:
    """Learning rate rising linearly over ``warmup`` steps, then falling linearly to 0."""

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def layer_depth(name: str, num_layers: int) -> int:
    """Depth of a parameter: 0 for the embeddings, ``i + 1`` for encoder layer ``i``,
    ``num_layers + 1`` for everything above the encoder (pooler, classifier)."""
    match = re.search(r"\.layer\.(\d+)\.", name)
    if match:
        return int(match.group(1)) + 1
    return 0 if "embeddings" in name else num_layers + 1


def optimizer_for(
    model: torch.nn.Module, lr: float, weight_decay: float, layer_decay: float = 1.0
) -> torch.optim.AdamW:
    """AdamW; no weight decay on biases and LayerNorm weights (BERT's recipe).

    ``layer_decay`` < 1 is layer-wise learning-rate decay (Howard & Ruder 2018; Sun et al.
    2019): the head keeps ``lr``, encoder layer ``i`` of ``L`` gets ``lr * decay**(L - i)`` and
    the embeddings ``lr * decay**(L + 1)``, so the pre-trained lower layers move least.
    """
    num_layers = int(getattr(model.config, "num_hidden_layers", 0))
    groups: dict[tuple[int, bool], list[torch.nn.Parameter]] = {}
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        no_decay = param.ndim < 2 or "LayerNorm" in name
        groups.setdefault((layer_depth(name, num_layers), no_decay), []).append(param)
    top = num_layers + 1
    return torch.optim.AdamW(
        [
            {
                "params": params,
                "weight_decay": 0.0 if no_decay else weight_decay,
                "lr": lr * layer_decay ** (top - depth),
            }
            for (depth, no_decay), params in sorted(groups.items())
        ],
        lr=lr,
    )


def peak_memory_mb(device: torch.device) -> float:
    """Peak GPU memory allocated (CUDA) or peak resident memory of the process (CPU), MB."""
    if device.type == "cuda":
        return round(torch.cuda.max_memory_allocated(device) / 2**20, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def predict_logits(
    model: torch.nn.Module,
    sequences: Sequence[np.ndarray],
    pad_id: int,
    device: torch.device,
    dtype: torch.dtype | None,
    batch_size: int,
    progress: bool = False,
) -> np.ndarray:
    """``(n, num_labels)`` float32 logits, batches sorted by length, under inference mode."""
    model.eval()
    out = np.zeros((len(sequences), model.config.num_labels), dtype=np.float32)
    lengths = np.asarray([len(s) for s in sequences])
    batches = sorted_batches(lengths, batch_size)
    with torch.inference_mode():
        for idx in tqdm(batches, desc="bert predict", unit="batch", disable=not progress):
            batch = collate([sequences[i] for i in idx], pad_id, device)
            with amp_context(device, dtype):
                logits = model(**batch).logits
            out[idx] = logits.float().cpu().numpy()
    return out


def softmax_positive(logits: np.ndarray) -> np.ndarray:
    """P(label 1) from 2-class logits, in float64."""
    z = logits.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e[:, 1] / e.sum(axis=1)


def train_classifier(
    model: torch.nn.Module,
    fit: tuple[Sequence[np.ndarray], np.ndarray],
    val: tuple[Sequence[np.ndarray], np.ndarray] | None,
    settings: Mapping[str, Any],
    pad_id: int,
    device: torch.device,
    dtype: torch.dtype | None,
    seed: int,
    progress: bool = True,
) -> dict[str, Any]:
    """Fine-tune ``model`` in place on ``fit``; the best-val-accuracy state is restored.

    Returns the history (per epoch: train loss, val loss/accuracy, samples/s), ``best_epoch``,
    ``epochs_run``, ``optimizer_steps``, ``samples_per_second``, ``peak_memory_mb`` and
    ``best_val_logits`` (the val logits of the kept state: scoring val again would repeat them).
    """
    s = settings
    sequences, labels = fit
    lengths = np.asarray([len(x) for x in sequences])
    rng = np.random.default_rng(seed)
    accum = max(1, int(s["gradient_accumulation_steps"]))
    per_epoch = math.ceil(math.ceil(len(sequences) / s["batch_size"]) / accum)
    total_steps = per_epoch * int(s["epochs"])
    optimizer = optimizer_for(
        model, float(s["learning_rate"]), float(s["weight_decay"]), float(s["layer_lr_decay"])
    )
    scheduler = linear_warmup_decay(optimizer, int(total_steps * s["warmup_ratio"]), total_steps)
    scaler = grad_scaler(device, dtype)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    model.to(device)
    history: list[dict[str, Any]] = []
    best: dict[str, Any] = {"accuracy": -1.0, "epoch": 0, "state": None, "logits": None}
    stale, steps, seen, train_time = 0, 0, 0, 0.0
    for epoch in range(1, int(s["epochs"]) + 1):
        model.train()
        batches = length_grouped_batches(lengths, s["batch_size"], rng, s["pool_batches"])
        losses: list[float] = []
        start = time.perf_counter()
        bar = tqdm(total=len(sequences), desc=f"bert epoch {epoch}", unit="review",
                   disable=not progress)  # fmt: skip
        optimizer.zero_grad(set_to_none=True)
        for i, idx in enumerate(batches):
            batch = collate([sequences[j] for j in idx], pad_id, device)
            target = torch.as_tensor(labels[idx], dtype=torch.long, device=device)
            with amp_context(device, dtype):
                loss = torch.nn.functional.cross_entropy(model(**batch).logits.float(), target)
            scaled = loss / accum
            (scaler.scale(scaled) if scaler else scaled).backward()
            if (i + 1) % accum == 0 or i + 1 == len(batches):
                if scaler:
                    scaler.unscale_(optimizer)
                torch.nn.utils.clip_grad_norm_(model.parameters(), float(s["max_grad_norm"]))
                if scaler:
                    scaler.step(optimizer)
                    scaler.update()
                else:
                    optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                steps += 1
            losses.append(float(loss.detach()))
            bar.update(len(idx))
            elapsed = time.perf_counter() - start
            bar.set_postfix(loss=f"{np.mean(losses[-50:]):.4f}",
                            samples_s=f"{bar.n / max(elapsed, 1e-9):.1f}")  # fmt: skip
        bar.close()
        epoch_seconds = time.perf_counter() - start
        train_time += epoch_seconds
        seen += len(sequences)
        row: dict[str, Any] = {
            "epoch": epoch,
            "train_loss": round(float(np.mean(losses)), 5),
            "samples_per_second": round(len(sequences) / max(epoch_seconds, 1e-9), 2),
        }
        logits = None
        if val is not None:
            logits = predict_logits(model, val[0], pad_id, device, dtype, s["eval_batch_size"])
            target = torch.as_tensor(val[1], dtype=torch.long)
            row["val_loss"] = round(
                float(torch.nn.functional.cross_entropy(torch.from_numpy(logits), target)), 5
            )
            row["val_accuracy"] = round(float(np.mean(logits.argmax(1) == val[1])), 5)
        history.append(row)
        logger.info("train_bert epoch %d: %s", epoch, row)
        score = row.get("val_accuracy", -float(row["train_loss"]))
        if score > best["accuracy"] + float(s["min_delta"]) or best["state"] is None:
            best = {"accuracy": score, "epoch": epoch, "state": _cpu_state(model), "logits": logits}
            stale = 0
        else:
            stale += 1
            if stale >= int(s["patience"]):
                logger.info("train_bert: early stop after epoch %d (best %d)", epoch, best["epoch"])
                break
    if best["state"] is not None and best["epoch"] != history[-1]["epoch"]:
        model.load_state_dict(best["state"])
    result = {
        "history": history,
        "best_epoch": int(best["epoch"]),
        "epochs_run": len(history),
        "optimizer_steps": steps,
        "samples_per_second": round(seen / max(train_time, 1e-9), 2),
        "peak_memory_mb": peak_memory_mb(device),
        "best_val_logits": best["logits"],  # the restored state's val logits (not for the card)
    }
    logger.info(
        "train_bert: %d epochs, %.2f samples/s, peak memory %.0f MB on %s",
        len(history), result["samples_per_second"], result["peak_memory_mb"], device,
    )  # fmt: skip
    return result


def _cpu_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


__all__ = [
    "DEFAULT_TRAINING",
    "amp_context",
    "enable_tf32",
    "grad_scaler",
    "predict_logits",
    "select_precision",
    "softmax_positive",
    "train_classifier",
    "training_settings",
]
