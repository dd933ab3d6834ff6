#!/usr/bin/env bash
# Set up .venv with the test tools and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-deps.sh
scripts/bootstrap.sh test
exec .venv/bin/python -m pytest "$@"
