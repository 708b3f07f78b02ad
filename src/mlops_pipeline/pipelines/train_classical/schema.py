"""Schema of ``conf/base/parameters_train_classical.yml`` (see :mod:`mlops_pipeline.params`).

A family's ``params`` and ``grid`` are keyword arguments of its scikit-learn estimator
(:func:`mlops_pipeline.models.classical.estimators.make_estimator`); their names are checked
against the estimator's own, so a misspelt ``solvr`` fails before any training.
"""

from __future__ import annotations

import inspect
from functools import cache
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from mlops_pipeline.params import StrictModel, unknown_keys

Family = Literal["logreg", "linear_svm", "mnb", "nbsvm"]
Features = Literal[
    "bow", "tfidf", "ngrams", "word2vec_mean", "word2vec_tfidf", "fasttext_mean", "fasttext_tfidf",
    "doc2vec",
]  # fmt: skip
#: Families that need non-negative count / TF-IDF features (not dense embeddings).
SPARSE_ONLY = ("mnb", "nbsvm")
#: Representations of the features stage (sparse n-gram matrices).
SPARSE_FEATURES = ("bow", "tfidf", "ngrams")
#: Unnormalised n-gram matrices: a narrower `ngram_range` is a column subset (grid key).
NGRAM_RANGE_FEATURES = ("bow", "ngrams")


@cache
def estimator_arguments(family: str) -> tuple[str, ...]:
    """The keyword arguments ``params`` / ``grid`` may name for ``family``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.svm import LinearSVC

    # why local: every run validates every schema it uses; scikit-learn loads only when a
    # train_classical section is checked
    from mlops_pipeline.models.classical.nbsvm import NBSVMClassifier

    estimator, extra = {
        "logreg": (LogisticRegression, ()),
        "linear_svm": (LinearSVC, ("calibration_folds",)),
        "mnb": (MultinomialNB, ()),
        "nbsvm": (NBSVMClassifier, ()),
    }[family]
    names = set(inspect.signature(estimator).parameters) | set(extra)
    return tuple(sorted(names - {"random_state", "self"}))  # the seed is common.seed


def check_arguments(
    family: str, params: dict[str, Any], grid: dict[str, Any], where: str = ""
) -> None:
    allowed = estimator_arguments(family)
    unknown_keys(params, allowed, prefix=f"{where}params")
    unknown_keys(grid, allowed, prefix=f"{where}grid")


Params = dict[str, Any]
Grid = dict[str, list[Any]]


class FamilyDefaults(StrictModel):
    """Fixed parameters and a small grid of one family (list grids from the strongest
    regularisation: ties go to the earlier point)."""

    FAMILY: ClassVar[str] = ""

    params: Params = Field(
        default_factory=dict, description="Fixed keyword arguments of the estimator."
    )
    grid: Grid = Field(
        default_factory=dict,
        description="Argument -> values tried on `val` (every combination; the val-best wins).",
    )

    @model_validator(mode="after")
    def _known_arguments(self) -> FamilyDefaults:
        check_arguments(self.FAMILY, self.params, self.grid)
        return self


class Logreg(FamilyDefaults):
    """scikit-learn `LogisticRegression` (default solver liblinear, max_iter 1000)."""

    FAMILY: ClassVar[str] = "logreg"


class LinearSvm(FamilyDefaults):
    """`LinearSVC`, Platt-calibrated on `calibration_folds` folds (`CalibratedClassifierCV`)."""

    FAMILY: ClassVar[str] = "linear_svm"


class Mnb(FamilyDefaults):
    """Multinomial naive Bayes (complement NB predicts the same on two classes)."""

    FAMILY: ClassVar[str] = "mnb"


class Nbsvm(FamilyDefaults):
    """NB log-count ratio (smoothing `alpha`) x binarized features, then L2 logistic regression."""

    FAMILY: ClassVar[str] = "nbsvm"


class Families(StrictModel):
    """Per-family defaults; a left-out family uses its estimator's defaults."""

    logreg: Logreg = Field(default_factory=Logreg, description="Logistic regression.")
    linear_svm: LinearSvm = Field(default_factory=LinearSvm, description="Linear SVM.")
    mnb: Mnb = Field(default_factory=Mnb, description="Multinomial naive Bayes.")
    nbsvm: Nbsvm = Field(default_factory=Nbsvm, description="NB-SVM (Wang & Manning).")


class ModelSpec(StrictModel):
    """One (family, representation) combination to train."""

    family: Family = Field(description="Model family.")
    features: Features = Field(
        description=(
            "Representation: `bow` / `tfidf` / `ngrams` (features stage) or `word2vec_mean`, "
            "`word2vec_tfidf`, `fasttext_mean`, `fasttext_tfidf`, `doc2vec` (embeddings stage)."
        )
    )
    model_id: str | None = Field(
        default=None,
        min_length=1,
        description="Folder / leaderboard name; null = `<family>__<features>`.",
    )
    params: Params = Field(
        default_factory=dict, description="Overrides the family's `params`, key by key."
    )
    grid: Grid | None = Field(
        default=None,
        description=(
            "Replaces the family's `grid`; null = the family's. With `bow` / `ngrams` it may "
            "hold `ngram_range: [[1, 2], [1, 3]]`: n-gram ranges tried on `val` as column "
            "subsets of the cached matrix."
        ),
    )

    @model_validator(mode="after")
    def _consistent(self) -> ModelSpec:
        grid = dict(self.grid or {})
        ranges = grid.pop("ngram_range", None)
        check_arguments(self.family, self.params, grid)
        if self.family in SPARSE_ONLY and self.features not in SPARSE_FEATURES:
            raise ValueError(
                f"{self.family} needs count/tf-idf features {SPARSE_FEATURES}, not {self.features}"
            )
        if ranges is not None:
            if self.features not in NGRAM_RANGE_FEATURES:
                raise ValueError(
                    f"grid.ngram_range needs unnormalised n-gram features "
                    f"{NGRAM_RANGE_FEATURES}, not {self.features}"
                )
            for pair in ranges:
                ok = isinstance(pair, list | tuple) and len(pair) == 2
                if not (ok and all(isinstance(n, int) and n >= 1 for n in pair)) or (
                    pair[0] > pair[1]
                ):
                    raise ValueError(f"grid.ngram_range: {pair!r} is not a pair [min_n, max_n]")
        return self


class Parameters(StrictModel):
    """Pipeline `train_classical`: every combination trains on `fit` and is scored on `val`;
    the val-best grid point is refit on fit + val and saved to
    `data/06_models/train_classical/<model_id>/`."""

    models: list[ModelSpec] = Field(min_length=1, description="Which combinations run.")
    families: Families = Field(
        default_factory=Families, description="Per-family fixed parameters and grids."
    )

    @field_validator("models")
    @classmethod
    def _unique_ids(cls, models: list[ModelSpec]) -> list[ModelSpec]:
        ids = [m.model_id or f"{m.family}__{m.features}" for m in models]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"model_id {twice[0]} appears twice; set a distinct `model_id`")
        return models
