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

DB="medical_bench_$$"
LOG=$(mktemp /tmp/medical_bench.XXXXXX.log)
FILESTORE="${HOME}/.local/share/Odoo/filestore"
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "${FILESTORE:?}/$DB"
}
trap cleanup EXIT
createdb -T "$TEMPLATE_DB" "$DB"
[ -d "$FILESTORE/$TEMPLATE_DB" ] && cp -r "$FILESTORE/$TEMPLATE_DB" "$FILESTORE/$DB"

ADDONS=$(cd "$REPO" && ls -d medical_*/ | tr -d / | paste -sd,)
echo "== installing $ADDONS on $DB (log $LOG)"
odoo_cmd --addons-path="$ADDONS_PATH" -d "$DB" -i "$ADDONS" --without-demo=all --stop-after-init --no-http \
    --log-level=warn >"$LOG" 2>&1 || { tail -30 "$LOG"; die "installing the addons failed, see $LOG"; }
echo "== benchmarks"
TZ=UTC "$PYTHON" "$REPO/tools/bench/run.py" --addons-path="$ADDONS_PATH" -d "$DB" "$@"
