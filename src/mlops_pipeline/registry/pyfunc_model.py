"""MLflow "models from code" definition of the sentiment classifier (no pickled objects).

MLflow stores this file's source with every registered version; loading runs it, and
:class:`SentimentClassifier` reads the version's model folder (safe formats: JSON, npy/npz,
safetensors) through the project's allow-listed :func:`mlops_pipeline.models.load_model`.
``predict`` takes a DataFrame with a ``text`` column (or a list of texts) and returns
``P(positive)`` per row.

Because ``mlflow.pyfunc.load_model`` *runs* the copy of this file in the artifact store, the
stored copy is in the version's SHA-256 manifest (:mod:`.integrity`):
:meth:`Registry.load_pyfunc` checks it before MLflow runs it, and the project's own loads
(``Registry.load``, ``score``, ``retrain``) never run it. See docs/registry.md.
"""

from __future__ import annotations

from typing import Any

import mlflow
import pandas as pd
from mlflow.pyfunc import PythonModel

from mlops_pipeline.models.discovery import load_model

MODEL_DIR_ARTIFACT = "model_dir"


class SentimentClassifier(PythonModel):
    """Thin loader: the model folder artifact, read by ``load_model``."""

    def load_context(self, context: Any) -> None:
        self.model = load_model(context.artifacts[MODEL_DIR_ARTIFACT])

    # no type hints here: MLflow would try to derive a schema from them
    def predict(self, context, model_input, params=None):  # noqa: ANN001, ANN201
        if isinstance(model_input, pd.DataFrame):
            texts = model_input["text"] if "text" in model_input else model_input.iloc[:, 0]
        else:
            texts = model_input
        return self.model.predict_proba([str(t) for t in texts])[:, 1]


mlflow.models.set_model(SentimentClassifier())
