#!/usr/bin/env bash
# make demo: create (or update) the database medical_demo with both addons and their demo
# data, then serve Odoo on http://localhost:8069 (login admin / admin). Ctrl-C stops it.
source "$(dirname "$0")/common.sh"
DB=${MEDICAL_DEMO_DB:-medical_demo}
PORT=${MEDICAL_DEMO_PORT:-8069}
"$PYTHON" -m pip install --quiet --disable-pip-version-check -r "$REPO/requirements.txt" >/tmp/medical_pip.log 2>&1 ||
    { tail -20 /tmp/medical_pip.log; die "installing requirements.txt failed"; }
check_odoo
check_postgres
ensure_system_packages wkhtmltopdf:wkhtmltopdf   # the PDFs (claims, EOBs, statements, scorecards)
ADDONS=$(cd "$REPO" && ls -d medical_*/ | tr -d / | paste -sd,)
if psql -d postgres -tAc "select 1 from pg_database where datname='$DB'" | grep -q 1; then
    echo "Updating $DB ($ADDONS)"
    odoo_cmd --addons-path="$ADDONS_PATH" -d "$DB" -u "$ADDONS" --stop-after-init --no-http --log-level=warn
else
    ensure_template demo
    echo "Creating $DB from $TEMPLATE_DB and installing $ADDONS with demo data"
    createdb -T "$TEMPLATE_DB" "$DB"
    FILESTORE="${HOME}/.local/share/Odoo/filestore"
    [ -d "$FILESTORE/$TEMPLATE_DB" ] && cp -r "$FILESTORE/$TEMPLATE_DB" "$FILESTORE/$DB"
    odoo_cmd --addons-path="$ADDONS_PATH" -d "$DB" -i "$ADDONS" --stop-after-init --no-http --log-level=warn
fi
echo
echo "Medical demo practice: http://localhost:$PORT  (database $DB, login admin / admin)"
echo
[ "${MEDICAL_DEMO_NO_SERVE:-}" = 1 ] && exit 0
exec "$PYTHON" -c 'import os; os.environ["TZ"] = "UTC"; import odoo.cli, sys; sys.argv[0] = "odoo-bin"; odoo.cli.main()' \
    --addons-path="$ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" --http-interface=127.0.0.1 --http-port="$PORT" \
    --log-level=info
