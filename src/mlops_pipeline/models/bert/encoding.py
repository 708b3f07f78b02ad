"""Token ids for BERT: ``[CLS] ids [SEP]`` (truncated as configured) and dynamic padding.

Truncation and batch order are :mod:`mlops_pipeline.models.sequence_model`'s (shared with the
LSTM)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from mlops_pipeline.models.sequence_model import truncate


def encode(
    tokenizer: Any, texts: Sequence[str], max_length: int, truncation: str, head: float
) -> list[np.ndarray]:
    """``[CLS] ids [SEP]`` per text, at most ``max_length`` ids (truncated as configured)."""
    if max_length < 3:
        raise ValueError(f"max_length must be at least 3, got {max_length}")
    if not texts:
        return []
    encoded = tokenizer(list(texts), add_special_tokens=False, truncation=False, verbose=False)
    pieces = encoded["input_ids"]
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    return [
        np.concatenate([[cls], truncate(ids, max_length - 2, truncation, head), [sep]])
        for ids in pieces
    ]


def collate(
    sequences: Sequence[np.ndarray], pad_id: int, device: torch.device
) -> dict[str, torch.Tensor]:
    """Pad a batch to its longest member (dynamic padding): ``input_ids``, ``attention_mask``."""
    width = max(len(s) for s in sequences)
    ids = np.full((len(sequences), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=np.int64)
    for row, seq in enumerate(sequences):
        ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    return {
        "input_ids": torch.from_numpy(ids).to(device, non_blocking=True),
        "attention_mask": torch.from_numpy(mask).to(device, non_blocking=True),
    }
