#!/usr/bin/env bash
# Set up .venv and run the main job once, end to end, against the sandbox marketplaces:
# crawl -> extract -> warehouse -> flag -> report. Extra arguments go to `pharmwatch run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/pharmwatch run --db out/warehouse.duckdb --out out/report "$@"
