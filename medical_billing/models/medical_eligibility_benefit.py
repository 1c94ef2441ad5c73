# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MedicalEligibilityBenefit(models.Model):
    """One EB segment of a 271: a benefit, limit or note for some service types."""

    _name = "medical.eligibility.benefit"
    _description = "Eligibility Benefit (271 EB)"
    _order = "request_id, id"

    request_id = fields.Many2one("medical.eligibility.request", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="request_id.currency_id")
    code = fields.Char(string="EB01", required=True)
    name = fields.Char(string="Benefit", required=True)
    coverage_level = fields.Char()
    service_type_codes = fields.Char(string="Service Types")
    insurance_type = fields.Char()
    description = fields.Char()
    period = fields.Char()
    amount = fields.Monetary()
    has_amount = fields.Boolean()
    percent = fields.Float(string="Percent (%)")
    authorization_required = fields.Selection([("yes", "Yes"), ("no", "No")])
    in_network = fields.Char()
    note = fields.Text()
