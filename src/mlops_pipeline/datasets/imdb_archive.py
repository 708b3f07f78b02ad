"""Read and validate the Stanford ``aclImdb`` release (a ``.tar.gz`` or an extracted folder).

Every problem raises :class:`ArchiveError` naming the offending member and the fix. Undecodable
bytes are *replaced* (U+FFFD) and counted per review rather than failing the whole run: the
official archive is clean UTF-8, and one bad byte in a 100k-review corpus should be reported,
not block training. The count is carried in the ``decode_errors`` column and the ingest report.
"""

from __future__ import annotations

import logging
import re
import tarfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from mlops_pipeline.errors import UserInputError

logger = logging.getLogger(__name__)

ROOT = "aclImdb"
#: (split, folder) pairs the release must contain, with the ratings each folder allows.
FOLDERS: dict[tuple[str, str], range] = {
    ("train", "pos"): range(7, 11),
    ("train", "neg"): range(1, 5),
    ("train", "unsup"): range(0, 1),
    ("test", "pos"): range(7, 11),
    ("test", "neg"): range(1, 5),
}
_REVIEW_NAME = re.compile(r"^(\d+)_(\d+)\.txt$")
_MOVIE_ID = re.compile(r"/title/(tt\d+)")
FIX_HINT = "Re-fetch it with `make data` (IMDB_SOURCE=/path/to/aclImdb_v1.tar.gz)."


class ArchiveError(UserInputError, ValueError):
    """The raw IMDb archive is unreadable or breaks the aclImdb layout (a user-input error:
    ``kedro run`` prints its one-line message last, without a traceback)."""


def _iter_tar(path: Path) -> Iterator[tuple[str, bytes]]:
    member = None
    try:
        with tarfile.open(path, mode="r|gz") as tar:
            for member in tar:
                if member.isfile():
                    handle = tar.extractfile(member)
                    yield member.name, handle.read() if handle else b""
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        where = f" after member '{member.name}'" if member is not None else ""
        raise ArchiveError(
            f"Archive {path} is truncated or corrupt{where}: {exc}. {FIX_HINT}"
        ) from exc


def _iter_dir(path: Path) -> Iterator[tuple[str, bytes]]:
    base = path.parent if path.name == ROOT else path
    for file in sorted(p for p in base.rglob("*") if p.is_file()):
        yield file.relative_to(base).as_posix(), file.read_bytes()


def _parse_movie_ids(name: str, raw: bytes) -> list[str]:
    lines = raw.decode("utf-8", errors="replace").splitlines()
    ids = []
    for lineno, line in enumerate(lines, start=1):
        match = _MOVIE_ID.search(line)
        if not line.strip():
            raise ArchiveError(f"{name}: line {lineno} is empty; expected an IMDb URL. {FIX_HINT}")
        ids.append(match.group(1) if match else line.strip())
    return ids


def read_aclimdb(path: str | Path, show_progress: bool = True) -> pd.DataFrame:
    """Load every review of the release with its movie id, validating the layout.

    Returns one row per review: ``split``, ``folder`` (pos/neg/unsup), ``file_id``, ``rating``,
    ``movie_id``, ``text``, ``decode_errors`` (replaced characters), ``member``.
    """
    path = Path(path)
    if not path.exists():
        raise ArchiveError(f"IMDb archive not found at {path}. Run `make data` first.")
    members = _iter_dir(path) if path.is_dir() else _iter_tar(path)
    rows: list[tuple] = []
    urls: dict[tuple[str, str], list[str]] = {}
    for name, raw in tqdm(
        members, desc="reading aclImdb", unit=" files", disable=not show_progress
    ):
        parts = name.split("/")
        if len(parts) == 3 and parts[0] == ROOT and parts[2].startswith("urls_"):
            folder = parts[2].removeprefix("urls_").removesuffix(".txt")
            urls[(parts[1], folder)] = _parse_movie_ids(name, raw)
            continue
        if len(parts) != 4 or parts[0] != ROOT or (parts[1], parts[2]) not in FOLDERS:
            continue  # README, imdb.vocab, *.feat, labeledBow etc. are not reviews
        split, folder, fname = parts[1], parts[2], parts[3]
        match = _REVIEW_NAME.match(fname)
        if match is None:
            raise ArchiveError(
                f"{name}: file name does not parse as <id>_<rating>.txt. "
                f"Remove or rename the file. {FIX_HINT}"
            )
        file_id, rating = int(match.group(1)), int(match.group(2))
        if rating not in FOLDERS[(split, folder)]:
            allowed = FOLDERS[(split, folder)]
            raise ArchiveError(
                f"{name}: rating {rating} is inconsistent with folder '{split}/{folder}' "
                f"(allowed {allowed.start}..{allowed.stop - 1}). {FIX_HINT}"
            )
        text = raw.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - raw.count("\ufffd".encode())  # only replaced bytes
        rows.append((split, folder, file_id, rating, text, bad, name))

    frame = pd.DataFrame(
        rows, columns=["split", "folder", "file_id", "rating", "text", "decode_errors", "member"]
    )
    _check_complete(frame, urls, path)
    frame["movie_id"] = [
        urls[(s, f)][i]
        for s, f, i in zip(frame["split"], frame["folder"], frame["file_id"], strict=True)
    ]
    logger.info("Read %d reviews from %s", len(frame), path)
    return frame


def _check_complete(
    frame: pd.DataFrame, urls: dict[tuple[str, str], list[str]], path: Path
) -> None:
    counts = frame.groupby(["split", "folder"]).size().to_dict()
    for split, folder in FOLDERS:
        where = f"{ROOT}/{split}/{folder}/"
        if counts.get((split, folder), 0) == 0:
            raise ArchiveError(f"{path}: folder '{where}' is missing or empty. {FIX_HINT}")
        urls_name = f"{ROOT}/{split}/urls_{folder}.txt"
        if (split, folder) not in urls:
            raise ArchiveError(f"{path}: '{urls_name}' is missing. {FIX_HINT}")
        n_urls, n_reviews = len(urls[(split, folder)]), counts[(split, folder)]
        if n_urls != n_reviews:
            raise ArchiveError(
                f"{path}: '{where}' holds {n_reviews} reviews but '{urls_name}' has "
                f"{n_urls} lines; the archive is incomplete. {FIX_HINT}"
            )
        sub = frame.loc[(frame["split"] == split) & (frame["folder"] == folder), "file_id"]
        out_of_range = sub[(sub < 0) | (sub >= n_urls)]
        if len(out_of_range) or sub.duplicated().any():
            bad_id = (
                int(out_of_range.iloc[0])
                if len(out_of_range)
                else int(sub[sub.duplicated()].iloc[0])
            )
            raise ArchiveError(
                f"{path}: review id {bad_id} in '{where}' has no line in '{urls_name}' "
                f"or is duplicated. {FIX_HINT}"
            )
