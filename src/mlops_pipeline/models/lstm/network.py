"""The recurrent sentiment network: embedding -> (Bi)LSTM/GRU (padding never reaches a real
time step) -> masked pooling -> linear head (one logit: the log-odds of "positive")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .vocab import PAD

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU}
POOLINGS = ("last", "max", "mean", "max_mean")

#: Architecture keys and defaults (``config.json`` of a saved model holds all of them).
DEFAULT_ARCHITECTURE: dict[str, Any] = {
    "embedding_dim": None,  # None: the Word2Vec vector size (100 without Word2Vec)
    "hidden_size": 128,
    "num_layers": 1,
    "cell": "lstm",
    "bidirectional": True,
    "pooling": "max",
    "dropout": 0.3,
    "embedding_dropout": 0.2,
    "freeze_embeddings": False,
    "sequence_packing": "auto",
}
PACKINGS = ("auto", "packed", "padded")


def architecture(config: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults overlaid with ``config``; unknown keys and invalid choices raise."""
    unknown = set(config) - set(DEFAULT_ARCHITECTURE)
    if unknown:
        raise ValueError(f"unknown network option(s) {sorted(unknown)}")
    arch = {**DEFAULT_ARCHITECTURE, **config}
    if arch["cell"] not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}, got {arch['cell']!r}")
    if arch["pooling"] not in POOLINGS:
        raise ValueError(f"pooling must be one of {POOLINGS}, got {arch['pooling']!r}")
    if arch["sequence_packing"] not in PACKINGS:
        raise ValueError(
            f"sequence_packing must be one of {PACKINGS}, got {arch['sequence_packing']!r}"
        )
    return arch


