#!/usr/bin/env bash
# The README's test command: set up .venv from pyproject.toml (idempotent) and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export POISE_MODEL_DIR="${POISE_MODEL_DIR:-$(cd .. && pwd)/shared/models}"
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
