"""Round trips of the feature/embedding datasets (sparse .npz, .npy, gensim, artifact folders)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from kedro.io import DatasetError

from mlops_pipeline.datasets import (
    ArtifactDirDataset,
    GensimModelDataset,
    NpyDataset,
    SparseNpzDataset,
)
from mlops_pipeline.embeddings import DocumentEmbedder
from mlops_pipeline.features import build_vectorizer


@pytest.mark.parametrize("compressed", [True, False])
def test_sparse_npz_round_trip(tmp_path: Path, compressed: bool) -> None:
    matrix = sp.random(20, 50, density=0.1, format="coo", random_state=0, dtype=np.float32)
    ds = SparseNpzDataset(str(tmp_path / "m" / "x.npz"), compressed=compressed)
    assert not ds.exists()
    ds.save(matrix)
    loaded = ds.load()
    assert sp.isspmatrix_csr(loaded) and loaded.dtype == np.float32
    assert (loaded != matrix.tocsr()).nnz == 0
    assert [p.name for p in (tmp_path / "m").iterdir()] == ["x.npz"]  # no temp file left


def test_npy_round_trip_and_no_objects(tmp_path: Path) -> None:
    ds = NpyDataset(str(tmp_path / "a.npy"))
    data = np.arange(12, dtype=np.float32).reshape(3, 4)
    ds.save(data)
    np.testing.assert_array_equal(ds.load(), data)
    with pytest.raises(DatasetError):
        ds.save(np.array([{"a": 1}], dtype=object))  # would need a pickle
    np.testing.assert_array_equal(ds.load(), data)  # the failed save left the old file
    assert [p.name for p in tmp_path.iterdir()] == ["a.npy"]  # and no temp file


@pytest.mark.parametrize("family", ["word2vec", "fasttext"])
def test_gensim_model_round_trip(tmp_path: Path, family: str) -> None:
    from gensim.models import FastText, Word2Vec

    cls = FastText if family == "fasttext" else Word2Vec
    extra = {"bucket": 1000} if family == "fasttext" else {}
    sents = [["good", "movie", "bad", "plot"]] * 20
    model = cls(sents, vector_size=8, min_count=1, epochs=1, workers=1, seed=1, **extra)
    ds = GensimModelDataset(str(tmp_path / family / "model"), family=family)
    ds.save(model)
    loaded = ds.load()
    np.testing.assert_array_equal(loaded.wv["good"], model.wv["good"])
    with pytest.raises(DatasetError):
        GensimModelDataset(str(tmp_path / "x"), family="pickle").load()


@pytest.mark.parametrize("family", ["word2vec", "fasttext"])
def test_gensim_model_file_depends_on_the_model_only(tmp_path: Path, family: str) -> None:
    from gensim.models import FastText, Word2Vec

    cls = FastText if family == "fasttext" else Word2Vec
    extra = {"bucket": 1000} if family == "fasttext" else {}
    sents = [["good", "movie", "bad", "plot"]] * 20
    trained = [
        cls(sents, vector_size=8, min_count=1, epochs=1, workers=1, seed=1, **extra)
        for _ in range(2)
    ]
    folders = []
    for i, model in enumerate(trained):
        folder = tmp_path / str(i) / "gensim"
        folder.mkdir(parents=True)
        (folder / "model.wv.stale.npy").write_bytes(b"left by an earlier model")
        GensimModelDataset(str(folder / "model"), family=family).save(model)
        folders.append({p.name: p.read_bytes() for p in folder.iterdir()})
    assert "model.wv.stale.npy" not in folders[0]  # the folder is replaced as a whole
    assert folders[0] == folders[1]  # no timestamps, wall times or paths inside
    assert trained[0].lifecycle_events  # the caller's model is left as it was


def test_artifact_dir_round_trip_and_type_check(tmp_path: Path) -> None:
    vec = build_vectorizer("tfidf", {"ngram_range": [1, 2]}).fit([["a", "b"], ["b", "c"]])
    ds = ArtifactDirDataset(str(tmp_path / "vec"), kind="token_vectorizer")
    ds.save(vec)
    assert ds.exists()
    assert (ds.load().transform([["a", "b"]]) != vec.transform([["a", "b"]])).nnz == 0
    emb = DocumentEmbedder(["a"], np.ones((1, 2)), ["a"], np.ones(1), 3)
    with pytest.raises(DatasetError, match="TokenVectorizer"):
        ds.save(emb)
    ArtifactDirDataset(str(tmp_path / "emb"), kind="document_embedder").save(emb)
    ds.save(vec)  # overwrite in place
    assert ds.load().n_features == vec.n_features
