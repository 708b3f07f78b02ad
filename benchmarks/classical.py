"""Benchmark: the Kedro classical path against a plain script doing the same computation.

Usage: ``python benchmarks/classical.py [--limit-per-fold N] [--workdir DIR]``
(wrap it in ``flock /tmp/heavy.lock`` on a shared machine).

Input: the real reviews table of ``ingest`` (``data/02_intermediate/ingest/reviews.parquet``;
``dvc repro ingest`` makes it), labelled folds only (fit / val / test = the 25k/25k split).
Both paths run in their own Python process, in a scratch copy of the project (the project's
``data/`` is never written), restricted to TF-IDF + logistic regression and NB-SVM:

* **kedro**: ``preprocess`` -> ``features`` (TF-IDF node; the val probe off) ->
  ``train_classical`` (TF-IDF models) -> ``evaluate``, through a ``KedroSession``, its catalog
  and a ``SequentialRunner``: every intermediate dataset is written and read back.
* **plain**: the same library calls in one script, in memory, no intermediate files:
  ``TextPreprocessor.light_and_tokens`` -> ``TokenVectorizer`` (fit on fit + val, transform
  every fold) -> ``select_on_val`` + refit on fit + val -> test scoring through
  ``predict_proba_prepared``, metrics, latency and throughput from raw text.

Prints both wall times (process start to exit), the ratio (target <= 1.3, issue 6) and the
test accuracy of each model on both paths (they must agree).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = [{"family": "logreg", "features": "tfidf"}, {"family": "nbsvm", "features": "tfidf"}]
RUNTIME_PARAMS = {"features": {"probe": {"enabled": False}}, "train_classical": {"models": MODELS}}


def prepare(workdir: Path, limit: int | None) -> Path:
    """A scratch project: conf/, pyproject.toml and the labelled reviews (code: the installed package)."""
    import pandas as pd

    source = ROOT / "data/02_intermediate/ingest/reviews.parquet"
    if not source.exists():
        sys.exit(f"{source} is missing: run `dvc repro ingest` (or `kedro run --pipelines ingest`)")
    project = workdir / "project"
    shutil.rmtree(project, ignore_errors=True)
    (project / "conf/local").mkdir(parents=True)
    shutil.copytree(ROOT / "conf/base", project / "conf/base")
    shutil.copy2(ROOT / "conf/logging.yml", project / "conf/logging.yml")
    shutil.copy2(ROOT / "pyproject.toml", project / "pyproject.toml")
    (project / "src").mkdir()  # the package is imported from the installed project
    reviews = pd.read_parquet(source)
    reviews = reviews[reviews["fold"].isin(["fit", "val", "test"])]
    if limit:
        reviews = reviews.groupby("fold", group_keys=False).sample(n=limit, random_state=0)
    target = project / "data/02_intermediate/ingest/reviews.parquet"
    target.parent.mkdir(parents=True)
    reviews.reset_index(drop=True).to_parquet(target)
    print(f"benchmark input: {reviews['fold'].value_counts().to_dict()}", file=sys.stderr)
    return project


def run_kedro(project: Path) -> dict:
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project
    from kedro.runner import SequentialRunner

    from mlops_pipeline.models.discovery import MODEL_INPUTS
    from mlops_pipeline.pipelines import evaluate, features, preprocess, train_classical

    os.chdir(project)
    bootstrap_project(project)
    pipeline = (
        preprocess.create_pipeline()
        + features.create_pipeline().to_outputs(
            "features_rows", "features_tfidf_fit", "features_tfidf_val", "features_tfidf_test"
        )
        + train_classical.create_pipeline(representations=["tfidf"])
        + evaluate.create_pipeline()
    )
    with KedroSession.create(project_path=project, runtime_params=RUNTIME_PARAMS) as session:
        catalog = session.load_context().catalog  # (each `context.catalog` is a new one)
        # evaluate scores every training pipeline's models: here only train_classical trains
        for name in MODEL_INPUTS:
            if name != "train_classical_models":
                catalog[name] = {}
        SequentialRunner().run(pipeline, catalog, hook_manager=session._hook_manager)
    metrics = json.loads((project / "data/08_reporting/evaluate/metrics.json").read_text())
    return {mid: m["accuracy"] for mid, m in metrics.items()}


def run_plain(project: Path) -> dict:
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp
    import yaml

    from mlops_pipeline.evaluation import classification_metrics, latency_ms, throughput
    from mlops_pipeline.features import build_vectorizer
    from mlops_pipeline.models.classical import ClassicalTextModel
    from mlops_pipeline.models.classical.selection import select_on_val
    from mlops_pipeline.pipelines.evaluate.nodes import speed_sample
    from mlops_pipeline.text import TextPreprocessor

    conf = {}
    for name in ("common", "preprocess", "features", "train_classical", "evaluate"):
        conf.update(yaml.safe_load((ROOT / f"conf/base/parameters_{name}.yml").read_text()))
    seed = conf["common"]["seed"]
    reviews = pd.read_parquet(project / "data/02_intermediate/ingest/reviews.parquet")
    preprocessor = TextPreprocessor(conf["preprocess"]["text"])
    config = preprocessor.to_config()
    light, tokens = preprocessor.light_and_tokens(
        reviews["text"].fillna("").astype(str).tolist(), **conf["preprocess"]["speed"]
    )
    reviews = reviews.assign(text_light=light, tokens=tokens)
    folds = {
        f: reviews[reviews["fold"] == f].reset_index(drop=True) for f in ("fit", "val", "test")
    }
    vectorizer = build_vectorizer(
        "tfidf", conf["features"]["tfidf"], conf["features"]["stop_words"]
    ).fit(pd.concat([folds["fit"]["tokens"], folds["val"]["tokens"]]))
    x = {f: vectorizer.transform(frame["tokens"]) for f, frame in folds.items()}
    y = {f: frame["label"].astype(int).to_numpy() for f, frame in folds.items()}
    x_train, y_train = (
        sp.vstack([x["fit"], x["val"]], format="csr"),
        np.concatenate([y["fit"], y["val"]]),
    )
    families = conf["train_classical"]["families"]
    test = folds["test"]
    ev = conf["evaluate"]
    lat_texts = speed_sample(test["text"], ev["latency_reviews"], seed)
    thr_texts = speed_sample(test["text"], ev["throughput_reviews"], seed + 1)
    cache: dict = {}
    out = {}
    for spec in MODELS:
        fam = families[spec["family"]]
        sel = select_on_val(
            x["fit"], y["fit"], x["val"], y["val"], spec["family"], fam["params"], fam["grid"], seed
        )
        model = ClassicalTextModel(
            config, vectorizer, spec["family"], sel["best_params"], features="tfidf", seed=seed
        ).fit_matrix(x_train, y_train)
        proba = model.predict_proba_prepared(test, cache=cache)[:, 1]
        out[model.model_id] = classification_metrics(test["label"].astype(int), proba)["accuracy"]
        latency_ms(model, lat_texts)
        throughput(model, thr_texts)
    return out


def child(kind: str, project: Path) -> None:
    result = run_kedro(project) if kind == "kedro" else run_plain(project)
    print("RESULT " + json.dumps(result), flush=True)


def timed(kind: str, project: Path) -> tuple[float, dict]:
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1"}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--project", str(project)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    return seconds, json.loads(line[len("RESULT ") :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-per-fold", type=int, default=None, help="quick check on N/fold")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--child", choices=["kedro", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.project)
        return
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_classical_"))
    project = prepare(workdir, args.limit_per_fold)
    kedro_s, kedro_acc = timed("kedro", project)
    print(f"kedro path: {kedro_s:.1f} s  test accuracy {kedro_acc}", flush=True)
    plain_s, plain_acc = timed("plain", project)
    print(f"plain script: {plain_s:.1f} s  test accuracy {plain_acc}", flush=True)
    print(f"ratio kedro / plain: {kedro_s / plain_s:.3f} (target <= 1.3)")
    if kedro_acc != plain_acc:
        print("WARNING: the two paths disagree on test accuracy", file=sys.stderr)
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
