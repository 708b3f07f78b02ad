"""The atomic-write helpers: a crash inside the block leaves the old version and no leftovers."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops_pipeline.atomic_io import atomic_directory, atomic_file


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_atomic_file_replaces_on_success(tmp_path):
    target = tmp_path / "out" / "table.parquet"
    with atomic_file(target) as tmp:
        assert tmp.parent == target.parent and tmp.suffix == ".parquet"
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in target.parent.iterdir()] == ["table.parquet"]


def test_atomic_file_crash_keeps_old_bytes_and_no_temp(tmp_path):
    target = tmp_path / "m.npz"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_file(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("killed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_atomic_directory_replaces_whole_folder(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    (target / "stale.bin").write_bytes(b"x")
    with atomic_directory(target) as tmp:
        (tmp / "weights.npy").write_bytes(b"w")
    assert _tree(target) == {"weights.npy": b"w"}
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_atomic_directory_crash_keeps_old_folder_byte_identical(tmp_path):
    target = tmp_path / "model"
    (target / "sub").mkdir(parents=True)
    (target / "sub" / "a.json").write_text('{"a": 1}')
    (target / "b.npy").write_bytes(b"\x00\x01")
    before = _tree(target)
    with pytest.raises(ValueError), atomic_directory(target) as tmp:
        (tmp / "b.npy").write_bytes(b"partial")
        raise ValueError("crash")
    assert _tree(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_written_paths_get_ordinary_permissions(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        with atomic_file(tmp_path / "a.json") as tmp:
            tmp.write_text("{}")
        with atomic_directory(tmp_path / "folder") as tmp:
            (tmp / "x").write_text("x")
    finally:
        os.umask(umask)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "folder").stat().st_mode & 0o777 == 0o755


def test_atomic_directory_without_replace_never_touches_an_existing_folder(tmp_path):
    target = tmp_path / "runs" / "r1"
    with atomic_directory(target, replace=False) as tmp:
        (tmp / "a.txt").write_text("first")
    with (
        pytest.raises(FileExistsError, match="never replaced"),
        atomic_directory(target, replace=False) as tmp,
    ):
        (tmp / "a.txt").write_text("second")
    assert _tree(tmp_path / "runs") == {"r1/a.txt": b"first"}
