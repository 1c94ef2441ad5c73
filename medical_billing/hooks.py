# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
def post_init_hook(env):
    """Give every company that already has a chart of accounts the medical billing journals and accounts,
    and every company the default dunning levels of patient statements."""
    companies = env["res.company"].search([])
    companies._medical_setup_accounting()
    companies._medical_create_dunning_levels()
