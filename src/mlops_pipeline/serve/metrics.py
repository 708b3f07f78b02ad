"""The service's Prometheus metrics (text format at ``GET /metrics``), in a registry of its own.

Counts are by outcome so a client can check that nothing was lost or counted twice:
``serve_requests_total{endpoint,outcome}`` (``ok``, ``too_large`` 413, ``invalid`` 422,
``error`` 500), ``serve_reviews_total{outcome}`` (``accepted``/``rejected``),
``serve_rejects_total{reason}`` (score's reasons), ``serve_predicted_positive_total`` and the
gauge ``serve_positive_share`` (positive / accepted since start), the latency histogram
``serve_request_seconds`` (``/predict``, server side), ``serve_model_info`` (1 for the served
model: ``model_id``, ``registry_version``, ``model_version``, ``source``), swaps, failed
loads, ``serve_registry_up`` and the request log's rows and files.
"""

from __future__ import annotations

import threading
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from mlops_pipeline.scoring import REJECT_REASONS

LATENCY_BUCKETS = (0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25,
                   0.5, 1.0, 2.5, 5.0)  # fmt: skip


class ServeMetrics:
    """Every metric of one service instance."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = r = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "serve_requests", "HTTP requests by endpoint and outcome", ["endpoint", "outcome"],
            registry=r,
        )  # fmt: skip
        self.reviews = Counter("serve_reviews", "reviews by outcome", ["outcome"], registry=r)
        self.rejects = Counter(
            "serve_rejects", "rejected reviews by reason", ["reason"], registry=r
        )
        self.positive = Counter("serve_predicted_positive", "reviews labelled 1", registry=r)
        self.positive_share = Gauge(
            "serve_positive_share", "share of accepted reviews labelled 1 since start", registry=r
        )
        self.latency = Histogram(
            "serve_request_seconds", "server-side latency of POST /predict", ["endpoint"],
            buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.model_info = Gauge(
            "serve_model_info", "the served model (value 1)",
            ["model_id", "registry_version", "model_version", "source"], registry=r,
        )  # fmt: skip
        self.swaps = Counter("serve_model_swaps", "models swapped in after start", registry=r)
        self.load_failures = Counter(
            "serve_model_load_failures", "versions that failed to load (old one kept)", registry=r
        )
        self.registry_up = Gauge(
            "serve_registry_up", "1: the last registry poll answered; 0: it failed", registry=r
        )
        self.log_rows = Counter("serve_request_log_rows", "rows written to the log", registry=r)
        self.log_files = Counter("serve_request_log_files", "request log files", registry=r)
        self._lock = threading.Lock()
        self._accepted = 0
        self._positive = 0
        for outcome in ("accepted", "rejected"):
            self.reviews.labels(outcome)
        for reason in REJECT_REASONS:
            if reason not in ("invalid_label", "missing_label"):
                self.rejects.labels(reason)
        self.registry_up.set(1)

    def predicted(self, accepted: int, positive: int, reasons: list[str]) -> None:
        """Count one request's reviews (``reasons``: one per rejected review)."""
        self.reviews.labels("accepted").inc(accepted)
        self.reviews.labels("rejected").inc(len(reasons))
        for reason in reasons:
            self.rejects.labels(reason).inc()
        self.positive.inc(positive)
        with self._lock:
            self._accepted += accepted
            self._positive += positive
            if self._accepted:
                self.positive_share.set(self._positive / self._accepted)

    def serving(self, info: dict[str, Any]) -> None:
        """The served model's labels (the previous model's series removed)."""
        self.model_info.clear()
        self.model_info.labels(
            str(info.get("model_id", "")),
            str(info.get("registry_version") or ""),
            str(info.get("model_version", "")),
            str(info.get("source", "")),
        ).set(1)

    def render(self) -> bytes:
        return generate_latest(self.registry)
