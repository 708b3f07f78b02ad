"""Typed parameters: every section has a schema, the committed configs pass it, and a mistake
fails with one line naming the file, the key path and what is allowed."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog, MemoryDataset
from kedro.pipeline import Pipeline, node

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.hooks import ParameterValidationHook
from mlops_pipeline.params import (
    markdown,
    pipeline_names,
    schema_for,
    schema_names,
    validate_parameters,
)

PROJECT = Path(__file__).resolve().parents[1]
#: Composite pipelines (sums of others) have no parameters of their own.
COMPOSITES = {"imdb"}


def _parameters(env: str) -> dict:
    loader = OmegaConfigLoader(str(PROJECT / "conf"), base_env="base", default_run_env=env)
    return loader["parameters"]


@pytest.fixture(scope="module")
def base() -> dict:
    return _parameters("base")


def _changed(section: dict, path: list, value=None, delete: bool = False) -> dict:
    changed = copy.deepcopy(section)
    target = changed
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


def _message(name: str, section: dict) -> str:
    with pytest.raises(UserInputError) as caught:
        validate_parameters(name, section)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_every_pipeline_and_common_has_a_schema():
    expected = {"common", *(set(pipeline_names()) - COMPOSITES)}
    assert set(schema_names()) == expected
    for name in expected:
        assert (PROJECT / "conf/base" / f"parameters_{name}.yml").exists(), name


@pytest.mark.parametrize("env", ["base", "test", "quick"])
def test_committed_parameters_validate_in_every_environment(env):
    params = _parameters(env)
    for name in schema_names():
        assert name in params, f"{env}: no `{name}:` section"
        validate_parameters(name, params[name])


def test_a_misspelt_key_fails_naming_it_and_the_allowed_keys(base):
    section = _changed(base["ingest"], ["val_shar"], 0.3)
    assert _message("ingest", section) == (
        "parameters_ingest.yml: ingest.val_shar: unknown key (allowed: val_share, sample); "
        "fix the name or remove it"
    )
    nested = _changed(base["embeddings"], ["word2vec", "epoch"], 3)
    message = _message("embeddings", nested)
    assert message.startswith("parameters_embeddings.yml: embeddings.word2vec.epoch: unknown key")
    assert "epochs" in message


def test_a_wrong_type_fails_naming_the_key_and_the_expected_type(base):
    section = _changed(base["train_lstm"], ["training", "epochs"], "three")
    assert _message("train_lstm", section) == (
        "parameters_train_lstm.yml: train_lstm.training.epochs: wrong type: expected "
        "integer >= 1, got three (str); fix the value"
    )
    message = _message("evaluate", _changed(base["evaluate"], ["top_features"], None))
    assert "evaluate.top_features: wrong type: expected integer >= 1, got null" in message


def test_out_of_range_and_unknown_choices_name_the_allowed_values(base):
    message = _message("ingest", _changed(base["ingest"], ["val_share"], 0.9))
    assert message == (
        "parameters_ingest.yml: ingest.val_share: 0.9 is out of range "
        "(allowed: number > 0 and <= 0.5)"
    )
    message = _message("train_lstm", _changed(base["train_lstm"], ["device"], "gpu"))
    assert "train_lstm.device: gpu is not allowed (allowed: 'auto', 'cpu' or 'cuda')" in message
    folds = _changed(base["train_lstm"], ["vocabulary", "folds"], ["fit", "test"])
    assert "train_lstm.vocabulary.folds[1]: test is not allowed" in _message("train_lstm", folds)


def test_a_missing_key_is_named(base):
    message = _message("ingest", _changed(base["ingest"], ["val_share"], delete=True))
    assert message.startswith("parameters_ingest.yml: ingest.val_share: missing")


def test_estimator_arguments_are_checked_against_the_estimator(base):
    section = _changed(base["train_classical"], ["families", "logreg", "params", "solvr"], "x")
    message = _message("train_classical", section)
    assert "train_classical.families.logreg.params.solvr: unknown key (allowed: C," in message
    section = _changed(base["train_classical"], ["models", 2, "features"], "word2vec_mean")
    assert "models[2]: invalid value: nbsvm needs count/tf-idf features" in _message(
        "train_classical", section
    )


def test_schema_choices_match_the_code():
    from mlops_pipeline.models.classical.estimators import FAMILIES
    from mlops_pipeline.pipelines.train_classical.pipeline import REPRESENTATIONS
    from mlops_pipeline.pipelines.train_classical.schema import Family, Features

    assert set(Family.__args__) == set(FAMILIES)
    assert set(Features.__args__) == set(REPRESENTATIONS)


def test_left_out_keys_default_to_what_the_code_uses():
    from mlops_pipeline.models.lstm.model import DEFAULT_CONFIG
    from mlops_pipeline.models.lstm.network import DEFAULT_ARCHITECTURE
    from mlops_pipeline.models.lstm.training import DEFAULT_TRAINING
    from mlops_pipeline.pipelines.preprocess.schema import Text
    from mlops_pipeline.text import DEFAULT_CONFIG as TEXT_DEFAULTS

    lstm = schema_for("train_lstm").model_validate(
        {"model_id": "m", "embedding_init": "random", "vocabulary": {"folds": ["fit"]}}
    )
    dumped = lstm.model_dump()
    assert dumped["network"] == DEFAULT_ARCHITECTURE
    assert dumped["training"] == DEFAULT_TRAINING
    for key in ("device", "deterministic", "precision", "cpu_threads", "show_progress"):
        assert dumped[key] == DEFAULT_CONFIG[key], key
    assert dumped["encoding"] == DEFAULT_CONFIG["encoding"]
    assert Text().model_dump() == TEXT_DEFAULTS


def test_hook_validates_the_run_pipelines_and_every_section_a_node_reads():
    pipeline = Pipeline(
        [node(lambda a, b: a, ["params:preprocess.text", "params:common.seed"], "x", name="n")],
        tags="ingest",
    )
    assert ParameterValidationHook.sections(pipeline) == {"ingest", "preprocess", "common"}
    catalog = DataCatalog(
        {
            "params:ingest": MemoryDataset({"val_share": 0.2}),
            "params:common": MemoryDataset({"seed": "42"[::-1] + "x"}),
        }
    )
    with pytest.raises(UserInputError, match=r"^parameters_common.yml: common.seed: wrong type"):
        ParameterValidationHook().before_pipeline_run(pipeline, catalog)


def test_configuration_reference_is_up_to_date():
    committed = (PROJECT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == markdown(), (
        "docs/configuration.md is stale: python -m mlops_pipeline.params --markdown "
        "> docs/configuration.md"
    )
    for name in schema_names():
        assert f"`{name}." in committed, name
