"""Item 4 of issue 31: MLflow's own CLI scores a registered version (``--env-manager local``:
the project's venv) on a temporary store, with the model's own probabilities."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registry"))
from registry_fixtures import fresh_registry, model_folder  # noqa: E402

from mlops_pipeline.registry import register_folder  # noqa: E402


@pytest.mark.slow
def test_mlflow_models_predict_scores_the_champion(tmp_path):
    registry = fresh_registry()  # the session's temporary store (MLFLOW_TRACKING_URI)
    folder, model, _ = model_folder(tmp_path)
    registry.promote(register_folder(registry, folder, run_name="mlflow predict"))
    texts = ["A wonderful film, I loved it.", "The worst, most boring film ever."]
    (tmp_path / "in.json").write_text(
        json.dumps({"dataframe_split": {"columns": ["text"], "data": [[t] for t in texts]}})
    )
    bin_dir = Path(sys.executable).parent
    run = subprocess.run(
        [str(bin_dir / "mlflow"), "models", "predict", "-m", f"models:/{registry.name}@champion",
         "--env-manager", "local", "-i", str(tmp_path / "in.json"), "-t", "json",
         "-o", str(tmp_path / "out.json")],
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    predictions = json.loads((tmp_path / "out.json").read_text())["predictions"]
    expected = model.predict_proba(texts)[:, 1]
    np.testing.assert_allclose(np.asarray(predictions, dtype=float), expected, atol=1e-9)
