"""Length-aware routing: short inputs take the route model only, long ones the members; the
route survives a save/load round trip; the choice on val follows its rule."""

from __future__ import annotations

import json

import numpy as np
import pytest
from synthetic_text_models import raw_reviews, tokens_of, trained_model

from mlops_pipeline.datasets import TextModelsDataset
from mlops_pipeline.models import load_model
from mlops_pipeline.models.ensemble import (
    MEMBERS_DIR,
    ROUTE_DIR,
    EnsembleTextModel,
    ShortRoute,
    choose_route,
    fit_only,
    routed,
    word_counts,
)
from mlops_pipeline.models.ensemble.routing import fit_only_models


def _members() -> dict:
    return {
        f"{f}__{r}": trained_model(f, r)[0] for f, r in (("logreg", "tfidf"), ("nbsvm", "tfidf"))
    }


def _fitted(route: ShortRoute | None, route_model=None) -> EnsembleTextModel:
    members = _members()
    frame = raw_reviews(80)
    val = frame[frame["fold"] == "val"]
    probas = np.column_stack(
        [m.predict_proba(val["text"].tolist())[:, 1] for m in members.values()]
    )
    ensemble = EnsembleTextModel(
        members, model_id="ens", kind="mean", short_route=route, route_model=route_model
    )
    return ensemble.fit_probas(probas, val["label"].to_numpy())


SHORT = ["great film", "awful and boring", "loved it"]
LONG = [" ".join(["the plot was a story of the movie"] * 3) + " great", "dull " * 30]


def test_word_counts_and_routed() -> None:
    np.testing.assert_array_equal(word_counts(["a b  c", "", " x "]), [3, 0, 1])
    main, route = np.array([0.1, 0.2, 0.3]), np.array([0.9, 0.8, 0.7])
    words = np.array([2, 5, 9])
    np.testing.assert_array_equal(routed(main, route, words, 5), [0.9, 0.8, 0.3])
    np.testing.assert_array_equal(routed(main, route, words, 0), main)  # 0 = off


def test_short_inputs_take_the_route_only_and_long_ones_the_members() -> None:
    route_model = trained_model("mnb", "bow")[0]
    plain = _fitted(None)
    ensemble = _fitted(ShortRoute("mnb__bow", 5), route_model)
    texts = [SHORT[0], LONG[0], SHORT[1], LONG[1], SHORT[2]]
    got = ensemble.predict_proba(texts)
    np.testing.assert_allclose(got[[0, 2, 4]], route_model.predict_proba(SHORT), atol=1e-12)
    np.testing.assert_allclose(got[[1, 3]], plain.predict_proba(LONG), atol=1e-12)
    np.testing.assert_allclose(got.sum(axis=1), 1.0)
    calls: list[int] = []
    for member in ensemble.members.values():  # members never see a short input
        original = member.predict_proba_prepared

        def spy(frame, cache=None, _original=original):
            calls.append(len(frame))
            return _original(frame, cache)

        member.predict_proba_prepared = spy
    ensemble.predict_proba(SHORT)
    assert calls == []
    ensemble.predict_proba(texts)
    assert calls == [2, 2]


def test_a_member_can_be_the_route_and_max_words_zero_is_off() -> None:
    ensemble = _fitted(ShortRoute("nbsvm__tfidf", 5))
    member = ensemble.members["nbsvm__tfidf"]
    np.testing.assert_allclose(ensemble.predict_proba(SHORT), member.predict_proba(SHORT))
    assert _fitted(ShortRoute("nbsvm__tfidf", 0)).short_route is None
    with pytest.raises(ValueError, match="mnb__bow"):
        _fitted(ShortRoute("mnb__bow", 5))  # not a member and no model given


@pytest.mark.parametrize("route_id", ["mnb__bow", "nbsvm__tfidf"])
def test_routed_ensemble_save_load_round_trip(tmp_path, route_id) -> None:
    route_model = trained_model("mnb", "bow")[0] if route_id == "mnb__bow" else None
    ensemble = _fitted(ShortRoute(route_id, 5), route_model)
    TextModelsDataset(str(tmp_path / "models")).save({"ens": ensemble})
    folder = tmp_path / "models" / "ens"
    config = json.loads((folder / "ensemble.json").read_text())
    expected_dir = ROUTE_DIR if route_model is not None else MEMBERS_DIR
    assert config["short_route"] == {
        "model_id": route_id, "max_words": 5, "folder": f"{expected_dir}/{route_id}"
    }  # fmt: skip
    assert (folder / expected_dir / route_id / "model_card.json").is_file()
    loaded = load_model(folder)
    assert loaded.short_route == ShortRoute(route_id, 5)
    texts = SHORT + LONG
    np.testing.assert_array_equal(loaded.predict_proba(texts), ensemble.predict_proba(texts))
    TextModelsDataset(str(tmp_path / "again")).save({"ens": loaded})  # copied from its folder
    np.testing.assert_array_equal(
        load_model(tmp_path / "again" / "ens").predict_proba(texts), ensemble.predict_proba(texts)
    )


