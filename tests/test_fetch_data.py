"""``make data``'s fetcher: local copy, download with md5 check, offline errors."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mlops_pipeline.fetch_data import (
    FetchError,
    default_co2_path,
    download,
    export_co2,
    fetch,
    main,
)


@pytest.fixture
def http_dir(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "served"
    root.mkdir()
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()


def test_download_checks_md5_and_writes(
    http_dir: tuple[str, Path], imdb_archive: Path, tmp_path: Path
) -> None:
    url, root = http_dir
    (root / "a.tar.gz").write_bytes(imdb_archive.read_bytes())
    dest = tmp_path / "raw" / "aclImdb_v1.tar.gz"
    dest.parent.mkdir()
    md5 = hashlib.md5(imdb_archive.read_bytes()).hexdigest()
    download(f"{url}/a.tar.gz", dest, md5)
    assert dest.read_bytes() == imdb_archive.read_bytes()


def test_md5_mismatch_fails_and_leaves_nothing(
    http_dir: tuple[str, Path], imdb_archive: Path, tmp_path: Path
) -> None:
    url, root = http_dir
    (root / "a.tar.gz").write_bytes(imdb_archive.read_bytes())
    dest_dir = tmp_path / "raw"
    dest_dir.mkdir()
    with pytest.raises(FetchError, match="md5 .* expected 0+"):
        download(f"{url}/a.tar.gz", dest_dir / "aclImdb_v1.tar.gz", "0" * 32)
    assert list(dest_dir.iterdir()) == []


def test_unreachable_url_says_how_to_use_imdb_source(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="IMDB_SOURCE"):
        download("http://127.0.0.1:9/none.tar.gz", tmp_path / "x.tar.gz", None, timeout=2)
    assert list(tmp_path.iterdir()) == []


def test_copy_from_imdb_source_and_skip_when_same(
    imdb_archive: Path, tmp_path: Path, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="mlops_pipeline.fetch_data")
    dest = tmp_path / "raw" / "aclImdb_v1.tar.gz"
    fetch(dest, str(imdb_archive))
    assert dest.read_bytes() == imdb_archive.read_bytes()
    assert "not the Stanford release" in caplog.text  # repacked copies are accepted with a note
    caplog.clear()
    fetch(dest, str(imdb_archive))
    assert "nothing to copy" in caplog.text


def test_missing_source_exits_nonzero(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("IMDB_SOURCE", str(tmp_path / "missing.tar.gz"))
    assert main(["--dest", str(tmp_path / "out.tar.gz")]) == 1
    assert not (tmp_path / "out.tar.gz").exists()


def test_co2_export_is_atomic_idempotent_and_byte_stable(tmp_path: Path, monkeypatch) -> None:
    dest = tmp_path / "raw" / "timeseries" / "co2.csv"
    export_co2(dest)
    content = dest.read_bytes()
    assert content.startswith(b"date,co2\n1958-03-29,316.1\n")
    assert content.count(b"\n") == 2285  # header + 2,284 weeks, 59 of them empty
    stamp = dest.stat().st_mtime_ns
    export_co2(dest)  # same bytes: left alone (and `dvc add` then changes nothing)
    assert dest.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in dest.parent.iterdir()) == ["co2.csv"]  # no temp leftovers

    dest.write_text("stale")
    monkeypatch.setattr("mlops_pipeline.fetch_data.co2_csv", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        export_co2(dest)
    assert dest.read_text() == "stale"


def test_co2_default_path_comes_from_the_globals(tmp_path: Path, monkeypatch, capsys) -> None:
    conf = tmp_path / "conf" / "base"
    conf.mkdir(parents=True)
    (conf / "globals.yml").write_text("timeseries:\n  data:\n    filepath: data/x/co2.csv\n")
    monkeypatch.chdir(tmp_path)
    assert default_co2_path() == Path("data/x/co2.csv")
    assert main(["--co2"]) == 0
    # `make data` dvc-adds the path printed last (logs go to stderr, or wherever an earlier
    # test's logging configuration sent them)
    assert capsys.readouterr().out.strip().splitlines()[-1] == "data/x/co2.csv"
    assert (tmp_path / "data/x/co2.csv").is_file()
