"""benchmarks/reliability_registry.py: the issue-22 probes on synthetic models (the real run,
``benchmarks/reliability.py``, needs ``make run``'s models). Every probe ends ``clear`` or
``ok`` with nothing lost, one probe per numbered defect."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from test_reliability import _sandbox, reliability, synthetic_data  # noqa: E402, F401


@pytest.fixture(scope="module")
def registry_probes(reliability):  # noqa: F811 - the fixture imported above
    import reliability_registry

    return reliability_registry


def test_every_issue_22_probe_ends_clear_or_ok_and_nothing_is_lost(
    reliability,  # noqa: F811
    registry_probes,
    synthetic_data,  # noqa: F811
    tmp_path,
    monkeypatch,
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow' / 'mlflow.db'}")
    sb = _sandbox(reliability, tmp_path, synthetic_data)
    lines: list[str] = []
    code = reliability.run_all(sb, registry_probes.PROBES, echo=lines.append)
    print("\n".join(lines))  # pytest -s shows what each probe found
    assert code == 0, "\n".join(lines)
    for probe, line in zip(registry_probes.PROBES, lines, strict=False):
        assert line.startswith(probe.name) and "none lost" in line, line
    names = [p.name.split()[0] for p in registry_probes.PROBES]
    for defect in ("22.1", "22.2", "22.3", "22.4", "22.5", "22.6", "22.7"):
        assert any(n.startswith(defect) for n in names), defect
    assert registry_probes.PROBES[0] in reliability.all_probes()


def test_a_probe_reports_its_defect_when_it_is_back(
    reliability,  # noqa: F811
    registry_probes,
    synthetic_data,  # noqa: F811
    tmp_path,
    monkeypatch,
) -> None:
    """22.1 with the old Registry.alias (every exception is "no alias"): score serves
    select_champion's model, exit 0 -> silent-wrong."""
    from mlops_pipeline.registry import Registry

    monkeypatch.setattr(Registry, "_absent_or_raise", lambda self, exc: None)
    sb = _sandbox(reliability, tmp_path, synthetic_data)
    assert registry_probes.probe_unreachable_registry(sb).outcome == "silent-wrong"
