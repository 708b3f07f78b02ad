"""Vocabulary and integer encoding for the recurrent text models.

The vocabulary is built from token lists of the training folds only (DESIGN.md "Who sees
what"): the caller passes ``fit``/``val`` tokens, never ``test``. Index 0 is padding, 1 the
out-of-vocabulary token; real tokens follow by descending count (ties: alphabetical), so the
same corpus always gives the same indices. Stored as JSON (a token list), never pickled.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from mlops_pipeline.models.sequence_model import truncate

PAD = 0
OOV = 1
PAD_TOKEN = "<pad>"
OOV_TOKEN = "<unk>"


class Vocabulary:
    """Token <-> index map with ``PAD = 0`` and ``OOV = 1``."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.itos: list[str] = [PAD_TOKEN, OOV_TOKEN, *tokens]
        self.stoi: dict[str, int] = {t: i for i, t in enumerate(self.itos)}
        if len(self.stoi) != len(self.itos):
            raise ValueError("vocabulary tokens must be unique")

    @classmethod
    def build(
        cls, documents: Iterable[Sequence[str]], min_count: int = 1, max_size: int | None = None
    ) -> Vocabulary:
        """Tokens seen at least ``min_count`` times, the ``max_size`` most frequent kept."""
        counts = Counter(t for doc in documents for t in doc)
        counts.pop(PAD_TOKEN, None)
        counts.pop(OOV_TOKEN, None)
        ranked = sorted(
            (t for t, c in counts.items() if c >= int(min_count)), key=lambda t: (-counts[t], t)
        )
        if max_size is not None:
            ranked = ranked[: max(0, int(max_size))]
        return cls(ranked)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        """Indices of ``tokens`` (unknown tokens -> ``OOV``), int64."""
        get = self.stoi.get
        return np.fromiter((get(t, OOV) for t in tokens), dtype=np.int64, count=len(tokens))

    def to_json(self) -> str:
        return json.dumps({"pad": PAD, "oov": OOV, "itos": self.itos}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Vocabulary:
        data = json.loads(text)
        itos = data["itos"]
        if itos[:2] != [PAD_TOKEN, OOV_TOKEN] or data.get("pad") != PAD or data.get("oov") != OOV:
            raise ValueError("not a vocabulary written by Vocabulary.to_json")
        return cls(itos[2:])

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Vocabulary:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def encode_documents(
    vocab: Vocabulary,
    documents: Iterable[Sequence[str]],
    max_length: int,
    truncation: str = "head_tail",
    head: float = 0.5,
) -> list[np.ndarray]:
    """Encode and truncate each document; an empty document becomes ``[OOV]`` (length >= 1,
    which packed sequences require)."""
    out = []
    for doc in documents:
        ids = truncate(vocab.encode(list(doc)), max_length, truncation, head)
        out.append(ids if len(ids) else np.array([OOV], dtype=np.int64))
    return out
