# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The remittance (``medical.remittance``): one 835 transaction, a payer's payment and what it pays.

Its other concerns live beside it: ``medical_remittance_claim.py`` (the claims, lines and adjustments it
reports, and the provider-level adjustments), ``medical_remittance_import.py`` (building it from a read 835
and matching it to our claims), ``medical_remittance_posting.py`` (its journal entry, reconciliations and the
claims' new states) and ``medical_remittance_deposit.py`` (matching its deposit with the bank statement).
"""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import check_workflow_create, check_workflow_write

PAYMENT_METHODS = [
    ("ACH", "ACH - Automated Clearing House"),
    ("CHK", "CHK - Check"),
    ("NON", "NON - No Payment"),
    ("BOP", "BOP - Financial Institution Option"),
    ("FWT", "FWT - Federal Reserve Wire Transfer"),
]
REMITTANCE_STATES = [("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")]
# Changed only by the actions (see medical_coding's models/workflow.py).
WORKFLOW_FIELDS = ("state", "move_id", "reversal_move_id")


class MedicalRemittance(models.Model):
    """A payer's electronic remittance advice (835 transaction): the payment (BPR/TRN) and its claims."""

    _name = "medical.remittance"
    _description = "Remittance (835)"
    _inherit = ["mail.thread", "mail.activity.mixin", "medical.company.check.mixin"]
    _order = "date_payment desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    payer_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        readonly=True,
        check_company=True,
        domain="[('is_payer', '=', True)]",
        tracking=True,
    )
    payer_name = fields.Char(readonly=True, help="The payer as the file names it (N1*PR).")
    payer_identifier = fields.Char(
        readonly=True, help="The payer's id in the file (REF*2U, else N1*PR N104)."
    )
    payee_id_qualifier = fields.Char(
        string="Payee Id Type", readonly=True, help="N1*PE N103: XX NPI, FI TIN."
    )
    payee_identifier = fields.Char(string="Payee Id", readonly=True, help="N1*PE N104: whom the payer pays.")
    trace_number = fields.Char(
        required=True,
        readonly=True,
        index=True,
        help="TRN02: the check or EFT trace number, as on the bank statement.",
    )
    trace_payer_id = fields.Char(
        string="Trace Originator",
        required=True,
        readonly=True,
        help="TRN03: the payer's id of the trace number.",
    )
    transaction_control_number = fields.Char(string="ST02", readonly=True)
    amount = fields.Monetary(
        string="Payment", readonly=True, help="BPR02, negative when the practice owes the payer (BPR03 D)."
    )
    payment_method = fields.Selection(PAYMENT_METHODS, readonly=True, help="BPR04.")
    date_payment = fields.Date(
        string="Payment Date", readonly=True, help="BPR16: effective date of the payment."
    )
    date_production = fields.Date(string="Production Date", readonly=True, help="DTM*405.")
    import_log_id = fields.Many2one("medical.import.log", string="Import", readonly=True, check_company=True)
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)
    state = fields.Selection(
        REMITTANCE_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    reversal_move_id = fields.Many2one(
        "account.move", string="Reversal", readonly=True, copy=False, check_company=True
    )
    claim_ids = fields.One2many("medical.remittance.claim", "remittance_id", string="Claims", readonly=True)
    provider_adjustment_ids = fields.One2many(
        "medical.remittance.provider.adjustment",
        "remittance_id",
        string="Provider Adjustments",
        readonly=True,
    )
    amount_charges = fields.Monetary(string="Charges", compute="_compute_totals", store=True)
    amount_paid = fields.Monetary(string="Paid on Claims", compute="_compute_totals", store=True)
    amount_contractual = fields.Monetary(string="Contractual (CO)", compute="_compute_totals", store=True)
    amount_patient = fields.Monetary(
        string="Patient Responsibility (PR)", compute="_compute_totals", store=True
    )
    amount_other_adjustments = fields.Monetary(
        string="Other Adjustments (OA, PI, CR)", compute="_compute_totals", store=True
    )
    amount_provider_adjustments = fields.Monetary(
        string="Provider Adjustments (PLB)", compute="_compute_totals", store=True
    )
    claim_count = fields.Integer(compute="_compute_counts")
    exception_count = fields.Integer(compute="_compute_counts")
    denial_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        (
            "trace_uniq",
            "unique(company_id, trace_payer_id, trace_number)",
            "This payment (trace number from this payer) was already imported.",
        ),
    ]

    @api.depends("trace_number", "payer_id")
    def _compute_name(self):
        for remittance in self:
            remittance.name = f"{remittance.payer_id.name or ''} {remittance.trace_number or ''}".strip()

    @api.depends(
        "claim_ids.charge_amount",
        "claim_ids.paid_amount",
        "claim_ids.adjustment_ids.amount",
        "claim_ids.adjustment_ids.group_code",
        "claim_ids.adjustment_ids.posted",
        "provider_adjustment_ids.amount",
        "state",
    )
    def _compute_totals(self):
        """What the payer reports; once posted, the adjustments as the entry carries them (a denied line's,
        the patient share left for the next payer's claim are not in the books)."""
        for remittance in self:
            claims = remittance.claim_ids
            adjustments = claims.adjustment_ids
            if remittance.state == "posted":
                adjustments = adjustments.filtered("posted")
            by_group = {}
            for adjustment in adjustments:
                by_group[adjustment.group_code] = by_group.get(adjustment.group_code, 0.0) + adjustment.amount
            remittance.amount_charges = sum(claims.mapped("charge_amount"))
            remittance.amount_paid = sum(claims.mapped("paid_amount"))
            remittance.amount_contractual = by_group.get("CO", 0.0)
            remittance.amount_patient = by_group.get("PR", 0.0)
            remittance.amount_other_adjustments = sum(by_group.get(g, 0.0) for g in ("OA", "PI", "CR"))
            remittance.amount_provider_adjustments = sum(remittance.provider_adjustment_ids.mapped("amount"))

    @api.depends("claim_ids.match_state", "claim_ids.is_denial")
    def _compute_counts(self):
        for remittance in self:
            claims = remittance.claim_ids
            remittance.claim_count = len(claims)
            remittance.exception_count = len(claims.filtered(lambda c: c.match_state == "exception"))
            remittance.denial_count = len(claims.filtered("is_denial"))

    @api.model_create_multi
    def create(self, vals_list):
        return super(MedicalRemittance, check_workflow_create(self, vals_list, WORKFLOW_FIELDS)).create(
            vals_list
        )

    def write(self, vals):
        check_workflow_write(self, vals, WORKFLOW_FIELDS)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(r.state != "draft" for r in self):
            raise UserError(_("Only draft remittances can be deleted: cancel a posted one (it is reversed)."))

    def action_view_move(self):
        self.ensure_one()
        return self.move_id.get_formview_action()

    def action_view_exceptions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Exceptions"),
            "res_model": "medical.remittance.claim",
            "view_mode": "list,form",
            "domain": [("remittance_id", "=", self.id), ("match_state", "=", "exception")],
        }
