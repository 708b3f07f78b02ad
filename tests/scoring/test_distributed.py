"""Scoring on Dask (issue 28): a LocalCluster gives the local path's probabilities, in order."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from distributed import LocalCluster
from synthetic_text_models import raw_reviews, save_model, trained_model

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.discovery import ModelHandle
from mlops_pipeline.scoring import score_accepted, validate_reviews
from mlops_pipeline.scoring.distributed import connect, folder_files, predict_positive_dask


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as local:
        yield local.scheduler_address


def test_the_cluster_gives_the_local_probabilities_in_input_order(tmp_path, cluster):
    folder = save_model(tmp_path, "logreg", "tfidf")
    handle = ModelHandle(folder.name, folder)
    frame = raw_reviews(60).rename(columns={"review_id": "id"}).sample(frac=1, random_state=4)
    accepted, _ = validate_reviews(frame[["id", "text"]], max_chars=10_000)
    local = score_accepted(accepted, handle, n_process=1, chunk_size=7, scored_at="t")
    on_dask = score_accepted(accepted, handle, chunk_size=7, scored_at="t", dask_scheduler=cluster)
    assert on_dask.equals(local)  # ids, probabilities, labels, model version: identical
    assert on_dask["id"].tolist() == accepted["id"].tolist()


def test_workers_get_the_model_as_files_not_a_pickle(tmp_path, cluster):
    model, frame = trained_model("mnb", "bow")
    folder = model.save(tmp_path / "m")
    files = folder_files(folder)
    assert "model_card.json" in files and not any(n.endswith((".pkl", ".pickle")) for n in files)
    texts = frame["text"].tolist()[:25]
    proba = predict_positive_dask(folder, texts, address=cluster, chunk_size=4)
    np.testing.assert_array_equal(proba, model.predict_proba(texts)[:, 1])
    assert predict_positive_dask(folder, [], address=cluster).shape == (0,)


def test_no_scheduler_at_the_address_is_one_line_naming_the_parameter():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(UserInputError, match=r"score\.dask_scheduler=.*parameters_score\.yml"):
        connect(f"tcp://127.0.0.1:{port}", timeout="2s")
