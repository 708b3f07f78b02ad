"""Validation rules of the raw aclImdb reader: each bad input gets its own clear error."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from synthetic_imdb import write_archive, write_folder

from mlops_pipeline.datasets.imdb_archive import ArchiveError, read_aclimdb


def test_reads_every_review_with_movie_ids(imdb_archive: Path, imdb_files: dict) -> None:
    frame = read_aclimdb(imdb_archive, show_progress=False)
    n_reviews = sum(1 for name in imdb_files if name.endswith(".txt") and "/urls_" not in name)
    assert len(frame) == n_reviews
    assert set(frame["folder"]) == {"pos", "neg", "unsup"}
    assert frame["movie_id"].str.match(r"tt\d{7}$").all()
    # the empty review is kept
    assert (frame["text"] == "").sum() == 1


def test_extracted_folder_reads_the_same(
    tmp_path: Path, imdb_files: dict, imdb_archive: Path
) -> None:
    folder = write_folder(tmp_path / "extracted", imdb_files)
    from_dir = read_aclimdb(folder, show_progress=False).sort_values("member")
    from_tar = read_aclimdb(imdb_archive, show_progress=False).sort_values("member")
    assert from_dir["text"].tolist() == from_tar["text"].tolist()
    assert from_dir["movie_id"].tolist() == from_tar["movie_id"].tolist()


def test_truncated_archive_is_reported(tmp_path: Path, imdb_archive: Path) -> None:
    data = imdb_archive.read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArchiveError, match="truncated or corrupt.*make data"):
        read_aclimdb(cut, show_progress=False)


def test_not_a_gzip_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"this is not an archive")
    with pytest.raises(ArchiveError, match="truncated or corrupt"):
        read_aclimdb(bad, show_progress=False)


def test_missing_class_folder_is_named(tmp_path: Path, imdb_files: dict) -> None:
    files = {k: v for k, v in imdb_files.items() if not k.startswith("aclImdb/test/neg/")}
    with pytest.raises(ArchiveError, match="'aclImdb/test/neg/' is missing"):
        read_aclimdb(write_archive(tmp_path / "a.tar.gz", files), show_progress=False)


def test_missing_urls_file_is_named(tmp_path: Path, imdb_files: dict) -> None:
    files = {k: v for k, v in imdb_files.items() if k != "aclImdb/train/urls_unsup.txt"}
    with pytest.raises(ArchiveError, match="urls_unsup.txt' is missing"):
        read_aclimdb(write_archive(tmp_path / "a.tar.gz", files), show_progress=False)


def test_unparseable_file_name_is_named(tmp_path: Path, imdb_files: dict) -> None:
    files = dict(imdb_files)
    files["aclImdb/train/pos/review_seven.txt"] = b"great"
    with pytest.raises(ArchiveError, match="review_seven.txt: file name does not parse"):
        read_aclimdb(write_archive(tmp_path / "a.tar.gz", files), show_progress=False)


@pytest.mark.parametrize(
    ("old_prefix", "new_name"),
    [
        ("aclImdb/train/pos/0_", "aclImdb/train/pos/0_3.txt"),
        ("aclImdb/test/neg/0_", "aclImdb/test/neg/0_8.txt"),
        ("aclImdb/train/unsup/0_", "aclImdb/train/unsup/0_5.txt"),
    ],
)
def test_rating_inconsistent_with_folder(
    tmp_path: Path, imdb_files: dict, old_prefix: str, new_name: str
) -> None:
    files = dict(imdb_files)
    old = next(k for k in files if k.startswith(old_prefix))
    files[new_name] = files.pop(old)
    with pytest.raises(ArchiveError, match=f"{new_name}: rating .* inconsistent"):
        read_aclimdb(write_archive(tmp_path / "a.tar.gz", files), show_progress=False)


def test_undecodable_bytes_are_replaced_and_counted(tmp_path: Path, imdb_files: dict) -> None:
    files = dict(imdb_files)
    name = next(k for k in files if k.startswith("aclImdb/test/pos/3_"))
    files[name] = b"good \xff\xfe movie"
    frame = read_aclimdb(write_archive(tmp_path / "a.tar.gz", files), show_progress=False)
    row = frame[frame["member"] == name].iloc[0]
    assert row["decode_errors"] == 2
    assert "\ufffd" in row["text"]
    assert frame["decode_errors"].sum() == 2


def test_count_mismatch_with_urls_file(tmp_path: Path, imdb_files: dict) -> None:
    files = dict(imdb_files)
    last = max(
        (k for k in files if k.startswith("aclImdb/train/neg/")),
        key=lambda k: int(k.split("/")[-1].split("_")[0]),
    )
    del files[last]
    with pytest.raises(
        ArchiveError, match="'aclImdb/train/neg/' holds .* 'aclImdb/train/urls_neg.txt' has"
    ):
        read_aclimdb(write_archive(tmp_path / "a.tar.gz", files), show_progress=False)


def test_missing_archive_says_make_data(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="make data"):
        read_aclimdb(tmp_path / "nope.tar.gz", show_progress=False)


def test_gzip_of_garbage_tar(tmp_path: Path) -> None:
    bad = tmp_path / "garbage.tar.gz"
    bad.write_bytes(gzip.compress(b"\x00\x01garbage" * 100))
    with pytest.raises(ArchiveError):
        read_aclimdb(bad, show_progress=False)
