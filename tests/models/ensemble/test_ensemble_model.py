"""EnsembleTextModel: one member = that member, save/load round trip, self-contained folder,
shared preprocessing once per call, and the combiners."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from synthetic_text_models import raw_reviews, trained_model

from mlops_pipeline.datasets import TextModelsDataset
from mlops_pipeline.models import load_model
from mlops_pipeline.models.base import shared_preprocessor
from mlops_pipeline.models.discovery import discover_models
from mlops_pipeline.models.ensemble import (
    MEMBERS_DIR,
    Combiner,
    EnsembleTextModel,
    fit_combiner,
    select_members,
)


def _members(*specs: tuple[str, str]) -> dict:
    return {f"{f}__{r}": trained_model(f, r)[0] for f, r in specs}


def _texts() -> list[str]:
    frame = raw_reviews(80)
    return frame.loc[frame["fold"] == "test", "text"].tolist()


def _labels_and_probas(members: dict) -> tuple[np.ndarray, np.ndarray]:
    frame = raw_reviews(80)
    val = frame[frame["fold"] == "val"]
    probas = np.column_stack(
        [m.predict_proba(val["text"].tolist())[:, 1] for m in members.values()]
    )
    return val["label"].to_numpy(), probas


@pytest.mark.parametrize("kind", ["logit_mean", "mean"])
def test_with_one_member_the_ensemble_is_that_member(kind) -> None:
    members = _members(("logreg", "tfidf"))
    y, probas = _labels_and_probas(members)
    ensemble = EnsembleTextModel(members, kind=kind).fit_probas(probas, y)
    assert ensemble.combiner.weights == [1.0]
    member = next(iter(members.values()))
    np.testing.assert_allclose(
        ensemble.predict_proba(_texts()), member.predict_proba(_texts()), rtol=1e-9, atol=1e-12
    )


def test_save_load_round_trip_gives_identical_probabilities(tmp_path) -> None:
    members = _members(("logreg", "tfidf"), ("nbsvm", "tfidf"), ("mnb", "bow"))
    y, probas = _labels_and_probas(members)
    ensemble = EnsembleTextModel(members, model_id="ens").fit_probas(probas, y)
    TextModelsDataset(str(tmp_path / "models")).save({"ens": ensemble})
    loaded = load_model(tmp_path / "models" / "ens")
    assert isinstance(loaded, EnsembleTextModel)
    assert loaded.member_ids == list(members)
    np.testing.assert_array_equal(loaded.predict_proba(_texts()), ensemble.predict_proba(_texts()))
    # the card lists members and weights; weights on the simplex
    card = loaded.card
    assert card.family == "ensemble" and card.params["members"] == list(members)
    assert sum(card.params["weights"].values()) == pytest.approx(1.0)
    assert [m["model_id"] for m in card.extra["members"]] == list(members)
    # discovery lists the ensemble, not the member copies inside it
    assert discover_models(tmp_path / "models") == [tmp_path / "models" / "ens"]


def test_the_folder_is_self_contained_and_member_copies_are_byte_identical(tmp_path) -> None:
    members = _members(("logreg", "tfidf"), ("nbsvm", "tfidf"))
    sources = {}
    for mid, model in members.items():
        sources[mid] = model.save(tmp_path / "src" / mid)
    y, probas = _labels_and_probas(members)
    loaded_members = {mid: load_model(folder) for mid, folder in sources.items()}
    EnsembleTextModel(loaded_members, member_folders=sources).fit_probas(probas, y).save(
        tmp_path / "ens"
    )
    for mid, folder in sources.items():
        copy = tmp_path / "ens" / MEMBERS_DIR / mid
        assert sorted(p.name for p in copy.iterdir()) == sorted(p.name for p in folder.iterdir())
        for path in folder.rglob("*"):
            if path.is_file():
                assert (copy / path.relative_to(folder)).read_bytes() == path.read_bytes()
    shutil.rmtree(tmp_path / "src")  # the registered artifact loads alone
    assert load_model(tmp_path / "ens").predict_proba(_texts()).shape == (len(_texts()), 2)


def test_a_missing_member_folder_fails_loading_with_its_name(tmp_path) -> None:
    members = _members(("logreg", "tfidf"), ("mnb", "bow"))
    y, probas = _labels_and_probas(members)
    EnsembleTextModel(members).fit_probas(probas, y).save(tmp_path / "ens")
    shutil.rmtree(tmp_path / "ens" / MEMBERS_DIR / "mnb__bow")
    with pytest.raises(FileNotFoundError, match="mnb__bow"):
        load_model(tmp_path / "ens")


def test_shared_preprocessing_runs_once_per_call(monkeypatch) -> None:
    members = _members(("logreg", "tfidf"), ("nbsvm", "tfidf"), ("mnb", "bow"))
    y, probas = _labels_and_probas(members)
    ensemble = EnsembleTextModel(members).fit_probas(probas, y)
    pre = shared_preprocessor(ensemble.preprocess_config)
    calls = {"light_and_tokens": 0, "tokens": 0}
    for name in calls:
        original = getattr(pre, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(pre, name, counted)
    out = ensemble.predict_proba(_texts())
    assert calls == {"light_and_tokens": 1, "tokens": 0}
    # and the result equals the combination of each member's own raw-text path
    own = np.column_stack([m.predict_proba(_texts())[:, 1] for m in members.values()])
    np.testing.assert_allclose(out[:, 1], ensemble.combiner.predict(own), rtol=1e-12)


def test_combiners_fit_on_what_they_are_given() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    good = np.clip(y * 0.8 + 0.1 + rng.normal(0, 0.1, 400), 0.01, 0.99)
    noise = rng.uniform(0.01, 0.99, 400)
    probas = np.column_stack([noise, good])
    for kind in ("logit_mean", "mean"):
        combiner = fit_combiner(probas, y, kind)
        assert sum(combiner.weights) == pytest.approx(1.0)
        assert combiner.weights[1] > 0.8  # the informative member dominates
    stacking = fit_combiner(probas, y, "stacking")
    assert stacking.weights[1] > abs(stacking.weights[0])
    restored = Combiner.from_dict(stacking.to_dict())
    np.testing.assert_array_equal(restored.predict(probas), stacking.predict(probas))
    # greedy selection starts with the informative member and the noise adds nothing
    chosen = select_members(probas, y, None, "logit_mean", max_members=2, min_gain=1e-3)
    assert chosen.members == [1]
