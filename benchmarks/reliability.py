"""Reliability probes: each numbered defect of issue 30 (score outputs, parsing, batch intake)
and of its companion, issue 22 (the registry), replayed on the real models and data.

Usage (wrap it in ``flock /tmp/heavy.lock`` on a shared machine; part of ``make bench``)::

    python benchmarks/reliability.py                  # every probe
    python benchmarks/reliability.py --only 30.3,30.5 # probes whose name starts with these
    python benchmarks/reliability.py --list           # names only, nothing runs

Everything happens in a scratch workspace (default ``.scratch/reliability/``, wiped at start,
removed at the end unless ``--keep``): a throwaway MLflow store (``<workspace>/mlflow/``; the
environment's ``MLFLOW_TRACKING_URI`` is pointed at it for the whole run), scratch batch
folders, decision logs and score output folders. The project's models and tables are only
read, through its Kedro catalog (``--env base``): ``data/06_models/...``,
``data/02_intermediate/ingest/reviews.parquet``, ``data/03_primary/preprocess/
reviews_preprocessed.parquet``, the Word2Vec embedder. Nothing under ``data/`` or ``mlflow/`` is
written. What a probe needs and is missing is listed, with how to make it, before any probe
runs (exit code 2).

Prints one line per probe — its name, its outcome and whether anything was lost — and a
summary. Outcomes: ``clear`` (a one-line error naming the problem and the fix), ``ok`` (the
correct result); anything else is what went wrong: ``silent-wrong`` (exit 0, wrong result),
``crash-ugly`` (an exception that is not a one-line user error, or a traceback), ``data-loss``
(an earlier file replaced or removed), ``refused`` (valid input failed). Exit code 1 when any
probe ends in one of those.

Adding probes (the companion issue): ``benchmarks/reliability_registry.py``, when it exists,
is imported and its ``PROBES`` (a list of :class:`Probe`) appended. It imports what it needs
from ``reliability`` (``Probe``, ``Result``, ``Sandbox``, ``error_result``, ``cli_result``,
``snapshot``, ``changed``); the running script registers itself under that module name, so the
classes are the same. A probe is ``Probe(name, run, needs)``: ``run(sandbox) -> Result``;
``needs`` names what it reads (``"score"``: the score pipeline's inputs, ``"retrain"``: the
retrain cycle's inputs, ``"champion"``: the best-val classical model folder), so missing data is
reported before anything runs. The :class:`Sandbox` gives a fresh scratch folder per probe
(``sandbox.fresh(name)``), the throwaway store (``sandbox.tracking``, ``sandbox.env``), the
registry CLI on it (``sandbox.cli(...)``), the score pipeline (``score_file``) and the retrain
cycle (``cycle``) on scratch folders.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
# probe modules import this script as ``reliability``: the same module, the same classes
sys.modules.setdefault("reliability", sys.modules[__name__])

from mlops_pipeline.cli import find_user_error  # noqa: E402
from mlops_pipeline.tracking.config import TrackingConfig, sqlite_uri  # noqa: E402

OUTCOMES = ("clear", "ok", "silent-wrong", "crash-ugly", "data-loss", "refused")
GOOD = ("clear", "ok")
#: catalog datasets behind each kind of need (the score pipeline adds its own inputs)
RETRAIN_INPUTS = (
    "reviews",
    "reviews_preprocessed",
    "train_classical_models",
    "embeddings_word2vec_embedder",
)


# -- results -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    """What a probe found: ``outcome`` (one of :data:`OUTCOMES`), whether an earlier file was
    replaced or removed (``lost``), and a short ``detail``."""

    outcome: str
    lost: bool = False
    detail: str = ""

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome {self.outcome!r} not in {OUTCOMES}")


@dataclass(frozen=True)
class Probe:
    """One replayed defect: ``name`` (``"<issue>.<defect> <what>"``), ``run(sandbox)``, and
    the data it ``needs`` (``"score"``, ``"retrain"``, ``"champion"``)."""

    name: str
    run: Callable[[Sandbox], Result]
    needs: tuple[str, ...] = ()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:160]


def error_result(exc: BaseException | None, *, lost: bool = False, expect: str = "") -> Result:
    """An error where an error is right: ``clear`` when it is (or wraps, as Kedro wraps dataset
    errors) a one-line :class:`UserInputError` containing ``expect`` — what ``kedro run``
    prints as its one ``Error:`` line (:func:`mlops_pipeline.cli.find_user_error`) —
    ``crash-ugly`` for anything else; ``None`` (no error) is ``silent-wrong``."""
    if exc is None:
        return Result("silent-wrong", lost, "no error")
    user = find_user_error(exc)
    if user is not None and "\n" not in str(user) and expect in str(user):
        return Result("clear", lost, _one_line(user))
    return Result("crash-ugly", lost, f"{type(exc).__name__}: {_one_line(exc)}")


def unexpected(exc: BaseException) -> Result:
    """An error where valid input should have succeeded: ``refused`` for a one-line user
    error (or one wrapped in it), else ``crash-ugly``."""
    user = find_user_error(exc)
    if user is not None and "\n" not in str(user):
        return Result("refused", False, _one_line(user))
    return Result("crash-ugly", False, f"{type(exc).__name__}: {_one_line(exc)}")


def cli_result(
    proc: subprocess.CompletedProcess, *, lost: bool = False, expect: str = ""
) -> Result:
    """A CLI run that must fail clearly: ``clear`` when it exits non-zero with one ``error:``
    line (containing ``expect``) and no traceback."""
    if proc.returncode == 0:
        return Result("silent-wrong", lost, "exit 0")
    err = proc.stderr.strip().splitlines()
    errors = [line for line in err if line.startswith("error: ")]
    if "Traceback" in proc.stderr or len(errors) != 1 or expect not in errors[0]:
        return Result(
            "crash-ugly", lost, f"exit {proc.returncode}: {_one_line(err[-1] if err else '')}"
        )
    return Result("clear", lost, _one_line(errors[0]))


def snapshot(*roots: Path) -> dict[str, str]:
    """SHA-256 of every file under ``roots`` (absolute path -> hex)."""
    out = {}
    for root in roots:
        for path in sorted(Path(root).rglob("*")) if Path(root).exists() else []:
            if path.is_file():
                out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Files of ``before`` that are missing or different in ``after``."""
    return sorted(p for p, digest in before.items() if after.get(p) != digest)


