"""Calibrate the drift gate on fit vs val only, then report other batches WITHOUT retuning.

Usage (real data; wrap in ``flock /tmp/heavy.lock`` on a shared machine)::

    python benchmarks/drift_calibration.py            # calibrate + report (about 5 minutes)
    python benchmarks/drift_calibration.py --sample-size 1000 --seeds 0 1   # quick

1. Calibration (reference-vs-reference): for each seed in ``drift.calibration.seeds`` the
   movies of the training reviews (fit + val) are split in two halves (grouped by
   ``movie_id``, seeded) and a sample of each half is compared with
   :func:`mlops_pipeline.drift.run_drift`; for the prediction signal the champion's
   out-of-sample ``val`` predictions are split by movie the same way. Each signal's threshold
   is ``max + margin x (max - min)`` of its scores over the seeds (``drift.calibration.margin``).
2. Report, with the thresholds in ``conf/base/parameters_drift.yml`` (never tuned on these):
   train vs test, test reviews cut to their first sentence, test reviews with case and
   punctuation stripped, and another kind of text (paragraphs of Python's standard-library
   docstrings, offline). Prints one line per batch and writes
   ``benchmarks/results/drift_calibration.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import pkgutil
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mlops_pipeline.datasets import TextModelsDataset  # noqa: E402
from mlops_pipeline.drift import DESCRIPTORS, ChampionScores, TextTools, run_drift  # noqa: E402
from mlops_pipeline.embeddings import DocumentEmbedder  # noqa: E402
from mlops_pipeline.models.champion import select_champion_from_sets  # noqa: E402
from mlops_pipeline.scoring import predict_positive  # noqa: E402

DATA = ROOT / "data"
TRAINING = ("train_classical", "train_lstm", "train_bert", "train_ensemble")


def load_params() -> tuple[dict, int]:
    drift = yaml.safe_load((ROOT / "conf/base/parameters_drift.yml").read_text())["drift"]
    seed = yaml.safe_load((ROOT / "conf/base/parameters_common.yml").read_text())["common"]["seed"]
    return drift, int(seed)


def champion():
    sets = {}
    for name in TRAINING:
        folder = DATA / "06_models" / name
        if folder.exists():
            with contextlib.suppress(FileNotFoundError):
                sets[f"{name}_models"] = TextModelsDataset(str(folder)).load()
    source, handle = select_champion_from_sets(sets)
    preds = pd.read_parquet(
        DATA / "07_model_output" / source.replace("_models", "") / "val_predictions.parquet"
    )
    return handle, preds.loc[preds["model_id"] == handle.model_id, ["review_id", "proba"]]


def movie_halves(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    movies = np.sort(frame["movie_id"].astype(str).unique())
    rng = np.random.default_rng(seed)
    half = set(rng.permutation(movies)[: len(movies) // 2])
    mask = frame["movie_id"].astype(str).isin(half).to_numpy()
    return frame[mask].reset_index(drop=True), frame[~mask].reset_index(drop=True)


def first_sentence(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    match = re.match(r"\s*(.+?[.!?])(\s|$)", text)
    return (match.group(1) if match else text).strip()


def stripped(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def docstring_paragraphs(limit: int) -> list[str]:
    """Paragraphs (>= 200 characters) of the docstrings of Python's standard library."""
    import importlib

    out: list[str] = []
    stdlib = Path(inspect.getfile(json)).parents[1]
    for info in sorted(pkgutil.iter_modules([str(stdlib)]), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in {"antigravity", "this", "idlelib", "tkinter"}:
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - some modules need a display or a platform
            continue
        objects = [module, *[v for _, v in inspect.getmembers(module) if callable(v)]]
        for obj in objects:
            doc = inspect.getdoc(obj) or ""
            for para in re.split(r"\n\s*\n", doc):
                para = " ".join(para.split())
                if len(para) >= 200:
                    out.append(para)
        if len(out) >= limit:
            break
    return list(dict.fromkeys(out))[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample-size", type=int, default=None)
    parser.add_argument("--seeds", type=int, nargs="*", default=None)
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument(
        "--write",
        action="store_true",
        help="write the calibrated thresholds into conf/base/parameters_drift.yml first",
    )
    args = parser.parse_args()
    params, common_seed = load_params()
    if args.sample_size:
        params["sample_size"] = args.sample_size
    seeds = args.seeds or params["calibration"]["seeds"]
    margin = float(params["calibration"]["margin"])
    params = {**params, "explain_text": False}

    reviews = pd.read_parquet(DATA / "02_intermediate/ingest/reviews.parquet")
    tokens = pd.read_parquet(
        DATA / "03_primary/preprocess/reviews_preprocessed.parquet", columns=["review_id", "tokens"]
    )
    reviews = reviews.merge(tokens, on="review_id", how="left")
    embedder = DocumentEmbedder.load(DATA / "04_feature/embeddings/word2vec/embedder")
    vocab = embedder.keys[: params["oov_vocabulary_size"]]
    handle, val_preds = champion()
    model = handle.load()
    val_preds = val_preds.merge(reviews[["review_id", "label", "movie_id"]], on="review_id")
    print(f"champion: {handle.model_id} (val accuracy {handle.card().val_metrics['accuracy']})")
    kw = {"tools": TextTools(vocab, embedder, model.preprocessor)}

    train = (
        reviews[reviews["fold"].isin(["fit", "val"])]
        .sort_values("review_id")
        .reset_index(drop=True)
    )
    sizes = args.sizes or params["calibration"]["sizes"]
    calib: dict[int, dict[str, list[float]]] = {}
    rows = []
    for size in sizes:
        for seed in seeds:
            started = time.perf_counter()
            ref, cur = movie_halves(train, seed)
            cur = _sample(cur, size, seed)
            vref, vcur = movie_halves(val_preds.sort_values("review_id"), seed)
            res = run_drift(
                ref,
                cur,
                params=_single_set(params, size),
                seed=seed,
                **kw,
                champion=ChampionScores(vref["proba"].to_numpy(), _padded(vcur, cur, seed)),
            )
            signals = res.summary["signals"]
            for name, sig in signals.items():
                calib.setdefault(size, {}).setdefault(name, []).append(sig["score"])
            rows.append(
                {
                    "size": size,
                    "seed": seed,
                    "seconds": round(time.perf_counter() - started, 1),
                    **{k: v["score"] for k, v in signals.items()},
                }
            )
            print(
                f"calibration n={size} seed {seed}: "
                + " ".join(f"{k}={v['score']:.4f}" for k, v in signals.items()),
                flush=True,
            )
    suggested = {
        size: {name: _threshold(name, v, margin) for name, v in by.items()}
        for size, by in calib.items()
    }
    print("suggested thresholds (max + margin x spread):", json.dumps(suggested))
    if args.write:
        write_thresholds(suggested)
        fresh, _ = load_params()
        params = {**params, "thresholds": fresh["thresholds"]}
        print("wrote the thresholds into conf/base/parameters_drift.yml")
    result = {
        "seeds": seeds,
        "sizes": sizes,
        "margin": margin,
        "sample_size": params["sample_size"],
        "calibration": rows,
        "suggested": suggested,
        "batches": {},
        "false_alarms": {},
    }
    if not args.skip_report:
        test = reviews[reviews["fold"] == "test"].sort_values("review_id").reset_index(drop=True)
        result["false_alarms"] = false_alarms(test, train, model, params, kw, sizes, val_preds)

    if not args.skip_report:
        test = reviews[reviews["fold"] == "test"].sort_values("review_id").reset_index(drop=True)
        rng = np.random.default_rng(common_seed)
        pick = np.sort(
            rng.choice(len(test), size=min(params["sample_size"], len(test)), replace=False)
        )
        sample = test.iloc[pick].reset_index(drop=True)
        docs = docstring_paragraphs(params["sample_size"])
        batches = {
            "train_vs_test": sample,
            "first_sentence": pd.DataFrame(
                {"text": sample["text"].map(first_sentence), "label": sample["label"]}
            ),
            "case_punct_stripped": pd.DataFrame(
                {"text": sample["text"].map(stripped), "label": sample["label"]}
            ),
            "python_docstrings": pd.DataFrame({"text": docs}),
        }
        for name, batch in batches.items():
            started = time.perf_counter()
            proba = predict_positive(model, batch["text"].tolist(), n_process=2)
            labels = batch["label"].to_numpy() if "label" in batch else None
            res = run_drift(
                train,
                batch,
                params=params,
                seed=common_seed,
                **kw,
                champion=ChampionScores(
                    reference_proba=val_preds["proba"].to_numpy(),
                    current_proba=proba,
                    reference_labels=val_preds["label"].to_numpy(),
                    current_labels=labels,
                ),
            )
            s = res.summary
            result["batches"][name] = {
                "rows": len(batch),
                "seconds": round(time.perf_counter() - started, 1),
                **s,
            }
            print(
                f"{name}: drift_detected={s['drift_detected']} share={s['drifted_share']:.3f} "
                + " ".join(
                    f"{k}={v['score']:.4f}{'*' if v['drifted'] else ''}"
                    for k, v in s["signals"].items()
                )
                + (f" accuracy={s['quality']['current']['accuracy']}" if s.get("quality") else ""),
                flush=True,
            )
    out = ROOT / "benchmarks/results/drift_calibration.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


def write_thresholds(suggested: dict[int, dict[str, float]]) -> None:
    """Replace the ``thresholds:`` block of ``conf/base/parameters_drift.yml`` (the comments
    above and the keys around it are kept)."""
    path = ROOT / "conf/base/parameters_drift.yml"
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == "thresholds:")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("    "))
    block = ["  thresholds:\n"]
    for size in sorted(suggested):
        values = suggested[size]
        block.append(f"    {size}:\n")
        for key in ("text", "embeddings", "prediction"):
            block.append(f"      {key}: {values[key]}\n")
        block.append("      descriptors:\n")
        for name, value in values.items():
            if name.startswith("descriptor:"):
                block.append(f"        {name.split(':', 1)[1]}: {value}\n")
    path.write_text("".join(lines[:start] + block + lines[end:]))


