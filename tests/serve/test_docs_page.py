"""/docs offline: a local Swagger UI only when it reads FastAPI's OpenAPI 3.1 schema."""

from __future__ import annotations

from pathlib import Path

from mlops_pipeline.serve.docs_page import swagger_assets


def _dist(folder: Path, bundle: bytes) -> Path:
    folder.mkdir()
    (folder / "swagger-ui-bundle.js").write_bytes(bundle)
    (folder / "swagger-ui.css").write_text("body{}")
    return folder


def test_a_swagger_ui_5_folder_serves_docs(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    folder = _dist(tmp_path / "ui5", b"...isOAS31(e)...")
    assert swagger_assets(folder) == folder


def test_swagger_ui_4_is_refused_so_docs_is_the_static_page(tmp_path, monkeypatch) -> None:
    # Swagger UI 4 answers FastAPI's 3.1 schema with "Unable to render this definition"
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    assert swagger_assets(_dist(tmp_path / "ui4", b"...isOAS3(e)...")) is None
