#!/usr/bin/env bash
# make pot: (re)generate each addon's i18n/<addon>.pot with Odoo's exporter, on a throwaway database
# where both addons are installed (no demo). Run it after the strings changed (e.g. after a merge).
source "$(dirname "$0")/common.sh"
cd "$REPO"
check_odoo
check_postgres
ensure_template nodemo

throwaway_db medical_pot
LOG=$(mktemp /tmp/medical_pot.XXXXXX.log)
echo "== installing $ADDONS on $DB (log $LOG)"
odoo_cmd --addons-path="$ADDONS_PATH" -d "$DB" -i "$ADDONS" --without-demo=all --stop-after-init --no-http \
    --log-level=warn >"$LOG" 2>&1 || { tail -30 "$LOG"; die "installing the addons failed, see $LOG"; }
for addon in ${ADDONS//,/ }; do
    mkdir -p "$REPO/$addon/i18n"
    odoo_cmd --addons-path="$ADDONS_PATH" -d "$DB" --i18n-export="$REPO/$addon/i18n/$addon.pot" \
        --modules="$addon" --stop-after-init --no-http --log-level=warn >>"$LOG" 2>&1 ||
        { tail -30 "$LOG"; die "exporting the strings of $addon failed, see $LOG"; }
    echo "$addon/i18n/$addon.pot: $(grep -c '^msgid ' "$REPO/$addon/i18n/$addon.pot") strings"
done
