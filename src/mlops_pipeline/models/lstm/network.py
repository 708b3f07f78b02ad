"""The recurrent sentiment network: embedding -> (Bi)LSTM/GRU over packed sequences -> pooling
-> linear head (one logit: the log-odds of "positive")."""

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
    "embedding_dim": 100,
    "hidden_size": 128,
    "num_layers": 1,
    "cell": "lstm",
    "bidirectional": True,
    "pooling": "max",
    "dropout": 0.3,
    "embedding_dropout": 0.2,
    "freeze_embeddings": False,
}


def architecture(config: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults overlaid with the known keys of ``config``; invalid choices raise."""
    arch = {**DEFAULT_ARCHITECTURE, **{k: config[k] for k in DEFAULT_ARCHITECTURE if k in config}}
    if arch["cell"] not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}, got {arch['cell']!r}")
    if arch["pooling"] not in POOLINGS:
        raise ValueError(f"pooling must be one of {POOLINGS}, got {arch['pooling']!r}")
    return arch


class RecurrentClassifier(nn.Module):
    """Embedding, recurrent encoder, masked pooling and a linear head.

    Args:
        vocab_size: rows of the embedding (index ``PAD`` = 0 stays a zero vector).
        embedding_dim, hidden_size, num_layers, cell (``lstm``|``gru``), bidirectional.
        pooling: ``last`` (final state of each direction at the true length), ``max``/``mean``
            over the real time steps only, or ``max_mean`` (both, concatenated).
        dropout: on the pooled vector (and between stacked layers).
        embedding_dropout: on the embedded tokens.
        freeze_embeddings: keep the (pre-trained) embedding fixed.
        pretrained: optional ``(vocab_size, embedding_dim)`` array for the embedding.
    """

    def __init__(
        self,
        vocab_size: int,
        pretrained: np.ndarray | None = None,
        **config: Any,
    ) -> None:
        super().__init__()
        arch = architecture(config)
        self.config = {"vocab_size": int(vocab_size), **arch}
        self.pooling = arch["pooling"]
        self.embedding = nn.Embedding(vocab_size, arch["embedding_dim"], padding_idx=PAD)
        self.embedding_dropout = nn.Dropout(arch["embedding_dropout"])
        self.rnn = CELLS[arch["cell"]](
            arch["embedding_dim"],
            arch["hidden_size"],
            num_layers=arch["num_layers"],
            batch_first=True,
            bidirectional=arch["bidirectional"],
            dropout=arch["dropout"] if arch["num_layers"] > 1 else 0.0,
        )
        directions = 2 if arch["bidirectional"] else 1
        width = arch["hidden_size"] * directions * (2 if self.pooling == "max_mean" else 1)
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
            hidden = self.rnn.hidden_size
            for name, param in self.rnn.named_parameters():
                if name.startswith("weight_ih"):
                    nn.init.xavier_uniform_(param)
                elif name.startswith("weight_hh"):
                    for k in range(0, param.shape[0], hidden):  # one block per gate
                        nn.init.orthogonal_(param[k : k + hidden])
                elif name.startswith("bias"):
                    param.zero_()
                    if isinstance(self.rnn, nn.LSTM) and name.startswith("bias_ih"):
                        param[hidden : 2 * hidden].fill_(1.0)  # gates i, f, g, o: f = 1
            nn.init.xavier_uniform_(self.head.weight)
            self.head.bias.zero_()

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Logits ``(batch,)`` for padded ``ids (batch, time)`` with true ``lengths (batch,)``.

        Padding never reaches the recurrence (packed sequences) nor the pooling (masks), so a
        sequence gives the same logit whatever it is padded to.
        """
        embedded = self.embedding_dropout(self.embedding(ids))
        packed = pack_padded_sequence(
            embedded, lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        out, state = self.rnn(packed)
        if self.pooling == "last":
            h_n = state[0] if isinstance(state, tuple) else state
            directions = 2 if self.rnn.bidirectional else 1
            pooled = torch.cat(list(h_n[-directions:]), dim=1)
        else:
            steps, _ = pad_packed_sequence(out, batch_first=True, total_length=ids.shape[1])
            mask = (
                torch.arange(ids.shape[1], device=ids.device)[None, :]
                < lengths[:, None].to(ids.device)
            ).unsqueeze(-1)
            parts = []
            if self.pooling in ("max", "max_mean"):
                parts.append(steps.masked_fill(~mask, float("-inf")).amax(dim=1))
            if self.pooling in ("mean", "max_mean"):
                total = (steps * mask).sum(dim=1)
                parts.append(total / lengths.to(steps.device, steps.dtype).unsqueeze(1))
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
