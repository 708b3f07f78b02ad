"""Build an HTML template for ``dvc plots show`` that works offline.

DVC's default page loads vega, vega-lite and vega-embed from a CDN, so it renders blank
without internet. This packs those three libraries from the npm registry (``npm pack``) and
inlines them into a template with DVC's ``{plot_divs}`` placeholder and no ``{scripts}``
placeholder (which would add the CDN tags back). Used by ``make plots``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: npm package spec -> the minified browser build inside its tarball
LIBRARIES = {
    "vega@5": "package/build/vega.min.js",
    "vega-lite@5": "package/build/vega-lite.min.js",
    "vega-embed@6": "package/build/vega-embed.min.js",
}

PAGE = """<!DOCTYPE html>
<html>
<head>
    {refresh_tag}
    <meta charset="utf-8">
    <title>DVC plots</title>
{inline_scripts}
    <style>table { border-spacing: 15px; }</style>
</head>
<body>
    {plot_divs}
</body>
</html>
"""


def _packed_script(spec: str, member: str, workdir: Path) -> str:
    result = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=workdir, capture_output=True, text=True, check=True
    )
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        handle = tar.extractfile(member)
        if handle is None:
            raise FileNotFoundError(f"{member} not in {tarball.name}")
        return handle.read().decode("utf-8")


def build_template(target: Path) -> Path:
    """Write the offline template to ``target`` (atomically) and return it."""
    with tempfile.TemporaryDirectory() as tmp:
        scripts = [
            f'    <script type="text/javascript">{_packed_script(spec, member, Path(tmp))}</script>'
            for spec, member in LIBRARIES.items()
        ]
    page = PAGE.replace("{inline_scripts}", "\n".join(scripts))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_text(page, encoding="utf-8")
    partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    args = parser.parse_args(argv)
    try:
        build_template(args.target)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"Could not build the offline plots template (needs npm): {exc}", file=sys.stderr)
        return 1
    print(f"offline dvc plots template: {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