#: Signals scored as a ROC AUC: a threshold of 1 or more could never fire (and the schema
#: refuses it), so max + margin x spread is capped just below 1 (small samples scatter widely).
AUC_SIGNALS = ("text", "embeddings")
AUC_CAP = 0.99


def _threshold(name: str, scores: list[float], margin: float) -> float:
    """max + margin x (max - min) of the reference-vs-reference scores (AUCs capped)."""
    value = round(max(scores) + margin * (max(scores) - min(scores)), 4)
    return min(value, AUC_CAP) if name in AUC_SIGNALS else value


def _sample(frame: pd.DataFrame, size: int, seed: int) -> pd.DataFrame:
    """A seeded sample of ``size`` rows (all when fewer), in order."""
    if len(frame) <= size:
        return frame
    pos = np.sort(np.random.default_rng(seed).choice(len(frame), size=size, replace=False))
    return frame.iloc[pos].reset_index(drop=True)


def _single_set(params: dict, size: int) -> dict:
    """``params`` whose thresholds hold one placeholder set for ``size`` (scores only)."""
    placeholder = {
        "text": 0.99,
        "embeddings": 0.99,
        "prediction": 99.0,
        "descriptors": {name: 99.0 for name in DESCRIPTORS},
    }
    return {**params, "thresholds": {size: placeholder}}


