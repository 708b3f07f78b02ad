"""The online service through a real uvicorn process (issue 31): health, ready, predict with
score's validation and score's probabilities, limits, metrics counts, a swap under load with no
failed request, and a version that fails to load leaving the old one serving."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registry"))
from registry_fixtures import fresh_registry, model_folder  # noqa: E402
from service_fixtures import Service, metric  # noqa: E402

from mlops_pipeline.models.discovery import ModelHandle  # noqa: E402
from mlops_pipeline.registry import register_folder  # noqa: E402
from mlops_pipeline.scoring import read_reviews, score_accepted, validate_reviews  # noqa: E402

MAX_REVIEWS = 50
MAX_BODY = 20_000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``(service, registry, root)``: version 1 (C=1) is the champion when the service starts."""
    root = tmp_path_factory.mktemp("serve")
    registry = fresh_registry()
    folder, _, _ = model_folder(root, c=1.0)
    registry.promote(register_folder(registry, folder, run_name="serve v1"))
    service = Service(
        ["--registered-model", registry.name, "--poll-seconds", "0", "--log-dir",
         str(root / "log"), "--log-flush-seconds", "0.3", "--max-reviews", str(MAX_REVIEWS),
         "--max-body-bytes", str(MAX_BODY)],
        root / "service.log",
    )  # fmt: skip
    try:
        service.wait_ready()
        yield service, registry, root
    finally:
        service.stop()


def _post(service, reviews):
    return service.client.post("/predict", json={"reviews": reviews})


def test_health_ready_and_model(served):
    service, registry, _ = served
    assert service.client.get("/health").json() == {"status": "ok"}
    assert service.client.get("/ready").json()["registry_version"] == 1
    model = service.client.get("/model").json()
    assert model["registry_version"] == 1 and model["registered_model"] == registry.name
    assert "val_metrics" in model and model["loaded_at"] and model["registry_error"] is None


def test_probabilities_equal_score_on_the_same_reviews(served):
    service, registry, _ = served
    from synthetic_text_models import raw_reviews

    reviews = raw_reviews(40)[["review_id", "text"]].rename(columns={"review_id": "id"})
    body = _post(service, reviews.to_dict("records")).json()
    accepted, rejects = validate_reviews(reviews, max_chars=100_000)
    assert len(rejects) == 0
    folder = registry.folder(1)
    table = score_accepted(accepted, ModelHandle(folder.name, folder))
    got = np.array([r["probability"] for r in body["results"]])
    np.testing.assert_allclose(got, table["probability"].to_numpy(), rtol=0, atol=1e-9)
    assert [r["label"] for r in body["results"]] == table["label"].tolist()


def test_one_bad_review_never_fails_the_others(served):
    service, _, _ = served
    reviews = [
        {"id": "ok", "text": "A wonderful film, I loved it."},
        {"id": "ok", "text": "the same id again"},
        {"id": "e", "text": "  <br /> "},
        {"id": "n", "text": 12},
        {"id": 1.5, "text": "a float id"},
        {"text": "no id"},
        {"id": "d", "text": "12345 !!!"},
        {"id": "z", "text": "nul\u0000byte"},
        {"id": "long", "text": "x" * 100_001},
    ]
    response = service.client.post("/predict", json={"reviews": reviews[:8]})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["reject"] for r in results] == [None, "duplicate_id", "empty_text", "not_a_string",
        "invalid_id", "missing_id", "no_words", "nul_byte"]  # fmt: skip
    assert 0.0 <= results[0]["probability"] <= 1.0 and results[0]["label"] in (0, 1)


