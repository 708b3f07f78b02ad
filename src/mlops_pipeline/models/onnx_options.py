"""``<stage>.onnx`` options of ``train_lstm`` / ``train_bert`` (light: no torch, no ONNX).

The parameter schemas of both pipelines use :class:`OnnxOptions`; :mod:`.onnx_runtime` does
the work (see its docstring for what each option does).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from mlops_pipeline.params import StrictModel

RUNTIMES = ("torch", "onnx_fp32", "onnx_int8")
#: Parameter defaults of ``<stage>.onnx`` (parameters_train_lstm.yml / _train_bert.yml).
DEFAULT_OPTIONS: dict[str, Any] = {
    "export": True,
    "opset": 17,
    "quantize": True,
    "serve": "auto",
    "tolerance_pt": 0.3,
}


class OnnxOptions(StrictModel):
    """``<stage>.onnx`` of ``train_lstm`` / ``train_bert`` (their schemas use this class)."""

    export: bool = Field(default=True, description="Export the network to ONNX after training.")
    opset: int = Field(default=17, ge=13, le=23, description="ONNX opset of the export.")
    quantize: bool = Field(default=True, description="Also try dynamic int8 quantisation.")
    serve: Literal["auto", "torch", "onnx_fp32", "onnx_int8"] = Field(
        default="auto",
        description="auto: int8, else fp32, within tolerance_pt of torch's val accuracy.",
    )
    tolerance_pt: float = Field(
        default=0.3, ge=0, description="Val accuracy points an ONNX runtime may lose."
    )


def resolve_onnx_options(options: Mapping[str, Any] | None, stage: str) -> dict[str, Any]:
    """Defaults overlaid with ``options``; an unknown key or ``serve`` value fails naming it."""
    unknown = set(options or {}) - set(DEFAULT_OPTIONS)
    if unknown:
        raise ValueError(
            f"unknown {stage}.onnx option(s) {sorted(unknown)}: see parameters_{stage}.yml"
        )
    resolved = {**DEFAULT_OPTIONS, **(options or {})}
    if resolved["serve"] not in ("auto", *RUNTIMES):
        raise ValueError(
            f"{stage}.onnx.serve must be auto or one of {RUNTIMES}, got {resolved['serve']!r}"
        )
    return resolved
