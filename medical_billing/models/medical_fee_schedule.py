# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Date

from odoo.addons.medical_coding.tools.counts import count_by


class MedicalFeeSchedule(models.Model):
    """A price list of procedure codes: the practice's charge master, or a payer's contracted rates."""

    _name = "medical.fee.schedule"
    _description = "Fee Schedule"
    _inherit = ["mail.thread", "medical.company.check.mixin"]
    _order = "schedule_type, date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    schedule_type = fields.Selection(
        [("charge", "Charge Master"), ("contract", "Payer Contract")],
        string="Type",
        required=True,
        default="charge",
        tracking=True,
        help="Charge Master: the practice's standard charges, used to price encounter lines. "
        "Payer Contract: the amounts a payer allows, used for expected reimbursement.",
    )
    payer_id = fields.Many2one(
        "res.partner", tracking=True, check_company=True, domain="[('is_payer', '=', True)]"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_start = fields.Date(string="Effective From", tracking=True)
    date_end = fields.Date(string="Effective Until", tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    line_ids = fields.One2many("medical.fee.schedule.line", "schedule_id", string="Rates", copy=True)
    line_count = fields.Integer(compute="_compute_line_count")

    _sql_constraints = [
        (
            "contract_payer",
            "CHECK(schedule_type != 'contract' OR payer_id IS NOT NULL)",
            "A payer contract needs its payer.",
        ),
    ]

    def _compute_line_count(self):
        counts = count_by(self, "medical.fee.schedule.line", "schedule_id")
        for schedule in self:
            schedule.line_count = counts.get(schedule, 0)

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for schedule in self:
            if schedule.date_start and schedule.date_end and schedule.date_end < schedule.date_start:
                raise ValidationError(_("A fee schedule cannot end before it starts."))

    @api.model
    def _get_rates(self, company, items, payer=None):
        """Amounts per unit of many (code, modifiers, date) items, in one query.

        :param company: res.company whose schedules apply
        :param items: iterable of (key, medical.code, medical.code modifiers recordset, date)
        :param payer: None for the charge master, else the payer whose contracted rates apply
        :return: {key: amount per unit} for the items a schedule prices
        """
        items = [item for item in items if item[1]]
        if not items:
            return {}
        codes = self.env["medical.code"].union(*(item[1] for item in items))
        domain = [
            ("schedule_id.company_id", "=", company.id),
            ("schedule_id.active", "=", True),
            ("code_id", "in", codes.ids),
        ]
        if payer is None:
            domain.append(("schedule_id.schedule_type", "=", "charge"))
        else:
            domain += [
                ("schedule_id.schedule_type", "=", "contract"),
                ("schedule_id.payer_id", "=", payer.id),
            ]
        lines = self.env["medical.fee.schedule.line"].sudo().search(domain)
        by_code = {}
        for line in lines:
            by_code.setdefault(line.code_id.id, []).append(line)
        rates = {}
        for key, code, modifiers, date in items:
            best = None
            for line in by_code.get(code.id, ()):
                if not line._applies_on(date):
                    continue
                if line.modifier_id and line.modifier_id not in modifiers:
                    continue
                # A modifier-specific rate beats the plain one; then the most recent schedule and line.
                rank = (
                    bool(line.modifier_id),
                    line.date_start or line.schedule_id.date_start or Date.to_date("1900-01-01"),
                    line.id,
                )
                if best is None or rank > best[0]:
                    best = (rank, line)
            if best:
                rates[key] = best[1].amount
        return rates


class MedicalFeeScheduleLine(models.Model):
    _name = "medical.fee.schedule.line"
    _description = "Fee Schedule Rate"
    _order = "schedule_id, code_id, modifier_id, date_start desc"
    _check_company_auto = True

    schedule_id = fields.Many2one("medical.fee.schedule", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="schedule_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="schedule_id.currency_id")
    code_id = fields.Many2one(
        "medical.code",
        string="Procedure Code",
        required=True,
        index=True,
        domain="[('system', 'in', ('cpt', 'hcpcs'))]",
    )
    modifier_id = fields.Many2one(
        "medical.code",
        domain="[('system', '=', 'modifier')]",
        help="Set when this modifier changes the price of the code; empty for the standard rate.",
    )
    amount = fields.Monetary(
        required=True, help="Per unit: the standard charge (charge master) or the allowed amount (contract)."
    )
    date_start = fields.Date(string="Effective From")
    date_end = fields.Date(string="Effective Until")

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "A rate cannot be negative."),
    ]

    def _applies_on(self, date):
        self.ensure_one()
        schedule = self.schedule_id
        start = self.date_start or schedule.date_start
        end = self.date_end or schedule.date_end
        return (not start or not date or start <= date) and (not end or not date or date <= end)
