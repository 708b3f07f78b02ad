"""Token ids for BERT: head+tail truncation, length-grouped batches, dynamic padding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

TRUNCATIONS = ("head", "tail", "head_tail")


def truncate_ids(ids: Sequence[int], budget: int, truncation: str, head: float) -> list[int]:
    """At most ``budget`` ids: the first ones, the last ones, or both (``head`` share first).

    ``head_tail`` keeps ``round(budget * head)`` ids from the start and the rest from the end
    (Sun et al. 2019: for long IMDb reviews the start and the end carry the verdict).
    """
    if truncation not in TRUNCATIONS:
        raise ValueError(f"truncation must be one of {TRUNCATIONS}, got {truncation!r}")
    ids = list(ids)
    if len(ids) <= budget:
        return ids
    if truncation == "head":
        return ids[:budget]
    if truncation == "tail":
        return ids[len(ids) - budget :]
    n_head = int(round(budget * head))
    n_tail = budget - n_head
    return ids[:n_head] + (ids[len(ids) - n_tail :] if n_tail else [])


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
        np.asarray([cls, *truncate_ids(ids, max_length - 2, truncation, head), sep], np.int64)
        for ids in pieces
    ]


def length_grouped_batches(
    lengths: np.ndarray, batch_size: int, rng: np.random.Generator, pool_batches: int = 50
) -> list[np.ndarray]:
    """Batches of similar length in random order: shuffled pools of ``batch_size *
    pool_batches`` rows, each sorted by length and cut into batches; batch order shuffled."""
    order = rng.permutation(len(lengths))
    pool = max(1, int(batch_size) * int(pool_batches))
    batches: list[np.ndarray] = []
    for start in range(0, len(order), pool):
        part = order[start : start + pool]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def sorted_batches(lengths: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """Inference batches over rows sorted by length (least padding), longest first."""
    order = np.argsort(-lengths, kind="stable")
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


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
