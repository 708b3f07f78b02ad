"""Issue 22, defect 7: every documented server command binds 127.0.0.1 by default.

Before: the documented ``airflow standalone`` listened on 0.0.0.0:8080 (Airflow 3's
``[api] host`` default). Each server command in README.md, docs/ and pipelines/README.md must
say ``--host 127.0.0.1`` or, for Airflow, export ``AIRFLOW__API__HOST=127.0.0.1`` in the same
code block; ``kedro viz run`` binds localhost unless told otherwise. Nothing says 0.0.0.0
except as the thing to avoid.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [
    ROOT / "README.md",
    ROOT / "pipelines" / "README.md",
    *sorted((ROOT / "docs").rglob("*.md")),
]
SERVERS = re.compile(
    r"\b(airflow (standalone|api-server|webserver)|mlflow (ui|server|models serve)|uvicorn"
    r"|python3? -m http\.server|kedro viz run)\b"
)


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)


def test_every_documented_server_binds_localhost() -> None:
    found = []
    for path in DOCS:
        for block in _code_blocks(path.read_text()):
            for line in block.splitlines():
                command = line.split("#", 1)[0]
                match = SERVERS.search(command)
                if not match:
                    continue
                found.append(match.group(1))
                where = f"{path.relative_to(ROOT)}: {line.strip()}"
                assert "0.0.0.0" not in command, where
                if match.group(1).startswith("airflow"):
                    assert "export AIRFLOW__API__HOST=127.0.0.1" in block, where
                elif not match.group(1).startswith("kedro viz"):
                    assert re.search(r"(--host|-h|-H) 127\.0\.0\.1\b", command), where
    assert "airflow standalone" in found and "mlflow ui" in found
