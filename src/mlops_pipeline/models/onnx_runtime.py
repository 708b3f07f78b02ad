"""ONNX Runtime for the torch sequence models (LSTM, BERT): export, int8, choice on val, serving.

- :func:`export_onnx`: ``torch.onnx.export`` of a network (dynamic batch and time axes) to
  ONNX bytes at a recorded opset; :func:`quantize_int8`: ONNX Runtime's dynamic int8
  quantisation (weights int8, activations quantised per call) of those bytes.
- :func:`choose_runtime`: the serving decision, made on ``val`` only: the cheapest runtime
  (``onnx_int8`` before ``onnx_fp32`` before ``torch``) whose val accuracy is within
  ``tolerance_pt`` points of torch's; each candidate's accuracy and max |delta p| is recorded.
  int8 is not batch-invariant (``batch_invariant: false`` in the record): dynamic quantisation
  scales activations per call, so a review's probability depends slightly on its batch.
- :class:`OrtNetwork`: an ONNX Runtime session that the models' torch batching code calls like
  the network (tensors in, a tensor out), so padding, length sorting and the probability maths
  stay one implementation whatever the runtime.

The model card's ``extra.runtime`` says which runtime serves (``{"serve": "onnx_int8",
"file": "onnx/model.int8.onnx", "opset": 17, ...}``); a model without it serves with torch.
ONNX files are protobuf graphs: loading one executes no Python (no pickle).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from mlops_pipeline.metrics import classification_metrics

from .onnx_options import resolve_onnx_options

__all__ = [
    "FILES",
    "OrtNetwork",
    "choose_runtime",
    "export_onnx",
    "quantize_int8",
    "read_onnx",
    "resolve_onnx_options",
    "select_runtime",
    "write_onnx",
]

ONNX_DIR = "onnx"
FILES = {"onnx_fp32": f"{ONNX_DIR}/model.onnx", "onnx_int8": f"{ONNX_DIR}/model.int8.onnx"}


def export_onnx(
    network: torch.nn.Module,
    inputs: Mapping[str, torch.Tensor],
    dynamic: Mapping[str, Sequence[int]],
    opset: int,
) -> bytes:
    """ONNX bytes of ``network(**inputs)`` -> ``logits``; ``dynamic`` names each input's
    variable axes (0 batch, 1 time). The network is exported in eval mode on CPU."""
    was_training = network.training
    network.eval()
    names = {0: "batch", 1: "time"}
    axes = {k: {a: names[a] for a in v} for k, v in dynamic.items()}
    buffer = io.BytesIO()
    with warnings.catch_warnings():  # the TorchScript exporter's deprecation notice
        warnings.simplefilter("ignore")
        torch.onnx.export(
            network, (), buffer, kwargs=dict(inputs), input_names=list(inputs),
            output_names=["logits"], dynamic_axes={**axes, "logits": {0: "batch"}},
            opset_version=int(opset), dynamo=False,
        )  # fmt: skip
    network.train(was_training)
    return buffer.getvalue()


def quantize_int8(model: bytes, workdir: str | Path) -> bytes:
    """Dynamic int8 quantisation (``onnxruntime.quantization.quantize_dynamic``, QInt8)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source, target = Path(workdir) / "fp32.onnx", Path(workdir) / "int8.onnx"
    source.write_bytes(model)
    quantize_dynamic(source, target, weight_type=QuantType.QInt8)
    return target.read_bytes()


def choose_runtime(
    labels: Sequence[int], probas: Mapping[str, np.ndarray], serve: str, tolerance_pt: float
) -> dict[str, Any]:
    """The decision record: per runtime its val accuracy and max |p - p_torch|, and ``serve``.

    ``serve="auto"`` takes the first of ``onnx_int8``, ``onnx_fp32`` whose accuracy is within
    ``tolerance_pt`` points of torch's, either way (a runtime that scores much *better* on val
    is a different model, not the same one served faster), else ``torch``; any other value is
    taken as asked.
    """
    torch_p = np.asarray(probas["torch"], dtype=np.float64)
    record: dict[str, Any] = {"tolerance_pt": float(tolerance_pt), "val": {}}
    for name, p in probas.items():
        p = np.asarray(p, dtype=np.float64)
        record["val"][name] = {
            "accuracy": classification_metrics(labels, p)["accuracy"],
            "max_abs_dp": round(float(np.max(np.abs(p - torch_p))) if len(p) else 0.0, 8),
            "rows": int(len(p)),
        }
    base = record["val"]["torch"]["accuracy"]
    within = [
        name
        for name in ("onnx_int8", "onnx_fp32")
        if name in record["val"]
        and abs(base - record["val"][name]["accuracy"]) * 100.0 <= float(tolerance_pt) + 1e-9
    ]
    record["serve"] = serve if serve != "auto" else (within[0] if within else "torch")
    return record


