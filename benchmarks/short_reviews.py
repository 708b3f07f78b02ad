"""Val-only study of one-sentence reviews (issue 26 part c): the val ceiling and augmentation.

The one-sentence set of ``val`` is built exactly as evaluate builds the test one
(:func:`mlops_pipeline.evaluation.short_texts.short_review_rows`). Every n-gram model of
``train_classical`` is retrained on ``fit`` with its val-chosen parameters (selection.json) and
scored on val full reviews and val first sentences; ``--augment`` also trains each on fit plus
the first sentence of every fit review (sentence-crop augmentation). Test is never loaded.

    nice -n 10 .venv/bin/python benchmarks/short_reviews.py --augment
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
import yaml

from mlops_pipeline.evaluation.short_texts import first_sentences
from mlops_pipeline.features import load_vectorizer
from mlops_pipeline.models.classical.estimators import make_estimator
from mlops_pipeline.text import TextPreprocessor

DATA = Path("data")
SPARSE = ("bow", "tfidf", "ngrams")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--augment", action="store_true", help="also fit + fit first sentences")
    parser.add_argument("--models", nargs="*", help="model ids (default: every n-gram model)")
    args = parser.parse_args()
    seed = yaml.safe_load(Path("conf/base/parameters_common.yml").read_text())["common"]["seed"]
    preprocess = yaml.safe_load(Path("conf/base/parameters_preprocess.yml").read_text())
    pre = TextPreprocessor(preprocess["preprocess"]["text"])
    selection = json.loads((DATA / "08_reporting/train_classical/selection.json").read_text())
    table = pd.read_parquet(
        DATA / "03_primary/preprocess/reviews_preprocessed.parquet",
        columns=["review_id", "fold", "label", "text_light"],
    )
    rows = pd.read_parquet(DATA / "04_feature/features/rows.parquet")
    by_id = table.set_index("review_id")
    fit_ids = rows[rows["fold"] == "fit"].sort_values("row")["review_id"]
    val_ids = rows[rows["fold"] == "val"].sort_values("row")["review_id"]
    y_fit = by_id.loc[fit_ids, "label"].astype(int).to_numpy()
    y_val = by_id.loc[val_ids, "label"].astype(int).to_numpy()
    short_tokens = {
        fold: pre.tokens(first_sentences(list(by_id.loc[ids, "text_light"])))
        for fold, ids in (("fit", fit_ids), ("val", val_ids))
    }
    out = {}
    for model_id, sel in sorted(selection.items()):
        if sel["features"] not in SPARSE or (args.models and model_id not in args.models):
            continue
        folder = DATA / "04_feature/features" / sel["features"]
        vec = load_vectorizer(folder / "vectorizer")
        x_fit, x_val = sp.load_npz(folder / "fit.npz"), sp.load_npz(folder / "val.npz")
        if sel.get("ngram_range"):
            vec, cols = vec.restrict_ngrams(sel["ngram_range"])
            x_fit, x_val = x_fit[:, cols], x_val[:, cols]
        s_fit, s_val = vec.transform(short_tokens["fit"]), vec.transform(short_tokens["val"])
        variants = {"fit": (x_fit, y_fit)}
        if args.augment:
            variants["fit+first_sentences"] = (
                sp.vstack([x_fit, s_fit], format="csr"),
                np.r_[y_fit, y_fit],
            )
        for name, (x, y) in variants.items():
            est = make_estimator(sel["family"], sel["best_params"], seed).fit(x, y)
            line = {
                "model_id": model_id, "train": name,
                "val_accuracy": round(float((est.predict(x_val) == y_val).mean()), 5),
                "val_one_sentence_accuracy": round(float((est.predict(s_val) == y_val).mean()), 5),
            }  # fmt: skip
            out[f"{model_id}|{name}"] = line
            print(json.dumps(line), flush=True)
    best = max(out.values(), key=lambda r: r["val_one_sentence_accuracy"])
    print(json.dumps({"val_rows": len(y_val), "best_one_sentence": best}))


if __name__ == "__main__":
    main()
