"""Put the IMDb release at ``data/01_raw/aclImdb_v1.tar.gz`` (``make data``).

* ``IMDB_SOURCE`` set: copy that archive (or pack that extracted ``aclImdb/`` folder).
* unset: download the Stanford release with a progress bar and check its md5.

Everything is written to a temporary file and renamed into place, so a failed copy or
download never leaves a half-written archive behind.
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

from tqdm.auto import tqdm

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


def _tmp_for(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.part-{os.getpid()}")


def download(url: str, dest: Path, expected_md5: str | None, timeout: float = 60.0) -> Path:
    """Download ``url`` to ``dest`` (progress bar), verifying ``expected_md5`` when given."""
    tmp = _tmp_for(dest)
    try:
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
                f"md5 of {url} is {actual}, expected {expected_md5}: the download is corrupt "
                "or not the Stanford release. Nothing was written; retry `make data`."
            )
        os.replace(tmp, dest)
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise FetchError(f"Could not download {url}: {exc}. {OFFLINE_HINT}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def copy_source(source: Path, dest: Path) -> Path:
    """Copy an archive, or pack an extracted ``aclImdb/`` folder, to ``dest`` atomically."""
    if not source.exists():
        raise FetchError(f"IMDB_SOURCE={source} does not exist. {OFFLINE_HINT}")
    tmp = _tmp_for(dest)
    try:
        if source.is_dir():
            root = source if source.name == "aclImdb" else source / "aclImdb"
            if not root.is_dir():
                raise FetchError(f"IMDB_SOURCE={source} is a folder without aclImdb/ inside.")
            logger.info("Packing %s into %s", root, dest)
            with tarfile.open(tmp, "w:gz") as tar:
                tar.add(root, arcname="aclImdb")
        else:
            shutil.copyfile(source, tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=Path("data/01_raw/aclImdb_v1.tar.gz"))
    parser.add_argument("--url", default=os.environ.get("IMDB_URL", STANFORD_URL))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        path = fetch(args.dest, os.environ.get("IMDB_SOURCE"), args.url)
    except FetchError as exc:
        logger.error("%s", exc)
        return 1
    logger.info("IMDb archive ready at %s", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
