#!/usr/bin/env bash
# Create or update .venv with pharmwatch and its pinned dependencies.
# Usage: scripts/bootstrap.sh [extra]   (extra = "test" installs the test tools too)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PHARMWATCH_PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11), f"Python 3.11 needed, got {sys.version}"'
# uv resolves and installs the ~1 GB environment in seconds; bootstrap it from PyPI if missing.
if ! "$PY" -m uv --version >/dev/null 2>&1; then
    "$PY" -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
fi
# Call the uv binary itself: `python -m uv pip` would target that interpreter, not .venv.
UV=("$("$PY" -c 'import uv; print(uv.find_uv_bin())')")
[ -x .venv/bin/python ] || "${UV[@]}" venv --quiet --python "$PY" .venv
spec="."
[ "${1:-}" = "test" ] && spec=".[test]"
"${UV[@]}" pip install --quiet --python .venv/bin/python -e "$spec"
