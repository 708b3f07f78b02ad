"""A fresh registered-model name per test on the session's temporary MLflow store."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from synthetic_text_models import trained_model

from mlops_pipeline.registry import Registry, register_folder
from mlops_pipeline.tracking.config import load_tracking_config

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def fresh_registry() -> Registry:
    base = load_tracking_config(PROJECT_ROOT, "test")
    config = type(base)(**{**base.__dict__, "registered_model": f"m-{uuid.uuid4().hex[:8]}"})
    return Registry(config)


def model_folder(root: Path, family: str = "logreg", features: str = "tfidf", c: float = 1.0):
    model, frame = trained_model(family, features, {"C": c} if family == "logreg" else None)
    folder = model.save(root / f"{model.model_id}_{c}")
    return folder, model, frame


def registered(registry: Registry, root: Path, c: float = 1.0) -> int:
    folder, _, _ = model_folder(root, c=c)
    return register_folder(registry, folder, run_name=f"test C={c}")


def one_line_error(stderr: str) -> str:
    """The CLI's error: one ``error: …`` line, no traceback (MLflow's own INFO lines, e.g.
    on creating a store, are not the error)."""
    lines = [
        line
        for line in stderr.strip().splitlines()
        if not re.match(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d INFO ", line)
    ]
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr, stderr
    return lines[0]
