"""The FastAPI application: routes, limits, accounting (docs/serving.md).

``POST /predict`` validates every review with ``score``'s rules
(:func:`mlops_pipeline.scoring.validation.check_reviews`) and scores the accepted ones with the
served model's own ``predict_proba`` on the raw text (:class:`.holder.Served`); ``GET /health``,
``/ready``, ``/model``, ``/metrics``; ``POST /reload`` checks ``@champion`` now. A body over
``max_body_bytes`` is 413 and too many reviews or a malformed body 422, each with a one-line
``detail``. Every ``/predict`` answer is counted and timed once, by status, in :class:`Accounting`.
"""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from mlops_pipeline.scoring.validation import check_reviews

from .docs_page import schema_page, swagger_assets
from .holder import ModelHolder
from .metrics import ServeMetrics
from .request_log import RequestLog
from .schemas import Detail, PredictRequest, PredictResponse
from .settings import ServeSettings

logger = logging.getLogger(__name__)

OUTCOMES = {200: "ok", 413: "too_large", 422: "invalid", 503: "unavailable"}


class Accounting:
    """ASGI middleware for ``POST /predict``: the body limit (413 before the body is read
    when ``Content-Length`` says so, else while it is read) and one count and latency per
    answered request, by its status."""

    def __init__(self, app: Any, *, max_body_bytes: int, metrics: ServeMetrics) -> None:
        self.app, self.limit, self.metrics = app, max_body_bytes, metrics

    def _too_large(self, size: str) -> HTTPException:
        return HTTPException(413, f"request body of {size} bytes is over serve.max_body_bytes "
                                  f"({self.limit}); send fewer or shorter reviews per request")  # fmt: skip

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/predict":
            return await self.app(scope, receive, send)
        start, status = time.perf_counter(), [500]
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            exc = self._too_large(length.decode())
            response = JSONResponse({"detail": exc.detail}, status_code=413)
            await response(scope, receive, send)
            self._count(413, start)
            return None
        received = 0

        async def limited() -> dict:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise self._too_large(f"over {received}")
            return message

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, limited, sending)
        finally:
            self._count(status[0], start)

    def _count(self, status: int, start: float) -> None:
        outcome = OUTCOMES.get(status, "error")
        self.metrics.requests.labels("/predict", outcome).inc()
        self.metrics.latency.labels("/predict").observe(time.perf_counter() - start)


def _one_line(exc: RequestValidationError) -> str:
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid body"}
    where = ".".join(str(p) for p in first.get("loc", ()))
    return (f"{where}: {first.get('msg')}; send JSON "
            '{"reviews": [{"id": "r1", "text": "..."}]}')  # fmt: skip


def create_app(settings: ServeSettings, holder: ModelHolder, log: RequestLog | None) -> FastAPI:
    """The application around a started :class:`ModelHolder` (and the request log)."""
    metrics = holder.metrics

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        yield
        holder.stop()
        if log is not None:
            log.close()

    app = FastAPI(
        title="mlops-pipeline sentiment service",
        version="1",
        description="The registry's @champion online: P(positive) for raw IMDb-style reviews, "
        "validated with score's rules. docs/serving.md",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    assets = swagger_assets(settings.path(settings.docs_assets) if settings.docs_assets else None)
    if assets is not None:
        app.mount("/static/swagger-ui", StaticFiles(directory=assets), name="swagger-ui")

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _one_line(exc)}, status_code=422)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        if assets is None:
            return HTMLResponse(schema_page(app.openapi()))
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title=app.title,
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css", swagger_favicon_url="",
        )  # fmt: skip

    @app.get("/health", summary="The process is alive")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready", summary="A model is loaded", responses={503: {"model": Detail}})
    def ready() -> dict[str, Any]:
        current = holder.current
        if current is None:
            raise HTTPException(503, "no model loaded yet")
        return {"ready": True, "model_id": current.info["model_id"],
                "registry_version": current.info["registry_version"]}  # fmt: skip

    @app.get("/model", summary="The served model, its metrics and the registry's state")
    def model() -> dict[str, Any]:
        return holder.status()

    @app.post("/reload", summary="Check @champion now (swap when it moved)")
    def reload() -> dict[str, Any]:
        return holder.check(force=True)

    @app.get("/metrics", summary="Prometheus metrics (text format)")
    def prometheus() -> Response:
        return Response(metrics.render(), media_type=metrics.content_type)

    @app.post(
        "/predict",
        response_model=PredictResponse,
        summary="Score reviews with the champion",
        responses={413: {"model": Detail}, 422: {"model": Detail}, 503: {"model": Detail}},
    )
    def predict(body: PredictRequest) -> dict[str, Any]:
        """Each review gets ``probability`` and ``label``, or ``reject`` with score's reason;
        one bad review never fails the others. The whole request is answered by one model."""
        reviews = body.reviews
        if len(reviews) > settings.max_reviews:
            raise HTTPException(422, f"{len(reviews)} reviews in one request; at most "
                                     f"serve.max_reviews={settings.max_reviews}: split it")  # fmt: skip
        served = holder.current  # read once: a swap never splits a request
        if served is None:
            raise HTTPException(503, "no model loaded yet")
        reasons, ids, texts = check_reviews(
            [r.id for r in reviews], [r.text for r in reviews], max_chars=settings.max_chars
        )
        ok = [i for i, reason in enumerate(reasons) if not reason]
        proba = served.predict([texts[i] for i in ok]) if ok else []
        info = served.info
        results: list[dict[str, Any]] = [
            {"row": i, "id": ids[i] or None, "probability": None, "label": None,
             "reject": reason or None} for i, reason in enumerate(reasons)
        ]  # fmt: skip
        received = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        rows, positive = [], 0
        for i, p in zip(ok, proba, strict=True):
            label = int(p >= settings.threshold)
            positive += label
            results[i]["probability"], results[i]["label"] = float(p), label
            rows.append({"id": ids[i], "text": texts[i], "probability": float(p), "label": label,
                         "model_id": info["model_id"], "model_version": info["model_version"],
                         "registry_version": info["registry_version"], "received_at": received})  # fmt: skip
        metrics.predicted(len(ok), positive, [r for r in reasons if r])
        if log is not None:
            log.add(rows)
        return {
            "model": {k: info[k] for k in ("model_id", "registry_version", "model_version")},
            "accepted": len(ok),
            "rejected": len(reasons) - len(ok),
            "results": results,
        }

    app.add_middleware(Accounting, max_body_bytes=settings.max_body_bytes, metrics=metrics)
    return app
