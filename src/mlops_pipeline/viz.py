"""``kedro viz run`` as a managed child process, and the README's screenshot of it.

``python -m mlops_pipeline.viz docs/viz.png`` (``make viz-screenshot``) starts the server on a
free port of 127.0.0.1, waits for its API, captures the full graph (layer view) with headless
Chromium (Debian's ``chromium``), shrinks the PNG and stops the server with its children. The
same helpers start and stop the server in ``tests/test_viz.py``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import logging
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mlops_pipeline.atomic_io import atomic_file

logger = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parents[2]
#: the JSON kedro-viz's page reads: nodes, edges, layers, tags, pipelines
API_MAIN = "/api/main"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


@dataclass
class VizServer:
    process: subprocess.Popen
    url: str

    def api(self, path: str = API_MAIN, timeout: float = 30.0) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
            return json.loads(response.read())


def free_port(low: int = 20000, high: int = 49151) -> int:
    """A TCP port of 127.0.0.1 nobody listens on now (kedro-viz refuses ports above 49151)."""
    for port in random.Random().sample(range(low, high), 200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free TCP port between {low} and {high}")


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the server's process group (uvicorn and its children), SIGKILL after ``grace``."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)


@contextlib.contextmanager
def viz_server(
    project: Path = PROJECT, env: str | None = None, timeout: float = 120.0, log: Path | None = None
) -> Iterator[VizServer]:
    """``kedro viz run`` on a free port in its own process group; yields once the API answers."""
    port = free_port()
    args = [sys.executable, "-m", "kedro", "viz", "run", "--host", "127.0.0.1"]
    args += ["--port", str(port), "--no-browser"] + (["--env", env] if env else [])
    child_env = dict(os.environ, KEDRO_DISABLE_TELEMETRY="1", DO_NOT_TRACK="1")
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(log, "wb")) if log else subprocess.DEVNULL
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            args, cwd=project, env=child_env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        server = VizServer(process, f"http://127.0.0.1:{port}")
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"kedro viz exited with {process.returncode} (log: {log})")
                try:
                    server.api()
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"kedro viz did not answer in {timeout:.0f} s") from None
                    time.sleep(0.5)
            yield server
        finally:
            stop(process)


def find_browser() -> str:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    raise RuntimeError("no chromium found: `sudo apt-get install -y chromium` (Debian/Ubuntu)")


#: kedro-viz's saved settings: readable (pretty) names, no feature tour over the graph
VIZ_SETTINGS = {
    "isPrettyName": True,
    "showFeatureHints": False,
    "textLabels": True,
    "visible": {"miniMap": False, "sidebar": False},
}
#: the offline "Kedro-Viz <version> is here!" reminder and the feature tour: not for a README
HIDE_CSS = (
    ".update-reminder-unexpanded, .update-reminder-expanded, [class*='feature-hints']"
    " { display: none !important; }"
)


class _DevTools:
    """The few Chrome DevTools Protocol calls the screenshot needs (one page, synchronous)."""

    def __init__(self, ws_url: str) -> None:
        from websockets.sync.client import connect  # uvicorn's dependency (kedro-viz)

        self._ws = connect(ws_url, max_size=None, open_timeout=30).__enter__()
        self._id = 0

    def call(self, method: str, **params) -> dict:
        self._id += 1
        self._ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv(timeout=120))
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def close(self) -> None:
        self._ws.__exit__(None, None, None)


def _page_socket(port: int, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                pages = [t for t in json.loads(r.read()) if t.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
        except (urllib.error.URLError, ConnectionError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("headless chromium did not open its DevTools port")
        time.sleep(0.3)


def screenshot(
    target: Path,
    pipeline: str = "__default__",
    width: int = 1600,
    height: int = 1000,
    max_width: int = 1200,
    settle_s: float = 8.0,
) -> Path:
    """Capture kedro viz (``pipeline``, layer view, pretty names) into ``target`` (PNG)."""
    browser = find_browser()
    with tempfile.TemporaryDirectory() as tmp, viz_server(log=Path(tmp) / "viz.log") as server:
        port = free_port()
        chrome = subprocess.Popen(  # noqa: S603
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={tmp}/profile", f"--window-size={width},{height}",
             f"--remote-debugging-port={port}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            tools = _DevTools(_page_socket(port))
            try:
                tools.call("Page.enable")
                # settings go to the origin's localStorage from a page without the app on it
                tools.call("Page.navigate", url=server.url + API_MAIN)
                time.sleep(1.0)
                settings = {**VIZ_SETTINGS, "pipeline": {"active": pipeline}}
                tools.evaluate(f"localStorage.setItem('KedroViz', '{json.dumps(settings)}')")
                tools.call("Page.navigate", url=f"{server.url}/?pipeline_id={pipeline}")
                time.sleep(settle_s)
                tools.evaluate(
                    "const s = document.createElement('style');"
                    f"s.textContent = {json.dumps(HIDE_CSS)}; document.head.appendChild(s);"
                )
                time.sleep(0.5)
                shot = tools.call("Page.captureScreenshot", format="png")
            finally:
                tools.close()
        finally:
            stop(chrome)
        raw = Path(tmp) / "viz.png"
        raw.write_bytes(base64.b64decode(shot["data"]))
        _shrink(raw, target, max_width)
    logger.info("kedro viz screenshot: %s (%d bytes)", target, target.stat().st_size)
    return target


def _shrink(raw: Path, target: Path, max_width: int) -> None:
    from PIL import Image

    with Image.open(raw) as image:
        image = image.convert("RGB")
        if image.width > max_width:
            size = (max_width, round(image.height * max_width / image.width))
            image = image.resize(size, Image.LANCZOS)
        image = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
        with atomic_file(target) as tmp:
            image.save(tmp, format="PNG", optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshot of `kedro viz run` (headless).")
    parser.add_argument("target", type=Path, nargs="?", default=Path("docs/viz.png"))
    parser.add_argument("--pipeline", default="__default__", help="registered pipeline to show")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        screenshot(args.target, pipeline=args.pipeline)
    except (RuntimeError, TimeoutError, OSError, subprocess.SubprocessError) as exc:
        print(f"viz screenshot failed: {exc}", file=sys.stderr)
        return 1
    print(f"{args.target}: {args.target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
