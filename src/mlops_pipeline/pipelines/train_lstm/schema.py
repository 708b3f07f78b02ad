"""Schema of ``conf/base/parameters_train_lstm.yml`` (see :mod:`mlops_pipeline.params`).

Defaults are those of :data:`mlops_pipeline.models.lstm.model.DEFAULT_CONFIG`,
``network.DEFAULT_ARCHITECTURE`` and ``training.DEFAULT_TRAINING`` (a test checks they agree).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mlops_pipeline.models.onnx_options import OnnxOptions
from mlops_pipeline.params import StrictModel


class Vocabulary(StrictModel):
    """The token vocabulary (index 0 padding, 1 out-of-vocabulary)."""

    folds: list[Literal["fit", "val", "unsup"]] = Field(
        min_length=1, description="Folds whose tokens build the vocabulary (`test` is refused)."
    )
    min_count: int = Field(default=2, ge=1, description="Keep tokens seen at least this often.")
    max_size: int | None = Field(
        default=50000, ge=1, description="Keep the most frequent tokens; null = all."
    )


class Encoding(StrictModel):
    """How a review's token ids are cut to a fixed length."""

    max_length: int = Field(default=512, ge=1, description="Tokens kept per review.")
    truncation: Literal["head", "tail", "head_tail"] = Field(
        default="head_tail", description="Keep the start, the end, or both."
    )
    head: float = Field(
        default=0.25,
        ge=0.0,
        le=1.0,
        description="`head_tail`: share of `max_length` taken from the start.",
    )


class Network(StrictModel):
    """The recurrent classifier's architecture."""

    embedding_dim: int | None = Field(
        default=None,
        ge=1,
        description="null: `embeddings.word2vec.vector_size` (100 with `embedding_init: random`).",
    )
    freeze_embeddings: bool = Field(default=False, description="Do not train the embedding rows.")
    cell: Literal["lstm", "gru"] = Field(default="lstm", description="Recurrent cell.")
    bidirectional: bool = Field(default=True, description="Read the review both ways.")
    hidden_size: int = Field(default=128, ge=1, description="Hidden units per direction.")
    num_layers: int = Field(default=1, ge=1, description="Stacked recurrent layers.")
    pooling: Literal["last", "max", "mean", "max_mean"] = Field(
        default="max",
        description="How the states become one vector (masked: padding never counts).",
    )
    dropout: float = Field(
        default=0.3, ge=0.0, lt=1.0, description="Dropout before the output layer."
    )
    embedding_dropout: float = Field(
        default=0.2, ge=0.0, lt=1.0, description="Dropout on the embedded tokens."
    )
    sequence_packing: Literal["auto", "packed", "padded"] = Field(
        default="auto",
        description="auto: packed sequences on CUDA, padded batches on CPU (oneDNN, faster).",
    )


class Training(StrictModel):
    """Optimisation (AdamW) and early stopping on `val` accuracy."""

    epochs: int = Field(
        default=3, ge=1, description="Epochs (the linear schedule decays over them)."
    )
    batch_size: int = Field(default=64, ge=1, description="Reviews per training batch.")
    learning_rate: float = Field(default=0.002, gt=0.0, description="AdamW learning rate.")
    embedding_lr_scale: float = Field(
        default=0.5, ge=0.0, description="Embedding rows learn at this share of the rate."
    )
    weight_decay: float = Field(
        default=0.01, ge=0.0, description="AdamW decay, on weight matrices only."
    )
    schedule: Literal["constant", "linear"] = Field(
        default="linear", description="Learning rate: constant, or linear decay to 0."
    )
    max_grad_norm: float = Field(default=1.0, gt=0.0, description="Gradient clipping (L2 norm).")
    patience: int = Field(
        default=2, ge=1, description="Epochs without a val-accuracy gain before stopping."
    )
    min_delta: float = Field(default=0.0, ge=0.0, description="Smallest gain that counts.")
    bucket_batches: int = Field(
        default=50, ge=1, description="Batches per shuffled pool sorted by length."
    )
    eval_batch_size: int = Field(default=128, ge=1, description="Reviews per inference batch.")


class Parameters(StrictModel):
    """Pipeline `train_lstm`: a Word2Vec-initialised (Bi)LSTM on the preprocess tokens, trained
    on `fit` with early stopping on `val` (no refit on fit + val); docs/models.md "LSTM"."""

    model_id: str = Field(min_length=1, description="Model folder and leaderboard name.")
    embedding_init: Literal["word2vec", "random"] = Field(
        description="Initial embedding rows: the embeddings stage's Word2Vec, or random."
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        default="auto", description="auto: CUDA when present; cuda without CUDA is an error."
    )
    precision: Literal["auto", "fp16", "bf16", "fp32"] = Field(
        default="auto", description="CUDA autocast (auto = fp16; bf16 needs cuDNN >= 9.13)."
    )
    cpu_threads: int | None = Field(
        default=2, ge=1, description="torch intra-op threads on CPU; null = torch's default."
    )
    deterministic: bool = Field(
        default=True, description="Deterministic algorithms (same params + device -> same metrics)."
    )
    show_progress: bool = Field(default=True, description="A tqdm bar per epoch.")
    vocabulary: Vocabulary = Field(description="Vocabulary folds and size.")
    encoding: Encoding = Field(
        default_factory=Encoding, description="Review length and truncation."
    )
    network: Network = Field(default_factory=Network, description="Architecture.")
    training: Training = Field(default_factory=Training, description="Optimisation.")
    onnx: OnnxOptions = Field(
        default_factory=OnnxOptions, description="ONNX export and the runtime chosen on val."
    )
