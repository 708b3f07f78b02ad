"""LSTM vocabulary: PAD/OOV indices, limits, deterministic order, truncation, JSON round trip."""

from __future__ import annotations

import pytest

from mlops_pipeline.models.lstm import OOV, PAD, Vocabulary
from mlops_pipeline.models.lstm.vocab import encode_documents


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


def test_empty_documents_encode_to_one_oov() -> None:
    vocab = Vocabulary.build([["a"]])
    encoded = encode_documents(vocab, [[], ["a", "a", "a"]], max_length=2)
    assert [e.tolist() for e in encoded] == [[OOV], [2, 2]]