# -- the sandbox ---------------------------------------------------------------------------
@dataclass
class Sandbox:
    """Scratch workspace + read access to the project's data (``load``) and parameters."""

    root: Path
    params: dict[str, Any]
    load: Callable[[str], Any]  # a catalog dataset, read only
    where: Callable[[str], str | None]  # None when the dataset is there, else what is missing
    score_pipeline: Any
    project: Path = ROOT
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def tracking(self) -> TrackingConfig:
        """The throwaway MLflow store of the run (registry probes, retrain cycles)."""
        return self.tracking_at(self.root / "mlflow")

    def tracking_at(self, store: Path) -> TrackingConfig:
        """A throwaway store in ``store`` (``score`` probes use one nothing is registered in:
        they serve ``select_champion``'s model, whatever the retrain probes registered)."""
        return TrackingConfig(
            tracking_uri=sqlite_uri(store),
            artifact_location=(store / "artifacts").resolve().as_uri(),
            experiment="reliability",
            registered_model="sentiment-classifier",
        )

    @property
    def env(self) -> dict[str, str]:
        """The process environment with the throwaway store as ``MLFLOW_TRACKING_URI``."""
        return {**os.environ, "MLFLOW_TRACKING_URI": self.tracking.tracking_uri}

    def fresh(self, name: str) -> Path:
        """A new empty scratch folder for one probe."""
        path = self.root / "probes" / name.split()[0]
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def get(self, name: str) -> Any:
        """``load(name)`` once (the tables and models are large)."""
        if name not in self._cache:
            self._cache[name] = self.load(name)
        return self._cache[name]

    def needed(self, needs: Sequence[str]) -> list[str]:
        """Catalog datasets behind ``needs``."""
        names: list[str] = []
        for need in needs:
            if need == "score":
                names += [n for n in sorted(self.score_pipeline.inputs()) if _from_catalog(n)]
            elif need == "retrain":
                names += list(RETRAIN_INPUTS)
            elif need == "champion":
                names.append("train_classical_models")
        return list(dict.fromkeys(names))

    def cli(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """``python -m mlops_pipeline.registry --project-path <project> ARGS`` on the
        throwaway store."""
        command = [sys.executable, "-m", "mlops_pipeline.registry"]
        command += ["--project-path", str(self.project), *args]
        return subprocess.run(
            command, capture_output=True, text=True, env=self.env, timeout=timeout, check=False
        )

    def champion_folder(self) -> Path:
        """The best-val classical model folder (the first champion of ``retrain``)."""
        from mlops_pipeline.models.champion import select_champion

        return Path(select_champion(self.get("train_classical_models")).folder)

    def reviews(self, n: int, seed: int, prefix: str) -> pd.DataFrame:
        """``n`` labelled test reviews as a batch: ``id`` (``<prefix><i>``), ``text``, ``label``."""
        reviews = self.get("reviews")
        test = reviews[reviews["fold"] == "test"].sample(n=n, random_state=seed)
        return pd.DataFrame(
            {
                "id": [f"{prefix}{i}" for i in range(n)],
                "text": test["text"].to_numpy(),
                "label": test["label"].astype(int).to_numpy(),
            }
        )


def _from_catalog(name: str) -> bool:
    return not name.startswith("params:") and name not in ("score_input", "tracking_config")


def _param(params: dict[str, Any], dotted: str) -> Any:
    value: Any = params
    for key in dotted.split("."):
        value = value[key]
    return value


# -- score: the real pipeline on scratch outputs -------------------------------------------
def score_out(ws: Path) -> tuple[Path, Path]:
    """The probe's ``07_model_output/score`` and ``08_reporting/score`` folders."""
    return ws / "07_model_output" / "score", ws / "08_reporting" / "score"


def score_file(sb: Sandbox, path: Path, ws: Path) -> BaseException | None:
    """Run the project's ``score`` pipeline on ``path`` with outputs under ``ws``; the error
    it ended in (``None``: success)."""
    from kedro.io import DataCatalog, MemoryDataset
    from kedro.runner import SequentialRunner

    from mlops_pipeline.datasets import BatchFilesDataset, ReviewsFileDataset

    params = copy.deepcopy(sb.params)
    params["score"]["input"] = str(path)
    catalog = DataCatalog()
    for name in sb.score_pipeline.inputs():
        if name == "score_input":
            catalog[name] = ReviewsFileDataset(str(path))
        elif name == "tracking_config":
            catalog[name] = MemoryDataset(sb.tracking_at(sb.root / "score-mlflow"))
        elif name.startswith("params:"):
            catalog[name] = MemoryDataset(_param(params, name.removeprefix("params:")))
        else:
            catalog[name] = MemoryDataset(sb.get(name), copy_mode="assign")
    out07, out08 = score_out(ws)
    catalog["score_predictions"] = BatchFilesDataset(str(out07))
    catalog["score_reports"] = BatchFilesDataset(str(out08))
    try:
        SequentialRunner().run(sb.score_pipeline, catalog)
    except Exception as exc:  # noqa: BLE001 - the probe judges it
        return exc
    return None


def runs(ws: Path) -> dict[str, dict[str, Any]]:
    """``{run: {file: value}}`` of both output folders of a probe (reporting files merged)."""
    from mlops_pipeline.datasets import BatchFilesDataset

    out07, out08 = score_out(ws)
    found: dict[str, dict[str, Any]] = {}
    for root in (out07, out08):
        if root.exists():
            for run, files in BatchFilesDataset(str(root)).load().items():
                found.setdefault(run, {}).update(files)
    return found


def _write(frame: pd.DataFrame, path: Path) -> Path:
    from mlops_pipeline.scoring import write_reviews

    path.parent.mkdir(parents=True, exist_ok=True)
    write_reviews(frame, path)
    return path


def _ids(files: dict[str, Any], name: str) -> list[str]:
    table = files.get(name)
    return [] if table is None else [str(i) for i in table["id"]]


def _score_with_bad_rows(sb: Sandbox, name: str, bad: list[dict[str, Any]], suffix: str):
    """Score 30 good test reviews plus ``bad`` rows; ``(error, the run's files, bad ids)``."""
    ws = sb.fresh(name)
    good = sb.reviews(30, seed=len(bad) + len(name), prefix="good").drop(columns="label")
    path = ws / "in" / f"batch{suffix}"
    path.parent.mkdir(parents=True)
    if suffix == ".jsonl":
        rows = [*good.to_dict("records"), *bad]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    else:
        _write(pd.concat([good, pd.DataFrame(bad)], ignore_index=True), path)
    exc = score_file(sb, path, ws)
    found = runs(ws)
    files = next(iter(found.values())) if len(found) == 1 else {}
    return exc, files


# -- issue 30 probes: score ----------------------------------------------------------------
def probe_same_name_two_folders(sb: Sandbox) -> Result:
    """30.1: a/dup.csv then b/dup.csv: b's outputs silently replaced a's."""
    ws = sb.fresh("30.1a")
    for i, folder in enumerate("ab"):
        _write(sb.reviews(30, seed=i, prefix=folder).drop(columns="label"), ws / folder / "dup.csv")
    if (exc := score_file(sb, ws / "a" / "dup.csv", ws)) is not None:
        return unexpected(exc)
    before = snapshot(*score_out(ws))
    if (exc := score_file(sb, ws / "b" / "dup.csv", ws)) is not None:
        return unexpected(exc)
    lost = changed(before, snapshot(*score_out(ws)))
    found = {run: _ids(files, "predictions.parquet")[:1] for run, files in runs(ws).items()}
    firsts = sorted(ids[0] for ids in found.values() if ids)
    if lost or firsts != ["a0", "b0"]:
        return Result("data-loss", True, f"runs {sorted(found)}: first ids {firsts}")
    return Result("ok", False, f"2 run folders: {', '.join(sorted(found))}")


def probe_failed_run_never_mixes(sb: Sandbox) -> Result:
    """30.1: a failing c/dup.csv (half empty texts) left its rejects next to b's outputs."""
    ws = sb.fresh("30.1b")
    _write(sb.reviews(30, seed=3, prefix="b").drop(columns="label"), ws / "b" / "dup.csv")
    if (exc := score_file(sb, ws / "b" / "dup.csv", ws)) is not None:
        return unexpected(exc)
    before = snapshot(*score_out(ws))
    bad = sb.reviews(30, seed=4, prefix="c").drop(columns="label")
    bad.loc[bad.index[: 2 * len(bad) // 3], "text"] = "   "  # over any reject share < 2/3
    _write(bad, ws / "c" / "dup.csv")
    exc = score_file(sb, ws / "c" / "dup.csv", ws)
    lost = bool(changed(before, snapshot(*score_out(ws))))
    mixed = [
        run
        for run, files in runs(ws).items()
        if {i[0] for i in _ids(files, "predictions.parquet") + _ids(files, "rejects.parquet")}
        == {"b", "c"}
    ]
    if lost:
        return Result("data-loss", True, "an earlier run's file was replaced")
    if mixed:
        return Result("silent-wrong", False, f"run folder {mixed[0]} mixes two runs' files")
    return error_result(exc, expect="rows rejected")


def probe_unquoted_comma(sb: Sandbox) -> Result:
    """30.3: an unquoted comma made "Great film" the id and cut the text."""
    ws = sb.fresh("30.3")
    path = ws / "in" / "c.csv"
    path.parent.mkdir(parents=True)
    path.write_text("id,text\nr1,Great film, loved it\nr2,Awful, boring\n")
    exc = score_file(sb, path, ws)
    if exc is None:
        ids = [i for files in runs(ws).values() for i in _ids(files, "predictions.parquet")]
        return Result("silent-wrong" if ids != ["r1", "r2"] else "ok", False, f"ids {ids}")
    return error_result(exc, expect="line 2")


def probe_bad_ids(sb: Sandbox) -> Result:
    """30.4: JSON ids null, {"a": 1}, [1, 2] were scored as "None", "{'a': 1}", "[1, 2]"."""
    bad = [
        {"id": None, "text": "A fine film."},
        {"id": {"a": 1}, "text": "A fine film."},
        {"id": [1, 2], "text": "A fine film."},
    ]
    exc, files = _score_with_bad_rows(sb, "30.4a", bad, ".jsonl")
    if exc is not None:
        return unexpected(exc)
    scored = [i for i in _ids(files, "predictions.parquet") if not i.startswith("good")]
    if scored:
        return Result("silent-wrong", False, f"scored ids {scored}")
    reasons = sorted(files["rejects.parquet"]["reason"]) if "rejects.parquet" in files else []
    return Result("ok", False, f"rejected: {', '.join(reasons)}")


def _rejected_as(files: dict[str, Any], bad_id: str, reason: str) -> Result:
    if bad_id in _ids(files, "predictions.parquet"):
        return Result("silent-wrong", False, f"{bad_id} was scored")
    rejects = files.get("rejects.parquet")
    got = [] if rejects is None else rejects.loc[rejects["id"] == bad_id, "reason"].tolist()
    if got != [reason]:
        return Result("silent-wrong", False, f"{bad_id}: {got or 'neither scored nor rejected'}")
    return Result("ok", False, f"rejected as {reason}")


def probe_nul_byte(sb: Sandbox) -> Result:
    """30.4: a NUL byte silently cut a text short."""
    bad = [{"id": "nul", "text": "Great \x00film, I loved every minute of it."}]
    exc, files = _score_with_bad_rows(sb, "30.4b", bad, ".jsonl")
    return unexpected(exc) if exc is not None else _rejected_as(files, "nul", "nul_byte")


def probe_html_only(sb: Sandbox) -> Result:
    """30.6: an HTML-only review (<br /><br />) was scored although it cleans to nothing."""
    bad = [{"id": "html", "text": "<br /><br />"}]
    exc, files = _score_with_bad_rows(sb, "30.6a", bad, ".csv")
    return unexpected(exc) if exc is not None else _rejected_as(files, "html", "empty_text")


def probe_digits_only(sb: Sandbox) -> Result:
    """30.6: a digits-only review (12345) carries no word: rejected as no_words (documented)."""
    bad = [{"id": "digits", "text": "12345"}]
    exc, files = _score_with_bad_rows(sb, "30.6b", bad, ".csv")
    return unexpected(exc) if exc is not None else _rejected_as(files, "digits", "no_words")


def probe_one_row(sb: Sandbox) -> Result:
    """30 (crash): a 1-row file crashed in Evidently; predictions without a summary."""
    ws = sb.fresh("30.7")
    path = _write(sb.reviews(1, seed=7, prefix="one").drop(columns="label"), ws / "in" / "one.csv")
    exc = score_file(sb, path, ws)
    if exc is not None:
        return unexpected(exc)
    files = next(iter(runs(ws).values()), {})
    summary = files.get("summary.json") or {}
    if not _ids(files, "predictions.parquet") or not summary:
        return Result("silent-wrong", False, f"files {sorted(files)}")
    if summary.get("drift_detected") is not None or "drift_report.html" in files:
        return Result("silent-wrong", False, f"drift on 1 row: {summary.get('drift')}")
    return Result("ok", False, _one_line(summary.get("drift", "")))


# -- issue 30 probes: retrain intake -------------------------------------------------------
def retrain_params(sb: Sandbox, ws: Path) -> dict[str, Any]:
    """``params:retrain`` with every folder and file in ``ws`` (no ``dvc add``)."""
    params = copy.deepcopy(sb.params["retrain"])
    params["batches"] = {k: str(ws / "batches" / k) for k in ("incoming", "accepted", "quarantine")}
    params["decision_log"] = str(ws / "decisions.jsonl")
    params["dvc_add_accepted"] = False
    params["drift"] = {**params["drift"], "report_dir": str(ws / "drift")}
    params["trigger"] = {"on_drift": True, "scheduled": False, "force": False}
    Path(params["batches"]["incoming"]).mkdir(parents=True, exist_ok=True)
    return params


def cycle_inputs(sb: Sandbox) -> Any:
    """The retrain node's inputs: reference, frozen holdout, first-champion rule, embedder."""
    if "cycle_inputs" not in sb._cache:
        from mlops_pipeline.models.champion import select_champion
        from mlops_pipeline.registry.intake import reference_and_holdout
        from mlops_pipeline.registry.retraining import CycleInputs

        reference, holdout = reference_and_holdout(
            sb.get("reviews"),
            sb.get("reviews_preprocessed"),
            sb.params["retrain"]["holdout"]["rows"],
        )
        candidates = sb.get("train_classical_models")
        sb._cache["cycle_inputs"] = CycleInputs(
            reference=reference,
            holdout=holdout,
            first_champion=lambda: select_champion(candidates).folder,
            embedder=sb.get("embeddings_word2vec_embedder"),
        )
    return sb._cache["cycle_inputs"]


def cycle(sb: Sandbox, ws: Path) -> dict[str, Any]:
    """One real ``retrain`` cycle (:func:`~mlops_pipeline.registry.retraining.run_cycle`) on
    the scratch folders of ``ws`` and the throwaway store."""
    from mlops_pipeline.registry import Registry
    from mlops_pipeline.registry.retraining import run_cycle

    return run_cycle(
        Registry(sb.tracking),
        cycle_inputs(sb),
        retrain_params(sb, ws),
        sb.params["preprocess"]["text"],
        int(sb.params["common"]["seed"]),
        sb.params["drift"],
    )


def _batch(sb: Sandbox, ws: Path, name: str, seed: int, n: int = 40) -> Path:
    return _write(
        sb.reviews(n, seed=seed, prefix=f"{Path(name).stem}-"), ws / "batches" / "incoming" / name
    )


def probe_quarantine_same_name(sb: Sandbox) -> Result:
    """30.2: a second bad file with the same name overwrote the first and its reason."""
    ws = sb.fresh("30.2")
    quarantine = ws / "batches" / "quarantine"
    before: dict[str, str] = {}
    for seed in (21, 22):
        before = snapshot(quarantine)
        bad = sb.reviews(20, seed=seed, prefix=f"q{seed}-")
        bad.loc[bad.index[0], "label"] = 7
        _write(bad, ws / "batches" / "incoming" / "bad_labels.csv")
        try:
            cycle(sb, ws)
        except Exception as exc:  # noqa: BLE001 - judged below
            return unexpected(exc)
    lost = changed(before, snapshot(quarantine))
    kept = sorted(p.name for p in quarantine.iterdir())
    if lost or len(kept) != 4:
        return Result("data-loss", True, f"quarantine holds {kept}")
    return Result("ok", False, f"quarantine holds {', '.join(kept)}")


def probe_name_used_before(sb: Sandbox) -> Result:
    """30.5: after accepted/flipped.csv was removed by hand, a new flipped.csv was accepted but
    never drift-checked, and the decision said "none accepted"."""
    from mlops_pipeline.registry.intake import append_decision

    ws = sb.fresh("30.5a")
    params = retrain_params(sb, ws)
    # the log as a cycle left it: flipped.csv used (its accepted file since removed by hand)
    append_decision(params["decision_log"], {"batches": ["flipped.csv"], "outcome": "kept",
                                             "trigger": "schedule", "reason": "replayed"})  # fmt: skip
    _batch(sb, ws, "flipped.csv", seed=51)
    try:
        decision = cycle(sb, ws)
    except Exception as exc:  # noqa: BLE001
        return unexpected(exc)
    judged = [*decision.get("batches", []), *decision.get("waiting", [])]
    accepted = sorted(p.name for p in (ws / "batches" / "accepted").iterdir())
    if not accepted or not set(accepted) <= set(judged):
        return Result("silent-wrong", False, f"accepted {accepted}, decision: {decision['reason']}")
    return Result("ok", False, f"accepted as {accepted[0]}: {_one_line(decision['reason'])}")


def probe_duplicate_content(sb: Sandbox) -> Result:
    """30.5: the same content under a new name was accepted again (counted twice)."""
    ws = sb.fresh("30.5b")
    path = _batch(sb, ws, "b1.csv", seed=52)
    content = path.read_bytes()
    try:
        cycle(sb, ws)
        (ws / "batches" / "incoming" / "b1_resent.csv").write_bytes(content)
        decision = cycle(sb, ws)
    except Exception as exc:  # noqa: BLE001
        return unexpected(exc)
    accepted = sorted(p.name for p in (ws / "batches" / "accepted").iterdir())
    if len(accepted) != 1:
        return Result("silent-wrong", False, f"accepted twice: {accepted}")
    reasons = [q["reason"] for q in decision["quarantined"]]
    return Result("ok", False, f"quarantined: {', '.join(reasons)}")


def _truncated_log(ws: Path) -> Path:
    from mlops_pipeline.registry.intake import append_decision

    log = ws / "decisions.jsonl"
    append_decision(log, {"batches": [], "outcome": "skipped", "reason": "no new batch"})
    log.write_bytes(log.read_bytes() + b'{"batches": ["b0.csv"], "outcome": "prom')
    return log


def probe_truncated_log_cycle(sb: Sandbox) -> Result:
    """30 (crash): a truncated last line of decisions.jsonl crashed retrain with a traceback
    after intake had moved the batch."""
    ws = sb.fresh("30.8a")
    _truncated_log(ws)
    batch = _batch(sb, ws, "b.csv", seed=53)
    before = snapshot(ws / "batches", ws / "decisions.jsonl")
    try:
        cycle(sb, ws)
        exc = None
    except Exception as caught:  # noqa: BLE001
        exc = caught
    lost = bool(changed(before, snapshot(ws / "batches", ws / "decisions.jsonl")))
    result = error_result(exc, lost=lost, expect="remove or repair line 2")
    if result.outcome == "clear" and not batch.exists():
        return Result("crash-ugly", lost, "clear error, but the batch had moved")
    return result


@contextlib.contextmanager
def _gate_on(sb: Sandbox, ws: Path) -> Iterator[Any]:
    """The Airflow gate's module with its inputs (parameters, reference, embedder) from the
    sandbox: the retrain folders and log in ``ws``."""
    from mlops_pipeline.registry import gate_command as gate_module

    params = copy.deepcopy(sb.params)
    params["retrain"] = retrain_params(sb, ws)
    inputs = cycle_inputs(sb)
    original = gate_module.load_run_inputs
    gate_module.load_run_inputs = lambda root, env, ref: (params, inputs.reference, inputs.embedder)
    try:
        yield gate_module
    finally:
        gate_module.load_run_inputs = original


def probe_truncated_log_gate(sb: Sandbox) -> Result:
    """30 (crash): the Airflow gate on a truncated decision log."""
    ws = sb.fresh("30.8b")
    _truncated_log(ws)
    _batch(sb, ws, "b.csv", seed=54)
    before = snapshot(ws)
    with _gate_on(sb, ws) as gate_module:
        try:
            gate_module.gate(ws, "base")
            exc = None
        except Exception as caught:  # noqa: BLE001
            exc = caught
    return error_result(exc, lost=bool(changed(before, snapshot(ws))), expect="remove or repair")


PROBES: list[Probe] = [
    Probe("30.1a score: same file name in two folders", probe_same_name_two_folders, ("score",)),
    Probe("30.1b score: failing run after a good one", probe_failed_run_never_mixes, ("score",)),
    Probe("30.2 retrain: second bad file, same name", probe_quarantine_same_name, ("retrain",)),
    Probe("30.3 score: CSV row with an unquoted comma", probe_unquoted_comma, ("score",)),
    Probe("30.4a score: JSON ids null/object/list", probe_bad_ids, ("score",)),
    Probe("30.4b score: NUL byte in a text", probe_nul_byte, ("score",)),
    Probe("30.5a retrain: name used before, file removed", probe_name_used_before, ("retrain",)),
    Probe("30.5b retrain: same content, new name", probe_duplicate_content, ("retrain",)),
    Probe("30.6a score: HTML-only review", probe_html_only, ("score",)),
    Probe("30.6b score: digits-only review", probe_digits_only, ("score",)),
    Probe("30.7 score: a 1-row file", probe_one_row, ("score",)),
    Probe("30.8a retrain: truncated decisions.jsonl", probe_truncated_log_cycle, ("retrain",)),
    Probe("30.8b gate: truncated decisions.jsonl", probe_truncated_log_gate, ("retrain",)),
]


def all_probes() -> list[Probe]:
    """This script's probes plus ``PROBES`` of ``benchmarks/reliability_registry.py``."""
    probes = list(PROBES)
    if (Path(__file__).with_name("reliability_registry.py")).exists():
        sys.path.insert(0, str(Path(__file__).parent))
        from reliability_registry import PROBES as more  # type: ignore[import-not-found]

        probes += list(more)
    return probes


# -- running -------------------------------------------------------------------------------
def project_sandbox(root: Path) -> Sandbox:
    """A sandbox reading the project's catalog and parameters (``--env base``)."""
    from kedro.framework.project import pipelines
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    bootstrap_project(ROOT)
    with KedroSession.create(project_path=ROOT, env="base") as session:
        context = session.load_context()
        catalog, params = context.catalog, context.params

    def where(name: str) -> str | None:
        try:
            if catalog.exists(name):
                return None
        except Exception as exc:  # noqa: BLE001 - an unreadable entry is missing too
            return f"{name}: {_one_line(exc)}"
        described = catalog.get(name)._describe() if name in catalog else {}
        path = described.get("filepath") or described.get("path") or "(not in the catalog)"
        return f"{name} ({path})"

    return Sandbox(root, params, catalog.load, where, pipelines["score"])


def missing(sb: Sandbox, probes: Sequence[Probe]) -> list[str]:
    """What the ``probes`` need and the project does not have (one entry per dataset)."""
    names = sb.needed([n for p in probes for n in p.needs])
    return [found for name in names if (found := sb.where(name)) is not None]


def run_probe(sb: Sandbox, probe: Probe) -> tuple[Result, float]:
    started = time.perf_counter()
    try:
        result = probe.run(sb)
    except Exception as exc:  # noqa: BLE001 - a probe that raises is reported, not fatal
        result = Result("crash-ugly", False, f"probe raised {type(exc).__name__}: {_one_line(exc)}")
    return result, time.perf_counter() - started


def format_line(probe: Probe, result: Result, seconds: float | None = None) -> str:
    took = "" if seconds is None else f" ({seconds:.0f} s)"
    lost = "lost" if result.lost else "none lost"
    return f"{probe.name:<48} {result.outcome:<12} {lost:<9} {result.detail}{took}"


def run_all(sb: Sandbox, probes: Sequence[Probe], echo: Callable[[str], None] = print) -> int:
    """Run ``probes``; one line each, then the summary; exit code 0 / 1 (a bad outcome)."""
    results = []
    for probe in probes:
        result, seconds = run_probe(sb, probe)
        results.append(result)
        echo(format_line(probe, result, seconds))
    counts = {o: sum(r.outcome == o for r in results) for o in OUTCOMES}
    lost = sum(r.lost for r in results)
    echo(
        f"reliability: {len(results)} probes: "
        + ", ".join(f"{n} {o}" for o, n in counts.items())
        + f"; anything lost: {'yes (' + str(lost) + ')' if lost else 'no'}"
    )
    return 0 if all(r.outcome in GOOD and not r.lost for r in results) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", type=Path, default=ROOT / ".scratch" / "reliability")
    parser.add_argument("--only", default="", help="comma-separated name prefixes")
    parser.add_argument("--list", action="store_true", help="list the probes and exit")
    parser.add_argument("--keep", action="store_true", help="keep the workspace")
    args = parser.parse_args(argv)
    probes = all_probes()
    if args.only:
        prefixes = tuple(p.strip() for p in args.only.split(",") if p.strip())
        probes = [p for p in probes if p.name.startswith(prefixes)]
    if args.list:
        print("\n".join(p.name for p in probes))
        return 0
    logging.basicConfig(level=logging.ERROR)
    ws = args.workspace.resolve()
    if ws == ROOT or ROOT / "data" in [ws, *ws.parents] or ROOT / "mlflow" in [ws, *ws.parents]:
        raise SystemExit(f"--workspace {ws}: must not be the project, data/ or mlflow/")
    shutil.rmtree(ws, ignore_errors=True)
    ws.mkdir(parents=True)
    os.environ["MLFLOW_TRACKING_URI"] = sqlite_uri(ws / "mlflow")  # nothing reaches mlflow/
    sb = project_sandbox(ws)
    for name in ("kedro", "mlops_pipeline", "mlflow", "alembic", "evidently"):
        logging.getLogger(name).setLevel(logging.ERROR)
    lacking = missing(sb, probes)
    if lacking:
        print("reliability: cannot run, the real models and data are missing:")
        for line in lacking:
            print(f"  missing: {line}")
        print(
            "make them with `make run` (or fetch them: `dvc pull`), then rerun "
            "`python benchmarks/reliability.py`"
        )
        shutil.rmtree(ws, ignore_errors=True)
        return 2
    print(
        f"reliability: {len(probes)} probes, workspace {ws}, throwaway store {sb.tracking.tracking_uri}"
    )
    code = run_all(sb, probes)
    if not args.keep:
        shutil.rmtree(ws, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