def false_alarms(test, train, model, params, kw, sizes, val_preds, draws: int = 5) -> dict:
    """Train vs test at each calibrated size (never tuned on): how many of ``draws`` seeded
    test samples set the gate off with the written thresholds."""
    out = {}
    for size in sizes:
        fired = []
        for draw in range(draws):
            batch = _sample(test, size, 100 + draw)
            proba = predict_positive(model, batch["text"].tolist(), n_process=2)
            res = run_drift(
                train,
                batch,
                params=params,
                seed=100 + draw,
                **kw,
                champion=ChampionScores(val_preds["proba"].to_numpy(), proba),
            )
            s = res.summary
            fired.append([k for k, v in s["signals"].items() if v["drifted"]])
        out[size] = {"draws": draws, "fired": sum(bool(f) for f in fired), "signals": fired}
        print(f"false alarms train vs test n={size}: {out[size]['fired']} of {draws} {fired}")
    return out


def _padded(vcur: pd.DataFrame, cur: pd.DataFrame, seed: int) -> np.ndarray:
    """Champion val probabilities of the current half, one per current row (run_drift pairs
    probabilities with rows only for their marginal distribution; resampled when shorter)."""
    proba = vcur["proba"].to_numpy()
    rng = np.random.default_rng(seed)
    return rng.choice(proba, size=len(cur), replace=len(proba) < len(cur))


if __name__ == "__main__":
    main()
