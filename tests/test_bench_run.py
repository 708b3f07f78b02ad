"""benchmarks/run.py: discovers the scripts, measures each run, builds the markdown report."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


@pytest.fixture
def bench(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_run", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = tmp_path / "project"
    (root / "benchmarks").mkdir(parents=True)
    (root / "benchmarks" / "run.py").write_text("")
    (root / "benchmarks" / "_helper.py").write_text("")
    (root / "benchmarks" / "fast.py").write_text(
        "import sys\nprint('log line', file=sys.stderr)\nprint('preprocess: 1234 reviews/s')\n"
    )
    (root / "benchmarks" / "broken.py").write_text("raise SystemExit(3)\n")
    (root / "conf" / "base").mkdir(parents=True)
    (root / "conf" / "base" / "parameters_embeddings.yml").write_text(
        "embeddings:\n  workers: 1\n  word2vec: {sg: 1, epochs: 3}\n"
    )
    reporting = root / "data" / "08_reporting"
    (reporting / "evaluate").mkdir(parents=True)
    (reporting / "evaluate" / "leaderboard.csv").write_text(
        "rank,model_id,accuracy,roc_auc,val_accuracy,test_rows,device,throughput_reviews_per_s\n"
        "1,nbsvm__tfidf,0.91,0.97,0.90,25000,cpu,1310.5\n"
    )
    (reporting / "evaluate" / "timings.json").write_text(
        json.dumps({"nbsvm__tfidf": {"throughput_reviews_per_s": 1310.5}})
    )
    (reporting / "features" / "node_timings.json").parent.mkdir()
    (reporting / "features" / "node_timings.json").write_text(
        json.dumps({"nodes": {"a": 60.0, "b": 6.0}, "total_seconds": 66.0, "peak_rss_mb": 812.5})
    )
    card = root / "data" / "06_models" / "train_lstm" / "lstm__word2vec" / "model_card.json"
    card.parent.mkdir(parents=True)
    card.write_text(
        json.dumps(
            {
                "model_id": "lstm__word2vec",
                "family": "lstm",
                "device": "cpu",
                "train_rows": 20001,
                "val_metrics": {"rows": 4999, "accuracy": 0.887},
                "train_seconds": 381.0,
            }
        )  # fmt: skip
    )
    for name, value in {
        "ROOT": root,
        "BENCH": root / "benchmarks",
        "RESULTS": root / "benchmarks" / "results",
        "REPORTING": reporting,
        "MODELS": root / "data" / "06_models",
    }.items():
        monkeypatch.setattr(module, name, value)
    return module


def test_discovers_scripts_but_itself_and_private_ones(bench) -> None:
    assert bench.discover() == ["broken", "fast"]


def test_runs_the_selection_and_writes_the_report(bench, capsys) -> None:
    code = bench.main(["--only", "fast,broken", "--date", "2026-01-02"])
    assert code == 1  # broken.py failed: the command says so
    runs = json.loads((bench.RESULTS / "2026-01-02.json").read_text())
    assert runs["fast"]["status"] == "ok" and runs["broken"]["status"] == "failed"
    assert runs["fast"]["peak_rss_mb"] > 0 and runs["fast"]["wall_seconds"] >= 0
    assert runs["fast"]["headline"] == ["preprocess: 1234 reviews/s"]  # stdout: the results
    assert (bench.ROOT / runs["fast"]["log"]).read_text() == "log line\n"  # stderr: the log
    report = (bench.RESULTS / "2026-01-02.md").read_text()
    assert "| 1 | nbsvm__tfidf | 0.91 |" in report
    assert "| features | 1.1 | 812.5 | 2 | a (60 s) |" in report
    assert "| lstm__word2vec | lstm | cpu | 20001 | 4999 | 0.887 | 381.0 |" in report
    assert "| preprocessing, reviews/s (light + tokens) | not measured |" in report  # not "fast"
    assert "| raw-text scoring of the top model (nbsvm__tfidf), reviews/s | 1310.5 |" in report
    assert "usable cores" in report


def test_report_only_runs_nothing_and_unknown_names_fail(bench) -> None:
    assert bench.main(["--report-only", "--date", "2026-01-03"]) == 0
    report = (bench.RESULTS / "2026-01-03.md").read_text()
    assert "(none: `--report-only` without a run today)" in report
    assert not (bench.RESULTS / "logs").exists()
    with pytest.raises(SystemExit):
        bench.main(["--only", "nosuch"])


def test_quick_arguments_are_small_slices(bench) -> None:
    assert bench._args("classical", quick=True) == ["--limit-per-fold", "2000"]
    assert bench._args("new_script_nobody_knows", quick=True) == []
    config = bench._args("embedding_defaults", quick=False)
    assert json.loads(config[1]) == {"family": "word2vec", "sg": 1, "epochs": 3}
    assert config[2:] == ["--workers", "1"]
    assert sys.executable  # the scripts run with this interpreter


def test_readme_results_are_rewritten_between_the_markers(bench) -> None:
    readme = bench.ROOT / "README.md"
    readme.write_text(f"# intro\n{bench.README_START}\nold numbers\n{bench.README_END}\n## after\n")
    assert bench.main(["--report-only", "--readme", "--date", "2026-01-04"]) == 0
    text = readme.read_text()
    assert (
        "old numbers" not in text and text.startswith("# intro\n") and text.endswith("## after\n")
    )
    assert "| 1 | nbsvm__tfidf | 0.91 |" in text and "2026-01-04" in text
    readme.write_text("# no markers\n")
    with pytest.raises(SystemExit):
        bench.main(["--report-only", "--readme", "--date", "2026-01-04"])
