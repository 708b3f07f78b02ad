"""RecurrentClassifier: padding invariance, forget-gate bias, Word2Vec initialisation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mlops_pipeline.models.lstm import PAD, RecurrentClassifier
from mlops_pipeline.models.lstm.network import embedding_matrix


@pytest.mark.parametrize("packing", ["packed", "padded"])
@pytest.mark.parametrize(
    ("cell", "pooling", "bidirectional"),
    [
        ("lstm", "last", True),
        ("lstm", "max", True),
        ("lstm", "mean", False),
        ("gru", "max_mean", True),
        ("gru", "last", False),
    ],
)
def test_padded_and_unpadded_sequence_give_the_same_output(
    cell, pooling, bidirectional, packing
) -> None:
    torch.manual_seed(0)
    net = RecurrentClassifier(
        50, embedding_dim=6, hidden_size=5, cell=cell, pooling=pooling,
        bidirectional=bidirectional, num_layers=2, sequence_packing=packing,
    ).eval()  # fmt: skip
    seq = torch.tensor([[3, 7, 9, 4, 11]])
    alone = net(seq, torch.tensor([5]))
    padded = torch.cat([seq, torch.full((1, 7), PAD)], dim=1)
    longer = torch.arange(2, 14).unsqueeze(0)
    batch = net(torch.cat([padded, longer]), torch.tensor([5, 12]))
    torch.testing.assert_close(batch[0], alone[0], atol=1e-6, rtol=1e-5)


def test_packed_and_padded_modes_compute_the_same_function() -> None:
    torch.manual_seed(0)
    net = RecurrentClassifier(30, embedding_dim=6, hidden_size=5, num_layers=2).eval()
    ids = torch.randint(2, 30, (4, 9))
    lengths = torch.tensor([9, 3, 6, 1])
    net.packing = "padded"
    padded = net(ids, lengths)
    net.packing = "packed"
    torch.testing.assert_close(net(ids, lengths), padded, atol=1e-6, rtol=1e-5)


def test_lstm_forget_gate_bias_is_one_and_pad_row_zero() -> None:
    net = RecurrentClassifier(20, embedding_dim=4, hidden_size=3)
    bias = net.layers[0][1].bias_ih_l0.detach()  # backward direction of the first layer
    assert torch.equal(bias[3:6], torch.ones(3))  # gate order i, f, g, o
    assert torch.count_nonzero(bias[:3]) == 0 and torch.count_nonzero(bias[6:]) == 0
    assert torch.count_nonzero(net.embedding.weight[PAD]) == 0


class _Vectors:
    """The part of gensim KeyedVectors that embedding_matrix reads."""

    def __init__(self, keys, vectors):
        self.key_to_index = {k: i for i, k in enumerate(keys)}
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.vector_size = self.vectors.shape[1]

    def __len__(self):
        return len(self.key_to_index)


def test_embedding_initialised_from_word2vec_and_frozen_by_parameter() -> None:
    vectors = _Vectors(["good", "bad"], [[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]])
    itos = ["<pad>", "<unk>", "bad", "unseen", "good"]
    matrix, coverage = embedding_matrix(itos, vectors, 3, seed=0)
    assert coverage == pytest.approx(2 / 3)
    np.testing.assert_array_equal(matrix[2], [-1, -2, -3])
    np.testing.assert_array_equal(matrix[4], [1, 2, 3])
    assert not matrix[0].any() and matrix[3].any()
    net = RecurrentClassifier(5, pretrained=matrix, embedding_dim=3, freeze_embeddings=True)
    np.testing.assert_array_equal(net.embedding.weight.detach().numpy(), matrix)
    assert not net.embedding.weight.requires_grad
    with pytest.raises(ValueError, match="vector_size"):
        embedding_matrix(itos, vectors, 4)
