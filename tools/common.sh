# Shared helpers for the Makefile scripts (sourced, not run).
# Finds Odoo 18 and PostgreSQL, and prepares a cached template database with the
# addons' dependencies installed once, so each run only installs our addons.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
export PGHOST=${PGHOST:-/var/run/postgresql}

die() { echo "ERROR: $*" >&2; exit 2; }

check_odoo() {
    local ver
    ver=$("$PYTHON" -c 'import odoo.release as r; print(r.version_info[0])' 2>/dev/null) ||
        die "Odoo is not importable by $PYTHON. Install Odoo 18.0 (source tree) and make it importable, e.g. 'pip install -e /path/to/odoo-18.0' or a .pth file in site-packages pointing to it."
    [ "$ver" = "18" ] ||
        die "$PYTHON imports Odoo $ver, but this suite needs Odoo 18.0. Put an Odoo 18.0 source tree first on $PYTHON's path."
    ODOO_ROOT=$("$PYTHON" -c 'import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))')
    ODOO_ADDONS="$ODOO_ROOT/odoo/addons,$ODOO_ROOT/addons"
    [ -d "$ODOO_ROOT/addons/account" ] ||
        die "Odoo 18.0 at $ODOO_ROOT has no 'addons/account' folder: a full Odoo 18.0 source tree (with addons/) is needed."
    ADDONS_PATH="$ODOO_ADDONS,$REPO"
    export ODOO_ROOT ADDONS_PATH
}

check_postgres() {
    if ! pg_isready -q 2>/dev/null; then
        if command -v pg_ctlcluster >/dev/null 2>&1; then
            pg_ctlcluster 15 main start 2>/dev/null || true
            for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
        fi
    fi
    pg_isready -q 2>/dev/null ||
        die "PostgreSQL is not reachable on $PGHOST. Install PostgreSQL 15 ('apt-get install postgresql-15') and start it ('pg_ctlcluster 15 main start')."
    local me
    me=$(id -un)
    if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ]; then
            su postgres -c "createuser --superuser '$me'" >/dev/null 2>&1 || true
        else
            sudo -n -u postgres createuser --superuser "$me" >/dev/null 2>&1 || true
        fi
    fi
    psql -d postgres -tAc "select 1" >/dev/null 2>&1 ||
        die "PostgreSQL refuses the role '$me'. Create it: sudo -u postgres createuser --superuser $me"
}

# System packages a run needs (Debian names), installed when missing and when this user may (root with
# apt-get); otherwise the tests that need them say they are skipped and why. $@ = "command:package" pairs.
ensure_system_packages() {
    local missing=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || missing+=("${pair#*:}")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing system packages: ${missing[*]}"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}"; } >/tmp/medical_apt.log 2>&1 ||
            echo "WARNING: could not install ${missing[*]} (see /tmp/medical_apt.log): the tests needing them are skipped"
    else
        echo "WARNING: ${missing[*]} missing and not installable here: the tests needing them are skipped"
    fi
}

# The Odoo modules our addons need, read from the manifests (minus our own).
dependencies() {
    "$PYTHON" - "$REPO" <<'PY'
import ast, sys, pathlib
repo = pathlib.Path(sys.argv[1])
ours = {p.parent.name for p in repo.glob("*/__manifest__.py")}
deps = set()
for p in repo.glob("*/__manifest__.py"):
    deps |= set(ast.literal_eval(p.read_text()).get("depends", []))
print(",".join(sorted(deps - ours)))
PY
}

# A free TCP port on the loopback, so that test runs (HttpCase starts a server) never collide.
free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# odoo CLI as a python module (works without odoo-bin on PATH)
odoo_cmd() {
    "$PYTHON" -c 'import os; os.environ["TZ"] = "UTC"; import odoo.cli, sys; sys.argv[0] = "odoo-bin"; odoo.cli.main()' "$@"
}

# Create (once) a template database with the dependencies installed, no tests.
# $1 = "demo" or "nodemo"
ensure_template() {
    local mode=$1 deps key tmpl extra=()
    deps=$(dependencies)
    # Test-only extras, not dependencies of the addons: a second chart of accounts (Belgian) so the
    # accounting defaults are tested on two charts; and Odoo's demo payment provider, which the portal
    # payment tests pay statements with (and the demo practice's portal offers, in test mode).
    [ "$mode" = nodemo ] && deps="$deps,l10n_be"
    deps="$deps,payment_demo"
    key=$(printf '%s|%s|%s' "$deps" "$mode" "$(cd "$ODOO_ROOT" && "$PYTHON" -c 'import odoo.release as r; print(r.serie)')" | md5sum | cut -c1-8)
    tmpl="medical_tmpl_${mode}_${key}"
    if ! psql -d postgres -tAc "select 1 from pg_database where datname='$tmpl'" | grep -q 1; then
        echo "Preparing template database $tmpl with: $deps (once, about a minute)"
        [ "$mode" = nodemo ] && extra=(--without-demo=all)
        dropdb --if-exists "${tmpl}_wip" >/dev/null
        odoo_cmd --addons-path="$ADDONS_PATH" -d "${tmpl}_wip" -i "$deps" "${extra[@]}" \
            --stop-after-init --log-level=warn --no-http >"/tmp/${tmpl}.log" 2>&1 ||
            { tail -30 "/tmp/${tmpl}.log"; die "installing the dependencies ($deps) failed, see /tmp/${tmpl}.log"; }
        psql -d postgres -qc "ALTER DATABASE \"${tmpl}_wip\" RENAME TO \"$tmpl\""
    fi
    TEMPLATE_DB=$tmpl
}

# A throwaway copy of the template (database and filestore), dropped when the script exits.
# $1 = name prefix. Sets DB and ADDONS (our addons, comma-separated).
throwaway_db() {
    DB="${1}_$$"
    FILESTORE="${HOME}/.local/share/Odoo/filestore"
    trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "${FILESTORE:?}/$DB"' EXIT
    createdb -T "$TEMPLATE_DB" "$DB"
    if [ -d "$FILESTORE/$TEMPLATE_DB" ]; then cp -r "$FILESTORE/$TEMPLATE_DB" "$FILESTORE/$DB"; fi
    ADDONS=$(cd "$REPO" && ls -d medical_*/ | tr -d / | paste -sd,)
}
