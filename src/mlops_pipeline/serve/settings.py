"""The service's settings: ``serve:`` of the Kedro parameters (``conf/base/parameters_serve.yml``
+ ``conf/<env>/``), then command-line overrides; ``max_chars`` is ``score``'s (one rule)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mlops_pipeline.errors import UserInputError


class RequestLogSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dir: Path = Path("data/09_serving/requests")
    text: bool = True
    batch_rows: int = Field(1000, ge=1)
    flush_seconds: float = Field(60.0, gt=0)


class ServeSettings(BaseModel):
    """Everything the service reads; paths are resolved against ``project_path``."""

    model_config = ConfigDict(extra="forbid")

    project_path: Path = Path(".")
    env: str = "local"
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    max_reviews: int = Field(1000, ge=1)
    max_body_bytes: int = Field(5_000_000, ge=1024)
    max_chars: int = Field(100_000, ge=1)
    threshold: float = Field(0.5, ge=0.0, le=1.0)
    poll_seconds: float = Field(30.0, ge=0)
    registered_model: str | None = None
    models_root: Path = Path("data/06_models")
    docs_assets: Path | None = None  # Swagger UI dist folder (docs_page.py)
    request_log: RequestLogSettings = RequestLogSettings()

    def path(self, value: Path) -> Path:
        return value if value.is_absolute() else (self.project_path / value).resolve()


def load_settings(project_path: Path, env: str, **overrides: Any) -> ServeSettings:
    """``serve:`` of ``env``'s parameters with ``score.max_chars``, then ``overrides``
    (``None`` values are ignored; ``log_dir``/``log_text`` set ``request_log``)."""
    # why local: as registry/__main__.py's decision_log, Kedro only when settings are read
    from kedro.config import MissingConfigException, OmegaConfigLoader

    loader = OmegaConfigLoader(
        conf_source=str(project_path / "conf"), base_env="base", default_run_env="local", env=env
    )
    try:
        params = loader["parameters"]
    except MissingConfigException:
        params = {}
    values: dict[str, Any] = dict(params.get("serve") or {})
    log = dict(values.pop("request_log", None) or {})
    if "max_chars" in (params.get("score") or {}):
        values.setdefault("max_chars", params["score"]["max_chars"])
    for key, target in (("log_dir", "dir"), ("log_text", "text")):
        value = overrides.pop(key, None)
        if value is not None:
            log[target] = value
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return ServeSettings(project_path=project_path, env=env, request_log=log, **values)
    except ValueError as exc:
        first = " ".join(str(exc).split())[:300]
        raise UserInputError(f"serve settings (conf/*/parameters_serve.yml): {first}") from None
