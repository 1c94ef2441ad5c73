#!/usr/bin/env bash
# Developer loop: install the addons on a fresh copy of the template and run only some tests.
#   tools/dev-test.sh [TEST_TAGS]     e.g. tools/dev-test.sh /medical_coding:TestCodeImport
# Keeps nothing: the database is dropped afterwards. Log in /tmp/dev-test-<pid>.log
source "$(dirname "$0")/common.sh"
check_odoo; check_postgres; ensure_template nodemo
throwaway_db medical_dev
LOG="/tmp/dev-test-$$.log"
TAGS=${1:-$(echo "$ADDONS" | sed 's/\([^,]*\)/\/\1/g')}
odoo_cmd --addons-path="$ADDONS_PATH" -d "$DB" -i "$ADDONS" --without-demo=all --test-enable \
    --test-tags="$TAGS" --stop-after-init --http-interface=127.0.0.1 --http-port="$(free_port)" --log-level=info >"$LOG" 2>&1 && rc=0 || rc=$?
grep -E " (ERROR|CRITICAL|WARNING) |odoo.tests.result|Ran [0-9]+ test" "$LOG" | cut -c1-400 | tail -60
echo "exit $rc, full log $LOG"
exit $rc
