#!/usr/bin/env bash
# The README's run command: set up .venv from pyproject.toml (idempotent), then run `poise`
# with the given arguments (no arguments: the window; `analyze VIDEO`: the command line).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/poise "$@"
