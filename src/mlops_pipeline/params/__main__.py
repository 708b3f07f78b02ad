"""``python -m mlops_pipeline.params --markdown``: print the configuration reference."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .reference import markdown


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mlops_pipeline.params",
        description="Print the configuration reference generated from the parameter schemas.",
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print the configuration reference (Markdown)"
    )
    args = parser.parse_args(argv)
    if not args.markdown:
        parser.print_help()
        return 2
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
