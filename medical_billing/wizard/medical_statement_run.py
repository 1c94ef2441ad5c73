# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class MedicalStatementRun(models.TransientModel):
    _name = "medical.statement.run"
    _description = "Patient Statement Run"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="Statement Date", required=True, default=fields.Date.context_today)
    cycle = fields.Selection(
        [("all", "All guarantors"), ("day", "Cycle day"), ("alpha", "Alphabet range")],
        default="all",
        required=True,
        help="Cycle billing: everyone, the guarantors of one cycle day, or those whose name starts with a "
        "letter of a range.",
    )
    cycle_day = fields.Integer(default=lambda self: min(fields.Date.context_today(self).day, 28))
    letter_from = fields.Char(default="A", size=1)
    letter_to = fields.Char(default="Z", size=1)
    min_balance = fields.Monetary(
        string="Threshold",
        default=lambda self: self.env.company.medical_statement_min_balance,
        help="Only guarantors owing more than this get a statement.",
    )

    write_off_below = fields.Monetary(
        string="Write Off Balances Under",
        default=lambda self: self.env.company.medical_statement_writeoff_below,
        help="Balances under this amount are written off to the patient write-off account first.",
    )

    @api.model
    def _initial(self, partner):
        return (partner.name or "").strip()[:1].upper()

    def _guarantors(self):
        self.ensure_one()
        candidates = self.env["medical.statement"]._statement_candidates(
            self.company_id, self.date, self.min_balance
        )
        if self.cycle == "day":
            candidates = candidates.filtered(lambda p: p._statement_cycle_day() == self.cycle_day)
        elif self.cycle == "alpha":
            low, high = (self.letter_from or "A").upper(), (self.letter_to or "Z").upper()
            candidates = candidates.filtered(lambda p: low <= self._initial(p) <= high)
        return candidates

    def action_run(self):
        self.ensure_one()
        if self.currency_id.compare_amounts(self.write_off_below, 0) > 0:
            self.env["medical.statement"]._write_off_small_balances(
                self.company_id, self.date, self.write_off_below
            )
        guarantors = self._guarantors()
        if not guarantors:
            raise UserError(_("No guarantor of this cycle owes more than the threshold."))
        statements = self.env["medical.statement"]._create_statements(self.company_id, guarantors, self.date)
        return {
            "type": "ir.actions.act_window",
            "name": _("Patient Statements"),
            "res_model": "medical.statement",
            "view_mode": "list,form",
            "domain": [("id", "in", statements.ids)],
        }
