#!/usr/bin/env bash
# make test: install both addons with Odoo's test runner on a throwaway database, then run the
# repository-level pytest suite against it. Fails on any failing test, on any ERROR in the Odoo
# log, and on any WARNING logged by our own addons. Never skips the Odoo tests silently.
source "$(dirname "$0")/common.sh"
cd "$REPO"

"$PYTHON" -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-test.txt \
    >/tmp/medical_pip.log 2>&1 ||
    { tail -20 /tmp/medical_pip.log; die "installing requirements.txt and requirements-test.txt failed"; }
check_odoo
check_postgres
# The receiver's SFTP round trip runs against a local sshd; PDFs are rendered by wkhtmltopdf and read back with
# pdftotext.
ensure_system_packages sshd:openssh-server wkhtmltopdf:wkhtmltopdf pdftotext:poppler-utils
ensure_template nodemo

throwaway_db medical_test
LOG=$(mktemp /tmp/medical_test_odoo.XXXXXX.log)
TAGS=$(echo "$ADDONS" | sed 's/\([^,]*\)/\/\1/g')
echo "== Odoo: installing $ADDONS with tests on (database $DB, log $LOG)"
set +e
odoo_cmd --addons-path="$ADDONS_PATH" -d "$DB" -i "$ADDONS" --without-demo=all \
    --test-enable --test-tags="$TAGS" --stop-after-init --http-interface=127.0.0.1 --http-port="$(free_port)" --log-level=info \
    --log-handler=odoo.addons.medical_coding:DEBUG >"$LOG" 2>&1
odoo_rc=$?
# from here on, every check is explicit

# Odoo's own summary: "odoo.tests.result: N failed, N error(s) of N tests"
fails=0
grep -E " (ERROR|CRITICAL) " "$LOG" | grep -v "^\s*$" >"$LOG.errors" || true
grep -E " WARNING [^ ]+ odoo\.addons\.medical_" "$LOG" >"$LOG.warnings" || true
summary=$(grep -E "odoo\.tests\.result: .* of [0-9]+ tests" "$LOG" | tail -1 || true)
odoo_total=$(echo "$summary" | sed -nE 's/.* of ([0-9]+) tests.*/\1/p')
odoo_failed=$(echo "$summary" | sed -nE 's/.*: ([0-9]+) failed, ([0-9]+) error.*/\1+\2/p')
odoo_failed=$(( ${odoo_failed:-0} ))
odoo_total=${odoo_total:-0}
if grep -q "FAIL:\|ERROR:" "$LOG.errors" 2>/dev/null; then
    echo "-- failing Odoo tests:"
    grep -E "(FAIL|ERROR): " "$LOG.errors" | sed -E 's/.*(FAIL|ERROR): /  \1: /' | sort -u
fi
if [ -s "$LOG.errors" ]; then
    echo "-- ERROR lines in the Odoo log:"; head -40 "$LOG.errors"; fails=1
fi
if [ -s "$LOG.warnings" ]; then
    echo "-- WARNING lines from our addons:"; head -40 "$LOG.warnings"; fails=1
fi
if [ "$odoo_rc" -ne 0 ]; then echo "-- Odoo exited with $odoo_rc"; fails=1; fi
if [ "$odoo_total" -eq 0 ]; then
    echo "-- Odoo ran no test: the addons' tests were not collected (see $LOG)"; fails=1
fi
echo "Odoo tests: $((odoo_total - odoo_failed)) passed, $odoo_failed failed"
[ "$odoo_failed" -gt 0 ] && fails=1

# Repository-level tests: pure Python and pytest-odoo against the same database.
CONF=$(mktemp /tmp/medical_test_odoo.XXXXXX.conf)
printf '[options]\naddons_path = %s\ndb_name = %s\nlog_level = warn\n' "$ADDONS_PATH" "$DB" >"$CONF"
echo "== pytest: tests/"
MEDICAL_TEST_DB="$DB" "$PYTHON" -m pytest tests -p no:cacheprovider -q --odoo-config="$CONF" --odoo-database="$DB" \
    2>&1 | tee "$LOG.pytest"
py_rc=${PIPESTATUS[0]}
py_passed=$(tail -3 "$LOG.pytest" | grep -oE "[0-9]+ passed" | grep -oE "[0-9]+" || echo 0)
py_failed=$(tail -3 "$LOG.pytest" | grep -oE "[0-9]+ (failed|errors?)" | awk '{s+=$1} END {print s+0}')
[ "$py_rc" -ne 0 ] && fails=1
[ "${py_passed:-0}" -eq 0 ] && { echo "-- pytest ran no test"; fails=1; }

total_passed=$(( odoo_total - odoo_failed + ${py_passed:-0} ))
total_failed=$(( odoo_failed + ${py_failed:-0} ))
if [ "$fails" -ne 0 ] && [ "$total_failed" -eq 0 ]; then total_failed=1; fi
echo "make test: $total_passed passed, $total_failed failed"
exit "$fails"
