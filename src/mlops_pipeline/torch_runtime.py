"""Torch runtime settings shared by every torch model (text LSTM, time-series LSTM).

Device choice (``auto | cpu | cuda``, a one-line error when CUDA is asked for and absent),
mixed precision on CUDA, fixed thread counts, flushed denormals, deterministic algorithms
and seeding: one implementation, so every torch stage behaves the same way.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import numpy as np
import torch

from mlops_pipeline.errors import UserInputError

DEVICES = ("auto", "cpu", "cuda")
PRECISIONS = ("auto", "bf16", "fp16", "fp32")


class DeviceUnavailableError(UserInputError, RuntimeError):
    """The configured device does not exist on this machine (a user-input error)."""


def select_device(preference: str = "auto", parameter: str = "device") -> torch.device:
    """``auto``: CUDA when ``torch.cuda.is_available()``, else CPU; ``cpu``/``cuda`` as asked.

    Asking for ``cuda`` without CUDA raises a one-line error naming the parameter.
    """
    if preference not in DEVICES:
        raise ValueError(f"{parameter} must be one of {DEVICES}, got {preference!r}")
    if preference == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if preference == "cuda" and not torch.cuda.is_available():
        raise DeviceUnavailableError(
            f"{parameter} is 'cuda' but no CUDA device is available; set {parameter} to "
            f"'auto' (falls back to cpu) or 'cpu', e.g. --params {parameter}=cpu"
        )
    return torch.device(preference)


def autocast_dtype(device: torch.device, precision: str = "auto") -> torch.dtype | None:
    """Mixed-precision dtype for ``device`` (``None``: full fp32). CPU always runs fp32.

    CUDA ``auto`` is fp16 (with a gradient scaler): cuDNN's RNN kernels take fp16 on every
    GPU, but bf16 only from cuDNN 9.13 (pytorch/pytorch#164411); ``bf16`` is there for GPUs
    and builds that have it, and needs no scaler.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if device.type != "cuda" or precision == "fp32":
        return None
    return {"auto": torch.float16, "bf16": torch.bfloat16, "fp16": torch.float16}[precision]


def autocast(device: torch.device, dtype: torch.dtype | None) -> Any:
    """``torch.autocast`` on CUDA with ``dtype``; a no-op context otherwise."""
    if dtype is None:
        return nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


@contextmanager
def torch_compute(threads: int | None = 1, deterministic: bool = True) -> Iterator[None]:
    """Fixed intra-op threads, deterministic algorithms, flushed denormals; all restored after.

    The thread count is a setting, not "whatever this machine has": a CPU reduction split over
    another number of threads adds in another order (``None`` keeps torch's count, e.g. on a
    GPU). Deterministic mode also makes cuDNN and cuBLAS pick reproducible kernels on a GPU
    (``CUBLAS_WORKSPACE_CONFIG``). Denormals appear as recurrent gates saturate and are very
    slow on x86 CPUs: issue 12 measured a BiLSTM epoch at 1,281 s without the flush and 136 s
    with it on 2 cores.
    """
    previous = (
        torch.get_num_threads(),
        torch.are_deterministic_algorithms_enabled(),
        torch.backends.cudnn.deterministic,
        torch.backends.cudnn.benchmark,
    )
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    if threads:
        torch.set_num_threads(max(1, int(threads)))
    torch.use_deterministic_algorithms(deterministic)
    torch.backends.cudnn.deterministic = deterministic
    torch.backends.cudnn.benchmark = not deterministic
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)
        torch.set_num_threads(previous[0])
        torch.use_deterministic_algorithms(previous[1])
        torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = previous[2:]


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (``torch.manual_seed`` seeds every CUDA device too)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
