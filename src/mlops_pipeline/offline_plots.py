"""Build the HTML template that makes ``dvc plots show`` / ``dvc plots diff`` work offline.

DVC's default page loads vega, vega-lite and vega-embed from a CDN, so it renders blank
without internet. This template inlines one bundle of the three libraries taken from the PyPI
package ``vl-convert-python`` (``vl_convert.javascript_bundle()``: vega-embed, vega-lite, vega
and their dependencies, bundled inside the wheel, no network), with DVC's ``{plot_divs}``
placeholder and no ``{scripts}`` placeholder (which would add the CDN tags back).

``make install`` builds it at ``.dvc/tmp/offline_plots.html`` and ``.dvc/config`` points
``plots.html_template`` at it, so a plain ``dvc plots show`` renders offline.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from mlops_pipeline.atomic_io import atomic_file

#: where ``.dvc/config``'s ``plots.html_template`` (relative to ``.dvc/``) expects the template
DEFAULT_TARGET = Path(".dvc/tmp/offline_plots.html")

PAGE = """<!DOCTYPE html>
<html>
<head>
    {refresh_tag}
    <meta charset="utf-8">
    <title>DVC plots</title>
    <script type="text/javascript">{inline_bundle}</script>
    <style>table { border-spacing: 15px; }</style>
</head>
<body>
    {plot_divs}
</body>
</html>
"""

_REMOTE_SCRIPT = re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", re.IGNORECASE)


def vega_bundle() -> str:
    """vega + vega-lite + vega-embed as one script defining ``window.vegaEmbed`` (offline)."""
    try:
        import vl_convert
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise RuntimeError("vl-convert-python is missing: run `make install`") from exc
    return vl_convert.javascript_bundle()


def render_template(bundle: str) -> str:
    """The page with ``bundle`` inlined; refuses a result that would load a remote script."""
    # `</script` inside the bundle would close the tag early; `<\/` is the same string in JS.
    page = PAGE.replace("{inline_bundle}", bundle.replace("</script", "<\\/script"))
    if _REMOTE_SCRIPT.search(page):
        raise RuntimeError("the offline plots template would load a remote script")
    return page


def build_template(target: Path = DEFAULT_TARGET) -> Path:
    """Write the offline template to ``target`` (atomically) and return it."""
    page = render_template(vega_bundle())
    with atomic_file(target) as tmp:
        Path(tmp).write_text(page, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, nargs="?", default=DEFAULT_TARGET)
    args = parser.parse_args(argv)
    try:
        build_template(args.target)
    except (OSError, RuntimeError) as exc:
        print(f"Could not build the offline plots template: {exc}", file=sys.stderr)
        return 1
    print(f"offline dvc plots template: {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
