"""The cross-host run lock's parts that need no database (the rest: tests/cluster/)."""

from __future__ import annotations

import socket

import pytest

from mlops_pipeline import pg_lock
from mlops_pipeline.errors import UserInputError
from mlops_pipeline.run_lock import host_id, pipeline_lock


def test_lock_keys_are_stable_signed_32_bit_and_distinct() -> None:
    names = ["retrain", "score", "ingest", "train_classical", "evaluate"]
    keys = [pg_lock.lock_key(name) for name in names]
    assert all(-(2**31) <= key < 2**31 for key in keys)
    assert len(set(keys)) == len(keys)
    assert pg_lock.lock_key("retrain") == pg_lock.lock_key("retrain")


def test_passwords_never_reach_a_message() -> None:
    url = "postgresql://team:s3cret@db.internal:5432/locks"
    assert pg_lock.redacted(url) == "postgresql://team:***@db.internal:5432/locks"
    assert pg_lock.redacted("postgresql://db/locks") == "postgresql://db/locks"


def test_host_id_is_the_env_var_else_the_hostname(monkeypatch) -> None:
    monkeypatch.setenv("MLOPS_HOST_ID", "worker-7")
    assert host_id() == "worker-7"
    monkeypatch.delenv("MLOPS_HOST_ID")
    assert host_id() == socket.gethostname()


def test_a_non_postgres_lock_url_is_one_line_naming_the_variable(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MLOPS_LOCK_URL", "redis://127.0.0.1:6379/0")
    refused = pytest.raises(UserInputError, match=r"MLOPS_LOCK_URL=redis://.*not a postgresql://")
    with refused, pipeline_lock("retrain", tmp_path):
        pass
    assert not (tmp_path / ".locks").exists()  # no silent fallback to the file lock


def test_an_unreachable_lock_database_fails_in_one_line(tmp_path, monkeypatch) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("MLOPS_LOCK_URL", f"postgresql://u:pw@127.0.0.1:{port}/locks")
    refused = pytest.raises(UserInputError, match=r"cannot connect .*unset MLOPS_LOCK_URL")
    with refused as err, pipeline_lock("retrain", tmp_path):
        pass
    assert "pw" not in str(err.value) and "\n" not in str(err.value)


def test_a_loser_waits_for_the_winners_record_to_name_it(monkeypatch) -> None:
    # the winner takes the advisory lock, then writes its row: a loser asking in between
    # must wait for the row instead of saying "another run"
    answers = iter([None, None, {"host": "host-b", "pid": 7, "command": "kedro run"}])
    monkeypatch.setattr(pg_lock, "holder", lambda conn, name: next(answers))
    assert pg_lock.recorded_holder(object(), "retrain", wait_s=5.0)["host"] == "host-b"


def test_a_holder_that_never_records_itself_gives_up_in_time(monkeypatch) -> None:
    monkeypatch.setattr(pg_lock, "holder", lambda conn, name: None)
    assert pg_lock.recorded_holder(object(), "retrain", wait_s=0.2) == {}
