"""``GET /docs`` without a network: Swagger UI from local files, else a plain HTML schema page.

FastAPI's default ``/docs`` loads Swagger UI from a CDN and renders blank offline. The service
self-hosts it (FastAPI's documented ``get_swagger_ui_html(swagger_js_url=...,
swagger_css_url=...)``) from a folder holding ``swagger-ui-bundle.js`` and ``swagger-ui.css``:
``serve.docs_assets``, else the ``swagger_ui_bundle`` package when installed (PyPI
``swagger-ui-bundle`` ships the dist files), provided the bundle reads OpenAPI 3.1 (Swagger UI
5: FastAPI's schema is 3.1, which Swagger UI 4 refuses). Without one, ``/docs`` is a static page made
here from the OpenAPI schema (every path and every field with its description); the schema
itself is always at ``/openapi.json``.
"""

from __future__ import annotations

import html
import importlib.util
import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css")


def swagger_assets(configured: Path | None) -> Path | None:
    """The folder with Swagger UI's dist files, or ``None``."""
    candidates = [configured] if configured else []
    if importlib.util.find_spec("swagger_ui_bundle") is not None:
        import swagger_ui_bundle  # type: ignore[import-not-found]

        candidates.append(Path(swagger_ui_bundle.swagger_ui_path))
    for folder in candidates:
        if folder is not None and all((Path(folder) / name).is_file() for name in ASSETS):
            if reads_openapi_31(Path(folder)):
                return Path(folder)
            logger.warning(
                "Swagger UI in %s predates OpenAPI 3.1 (FastAPI's schema version) and would "
                "show 'Unable to render this definition': /docs is the static schema page; "
                "point serve.docs_assets at a Swagger UI 5 dist folder",
                folder,
            )
    return None


def reads_openapi_31(folder: Path) -> bool:
    """Whether the Swagger UI bundle in ``folder`` renders OpenAPI 3.1 (Swagger UI >= 5; the
    swagger-ui-bundle wheel on PyPI ships 4.15, which refuses FastAPI's 3.1 schema)."""
    return b"isOAS31" in (folder / "swagger-ui-bundle.js").read_bytes()


def _fields(schema: dict[str, Any], components: dict[str, Any]) -> str:
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        kind = prop.get("type") or prop.get("$ref", "").rsplit("/", 1)[-1] or "any"
        if "items" in prop:
            kind += " of " + (prop["items"].get("$ref", "").rsplit("/", 1)[-1] or "any")
        if "anyOf" in prop:
            kind = " | ".join(p.get("type") or p.get("$ref", "").rsplit("/", 1)[-1]
                              for p in prop["anyOf"])  # fmt: skip
        required = "yes" if name in schema.get("required", []) else ""
        rows.append(
            f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(kind)}</td>"
            f"<td>{required}</td><td>{html.escape(prop.get('description', ''))}</td></tr>"
        )
    return "<table><tr><th>field</th><th>type</th><th>required</th><th>meaning</th></tr>" + (
        "".join(rows) + "</table>"
    )


def schema_page(openapi: dict[str, Any]) -> str:
    """A self-contained HTML page of ``openapi`` (no script, no external file)."""
    components = openapi.get("components", {}).get("schemas", {})
    parts = [f"<h1>{html.escape(openapi['info']['title'])} {openapi['info']['version']}</h1>",
             f"<p>{html.escape(openapi['info'].get('description', ''))}</p>",
             '<p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p>']  # fmt: skip
    for path, methods in openapi.get("paths", {}).items():
        for method, op in methods.items():
            parts.append(f"<h2><code>{method.upper()} {html.escape(path)}</code></h2>")
            parts.append(f"<p>{html.escape(op.get('summary', ''))}</p>")
            parts.append(f"<pre>{html.escape(op.get('description', ''))}</pre>")
            codes = ", ".join(f"{c} {r.get('description', '')}" for c, r in op["responses"].items())
            parts.append(f"<p>Responses: {html.escape(codes)}</p>")
    parts.append("<h2>Schemas</h2>")
    for name, schema in components.items():
        parts.append(
            f"<h3>{html.escape(name)}</h3><p>{html.escape(schema.get('description', ''))}</p>"
        )
        parts.append(_fields(schema, components))
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{border:1px solid "
             "#ccc;padding:.3em;text-align:left;vertical-align:top}table{border-collapse:collapse}")  # fmt: skip
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(openapi['info']['title'])}"
            f"</title><style>{style}</style></head><body>{''.join(parts)}</body></html>")  # fmt: skip
