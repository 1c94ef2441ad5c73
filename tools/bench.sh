#!/usr/bin/env bash
# make bench: install the addons (no tests) on a throwaway copy of the template database, then run every
# tools/bench/bench_*.py module against it. Each figure is one line:
#   BENCH <name> <value> <unit> baseline=<value> ratio=<value>
# the baseline being a plain-PostgreSQL (or plain-Python) way of doing the same work, measured in the
# same run, so the ratio means something on any machine.  tools/bench.sh [NAME_FILTER]
source "$(dirname "$0")/common.sh"
cd "$REPO"
check_odoo
check_postgres
ensure_template nodemo

throwaway_db medical_bench
LOG=$(mktemp /tmp/medical_bench.XXXXXX.log)

echo "== installing $ADDONS on $DB (log $LOG)"
odoo_cmd --addons-path="$ADDONS_PATH" -d "$DB" -i "$ADDONS" --without-demo=all --stop-after-init --no-http \
    --log-level=warn >"$LOG" 2>&1 || { tail -30 "$LOG"; die "installing the addons failed, see $LOG"; }
echo "== benchmarks"
TZ=UTC "$PYTHON" "$REPO/tools/bench/run.py" --addons-path="$ADDONS_PATH" -d "$DB" "$@"
