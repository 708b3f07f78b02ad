"""Put the raw data in ``data/01_raw/`` (``make data``).

IMDb (default): the release at ``data/01_raw/aclImdb_v1.tar.gz``.

* ``IMDB_SOURCE`` set: copy that archive (or pack that extracted ``aclImdb/`` folder).
* unset: download the Stanford release with a progress bar and check its md5.

``--co2``: statsmodels' weekly Mauna Loa CO2 record as a CSV (the ``timeseries`` default
series), at the path ``conf/base/globals.yml`` gives it (``timeseries.data.filepath``);
prints that path. It ships inside statsmodels: no network needed.

Every file is written through :func:`mlops_pipeline.atomic_io.atomic_file`, so a failed
copy, download or export never leaves a half-written file behind.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import sys
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

import yaml
from tqdm.auto import tqdm

from mlops_pipeline.atomic_io import atomic_file

logger = logging.getLogger("mlops_pipeline.fetch_data")

STANFORD_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
STANFORD_MD5 = "7c2ac02c03563afcf9b574c7e56c153a"
OFFLINE_HINT = (
    "No network? Point IMDB_SOURCE at a local copy, e.g. "
    "`IMDB_SOURCE=../shared/data/aclImdb_v1.tar.gz make data`."
)


class FetchError(RuntimeError):
    """The archive could not be obtained or failed its checks."""


def md5sum(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.md5()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


GLOBALS = Path("conf/base/globals.yml")


def download(url: str, dest: Path, expected_md5: str | None, timeout: float = 60.0) -> Path:
    """Download ``url`` to ``dest`` (progress bar), verifying ``expected_md5`` when given."""
    try:
        with atomic_file(dest) as tmp:
            with urllib.request.urlopen(url, timeout=timeout) as response, tmp.open("wb") as out:
                total = int(response.headers.get("Content-Length") or 0) or None
                with tqdm(
                    total=total, unit="B", unit_scale=True, desc=f"downloading {dest.name}"
                ) as bar:
                    while block := response.read(1 << 20):
                        out.write(block)
                        bar.update(len(block))
            actual = md5sum(tmp)
            if expected_md5 and actual != expected_md5:
                raise FetchError(
                    f"md5 of {url} is {actual}, expected {expected_md5}: the download is "
                    "corrupt or not the Stanford release. Nothing was written; retry `make data`."
                )
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise FetchError(f"Could not download {url}: {exc}. {OFFLINE_HINT}") from exc
    return dest


def copy_source(source: Path, dest: Path) -> Path:
    """Copy an archive, or pack an extracted ``aclImdb/`` folder, to ``dest`` atomically."""
    if not source.exists():
        raise FetchError(f"IMDB_SOURCE={source} does not exist. {OFFLINE_HINT}")
    with atomic_file(dest) as tmp:
        if source.is_dir():
            root = source if source.name == "aclImdb" else source / "aclImdb"
            if not root.is_dir():
                raise FetchError(f"IMDB_SOURCE={source} is a folder without aclImdb/ inside.")
            logger.info("Packing %s into %s", root, dest)
            with tarfile.open(tmp, "w:gz") as tar:
                tar.add(root, arcname="aclImdb")
        else:
            shutil.copyfile(source, tmp)
    actual = md5sum(dest)
    if actual != STANFORD_MD5:
        # The project's shared copy is a repack (no *.feat files): accepted, but say so.
        logger.warning(
            "md5 of %s is %s, not the Stanford release's %s (a repacked copy?); accepted. "
            "The ingest stage validates its layout.",
            dest,
            actual,
            STANFORD_MD5,
        )
    return dest


def fetch(dest: Path, source: str | None, url: str = STANFORD_URL) -> Path:
    """Obtain the archive at ``dest`` from ``source`` or ``url``; skip if already there."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if source:
        src = Path(source).expanduser()
        same_size = dest.exists() and src.is_file() and src.stat().st_size == dest.stat().st_size
        if same_size and md5sum(src) == md5sum(dest):
            logger.info("%s already holds %s; nothing to copy", dest, src)
            return dest
        return copy_source(src, dest)
    if dest.exists():
        logger.info("%s already present; set IMDB_SOURCE to replace it", dest)
        return dest
    expected = None if url != STANFORD_URL else STANFORD_MD5
    return download(url, dest, os.environ.get("IMDB_MD5", expected))


def co2_csv() -> bytes:
    """statsmodels' weekly co2 record as CSV bytes: ``date,co2``, missing weeks left empty."""
    from statsmodels.datasets import co2

    frame = co2.load_pandas().data.rename_axis("date").reset_index()
    return frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n").encode()


def default_co2_path(globals_file: Path = GLOBALS) -> Path:
    """The configured default series path (``timeseries.data.filepath`` in the globals)."""
    config = yaml.safe_load(globals_file.read_text(encoding="utf-8"))
    return Path(config["timeseries"]["data"]["filepath"])


def export_co2(dest: Path) -> Path:
    """Write the co2 CSV to ``dest`` atomically; a file with the same bytes is left alone."""
    content = co2_csv()
    if dest.is_file() and dest.read_bytes() == content:
        logger.info("%s already holds the co2 series; nothing to write", dest)
        return dest
    with atomic_file(dest) as tmp:
        tmp.write_bytes(content)
    logger.info("Wrote the co2 series (%d bytes) to %s", len(content), dest)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, help="default: data/01_raw/aclImdb_v1.tar.gz")
    parser.add_argument("--url", default=os.environ.get("IMDB_URL", STANFORD_URL))
    parser.add_argument(
        "--co2", action="store_true", help="export the co2 series instead; prints its path"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if args.co2:
        print(export_co2(args.dest or default_co2_path()))
        return 0
    args.dest = args.dest or Path("data/01_raw/aclImdb_v1.tar.gz")
    try:
        path = fetch(args.dest, os.environ.get("IMDB_SOURCE"), args.url)
    except FetchError as exc:
        logger.error("%s", exc)
        return 1
    logger.info("IMDb archive ready at %s", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
