"""Load benchmark of the online service against MLflow's scoring server, side by side (issue 31).

    python benchmarks/serve.py [--single 600 --rate 50 --concurrency 4 --batches 40]
                               [--demo-swap] [--demo-gate] [--demos-only] [--out FILE.json]

On a temporary MLflow store (``MLFLOW_TRACKING_URI``: the project's own ``mlflow/`` is never
touched) ``python -m mlops_pipeline.registry init`` registers the real champion (best val
accuracy under ``data/06_models``); then ``python -m mlops_pipeline.serve`` and
``mlflow models serve -m models:/<name>@champion --env-manager local`` serve it on loopback
ports, and each receives the same bounded load: single-review requests at a fixed rate
(open loop: request i is due at i/rate s, ``--concurrency`` senders), then 100-review batches
one after another. Reported: p50/p95/p99 latency, throughput, errors, and the service's
``/metrics`` counts, which must equal what the client sent. ``--demo-swap`` registers
``nbsvm__ngrams`` with ``--promote`` and rolls back during a load (no failed request; ``/model``
shows each version); ``--demo-gate`` sends shifted reviews and runs ``registry gate --served``
on the log of the normal and of the shifted traffic.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
MLFLOW = str(Path(PY).with_name("mlflow"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(url: str, proc: subprocess.Popen, log: Path, timeout: float = 600) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: exited {proc.returncode}\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return time.monotonic() - start
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url}: not up in {timeout} s")


class Target:
    """One server: how to send reviews to it and read its answer."""

    def __init__(self, name: str, url: str, path: str, body, count) -> None:
        self.name, self.url, self.path, self.body, self.count = name, url, path, body, count


def ours(url: str) -> Target:
    return Target(
        "mlops_pipeline.serve", url, "/predict",
        lambda ids, texts: {"reviews": [{"id": i, "text": t} for i, t in zip(ids, texts, strict=True)]},
        lambda answer: answer["accepted"] + answer["rejected"],
    )  # fmt: skip


def mlflows(url: str) -> Target:
    return Target(
        "mlflow models serve", url, "/invocations",
        lambda ids, texts: {"dataframe_split": {"columns": ["text"], "data": [[t] for t in texts]}},
        lambda answer: len(answer["predictions"]),
    )  # fmt: skip


def run_load(target: Target, requests: list[tuple[list[str], list[str]]], rate: float | None,
             concurrency: int, on_answer=None, stop=None) -> dict:  # fmt: skip
    """Send ``requests`` (ids, texts); at ``rate`` per second when given (open loop), else
    back to back. Latency per request on the client side."""
    latencies: list[float] = []
    errors: list[str] = []
    reviews = [0]
    lock = threading.Lock()
    next_index = [0]
    start = time.perf_counter()

    def sender() -> None:
        with httpx.Client(base_url=target.url, timeout=60) as client:
            while True:
                with lock:
                    i = next_index[0]
                    next_index[0] += 1
                if i >= len(requests) or (stop is not None and stop.is_set()):
                    return
                if rate:
                    delay = start + i / rate - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                ids, texts = requests[i]
                t0 = time.perf_counter()
                try:
                    r = client.post(target.path, json=target.body(ids, texts))
                    elapsed = time.perf_counter() - t0
                    if r.status_code != 200:
                        raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
                    answer = r.json()
                    n = target.count(answer)
                    if n != len(texts):
                        raise RuntimeError(f"{n} answers for {len(texts)} reviews")
                    with lock:
                        latencies.append(elapsed)
                        reviews[0] += n
                    if on_answer:
                        on_answer(answer)
                except Exception as exc:  # noqa: BLE001 - every failure is counted
                    with lock:
                        errors.append(repr(exc)[:200])

    threads = [threading.Thread(target=sender) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"requests": len(requests), "ok": len(latencies), "errors": len(errors),
            "first_errors": errors[:3], "reviews": reviews[0], "wall_s": wall,
            "latencies": latencies}  # fmt: skip


def summary(parts: list[dict]) -> dict:
    """Pooled figures of several rounds of :func:`run_load`."""
    ms = np.array([x for p in parts for x in p["latencies"]]) * 1000
    pct = (lambda q: round(float(np.percentile(ms, q)), 2)) if len(ms) else (lambda q: None)
    wall = sum(p["wall_s"] for p in parts)
    ok = sum(p["ok"] for p in parts)
    reviews = sum(p["reviews"] for p in parts)
    return {"requests": sum(p["requests"] for p in parts), "ok": ok,
            "errors": sum(p["errors"] for p in parts),
            "first_errors": [e for p in parts for e in p["first_errors"]][:3],
            "reviews": reviews, "wall_s": round(wall, 2),
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
            "requests_per_s": round(ok / wall, 1), "reviews_per_s": round(reviews / wall, 1)}  # fmt: skip


def metric(text: str, line_start: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(line_start))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--single", type=int, default=600, help="single-review requests")
    parser.add_argument("--rate", type=float, default=50.0, help="single requests per second")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--batches", type=int, default=40, help="100-review requests")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4, help="turns the two servers take")
    parser.add_argument("--demo-swap", action="store_true")
    parser.add_argument("--demos-only", action="store_true", help="no comparison load")
    parser.add_argument("--demo-gate", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp / 'mlflow' / 'mlflow.db'}",
           "KEDRO_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1",
           # mlflow models serve execs `uvicorn` from PATH: the venv's, as an activated venv
           "PATH": f"{Path(PY).parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # fmt: skip
    registry = [PY, "-m", "mlops_pipeline.registry"]
    t0 = time.monotonic()
    init = subprocess.run([*registry, "init"], cwd=ROOT, env=env, capture_output=True, text=True)
    print(init.stdout.strip(), init.stderr.strip()[-500:] if init.returncode else "")
    if init.returncode:
        raise SystemExit("registry init failed")
    result: dict = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "init": init.stdout.strip(), "init_s": round(time.monotonic() - t0, 1),
                    "cpus": os.cpu_count(), "load_avg_before": os.getloadavg()}  # fmt: skip

    reviews = pd.read_parquet(ROOT / "data/02_intermediate/ingest/reviews.parquet")
    reviews = reviews[reviews["fold"] == "test"].sample(frac=1.0, random_state=0)
    texts = reviews["text"].tolist()
    ids = reviews["review_id"].astype(str).tolist()
    singles = [([ids[i]], [texts[i]]) for i in range(args.single)]
    b = args.batch_size
    batches = [(ids[i * b : (i + 1) * b], texts[i * b : (i + 1) * b]) for i in range(args.batches)]

    port, mport = free_port(), free_port()
    log_dir = tmp / "served"
    ours_log, mlflow_log = tmp / "serve.log", tmp / "mlflow-serve.log"
    serve = subprocess.Popen(
        [PY, "-m", "mlops_pipeline.serve", "--port", str(port), "--log-dir", str(log_dir),
         "--poll-seconds", "1", "--log-flush-seconds", "2"],
        cwd=ROOT, env=env, stdout=ours_log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    name = "sentiment-classifier"
    mlf = subprocess.Popen(
        [MLFLOW, "models", "serve", "-m", f"models:/{name}@champion", "--env-manager", "local",
         "-h", "127.0.0.1", "-p", str(mport)],
        cwd=tmp, env=env, stdout=mlflow_log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        result["ours_start_s"] = round(wait(f"http://127.0.0.1:{port}/ready", serve, ours_log), 1)
        result["mlflow_start_s"] = round(wait(f"http://127.0.0.1:{mport}/ping", mlf, mlflow_log), 1)
        base = f"http://127.0.0.1:{port}"
        result["model"] = httpx.get(f"{base}/model").json()
        targets = [ours(base), mlflows(f"http://127.0.0.1:{mport}")]
        if args.demos_only:
            targets = []
        for target in targets:  # warm both the same way
            run_load(target, singles[:20], None, 1)
            run_load(target, batches[:2], None, 1)
        before = httpx.get(f"{base}/metrics").text
        # the machine is shared: both servers take turns, round by round (A B A B ...), so a
        # burst of someone else's load falls on both alike
        parts: dict = {t.name: {"single": [], "batch": []} for t in targets}
        for r in range(args.rounds):
            for kind, requests, rate, conc in (
                ("single", singles, args.rate, args.concurrency),
                ("batch", batches, None, 1),
            ):
                chunk = requests[r :: args.rounds]
                for target in targets if r % 2 == 0 else targets[::-1]:
                    parts[target.name][kind].append(run_load(target, chunk, rate, conc))
        runs = {name: {kind: summary(p) for kind, p in kinds.items()}
                for name, kinds in parts.items()}  # fmt: skip
        for name, figures in runs.items():
            print(name, json.dumps(figures))
        if targets:
            after = httpx.get(f"{base}/metrics").text
            sent = runs["mlops_pipeline.serve"]
            count = {
                "requests_ok": metric(after, 'serve_requests_total{endpoint="/predict",outcome="ok"}')
                - metric(before, 'serve_requests_total{endpoint="/predict",outcome="ok"}'),
                "requests_not_ok": sum(metric(after, f'serve_requests_total{{endpoint="/predict",outcome="{o}"}}')
                                       - metric(before, f'serve_requests_total{{endpoint="/predict",outcome="{o}"}}')
                                       for o in ("too_large", "invalid", "unavailable", "error")),
                "reviews": metric(after, "serve_reviews_total{") - metric(before, "serve_reviews_total{"),
                "latency_count": metric(after, 'serve_request_seconds_count{endpoint="/predict"}')
                - metric(before, 'serve_request_seconds_count{endpoint="/predict"}'),
            }  # fmt: skip
            client = {
                "requests_ok": sent["single"]["ok"] + sent["batch"]["ok"],
                "reviews": sent["single"]["reviews"] + sent["batch"]["reviews"],
            }
            result["metrics_check"] = {"server": count, "client": client,
                "equal": count["requests_ok"] == client["requests_ok"]
                and count["reviews"] == client["reviews"] and count["requests_not_ok"] == 0
                and count["latency_count"] == client["requests_ok"]}  # fmt: skip
            result["runs"] = runs
        result["load_avg_after"] = os.getloadavg()
        if args.demo_swap:
            result["swap_demo"] = swap_demo(base, singles, args, registry, env)
        if args.demo_gate:
            result["gate_demo"] = gate_demo(base, log_dir, tmp, texts, ids, env)
    finally:
        for proc in (serve, mlf):
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(json.dumps(result, indent=1, default=str))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1, default=str))


def swap_demo(base: str, singles, args, registry: list[str], env: dict) -> dict:
    """register nbsvm__ngrams --promote, then rollback, during a single-review load."""
    seen: list = []
    versions: list = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            v = httpx.get(f"{base}/model").json()["registry_version"]
            if not versions or versions[-1] != v:
                versions.append(v)
            time.sleep(0.2)

    load: dict = {}
    done = threading.Event()  # the load runs until both swaps were seen (at most 10 minutes)
    requests = (singles * 60)[: int(args.rate * 600)]
    loader = threading.Thread(target=lambda: load.update(summary([run_load(
        ours(base), requests, args.rate, args.concurrency,
        on_answer=lambda a: seen.append(a["model"]["registry_version"]), stop=done)])))  # fmt: skip
    watcher = threading.Thread(target=watch)
    loader.start()
    watcher.start()
    steps = []
    folder = "data/06_models/train_classical/nbsvm__ngrams"
    for command in ([*registry, "register", folder, "--promote"], [*registry, "rollback"]):
        time.sleep(3)
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        steps.append({"command": " ".join(command[1:]), "rc": run.returncode,
                      "stdout": run.stdout.strip()[-300:]})  # fmt: skip
        target = 2 if "register" in command else 1
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (not versions or versions[-1] != target):
            time.sleep(0.2)
    time.sleep(3)
    done.set()
    stop.set()
    loader.join()
    watcher.join()
    order = [v for i, v in enumerate(seen) if i == 0 or seen[i - 1] != v]
    return {
        "steps": steps,
        "model_versions_seen_on_/model": versions,
        "answered_by_in_order": order,
        "load": load,
    }


def gate_demo(base: str, log_dir: Path, tmp: Path, texts, ids, env: dict) -> dict:
    """The normal traffic's log, then a shifted one's, through ``registry gate --served``."""
    time.sleep(3)  # the log writes every 2 s
    normal = tmp / "served-normal"
    log_dir.rename(normal)
    shifted = [t.split(".")[0][:60] + " :) 5/5 would buy again, fast shipping" for t in texts[:600]]
    with httpx.Client(base_url=base, timeout=60) as client:
        for i in range(0, 600, 100):
            client.post("/predict", json={"reviews": [
                {"id": f"shift{j}", "text": t} for j, t in enumerate(shifted[i:i + 100], i)]})  # fmt: skip
    time.sleep(3)
    out = {}
    for label, folder in (("normal", normal), ("shifted", log_dir)):
        t0 = time.monotonic()
        run = subprocess.run([PY, "-m", "mlops_pipeline.registry", "gate", "--served", str(folder)],
                             cwd=ROOT, env=env, capture_output=True, text=True)  # fmt: skip
        try:
            summary = json.loads(run.stdout.strip().splitlines()[-1])
            drift = summary.get("drift", {})
            brief = {k: summary.get(k) for k in ("work", "reason", "rows")}
            brief["drift_detected"] = drift.get("drift_detected")
            brief["signals"] = {k: v for k, v in drift.items()
                                if k not in ("report", "measurable", "drift_detected")}  # fmt: skip
        except (ValueError, IndexError):
            brief = {"stdout": run.stdout[-500:], "stderr": run.stderr[-800:]}
        out[label] = {"exit_code": run.returncode, "seconds": round(time.monotonic() - t0, 1),
                      **brief}  # fmt: skip
    return out


if __name__ == "__main__":
    main()
