#!/usr/bin/env bash
# `make check-repro` (real data, ~30 min on 2 cores; not in CI): clone this repository's HEAD
# into a temporary folder, run `make run` there as a new user would, then print what a fresh
# run changed: `git status --porcelain` and `dvc metrics diff` against the committed files.
# Prints nothing (exit 0) when the run reproduced every tracked file and metric.
# IMDB_SOURCE: the archive (default ../shared/data/aclImdb_v1.tar.gz beside the checkout).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source_archive="${IMDB_SOURCE:-$root/../shared/data/aclImdb_v1.tar.gz}"
work="$(mktemp -d "${TMPDIR:-/tmp}/check-repro.XXXXXX")"
log="$work/make-run.log"
git clone -q "$root" "$work/repo"
cd "$work/repo"
if ! IMDB_SOURCE="$source_archive" make run >"$log" 2>&1; then
    echo "make run failed in $work/repo (log: $log)" >&2
    tail -n 20 "$log" >&2
    exit 1
fi
changed="$(git status --porcelain)"
metrics="$(.venv/bin/dvc metrics diff --md 2>/dev/null || true)"
[[ -n "$changed" ]] && printf 'git status --porcelain after make run:\n%s\n' "$changed"
[[ -n "$metrics" ]] && printf 'dvc metrics diff against HEAD:\n%s\n' "$metrics"
if [[ -n "$changed$metrics" ]]; then
    echo "(clone kept in $work/repo)" >&2
    exit 1
fi
rm -rf "$work"
