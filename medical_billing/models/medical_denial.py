# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The denial (``medical.denial``): a claim, or one of its lines, the payer refused to pay. Remittances
create them; the payer balance stays open until the denial is worked (corrected, appealed, transferred,
written off)."""

from odoo import fields, models

from .medical_claim_line import ADJUSTMENT_GROUPS

DENIAL_STATES = [("new", "New"), ("in_progress", "In Progress"), ("closed", "Closed")]


class MedicalDenial(models.Model):
    _name = "medical.denial"
    _description = "Denial"
    _inherit = ["mail.thread", "mail.activity.mixin", "medical.company.check.mixin"]
    _order = "date_denied desc, id desc"
    _check_company_auto = True
    _rec_name = "claim_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    claim_id = fields.Many2one("medical.claim", required=True, index=True, readonly=True, check_company=True)
    claim_line_id = fields.Many2one(
        "medical.claim.line",
        readonly=True,
        check_company=True,
        help="Empty when the whole claim was denied.",
    )
    remittance_claim_id = fields.Many2one(
        "medical.remittance.claim",
        string="Remittance",
        readonly=True,
        index="btree_not_null",
        check_company=True,
        help="The remittance claim (835 CLP) that reported the denial.",
    )
    payer_id = fields.Many2one("res.partner", readonly=True, check_company=True)
    group_code = fields.Selection(ADJUSTMENT_GROUPS, string="Group", readonly=True)
    reason_code = fields.Char(string="Reason (CARC)", readonly=True)
    remark_codes = fields.Char(string="Remarks (RARC)", readonly=True)
    amount = fields.Monetary(string="Amount at Stake", readonly=True)
    date_denied = fields.Date(readonly=True, default=fields.Date.context_today)
    state = fields.Selection(DENIAL_STATES, default="new", required=True, readonly=True, tracking=True)
