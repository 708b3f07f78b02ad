"""LSTM vocabulary: PAD/OOV indices, limits, deterministic order, truncation, JSON round trip."""

from __future__ import annotations

import numpy as np
import pytest

from mlops_pipeline.models.lstm import OOV, PAD, Vocabulary
from mlops_pipeline.models.lstm.vocab import encode_documents, truncate


def test_vocabulary_reserves_pad_and_oov_and_orders_by_count() -> None:
    docs = [["b", "a", "a", "c"], ["a", "b", "d"]]
    vocab = Vocabulary.build(docs)
    assert (PAD, OOV) == (0, 1)
    assert vocab.itos == ["<pad>", "<unk>", "a", "b", "c", "d"]  # count desc, then alphabetical
    assert vocab.encode(["a", "zzz", "d"]).tolist() == [2, OOV, 5]


def test_min_count_and_max_size() -> None:
    docs = [["a"] * 5 + ["b"] * 3 + ["c"] * 2 + ["d"]]
    assert Vocabulary.build(docs, min_count=2).itos[2:] == ["a", "b", "c"]
    assert Vocabulary.build(docs, min_count=1, max_size=2).itos[2:] == ["a", "b"]


def test_json_round_trip(tmp_path) -> None:
    vocab = Vocabulary.build([["ünïcode", "x", "x"]])
    vocab.save(tmp_path / "vocab.json")
    assert Vocabulary.load(tmp_path / "vocab.json").itos == vocab.itos
    with pytest.raises(ValueError):
        Vocabulary.from_json('{"itos": ["a", "b"]}')


def test_truncation_modes() -> None:
    ids = np.arange(10)
    assert truncate(ids, 4, "head").tolist() == [0, 1, 2, 3]
    assert truncate(ids, 4, "tail").tolist() == [6, 7, 8, 9]
    assert truncate(ids, 4, "head_tail", head=0.5).tolist() == [0, 1, 8, 9]
    assert truncate(ids, 4, "head_tail", head=0.25).tolist() == [0, 7, 8, 9]
    assert truncate(ids, 20, "head_tail").tolist() == list(range(10))
    with pytest.raises(ValueError):
        truncate(ids, 4, "middle")


def test_empty_documents_encode_to_one_oov() -> None:
    vocab = Vocabulary.build([["a"]])
    encoded = encode_documents(vocab, [[], ["a", "a", "a"]], max_length=2)
    assert [e.tolist() for e in encoded] == [[OOV], [2, 2]]
