# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        res = super()._post_load_data(template_code, company, template_data)
        # A company that gets its chart of accounts after medical_billing is installed
        # gets the medical billing journals and accounts on that chart.
        (company or self.env.company)._medical_setup_accounting()
        return res
