"""Reliability probes of issue 22 (the registry and the retrain commit), one per numbered
defect; ``benchmarks/reliability.py`` imports :data:`PROBES` and runs them after its own.

Every probe works on the sandbox's throwaway MLflow store (``sandbox.tracking``; a registered
model of its own, ``probe-22-<n>``) or on a scratch checkout in its own folder, never on the
project's ``mlflow/``; the project's models are only read (the best-val classical model,
``sandbox.champion_folder()``). A probe returns a :class:`reliability.Result`: ``clear`` (a
one-line error naming the problem) or ``ok`` (the right result), else what went wrong.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
from reliability import ROOT, Probe, Result, Sandbox, cli_result, error_result, score_file, snapshot

DOWN = "http://127.0.0.1:9"  # the discard port: nothing listens there
FAST_HTTP = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "3"}


def _registry(sb: Sandbox, n: str):
    from mlops_pipeline.registry import Registry

    return Registry(dataclasses.replace(sb.tracking, registered_model=f"probe-22-{n}"))


def _registered_champion(sb: Sandbox, n: str):
    """``(registry, version)``: the project's best-val model registered and promoted."""
    from mlops_pipeline.registry import register_folder

    registry = _registry(sb, n)
    version = register_folder(registry, sb.champion_folder(), run_name=f"probe 22.{n}")
    registry.promote(version)
    return registry, version


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:160]


# -- 22.1 an unreachable registry ----------------------------------------------------------
def probe_unreachable_registry(sb: Sandbox) -> Result:
    """22.1: MLFLOW_TRACKING_URI=http://127.0.0.1:9 made `score` fall back to select_champion
    and serve another model, exit 0 (Registry.alias swallowed the exception)."""
    from mlops_pipeline.tracking.config import TrackingConfig

    ws = sb.fresh("22.1")
    path = ws / "in" / "batch.csv"
    path.parent.mkdir(parents=True)
    sb.reviews(20, seed=221, prefix="r").drop(columns="label").to_csv(path, index=False)
    down = TrackingConfig(DOWN, None, "reliability", "sentiment-classifier")
    saved = {k: os.environ.get(k) for k in FAST_HTTP}
    os.environ.update(FAST_HTTP)
    sb.tracking_at = lambda _store: down  # the score run's node input `tracking_config`
    try:
        exc = score_file(sb, path, ws)
    finally:
        del sb.tracking_at
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return error_result(exc, expect="127.0.0.1:9")


# -- 22.2 the registry accepts what it cannot load -----------------------------------------
def _versions(sb: Sandbox) -> list[str]:
    proc = sb.cli("list")
    return proc.stdout.splitlines() if proc.returncode == 0 else []


def probe_register_os_system(sb: Sandbox) -> Result:
    """22.2: `register <folder whose card names os:system> --promote` succeeded and promoted
    an unloadable champion."""
    ws = sb.fresh("22.2a")
    folder = Path(shutil.copytree(sb.champion_folder(), ws / "evil"))
    card = json.loads((folder / "model_card.json").read_text())
    card["interface"] = "os:system"
    (folder / "model_card.json").write_text(json.dumps(card))
    before = _versions(sb)
    result = cli_result(sb.cli("register", str(folder), "--promote"), expect="os:system")
    if _versions(sb) != before:
        return Result("silent-wrong", False, "a version was registered anyway")
    return result


def probe_register_empty_or_missing(sb: Sandbox) -> Result:
    """22.2: `register` on an empty or a missing folder ended in a traceback."""
    ws = sb.fresh("22.2b")
    (ws / "empty").mkdir()
    results = [
        cli_result(sb.cli("register", str(ws / name)), expect=str(ws / name))
        for name in ("empty", "missing")
    ]
    bad = [r for r in results if r.outcome != "clear"]
    return bad[0] if bad else Result("clear", False, " | ".join(r.detail for r in results))


