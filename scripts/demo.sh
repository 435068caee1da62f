#!/usr/bin/env bash
# Install tongcheng into ./.venv and build the Yangtze River Delta demo project and report.
# Usage: bash scripts/demo.sh [--out DIR] [--lang zh|en]
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/tongcheng demo "$@"
