"""Schema of ``conf/base/parameters_baseline.yml`` (see :mod:`mlops_pipeline.params`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from mlops_pipeline.params import DocumentFrequency, NgramRange, StrictModel


class Tfidf(StrictModel):
    """scikit-learn `TfidfVectorizer` on minimally cleaned raw text (its own tokenizer)."""

    ngram_range: NgramRange = Field(description="`[min_n, max_n]` word n-gram orders.")
    min_df: DocumentFrequency = Field(
        description="Drop terms in fewer documents: a count (integer) or a share (number)."
    )
    max_df: DocumentFrequency = Field(
        description="Drop terms in more documents: a count (integer) or a share (number)."
    )
    sublinear_tf: bool = Field(description="Use 1 + log(tf) instead of tf.")


class Parameters(StrictModel):
    """Pipeline `baseline`: a fast smoke check of the data (minimal cleaning, TF-IDF, logistic
    regression). C is chosen on `val` (model trained on `fit`), then refit on fit + val."""

    tfidf: Tfidf = Field(description="Vectorizer options.")
    c_grid: list[Annotated[float, Field(gt=0)]] = Field(
        min_length=1, description="Inverse regularisation strengths tried on `val`."
    )
    max_iter: int = Field(ge=1, description="lbfgs iterations of the logistic regression.")
