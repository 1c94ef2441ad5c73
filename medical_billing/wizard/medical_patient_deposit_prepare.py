# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models


class MedicalPatientDepositPrepare(models.TransientModel):
    """Prepare the daily deposits: one per payment journal of the day's desk payments."""

    _name = "medical.patient.deposit.prepare"
    _description = "Prepare the Daily Deposits"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date = fields.Date(string="Payments of", required=True, default=fields.Date.context_today)

    def action_prepare(self):
        self.ensure_one()
        deposits = self.env["medical.patient.deposit"]._prepare_deposits(self.company_id, self.date)
        return {
            "type": "ir.actions.act_window",
            "name": _("Daily Deposits"),
            "res_model": "medical.patient.deposit",
            "view_mode": "list,form",
            "domain": [("id", "in", deposits.ids)],
        }