def test_unrouted_ensemble_keeps_format_one(tmp_path) -> None:
    TextModelsDataset(str(tmp_path)).save({"ens": _fitted(None)})
    config = json.loads((tmp_path / "ens" / "ensemble.json").read_text())
    assert config["format_version"] == 1 and "short_route" not in config
    assert load_model(tmp_path / "ens").short_route is None


def test_fit_only_refits_a_classical_head_on_fit_rows_and_keeps_deep_models() -> None:
    model, frame = trained_model("logreg", "tfidf")
    fit = frame[frame["fold"] == "fit"]
    copy = fit_only(model, tokens_of(fit["text"].tolist()), fit["label"].to_numpy())
    assert copy is not model and copy.card.train_rows == len(fit) < model.card.train_rows
    assert copy.representation is model.representation and copy.params == model.params
    never_refit = trained_model("mnb", "bow")[0]
    never_refit.card.extra["refit_on_fit_val"] = False  # what the LSTM and BERT cards say
    assert fit_only(never_refit, [], np.array([])) is never_refit
    copies = fit_only_models(
        {"a": model, "b": never_refit}, fit["text"].tolist(), fit["label"].to_numpy()
    )
    assert copies["b"] is never_refit and copies["a"].card.train_rows == len(fit)
    never_refit.card.extra.pop("refit_on_fit_val")


def _study(whole_route: np.ndarray, grid=(2, 4, 8), max_drop=0.001) -> dict:
    y = np.array([1, 0, 1, 0, 1, 0])
    whole = {
        "ensemble": np.array([0.9, 0.1, 0.9, 0.1, 0.9, 0.1]),
        "a": whole_route,
        "b": whole_route,
    }
    short = {
        "ensemble": np.array([0.4, 0.6, 0.4, 0.6, 0.9, 0.1]),  # 2 of 6 right
        "a": np.array([0.6, 0.4, 0.6, 0.4, 0.4, 0.6]),  # 4 of 6
        "b": np.array([0.6, 0.4, 0.6, 0.4, 0.9, 0.1]),  # 6 of 6
    }
    words = {"whole": np.array([3, 30, 30, 30, 30, 30]), "short": np.array([1, 3, 3, 7, 7, 7])}
    return choose_route(y, whole, short, words, grid, max_drop)


def test_choose_route_takes_the_best_one_sentence_candidate_and_the_best_allowed_threshold() -> (
    None
):
    good_whole = np.array([0.9, 0.1, 0.9, 0.1, 0.9, 0.1])
    study = _study(good_whole)
    assert study["model_id"] == "b"
    assert study["candidates_val_one_sentence_accuracy"] == {"a": 0.66667, "b": 1.0}
    assert [r["max_words"] for r in study["grid"]] == [0, 2, 4, 8]
    assert study["off"]["val_one_sentence_accuracy"] == pytest.approx(2 / 6, abs=1e-5)
    # 8 words routes every sentence (6 of 6 right); 4 only three of them: the larger wins
    assert study["max_words"] == 8 and study["chosen"]["val_one_sentence_accuracy"] == 1.0


def test_choose_route_refuses_a_threshold_that_costs_whole_review_accuracy() -> None:
    bad_whole = np.array([0.1, 0.1, 0.9, 0.1, 0.9, 0.1])  # wrong on the one 3-word review
    study = _study(bad_whole)
    assert study["grid"][0]["val_accuracy"] == 1.0
    assert study["max_words"] == 2  # 4 and 8 route the 3-word review: -16.7 pt, refused
    study = _study(bad_whole, max_drop=0.2)
    assert study["max_words"] == 8
    with pytest.raises(ValueError, match="no candidate"):
        choose_route(np.array([1]), {}, {"ensemble": np.array([1.0])}, {}, [2], 0.0)