# -- 22.3 tampered weights -----------------------------------------------------------------
def _tamper(folder: Path) -> str:
    """Flip the sign of the head's weights (a classical model), else of the largest array
    file's bytes; the file's name."""
    head = folder / "head.npz"
    if head.exists():
        with np.load(head, allow_pickle=False) as arrays:
            coef = arrays["coef"]
        np.savez_compressed(head, coef=-coef)
        return head.name
    target = max((p for p in folder.rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    return target.name


def probe_tampered_weights(sb: Sandbox) -> Result:
    """22.3: flipping the sign of the head's weights in the artifact store flipped every
    prediction, and model_version stayed the same (it hashed model_card.json only)."""
    from mlops_pipeline.models.discovery import ModelHandle
    from mlops_pipeline.registry import CHAMPION

    registry, version = _registered_champion(sb, "3")
    tag = registry.get(version).tags.get("model_version")
    stored = registry.folder(version)
    name = _tamper(stored)
    if ModelHandle("x", stored).version() == tag:
        return Result("silent-wrong", False, "model_version did not change with the weights")
    try:
        registry.load(CHAMPION)
        exc = None
    except Exception as caught:  # noqa: BLE001 - judged below
        exc = caught
    return error_result(exc, expect=name)


# -- 22.4 a half-promoted state after SIGKILL ----------------------------------------------
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from mlops_pipeline.models.discovery import load_model
    from mlops_pipeline.registry import Registry, commit
    from mlops_pipeline.tracking.config import TrackingConfig

    uri, artifacts, name, log, folder = sys.argv[1:]
    registry = Registry(TrackingConfig(uri, artifacts, "reliability", name))
    decision = {"outcome": "promoted", "reason": "forced (probe 22.4)", "trigger": "forced",
                "batches": ["b6.csv"], "champion": {"accuracy": 0.5}, "challenger": {"accuracy": 0.9}}
    # killed after the champion alias moved, before the outcome is logged
    commit.append_decision = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
    commit.commit_decision(registry, Path(log), decision, load_model(folder))
    """
)


def probe_killed_promotion(sb: Sandbox) -> Result:
    """22.4: killed between the alias move and the decision append, the champion moved and
    decisions.jsonl recorded nothing; the next decision started from the new champion."""
    from mlops_pipeline.registry import CHAMPION
    from mlops_pipeline.registry.commit import commit_decision, reconcile
    from mlops_pipeline.registry.intake import append_decision

    ws = sb.fresh("22.4")
    registry, first = _registered_champion(sb, "4")
    log = ws / "decisions.jsonl"
    append_decision(log, {"outcome": "skipped", "batches": ["b5.csv"], "champion_version": first})
    before = (registry.aliases(), [v.version for v in registry.versions()], log.read_bytes())
    config = registry.config
    child = subprocess.run(
        [sys.executable, "-c", CHILD, config.tracking_uri, config.artifact_location,
         config.registered_model, str(log), str(sb.champion_folder())],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    if child.returncode != -signal.SIGKILL:
        return Result("crash-ugly", False, f"child exit {child.returncode}: {child.stderr[-200:]}")
    killed = registry.aliases()
    reconcile(registry, log)  # the restart (retrain and the registry CLI do it first)
    after = (registry.aliases(), [v.version for v in registry.versions()], log.read_bytes())
    if after != before:
        return Result("silent-wrong", after[2] != before[2], f"after restart: {after[:2]}")
    nxt = commit_decision(registry, log, {"outcome": "skipped", "reason": "no drift",
                                          "trigger": "none", "batches": []})  # fmt: skip
    if nxt["champion_version"] != before[0][CHAMPION]:
        return Result("silent-wrong", False, f"next decision from {nxt['champion_version']}")
    return Result(
        "ok", False, f"killed with champion {killed.get(CHAMPION)}; restart rolled back to {first}"
    )


# -- 22.5 a copied checkout, the CLI outside a project -------------------------------------
def _checkout(root: Path) -> Path:
    (root / "conf" / "base").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.kedro]\npackage_name = 'mlops_pipeline'\n")
    return root


def _embedded(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    return subprocess.run(
        [sys.executable, "-m", "mlops_pipeline.registry", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


def probe_copied_checkout(sb: Sandbox) -> Result:
    """22.5: a copied checkout wrote its registry artifacts into the old checkout (absolute
    artifact location in mlflow.db)."""
    ws = sb.fresh("22.5a")
    original = _checkout(ws / "original")
    done = _embedded("register", str(sb.champion_folder()), cwd=original)
    if done.returncode != 0:
        return Result("refused", False, _one_line(done.stderr.strip().splitlines()[-1:]))
    copy = Path(shutil.copytree(original, ws / "copy"))
    store = original / "mlflow"
    before = snapshot(store / "artifacts")
    result = cli_result(
        _embedded("register", str(sb.champion_folder()), cwd=copy), expect="copied or moved"
    )
    after = snapshot(store / "artifacts")
    added = sorted(set(after) - set(before))
    if added:
        return Result("silent-wrong", False, f"wrote into the original: {Path(added[0]).name}")
    return result


def probe_list_elsewhere(sb: Sandbox) -> Result:
    """22.5: `registry list` run from another directory created a stray ./mlflow/mlflow.db
    and ended in a traceback."""
    # outside any project: the sandbox itself may sit inside the checkout (.scratch/), where
    # the CLI rightly finds the project by walking up
    with tempfile.TemporaryDirectory(prefix="reliability-outside-") as outside:
        ws = Path(outside)
        result = cli_result(_embedded("list", cwd=ws), expect="no Kedro project")
        stray = sorted(p.name for p in ws.iterdir())
    return Result("silent-wrong", False, f"created {stray}") if stray else result


# -- 22.6 supply chain ---------------------------------------------------------------------
def _pip_download(root: Path, line: str, out: Path) -> subprocess.CompletedProcess:
    out.mkdir(parents=True, exist_ok=True)
    (out / "req.txt").write_text(line + "\n")
    return subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-index", "-q",
         "-d", str(out / "dl"), "-r", str(out / "req.txt")],
        cwd=root, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def probe_supply_chain(sb: Sandbox) -> Result:
    """22.6: versions declared pip_requirements ["mlops-pipeline", "mlflow"] (a name any index
    could serve); an edited loader in the store ran on load."""
    ws = sb.fresh("22.6")
    registry, version = _registered_champion(sb, "6")
    root = registry.root(version)
    lines = [x.strip() for x in (root / "requirements.txt").read_text().splitlines()]
    bare = [x for x in lines if re.fullmatch(r"[A-Za-z0-9_.-]+", x)]
    pinned = [x for x in lines if x.startswith("mlops-pipeline @ file:")]
    if bare or len(pinned) != 1:
        return Result("silent-wrong", False, f"requirements: {lines}")
    path, digest = pinned[0].removeprefix("mlops-pipeline @ file:").split("#sha256=")
    wheel = root / path
    if not wheel.is_file() or hashlib.sha256(wheel.read_bytes()).hexdigest() != digest:
        return Result("silent-wrong", False, f"{path}: absent or not the pinned bytes")
    if _pip_download(root, pinned[0], ws / "good").returncode != 0:
        return Result("refused", False, "pip refused the stored wheel")
    loader = root / "pyfunc_model.py"
    marker = ws / "loader-ran"
    loader.write_text(f"open({str(marker)!r}, 'w').close()\n" + loader.read_text())
    try:
        registry.load_pyfunc(version)
        exc = None
    except Exception as caught:  # noqa: BLE001 - judged below
        exc = caught
    if marker.exists():
        return Result("silent-wrong", False, "the edited loader ran")
    return error_result(exc, expect="pyfunc_model.py")


# -- 22.7 exposure -------------------------------------------------------------------------
SERVERS = re.compile(
    r"\b(airflow (standalone|api-server|webserver)|mlflow (ui|server|models serve)|uvicorn"
    r"|python3? -m http\.server)\b"
)


def probe_server_binds(sb: Sandbox) -> Result:
    """22.7: the README's `airflow standalone` listened on 0.0.0.0:8080."""
    docs = [ROOT / "README.md", ROOT / "pipelines" / "README.md", *(ROOT / "docs").rglob("*.md")]
    seen = 0
    for path in docs:
        for block in re.findall(r"```[a-z]*\n(.*?)```", path.read_text(), flags=re.S):
            for line in block.splitlines():
                command = line.split("#", 1)[0]
                match = SERVERS.search(command)
                if not match:
                    continue
                seen += 1
                local = (
                    "export AIRFLOW__API__HOST=127.0.0.1" in block
                    if match.group(1).startswith("airflow")
                    else re.search(r"(--host|-h|-H) 127\.0\.0\.1\b", command)
                )
                if "0.0.0.0" in command or not local:
                    where = f"{path.relative_to(ROOT)}: {command.strip()}"
                    return Result("silent-wrong", False, where)
    return Result("ok", False, f"{seen} documented server commands bind 127.0.0.1")


PROBES: list[Probe] = [
    Probe("22.1 score: registry unreachable", probe_unreachable_registry, ("score",)),
    Probe("22.2a register: card naming os:system", probe_register_os_system, ("champion",)),
    Probe("22.2b register: empty or missing folder", probe_register_empty_or_missing),
    Probe("22.3 registry: tampered weights in the store", probe_tampered_weights, ("champion",)),
    Probe("22.4 retrain: SIGKILL after the alias move", probe_killed_promotion, ("champion",)),
    Probe("22.5a registry: copied checkout", probe_copied_checkout, ("champion",)),
    Probe("22.5b registry: list outside a project", probe_list_elsewhere),
    Probe("22.6 registry: requirements, stored loader", probe_supply_chain, ("champion",)),
    Probe("22.7 docs: server commands bind 127.0.0.1", probe_server_binds),
]
