# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a remittance reports: its claims (CLP), their service lines (SVC), the adjustments (CAS) of both,
and the provider-level adjustments (PLB). Each record keeps the payer's data as received, and what it was
matched to among our claims."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import check_workflow_write, in_workflow_action

from ..edi.remit_rules import CLAIM_STATUSES
from .medical_claim_line import ADJUSTMENT_GROUPS


# What a biller may edit on what the payer sent: the claim an exception pays (and its lines'). The rest is
# the payer's data, or workflow fields the actions set.
def _check_payer_data_write(records, vals, editable=()):
    check_workflow_write(records, vals, [fname for fname in vals if fname not in editable])


MATCH_STATES = [
    ("matched", "Matched"),
    ("exception", "Exception"),
    ("unapplied", "Unapplied Payer Cash"),
]


class MedicalRemittanceClaim(models.Model):
    """A claim a remittance pays, denies or reverses (CLP), matched to one of our claims."""

    _name = "medical.remittance.claim"
    _description = "Remittance Claim"
    _inherit = ["medical.company.check.mixin", "medical.remark.explained.mixin"]
    _order = "remittance_id, sequence, id"
    _check_company_auto = True
    _rec_name = "patient_control_number"

    remittance_id = fields.Many2one("medical.remittance", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="remittance_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="remittance_id.currency_id")
    payer_id = fields.Many2one(related="remittance_id.payer_id", store=True)
    remittance_state = fields.Selection(related="remittance_id.state", string="Remittance Status")
    date_payment = fields.Date(related="remittance_id.date_payment", store=True)
    sequence = fields.Integer()
    position = fields.Integer(string="Segment", help="Position of the CLP segment in the file.")
    header_number = fields.Char(string="LX")
    patient_control_number = fields.Char(string="Claim Number (CLP01)", required=True, index=True)
    status_code = fields.Selection(list(CLAIM_STATUSES.items()), string="Claim Status (CLP02)")
    charge_amount = fields.Monetary(string="Charge")
    paid_amount = fields.Monetary(string="Paid")
    patient_amount = fields.Monetary(string="Patient Responsibility (CLP05)")
    filing_indicator = fields.Char()
    payer_claim_control_number = fields.Char(string="Payer Claim Number (CLP07)", index="btree_not_null")
    facility_code = fields.Char(string="Facility (CLP08)")
    frequency_code = fields.Char(string="Frequency (CLP09)")
    drg_code = fields.Char(string="DRG")
    patient_name = fields.Char(help="The patient as the payer names it (NM1*QC).")
    member_id = fields.Char(string="Member Id")
    rendering_npi = fields.Char(string="Rendering Provider Id")
    crossover_carrier = fields.Char(help="The payer the claim was forwarded to (NM1*TT), if any.")
    remark_codes = fields.Char(string="Remarks", help="MIA / MOA remark codes.")
    date_statement_start = fields.Date(string="Service From")
    date_statement_end = fields.Date(string="Service To")
    claim_id = fields.Many2one("medical.claim", index="btree_not_null", check_company=True)
    match_state = fields.Selection(MATCH_STATES, default="matched", required=True, index=True)
    exception_reason = fields.Char()
    is_denial = fields.Boolean(string="Denial", readonly=True)
    is_reversal = fields.Boolean(compute="_compute_is_reversal", store=True)
    reversed_claim_id = fields.Many2one(
        "medical.remittance.claim",
        string="Reverses",
        readonly=True,
        index="btree_not_null",
        check_company=True,
        help="The earlier payment of the claim this reversal (CLP02 22) takes back.",
    )
    reversed_by_id = fields.Many2one("medical.remittance.claim", readonly=True, check_company=True)
    secondary_claim_id = fields.Many2one(
        "medical.claim",
        string="Next Payer's Claim",
        readonly=True,
        check_company=True,
        help="The claim started for the patient's next payer with what this payer left.",
    )
    resolution_move_id = fields.Many2one(
        "account.move",
        readonly=True,
        check_company=True,
        help="The entry that applied this exception's payment to the claim the biller chose.",
    )
    line_ids = fields.One2many("medical.remittance.line", "remittance_claim_id", string="Service Lines")
    adjustment_ids = fields.One2many(
        "medical.remittance.adjustment", "remittance_claim_id", string="Adjustments"
    )
    move_line_ids = fields.One2many(
        "account.move.line", "medical_remittance_claim_id", string="Journal Items"
    )
    amount_contractual = fields.Monetary(string="Contractual", compute="_compute_group_amounts", store=True)
    amount_other = fields.Monetary(string="Other Adjustments", compute="_compute_group_amounts", store=True)

    def write(self, vals):
        _check_payer_data_write(self, vals, ("claim_id",))
        manual = not in_workflow_action(self.env)
        if manual and "claim_id" in vals and any(r.match_state != "exception" for r in self):
            raise UserError(_("Only the claim of an exception can be picked by hand."))
        return super().write(vals)

    @api.depends("status_code")
    def _compute_is_reversal(self):
        for rclaim in self:
            rclaim.is_reversal = rclaim.status_code == "22"

    @api.depends(
        "adjustment_ids.amount", "adjustment_ids.group_code", "adjustment_ids.posted", "remittance_id.state"
    )
    def _compute_group_amounts(self):
        for rclaim in self:
            adjustments = rclaim.adjustment_ids
            if rclaim.remittance_id.state == "posted":
                adjustments = adjustments.filtered("posted")
            rclaim.amount_contractual = sum(
                adjustments.filtered(lambda a: a.group_code == "CO").mapped("amount")
            )
            rclaim.amount_other = sum(
                adjustments.filtered(lambda a: a.group_code in ("OA", "PI", "CR")).mapped("amount")
            )


class MedicalRemittanceLine(models.Model):
    """A service line of a remittance claim (SVC), matched to one of our claim lines."""

    _name = "medical.remittance.line"
    _description = "Remittance Service Line"
    _inherit = ["medical.company.check.mixin", "medical.remark.explained.mixin"]
    _order = "remittance_claim_id, sequence, id"
    _check_company_auto = True
    _rec_name = "procedure_code"

    remittance_claim_id = fields.Many2one(
        "medical.remittance.claim", required=True, index=True, ondelete="cascade"
    )
    remittance_id = fields.Many2one(related="remittance_claim_id.remittance_id", store=True, index=True)
    company_id = fields.Many2one(related="remittance_claim_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="remittance_claim_id.currency_id")
    sequence = fields.Integer()
    position = fields.Integer(string="Segment")
    qualifier = fields.Char(help="SVC01-1: HC (CPT / HCPCS), AD (dental), N4 (NDC) ...")
    procedure_code = fields.Char(string="Code")
    modifiers = fields.Char()
    original_code = fields.Char(help="The code billed, when the payer paid another one (SVC06).")
    revenue_code = fields.Char()
    units = fields.Float(digits=(12, 3))
    charge_amount = fields.Monetary(string="Charge")
    paid_amount = fields.Monetary(string="Paid")
    allowed_amount = fields.Monetary(string="Allowed (AMT*B6)")
    date_service = fields.Date()
    date_service_end = fields.Date()
    line_control_number = fields.Char(string="Line Control Number (REF*6R)")
    remark_codes = fields.Char(string="Remarks", help="LQ*HE remark codes (RARC).")
    claim_line_id = fields.Many2one("medical.claim.line", index="btree_not_null", check_company=True)
    expected_amount = fields.Monetary(related="claim_line_id.expected_amount", string="Contracted")
    variance_amount = fields.Monetary(
        compute="_compute_variance",
        store=True,
        help="Allowed by the payer minus the contracted rate of the line: a non-zero variance is an "
        "underpayment (or overpayment) to look at.",
    )
    has_variance = fields.Boolean(compute="_compute_variance", store=True, string="Variance")
    is_denial = fields.Boolean(string="Denial", readonly=True)
    adjustment_ids = fields.One2many("medical.remittance.adjustment", "line_id", string="Adjustments")

    def write(self, vals):
        _check_payer_data_write(self, vals, ("claim_line_id",))
        manual = not in_workflow_action(self.env)
        if (
            manual
            and "claim_line_id" in vals
            and any(line.remittance_claim_id.match_state != "exception" for line in self)
        ):
            raise UserError(_("Only the lines of an exception can be matched by hand."))
        return super().write(vals)

    @api.depends("allowed_amount", "claim_line_id.expected_amount")
    def _compute_variance(self):
        for line in self:
            expected = line.claim_line_id.expected_amount
            if line.claim_line_id and expected and line.allowed_amount:
                line.variance_amount = line.allowed_amount - expected
            else:
                line.variance_amount = 0.0
            line.has_variance = not line.currency_id.is_zero(line.variance_amount)


class MedicalRemittanceAdjustment(models.Model):
    """An adjustment (CAS triplet) of a remittance claim, or of one of its lines."""

    _name = "medical.remittance.adjustment"
    _description = "Remittance Adjustment"
    _inherit = ["medical.company.check.mixin", "medical.remark.explained.mixin"]
    _order = "remittance_claim_id, line_id, id"
    _check_company_auto = True

    remittance_claim_id = fields.Many2one(
        "medical.remittance.claim", required=True, index=True, ondelete="cascade"
    )
    line_id = fields.Many2one(
        "medical.remittance.line",
        string="Service Line",
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="remittance_claim_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="remittance_claim_id.currency_id")
    group_code = fields.Selection(ADJUSTMENT_GROUPS, string="Group", required=True)
    reason_code = fields.Char(string="Reason (CARC)", required=True)
    amount = fields.Monetary(required=True)
    quantity = fields.Float(digits=(12, 3))
    remark_codes = fields.Char(string="Remarks (RARC)")
    posted = fields.Boolean(
        readonly=True,
        help="Posted to the books; not posted: a denied line's, the prior payer's part of a next payer's "
        "claim, or patient responsibility left for the next payer's claim.",
    )

    def write(self, vals):
        _check_payer_data_write(self, vals)
        return super().write(vals)


class MedicalRemittanceProviderAdjustment(models.Model):
    """A provider-level adjustment (PLB): interest, recoupment, forwarding balance... Positive amounts reduce
    the payment."""

    _name = "medical.remittance.provider.adjustment"
    _description = "Remittance Provider Adjustment"
    _inherit = ["medical.company.check.mixin"]
    _order = "remittance_id, id"
    _check_company_auto = True

    remittance_id = fields.Many2one("medical.remittance", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="remittance_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="remittance_id.currency_id")
    position = fields.Integer(string="Segment")
    provider_identifier = fields.Char(string="Provider Id")
    date_fiscal = fields.Date(string="Fiscal Period")
    reason_code = fields.Char(string="Reason", required=True)
    reference = fields.Char()
    amount = fields.Monetary(required=True)
    claim_id = fields.Many2one(
        "medical.claim",
        check_company=True,
        help="The claim the reference names (recoupments, forwarding balances), when it is one of ours.",
    )
    account_id = fields.Many2one("account.account", readonly=True, check_company=True)

    def write(self, vals):
        _check_payer_data_write(self, vals)
        return super().write(vals)
