# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the addons' ``odoo-bin`` commands share: opening the one database they work on."""

import contextlib
import threading

import odoo


@contextlib.contextmanager
def superuser_env(dbname, model, addon, error):
    """A superuser environment on ``dbname``, its cursor closed on leaving (the command commits itself).
    ``error(message)`` (the command's parser's) is called when ``model`` is not there: ``addon`` is not
    installed in that database."""
    threading.current_thread().dbname = dbname
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if model not in env:
            error(f"the {addon} addon is not installed in database {dbname}")
        yield env
