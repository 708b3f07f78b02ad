"""A logistic regression over paragraph vectors as a served model: raw text == cached vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from synthetic_text_models import PREPROCESS, raw_reviews, tokens_of

from mlops_pipeline.embeddings.paragraph import ParagraphEmbedder, train_doc2vec
from mlops_pipeline.evaluation.references import REFERENCES, reference_for
from mlops_pipeline.models.classical import ClassicalTextModel
from mlops_pipeline.models.discovery import load_model
from mlops_pipeline.text import TextPreprocessor


def test_saved_model_scores_raw_text_as_the_cached_vectors(tmp_path: Path) -> None:
    frame = raw_reviews(80)
    tokens = tokens_of(frame["text"].tolist())
    model_d2v, _ = train_doc2vec(
        tokens, {"dm": 0, "vector_size": 8, "epochs": 3, "min_count": 1}, 1
    )
    embedder = ParagraphEmbedder.from_gensim(model_d2v, infer_epochs=5, seed=1)
    x = embedder.transform(tokens)
    config = TextPreprocessor(PREPROCESS).to_config()
    model = ClassicalTextModel(config, embedder, "logreg", {"solver": "lbfgs"}, features="doc2vec")
    model.fit_matrix(x, frame["label"].to_numpy())
    model.save(tmp_path / "logreg__doc2vec")
    loaded = load_model(tmp_path / "logreg__doc2vec")
    assert loaded.card.extra["representation_kind"] == "paragraph_embedder"
    texts = frame["text"].tolist()[:10]
    np.testing.assert_allclose(
        loaded.predict_proba(texts), model.predict_proba_matrix(x[:10]), rtol=1e-6
    )
    assert reference_for(loaded.card.to_dict()) is REFERENCES["paragraph_vectors"]