def test_limits_are_413_and_422_in_one_line(served):
    service, _, _ = served
    too_many = [{"id": str(i), "text": "fine film"} for i in range(MAX_REVIEWS + 1)]
    response = _post(service, too_many)
    assert response.status_code == 422 and "serve.max_reviews=50" in response.json()["detail"]
    big = [{"id": "big", "text": "word " * (MAX_BODY // 4)}]
    response = _post(service, big)
    assert response.status_code == 413 and "serve.max_body_bytes" in response.json()["detail"]
    for body in ({"reviews": []}, {"texts": ["x"]}, [1, 2]):
        response = service.client.post("/predict", json=body)
        assert response.status_code == 422, body
        assert "\n" not in response.json()["detail"]
    response = service.client.post(
        "/predict", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


def test_metrics_count_what_the_client_sent(served):
    service, _, _ = served
    before = service.client.get("/metrics").text
    for i in range(7):
        _post(service, [{"id": "a", "text": f"Great film number {i}"}, {"id": "b", "text": ""}])
    _post(service, [])
    after = service.client.get("/metrics").text

    def delta(name, **labels):
        return metric(after, name, **labels) - metric(before, name, **labels)

    assert delta("serve_requests_total", endpoint="/predict", outcome="ok") == 7
    assert delta("serve_requests_total", endpoint="/predict", outcome="invalid") == 1
    assert delta("serve_reviews_total", outcome="accepted") == 7
    assert delta("serve_reviews_total", outcome="rejected") == 7
    assert delta("serve_rejects_total", reason="empty_text") == 7
    assert delta("serve_request_seconds_count", endpoint="/predict") == 8
    model = service.client.get("/model").json()
    info = [line for line in after.splitlines() if line.startswith("serve_model_info{")]
    assert len(info) == 1 and info[0].endswith(" 1.0"), info
    assert f'registry_version="{model["registry_version"]}"' in info[0]
    assert f'model_version="{model["model_version"]}"' in info[0]


def test_the_request_log_is_a_batch_score_can_read(served):
    service, _, root = served
    _post(service, [{"id": "logged", "text": "A logged review, quite good."}])
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        files = sorted((root / "log").rglob("*.jsonl"))
        frames = [read_reviews(f) for f in files]
        if any("logged" in set(f["id"]) for f in frames):
            break
        time.sleep(0.1)
    row = next(f for f in frames if "logged" in set(f["id"]))
    row = row[row["id"] == "logged"].iloc[0]
    assert row["text"] == "A logged review, quite good." and row["registry_version"] == 1
    assert 0 <= row["probability"] <= 1


def test_a_promotion_swaps_under_load_with_no_failed_request(served):
    service, registry, root = served
    folder, _, _ = model_folder(root, c=4.0)
    version = register_folder(registry, folder, run_name="serve v2")
    seen, failures, stop = [], [], threading.Event()

    def load():
        import httpx

        with httpx.Client(base_url=service.url, timeout=30) as client:
            while not stop.is_set():
                try:
                    r = client.post(
                        "/predict", json={"reviews": [{"id": "x", "text": "A great film."}]}
                    )
                    if r.status_code != 200:
                        failures.append(r.status_code)
                    else:
                        seen.append(r.json()["model"]["registry_version"])
                except Exception as exc:  # noqa: BLE001
                    failures.append(repr(exc))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        registry.promote(version)
        answer = service.client.post("/reload").json()
        assert answer["swapped"] is True, answer
        import time

        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert failures == []
    assert seen[0] == 1 and seen[-1] == version and set(seen) == {1, version}
    assert service.client.get("/model").json()["registry_version"] == version
    assert metric(service.client.get("/metrics").text, "serve_model_swaps_total") == 1


def test_a_version_that_fails_to_load_leaves_the_old_one_serving(served):
    service, registry, root = served
    before = service.client.get("/model").json()["registry_version"]
    folder, _, _ = model_folder(root, c=0.25)
    version = register_folder(registry, folder, run_name="serve broken")
    registry.promote(version)
    stored = registry.folder(version)
    weights = next(p for p in sorted(stored.rglob("*")) if p.is_file() and p.suffix != ".json")
    weights.write_bytes(weights.read_bytes() + b"tampered")  # the manifest no longer matches
    answer = service.client.post("/reload").json()
    assert answer["swapped"] is False and answer["failed"] == f"registry:{version}", answer
    model = service.client.get("/model").json()
    assert model["registry_version"] == before
    assert model["last_load_error"]["registry_version"] == version
    response = _post(service, [{"id": "still", "text": "Still served by the old model."}])
    assert response.status_code == 200
    assert response.json()["model"]["registry_version"] == before
    assert metric(service.client.get("/metrics").text, "serve_model_load_failures_total") == 1
    assert "could not load registry:" in service.log.read_text()