def reverse_within(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each row's first ``length`` steps, leaving the padding where it is (an
    involution: applying it twice gives ``x`` back)."""
    steps = torch.arange(x.shape[1], device=x.device)[None, :]
    index = torch.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)
    return x.gather(1, index.unsqueeze(-1).expand(-1, -1, x.shape[2]))


class RecurrentClassifier(nn.Module):
    """Embedding, recurrent encoder, masked pooling and a linear head.

    Each direction of each layer is its own one-directional LSTM/GRU; the backward direction
    reads every sequence reversed within its true length, so padding (always at the end)
    never reaches a real time step, whether the batch is packed or padded:

    - ``packed``: :func:`pack_padded_sequence` (cuDNN's path on GPU);
    - ``padded``: the padded batch as is, which on CPU runs oneDNN's fused LSTM kernel, about
      4x faster per training step than packed input (docs/models.md "LSTM");
    - ``auto``: packed on CUDA, padded on CPU.

    Args:
        vocab_size: rows of the embedding (index ``PAD`` = 0 stays a zero vector).
        pretrained: optional ``(vocab_size, embedding_dim)`` array for the embedding.
        **config: :data:`DEFAULT_ARCHITECTURE` keys: embedding_dim, hidden_size, num_layers,
            cell (``lstm``|``gru``), bidirectional, pooling (``last``: final state of each
            direction at the true length; ``max``/``mean`` over real steps only; ``max_mean``
            both), dropout (pooled vector and between layers), embedding_dropout,
            freeze_embeddings, sequence_packing (``auto``|``packed``|``padded``).
    """

    def __init__(self, vocab_size: int, pretrained: np.ndarray | None = None, **config: Any):
        super().__init__()
        arch = architecture(config)
        arch["embedding_dim"] = int(arch["embedding_dim"] or 100)
        self.config = {"vocab_size": int(vocab_size), **arch}
        self.pooling = arch["pooling"]
        self.packing = arch["sequence_packing"]
        self.hidden_size = hidden = int(arch["hidden_size"])
        directions = 2 if arch["bidirectional"] else 1
        self.embedding = nn.Embedding(vocab_size, arch["embedding_dim"], padding_idx=PAD)
        self.embedding_dropout = nn.Dropout(arch["embedding_dropout"])
        self.layers = nn.ModuleList(
            nn.ModuleList(
                CELLS[arch["cell"]](
                    arch["embedding_dim"] if layer == 0 else hidden * directions,
                    hidden,
                    batch_first=True,
                )
                for _ in range(directions)
            )
            for layer in range(int(arch["num_layers"]))
        )
        width = hidden * directions * (2 if self.pooling == "max_mean" else 1)
        self.dropout = nn.Dropout(arch["dropout"])
        self.head = nn.Linear(width, 1)
        self.reset_parameters(pretrained)
        self.embedding.weight.requires_grad_(not arch["freeze_embeddings"])

    def reset_parameters(self, pretrained: np.ndarray | None = None) -> None:
        """Xavier input weights, orthogonal recurrent weights, LSTM forget-gate bias 1."""
        with torch.no_grad():
            if pretrained is not None:
                if tuple(pretrained.shape) != tuple(self.embedding.weight.shape):
                    raise ValueError(
                        f"pretrained embedding {pretrained.shape} != {self.embedding.weight.shape}"
                    )
                self.embedding.weight.copy_(torch.from_numpy(np.asarray(pretrained)))
            self.embedding.weight[PAD].zero_()
            hidden = self.hidden_size
            for rnn in (rnn for layer in self.layers for rnn in layer):
                for name, param in rnn.named_parameters():
                    if name.startswith("weight_ih"):
                        nn.init.xavier_uniform_(param)
                    elif name.startswith("weight_hh"):
                        for k in range(0, param.shape[0], hidden):  # one block per gate
                            nn.init.orthogonal_(param[k : k + hidden])
                    else:
                        param.zero_()
                        if isinstance(rnn, nn.LSTM) and name.startswith("bias_ih"):
                            param[hidden : 2 * hidden].fill_(1.0)  # gates i, f, g, o: f = 1
            nn.init.xavier_uniform_(self.head.weight)
            self.head.bias.zero_()

    def _run(self, rnn: nn.Module, x: torch.Tensor, lengths: torch.Tensor, packed: bool):
        if not packed:
            return rnn(x)[0]
        pack = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        return pad_packed_sequence(rnn(pack)[0], batch_first=True, total_length=x.shape[1])[0]

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Logits ``(batch,)`` for padded ``ids (batch, time)`` with true ``lengths (batch,)``
        (every length >= 1). A sequence gives the same logit whatever it is padded to."""
        lengths = lengths.to(ids.device)
        packed = self.packing == "packed" or (self.packing == "auto" and ids.is_cuda)
        rows = torch.arange(ids.shape[0], device=ids.device)
        x = self.embedding_dropout(self.embedding(ids))
        for depth, layer in enumerate(self.layers):
            if depth:
                x = self.dropout(x)
            outputs, finals = [], []
            for direction, rnn in enumerate(layer):
                inputs = reverse_within(x, lengths) if direction else x
                out = self._run(rnn, inputs, lengths, packed)
                finals.append(out[rows, lengths - 1])  # state after the true last step
                outputs.append(reverse_within(out, lengths) if direction else out)
            x = torch.cat(outputs, dim=2)
        if self.pooling == "last":
            pooled = torch.cat(finals, dim=1)
        else:
            mask = torch.arange(ids.shape[1], device=ids.device)[None, :] < lengths[:, None]
            mask = mask.unsqueeze(-1)
            parts = []
            if self.pooling in ("max", "max_mean"):
                parts.append(x.masked_fill(~mask, float("-inf")).amax(dim=1))
            if self.pooling in ("mean", "max_mean"):
                parts.append((x * mask).sum(dim=1) / lengths.to(x.dtype).unsqueeze(1))
            pooled = torch.cat(parts, dim=1)
        return self.head(self.dropout(pooled)).squeeze(-1)


def embedding_matrix(
    itos: list[str], vectors: Any, dim: int, seed: int = 0
) -> tuple[np.ndarray, float]:
    """Rows for ``itos`` from gensim ``KeyedVectors`` (``vectors``); tokens without a vector
    get small random rows (same scale as the pre-trained ones), ``PAD`` a zero row.

    Returns the matrix and the share of vocabulary tokens that had a pre-trained vector.
    """
    rng = np.random.default_rng(seed)
    if vectors is not None and vectors.vector_size != dim:
        raise ValueError(f"embedding_dim {dim} != Word2Vec vector_size {vectors.vector_size}")
    scale = float(np.std(vectors.vectors)) if vectors is not None and len(vectors) else 0.1
    matrix = rng.normal(0.0, scale, size=(len(itos), dim)).astype(np.float32)
    matrix[PAD] = 0.0
    hits = 0
    if vectors is not None:
        for i, token in enumerate(itos[2:], start=2):
            index = vectors.key_to_index.get(token)
            if index is not None:
                matrix[i] = vectors.vectors[index]
                hits += 1
    return matrix, hits / max(1, len(itos) - 2)
