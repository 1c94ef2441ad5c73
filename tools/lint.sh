#!/usr/bin/env bash
# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# make lint: ruff (.ruff.toml, complexity C901 included), ruff format, pylint-odoo's mandatory checks
# (setup.cfg) and the license header of every Python file. Installs the pinned linters first.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
cd "$REPO"
"$PYTHON" -m pip install --quiet --disable-pip-version-check -r requirements-test.txt >/tmp/medical_pip_lint.log 2>&1 ||
    { tail -20 /tmp/medical_pip_lint.log; echo "ERROR: installing requirements-test.txt failed" >&2; exit 2; }
echo "== ruff"
"$PYTHON" -m ruff check .
"$PYTHON" -m ruff format --check .
echo "== license headers"
"$PYTHON" tools/license_headers.py --check
echo "== pylint-odoo"
"$PYTHON" -m pylint --rcfile=setup.cfg medical_coding medical_billing
echo "make lint: clean"