class _Output:
    """What a Hugging Face model returns, as far as the prediction code reads it."""

    def __init__(self, logits: torch.Tensor) -> None:
        self.logits = logits


class OrtNetwork:
    """An ONNX Runtime session standing in for the torch network at inference.

    Called like the network (positional tensors in ``input_names`` order, or keywords); returns
    the logits tensor, or an object with ``.logits`` when ``hf_output`` (BERT). ``eval`` and
    ``train`` are no-ops so the torch batching code runs unchanged. Thread count fixed
    (``threads``) and deterministic compute on, so a model gives the same numbers every run.
    """

    training = False

    def __init__(
        self,
        model: bytes,
        input_names: Sequence[str],
        threads: int | None,
        hf_output: bool = False,
        config: Any = None,
    ) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = int(threads or 0)
        options.inter_op_num_threads = 1
        options.use_deterministic_compute = True
        self.session = ort.InferenceSession(
            model, sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.input_names = list(input_names)
        self.hf_output = hf_output
        self.config = config

    def __call__(self, *args: torch.Tensor, **kwargs: torch.Tensor) -> Any:
        feeds = dict(zip(self.input_names, args, strict=False)) | kwargs
        arrays = {k: v.detach().cpu().numpy().astype(np.int64) for k, v in feeds.items()}
        logits = torch.from_numpy(self.session.run(["logits"], arrays)[0])
        return _Output(logits) if self.hf_output else logits

    def eval(self) -> OrtNetwork:
        return self

    def train(self, mode: bool = True) -> OrtNetwork:
        return self

    def to(self, device: Any) -> OrtNetwork:
        return self


def write_onnx(directory: Path, runtime: Mapping[str, Any] | None, model: bytes | None) -> None:
    """Write the served ONNX graph where the card's ``runtime["file"]`` says (torch: nothing)."""
    if model is None or not runtime or runtime.get("serve", "torch") == "torch":
        return
    path = Path(directory) / runtime["file"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model)


def read_onnx(directory: str | Path, runtime: Mapping[str, Any] | None) -> bytes | None:
    """The ONNX bytes a saved model's card names (``None``: the model serves with torch)."""
    if not runtime or runtime.get("serve", "torch") == "torch":
        return None
    path = Path(directory) / runtime["file"]
    if not path.is_file():
        raise FileNotFoundError(
            f"{directory}: model_card.json serves {runtime['serve']} from {runtime['file']}, "
            "which is missing; rerun the training stage (it exports the ONNX file)"
        )
    return path.read_bytes()


def select_runtime(
    model: Any,
    predict_val: Any,
    labels: Sequence[int],
    options: Mapping[str, Any],
    torch_proba: np.ndarray | None = None,
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Export ``model`` (a ``SequenceTextModel``), score val with each runtime, serve the choice.

    ``predict_val()`` returns P(positive) on val with whatever runtime the model serves; the
    model is switched to each candidate in turn, then to the chosen one (recorded in its card
    as ``extra.runtime``). With ``export: false`` the model serves with torch, recorded too.
    ``torch_proba``: torch's val probabilities when already computed (BERT keeps them from
    training). Returns the record and each runtime's val probabilities.
    """
    import tempfile

    if not options["export"]:
        model.use_runtime({"serve": "torch", "exported": False}, None)
        return model.card.extra["runtime"], {}
    model.use_runtime(None, None)
    probas = {"torch": predict_val() if torch_proba is None else np.asarray(torch_proba)}
    inputs, dynamic = model.onnx_signature()
    graphs = {"onnx_fp32": export_onnx(model.network, inputs, dynamic, options["opset"])}
    if options["quantize"]:
        with tempfile.TemporaryDirectory() as tmp:
            graphs["onnx_int8"] = quantize_int8(graphs["onnx_fp32"], tmp)
    for name, graph in graphs.items():
        model.use_runtime({"serve": name}, graph)
        probas[name] = predict_val()
    record = choose_runtime(labels, probas, options["serve"], options["tolerance_pt"])
    if record["serve"] != "torch" and record["serve"] not in graphs:
        raise ValueError(f"onnx.serve is {record['serve']} but onnx.quantize is off; enable it")
    record.update(opset=int(options["opset"]), file=FILES.get(record["serve"]))
    # dynamic int8 quantises activations with one scale per call: a review's probability moves
    # a little (~1e-2 on the real LSTM) with the other reviews (and padding) of its batch
    record["batch_invariant"] = record["serve"] != "onnx_int8"
    record["onnxruntime"] = __import__("onnxruntime").__version__
    model.use_runtime(record, graphs.get(record["serve"]))
    return record, probas
