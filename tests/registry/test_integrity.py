"""Defects 2 and 3 of issue 22: the registry accepts only what loads, and trusts back only
what it registered.

2. ``register`` of a folder whose card names ``os:system`` succeeded (and ``--promote`` made it
   the champion that the next ``score`` could not load); an empty or missing folder ended in a
   traceback.
3. Flipping the sign of the head's weights in the artifact store flipped every prediction and
   ``model_version`` stayed the same (it hashed ``model_card.json`` only).
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from registry_fixtures import fresh_registry, model_folder, one_line_error, registered

from mlops_pipeline.models.discovery import ModelHandle
from mlops_pipeline.registry import CHAMPION, RegistryError, register_folder
from mlops_pipeline.registry.__main__ import main as cli_main
from mlops_pipeline.registry.integrity import MANIFEST_TAG, MODEL_VERSION_TAG
from mlops_pipeline.registry.serving import registry_champion


def _cli(registry, tmp_path, *args):
    (tmp_path / "conf" / "base").mkdir(parents=True, exist_ok=True)
    (tmp_path / "conf" / "base" / "mlflow.yml").write_text(
        f"mlflow:\n  registered_model: {registry.name}\n"
    )
    (tmp_path / "pyproject.toml").write_text("[tool.kedro]\npackage_name = 'x'\n")
    return cli_main(["--project-path", str(tmp_path), "--env", "base", *args])


def _one_line_error(capsys) -> str:
    return one_line_error(capsys.readouterr().err)


def test_a_card_naming_os_system_is_refused_and_nothing_is_registered(tmp_path, capsys) -> None:
    registry = fresh_registry()
    folder, _, _ = model_folder(tmp_path / "models")
    card = json.loads((folder / "model_card.json").read_text())
    card["interface"] = "os:system"
    (folder / "model_card.json").write_text(json.dumps(card))
    assert _cli(registry, tmp_path, "register", str(folder), "--promote") == 2
    err = _one_line_error(capsys)
    assert str(folder) in err and "os:system" in err and "not registered" in err
    assert registry.versions() == [] and registry.alias(CHAMPION) is None


@pytest.mark.parametrize("kind", ["empty", "missing"])
def test_an_empty_or_missing_folder_is_one_line(tmp_path, capsys, kind) -> None:
    registry = fresh_registry()
    folder = tmp_path / "models" / "nothing"
    if kind == "empty":
        folder.mkdir(parents=True)
    assert _cli(registry, tmp_path, "register", str(folder)) == 2
    assert str(folder) in _one_line_error(capsys)
    assert registry.versions() == []


def test_weights_that_do_not_predict_are_refused(tmp_path) -> None:
    registry = fresh_registry()
    folder, _, _ = model_folder(tmp_path / "models")
    np.savez_compressed(folder / "head.npz", coef=np.zeros(3))  # wrong shape for its card
    with pytest.raises(RegistryError, match="allow-listed loader"):
        register_folder(registry, folder, run_name="broken")
    assert registry.versions() == []


def _flip_head(folder) -> None:
    path = folder / "head.npz"
    with np.load(path, allow_pickle=False) as arrays:
        coef = arrays["coef"]
    np.savez_compressed(path, coef=-coef)


def test_tampered_weights_are_refused_at_every_load(tmp_path) -> None:
    registry = fresh_registry()
    folder, model, frame = model_folder(tmp_path)
    version = registered(registry, tmp_path)
    registry.promote(version)
    info = registry.get(version)
    manifest = json.loads(info.tags[MANIFEST_TAG])
    assert {"pyfunc_model.py", "MLmodel", "requirements.txt"} <= set(manifest)
    assert any(name.endswith("/head.npz") for name in manifest)
    assert info.tags[MODEL_VERSION_TAG] == ModelHandle("m", folder).version()

    stored = registry.folder(version)
    _flip_head(stored)  # what an attacker (or a bad disk) does in the artifact store
    assert ModelHandle("m", stored).version() != info.tags[MODEL_VERSION_TAG]
    for load in (
        lambda: registry.load(CHAMPION),
        lambda: registry.folder(version),
        lambda: registry.load_pyfunc(CHAMPION),
        lambda: registry_champion(registry.config),
    ):
        with pytest.raises(RegistryError, match=r"head\.npz does not match its registered SHA-256"):
            load()


def test_an_edited_loader_in_the_store_never_runs(tmp_path) -> None:
    registry = fresh_registry()
    version = registered(registry, tmp_path)
    loader = registry.root(version) / "pyfunc_model.py"
    marker = tmp_path / "ran"
    loader.write_text(f"open({str(marker)!r}, 'w').close()\n" + loader.read_text())
    with pytest.raises(RegistryError, match=r"pyfunc_model\.py does not match"):
        registry.load_pyfunc(version)
    assert not marker.exists()


def test_a_file_added_to_the_store_is_named(tmp_path) -> None:
    registry = fresh_registry()
    version = registered(registry, tmp_path)
    (registry.folder(version) / "extra.json").write_text("{}")
    with pytest.raises(RegistryError, match=r"extra\.json was added"):
        registry.load(version)


def test_a_version_without_manifest_is_not_trusted(tmp_path) -> None:
    registry = fresh_registry()
    version = registered(registry, tmp_path)
    registry.client.delete_model_version_tag(registry.name, str(version), MANIFEST_TAG)
    with pytest.raises(RegistryError, match="no manifest"):
        registry.load(version)


def test_the_verified_pyfunc_scores_as_its_folder(tmp_path) -> None:
    import pandas as pd

    registry = fresh_registry()
    folder, model, frame = model_folder(tmp_path)
    version = registered(registry, tmp_path)
    texts = frame["text"].tolist()[:5]
    got = np.asarray(registry.load_pyfunc(version).predict(pd.DataFrame({"text": texts})))
    np.testing.assert_allclose(got, model.predict_proba(texts)[:, 1], atol=1e-12)
    assert os.environ["MLFLOW_TRACKING_URI"].startswith("sqlite:")


def test_score_model_version_changes_with_the_weights_not_only_the_card(tmp_path) -> None:
    from mlops_pipeline.scoring import model_version

    folder, _, _ = model_folder(tmp_path)
    handle = ModelHandle("m", folder)
    card = (folder / "model_card.json").read_bytes()
    before = model_version(handle)
    _flip_head(folder)
    assert (folder / "model_card.json").read_bytes() == card
    assert model_version(handle) != before and len(model_version(handle)) == 12
