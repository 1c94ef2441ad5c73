# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The claim (``medical.claim``): its fields, computes, constraints, and the state workflow actions that
take it from draft to closed.

The other concerns of the same model live beside it: ``medical_claim_payer_edits.py`` (the edits run at
validation), ``medical_claim_accounting.py`` (its journal entries), ``medical_claim_correction.py`` (reset,
cancel, replace, void), ``medical_claim_next_payer.py`` (adjudication and the next payer's claim) and
``medical_claim_edi.py`` (837P batches and acknowledgements). About 500 lines: the field declarations of
the claim are a third of it.
"""

import re
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.account.models.account_move import PAYMENT_STATE_SELECTION
from odoo.addons.medical_coding.models.workflow import (
    check_workflow_create,
    check_workflow_write,
    workflow_action,
)

CLAIM_STATES = [
    ("draft", "Draft"),
    ("ready", "Ready"),
    ("submitted", "Submitted"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
    ("paid", "Paid"),
    ("partial", "Partially Paid"),
    ("denied", "Denied"),
    ("closed", "Closed"),
    ("replaced", "Replaced"),
    ("voided", "Voided"),
    ("cancel", "Cancelled"),
]
FREQUENCIES = [("1", "1 - Original"), ("7", "7 - Replacement"), ("8", "8 - Void")]
# States in which the payer has the claim: it can be corrected only by a replacement or a void.
AT_PAYER_STATES = ("submitted", "accepted", "paid", "partial", "denied", "closed")
ADJUDICATED_STATES = ("paid", "partial", "denied")
# What a patient control number (CLM01) may contain: safe in any X12 delimiter set, at most 20 characters.
PCN_RE = re.compile(r"^[A-Z0-9-]{1,20}$")
# What the payer received: changed only on a draft (lines: see medical.claim.line).
LOCKED_FIELDS = {
    "company_id",
    "patient_id",
    "coverage_id",
    "payer_id",
    "billing_provider_id",
    "rendering_provider_id",
    "referring_provider_id",
    "facility_id",
    "place_of_service_id",
    "date_service",
    "date_service_end",
    "prior_authorization_id",
    "prior_authorization",
    "diagnosis_ids",
    "frequency",
}
# Changed only by the actions (see medical_coding's models/workflow.py).
WORKFLOW_FIELDS = ("state", "invoice_id", "date_submitted")


class MedicalClaim(models.Model):
    """A professional claim (837P / CMS-1500) billing one encounter to one payer.

    Its invoice to the payer carries the gross charges into the general ledger when it is validated.
    """

    _name = "medical.claim"
    _description = "Insurance Claim"
    _inherit = ["mail.thread", "mail.activity.mixin", "medical.company.check.mixin"]
    _order = "date_service desc, id desc"
    _rec_name = "patient_control_number"
    _check_company_auto = True

    patient_control_number = fields.Char(
        string="Claim Number",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: _("New"),
        help="Patient control number (CLM01): ours, unique, echoed back by the payer in acknowledgements "
        "and remittances.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    encounter_id = fields.Many2one(
        "medical.encounter", index="btree_not_null", readonly=True, check_company=True, tracking=True
    )
    patient_id = fields.Many2one("res.partner", required=True, index=True, check_company=True, tracking=True)
    coverage_id = fields.Many2one(
        "medical.coverage", required=True, index=True, check_company=True, tracking=True
    )
    payer_id = fields.Many2one(
        "res.partner",
        compute="_compute_payer_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_payer', '=', True)]",
    )
    payer_responsibility = fields.Selection(
        related="coverage_id.priority", store=True, string="Responsibility"
    )
    subscriber_id = fields.Many2one(related="coverage_id.subscriber_id", string="Subscriber")
    member_id = fields.Char(related="coverage_id.member_id")
    group_number = fields.Char(related="coverage_id.group_number")
    relationship = fields.Selection(related="coverage_id.relationship")
    claim_filing_indicator = fields.Selection(related="payer_id.claim_filing_indicator")
    billing_provider_id = fields.Many2one(
        "res.partner",
        compute="_compute_billing_provider_id",
        store=True,
        precompute=True,
        readonly=False,
        check_company=True,
        help="The practice that bills and is paid (837P loop 2010AA): the company unless set otherwise.",
    )
    rendering_provider_id = fields.Many2one("res.partner", check_company=True, tracking=True)
    referring_provider_id = fields.Many2one("res.partner", check_company=True, tracking=True)
    facility_id = fields.Many2one("res.partner", string="Service Facility", check_company=True)
    place_of_service_id = fields.Many2one(
        "medical.code", string="Place of Service", domain="[('system', '=', 'pos')]", tracking=True
    )
    date_service = fields.Date(string="Date of Service", required=True, index=True, tracking=True)
    date_service_end = fields.Date(string="Date of Service (End)")
    prior_authorization_id = fields.Many2one(
        "medical.prior.authorization",
        check_company=True,
        tracking=True,
        domain="[('patient_id', '=', patient_id), ('payer_id', '=', payer_id)]",
    )
    prior_authorization = fields.Char(
        string="Prior Authorization Number",
        compute="_compute_prior_authorization",
        store=True,
        precompute=True,
        readonly=False,
        help="Sent as REF*G1 (CMS-1500 box 23).",
    )
    diagnosis_ids = fields.One2many("medical.claim.diagnosis", "claim_id", string="Diagnoses", copy=True)
    line_ids = fields.One2many("medical.claim.line", "claim_id", string="Lines", copy=True)
    frequency = fields.Selection(
        FREQUENCIES,
        required=True,
        default="1",
        tracking=True,
        help="Claim frequency code (CLM05-3): 1 original, 7 replacement of a prior claim, "
        "8 void of a prior claim.",
    )
    original_claim_id = fields.Many2one(
        "medical.claim",
        string="Corrects Claim",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="The claim this replacement or void corrects.",
    )
    correction_claim_ids = fields.One2many("medical.claim", "original_claim_id", string="Corrections")
    payer_claim_control_number = fields.Char(
        string="Payer Claim Number",
        tracking=True,
        copy=False,
        help="The payer's internal control number for this claim (277CA / 835 CLP07). A replacement or "
        "void sends it back as REF*F8.",
    )
    state = fields.Selection(
        CLAIM_STATES, default="draft", required=True, readonly=True, copy=False, index=True, tracking=True
    )
    amount_total = fields.Monetary(string="Total Charge", compute="_compute_amounts", store=True)
    amount_expected = fields.Monetary(
        string="Expected Reimbursement",
        compute="_compute_amounts",
        store=True,
        help="What the payer's contracted rates allow for these lines.",
    )
    date_filing_deadline = fields.Date(
        string="Timely Filing Deadline", compute="_compute_date_filing_deadline", store=True, precompute=True
    )
    date_submitted = fields.Date(readonly=True, copy=False, tracking=True)
    invoice_id = fields.Many2one(
        "account.move",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    reversal_move_id = fields.Many2one(
        "account.move",
        string="Credit Note",
        readonly=True,
        copy=False,
        check_company=True,
        help="The credit note that took this claim's charges back out of the books (void or replacement).",
    )
    copay_move_id = fields.Many2one(
        "account.move",
        string="Copay Applied",
        readonly=True,
        copy=False,
        check_company=True,
        help="The entry that applied the copay collected at the visit to the patient responsibility of this "
        "claim, once it was known (the excess is left to the patient as a credit).",
    )
    amount_residual = fields.Monetary(
        string="Payer Balance",
        compute="_compute_payer_balance",
        help="What is still open with the payer on this claim's invoice (or balance transfer).",
    )
    payment_state = fields.Selection(PAYMENT_STATE_SELECTION, compute="_compute_payer_balance")
    finding_ids = fields.One2many("medical.edit.finding", "claim_id", string="Payer Edits", copy=False)
    error_count = fields.Integer(compute="_compute_finding_counts")
    warning_count = fields.Integer(compute="_compute_finding_counts")
    # Primary adjudication, recorded by hand (or later from the 835): what coordination of benefits needs.
    date_adjudicated = fields.Date(string="Adjudication Date", copy=False, tracking=True)
    adjustment_ids = fields.One2many("medical.claim.adjustment", "claim_id", string="Adjustments", copy=False)
    amount_paid = fields.Monetary(string="Paid by Payer", compute="_compute_adjudication", store=True)
    amount_adjusted = fields.Monetary(string="Total Adjusted", compute="_compute_adjudication", store=True)
    amount_patient = fields.Monetary(
        string="Patient Responsibility", compute="_compute_adjudication", store=True
    )
    note = fields.Html()

    _sql_constraints = [
        ("patient_control_number_uniq", "unique(patient_control_number)", "The claim number must be unique."),
    ]

    # ------------------------------------------------------------------ computes

    @api.depends("coverage_id")
    def _compute_payer_id(self):
        for claim in self:
            claim.payer_id = claim.coverage_id.payer_id

    @api.depends("company_id")
    def _compute_billing_provider_id(self):
        for claim in self:
            if not claim.billing_provider_id:
                claim.billing_provider_id = claim.company_id.partner_id

    @api.depends("prior_authorization_id")
    def _compute_prior_authorization(self):
        for claim in self:
            if claim.prior_authorization_id:
                claim.prior_authorization = claim.prior_authorization_id.name

    @api.depends("line_ids.charge_amount", "line_ids.expected_amount")
    def _compute_amounts(self):
        for claim in self:
            claim.amount_total = sum(claim.line_ids.mapped("charge_amount"))
            claim.amount_expected = sum(claim.line_ids.mapped("expected_amount"))

    @api.depends("date_service", "date_service_end", "payer_id.timely_filing_days")
    def _compute_date_filing_deadline(self):
        for claim in self:
            days = claim.payer_id.timely_filing_days
            if claim.date_service and days:
                claim.date_filing_deadline = claim.date_service + timedelta(days=days)
            else:
                claim.date_filing_deadline = False

    @api.depends(
        "invoice_id.state",
        "invoice_id.amount_residual",
        "invoice_id.payment_state",
        "invoice_id.line_ids.amount_residual",
        "reversal_move_id",
        "remittance_claim_ids.move_line_ids.amount_residual",
    )
    def _compute_payer_balance(self):
        for claim in self:
            move = claim.invoice_id
            if move.state != "posted":
                claim.amount_residual = 0.0
                claim.payment_state = "not_paid"
                continue
            if move.move_type != "entry":
                claim.amount_residual = move.amount_residual
                claim.payment_state = move.payment_state or "not_paid"
                continue
            # A next payer's claim: its "invoice" is the balance transfer; the payer's lines are its own.
            lines = claim._payer_receivable_lines()
            claim.amount_residual = sum(lines.mapped("amount_residual"))
            if not lines:
                claim.payment_state = "not_paid"
            elif claim.reversal_move_id:
                claim.payment_state = "reversed"
            elif claim.currency_id.is_zero(claim.amount_residual):
                claim.payment_state = "paid"
            elif lines.matched_credit_ids:
                claim.payment_state = "partial"
            else:
                claim.payment_state = "not_paid"

    @api.depends("finding_ids.severity")
    def _compute_finding_counts(self):
        for claim in self:
            severities = claim.finding_ids.mapped("severity")
            claim.error_count = severities.count("error")
            claim.warning_count = severities.count("warning")

    @api.depends(
        "line_ids.amount_paid",
        "line_ids.amount_adjusted",
        "line_ids.amount_patient",
        "adjustment_ids.amount",
        "adjustment_ids.group_code",
        "adjustment_ids.line_id",
    )
    def _compute_adjudication(self):
        for claim in self:
            # Line adjustments are summed by their lines; the claim-level ones (no line) are added here.
            claim_level = claim.adjustment_ids.filtered(lambda a: not a.line_id)
            # As in a remittance (CLP04): the lines' payments less the claim-level adjustments.
            claim.amount_paid = sum(claim.line_ids.mapped("amount_paid")) - sum(claim_level.mapped("amount"))
            claim.amount_adjusted = sum(claim.line_ids.mapped("amount_adjusted")) + sum(
                claim_level.mapped("amount")
            )
            claim.amount_patient = sum(claim.line_ids.mapped("amount_patient")) + sum(
                claim_level.filtered(lambda a: a.group_code == "PR").mapped("amount")
            )

    # ------------------------------------------------------------------ constraints

    @api.constrains("patient_control_number")
    def _check_patient_control_number(self):
        for claim in self:
            if not PCN_RE.match(claim.patient_control_number or ""):
                raise ValidationError(
                    _(
                        "The claim number %(number)s is not usable in an electronic claim: "
                        "at most 20 letters, digits or dashes.",
                        number=claim.patient_control_number,
                    )
                )

    @api.constrains("coverage_id", "patient_id")
    def _check_coverage_patient(self):
        for claim in self:
            if claim.coverage_id.patient_id != claim.patient_id:
                raise ValidationError(_("A claim bills a coverage of its own patient."))

    @api.constrains("diagnosis_ids")
    def _check_diagnosis_count(self):
        for claim in self:
            if len(claim.diagnosis_ids) > 12:
                raise ValidationError(_("A professional claim carries at most 12 diagnoses."))

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        model = check_workflow_create(self, vals_list, WORKFLOW_FIELDS)
        sequence = self.env["ir.sequence"].sudo().search([("code", "=", "medical.claim")], limit=1)
        for vals in vals_list:
            if vals.get("patient_control_number", _("New")) == _("New"):
                vals["patient_control_number"] = sequence._next() if sequence else self._fallback_pcn()
        return super(MedicalClaim, model).create(vals_list)

    @api.model
    def _fallback_pcn(self):
        return self.env["ir.sequence"].sudo().next_by_code("medical.claim")

    def write(self, vals):
        check_workflow_write(self, vals, WORKFLOW_FIELDS)
        if LOCKED_FIELDS.intersection(vals) and any(c.state != "draft" for c in self):
            raise UserError(_("Only draft claims can be changed: reset the claim to draft, or correct it."))
        if "adjustment_ids" in vals:
            self._check_adjudication_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(c.state not in ("draft", "cancel") or c.invoice_id.state == "posted" for c in self):
            raise UserError(_("Only draft or cancelled claims can be deleted."))

    # ------------------------------------------------------------------ actions: workflow

    @workflow_action
    def action_validate(self):
        """Run the payer edits; the claims without blocking finding become ready and get posted invoices.

        Works on a batch: one query set for the edits, one create and one post for all the invoices.
        Returns the findings' action when some claims stay blocked, else True.
        """
        self._lock_for_update()
        if any(c.state != "draft" for c in self):
            raise UserError(_("Only draft claims can be validated."))
        if not self:
            return True
        self._check_next_payer_balance()
        self.company_id._medical_check_accounting()
        self.env.flush_all()
        findings = self._run_payer_edits()
        Finding = self.env["medical.edit.finding"].sudo()
        Finding.search([("claim_id", "in", self.ids)]).unlink()
        if findings:
            Finding.create(findings)
        blocked_ids = {f["claim_id"] for f in findings if f["severity"] == "error"}
        clean = self.filtered(lambda c: c.id not in blocked_ids)
        if clean:
            # A void carries no charges: nothing to invoice (its original's invoice was reversed).
            clean.filtered(lambda c: c.frequency != "8")._post_claim_invoices()
            clean.write({"state": "ready"})
        blocked = self - clean
        if blocked:
            bodies = {
                claim.id: self.env._("Payer edits: %(count)s blocking finding(s).", count=claim.error_count)
                for claim in blocked
            }
            blocked._message_log_batch(bodies)
        return True

    def _move_state(self, from_states, vals, refusal):
        """Write ``vals`` (a workflow step) on claims all in ``from_states``; else refuse with ``refusal``."""
        if any(c.state not in from_states for c in self):
            raise UserError(refusal)
        self.write(vals)
        return True

    @workflow_action
    def action_submit(self):
        """The claim went to the payer (837P file or printed CMS-1500)."""
        return self._move_state(
            ("ready",),
            {"state": "submitted", "date_submitted": fields.Date.context_today(self)},
            _("Only ready claims can be submitted."),
        )

    @workflow_action
    def action_accept(self):
        """The payer (or clearinghouse) accepted the claim for processing (277CA A1/A2)."""
        return self._move_state(
            ("submitted", "rejected"), {"state": "accepted"}, _("Only submitted claims can be accepted.")
        )

    @workflow_action
    def action_reject(self):
        """The payer refused the claim at the front door (999 or 277CA rejection): correct, send again."""
        return self._move_state(
            ("submitted", "accepted"),
            {"state": "rejected"},
            _("Only submitted or accepted claims can be rejected."),
        )

    @workflow_action
    def action_close(self):
        return self._move_state(
            ADJUDICATED_STATES,
            {"state": "closed"},
            _("Only adjudicated claims (paid, partially paid or denied) can be closed."),
        )

    # ------------------------------------------------------------------ business: creation from encounters

    @api.model
    def _prepare_from_encounter(self, encounter, coverage, auth, products, expected):
        """Values of the claim billing ``encounter`` to ``coverage``."""
        diagnoses = encounter.diagnosis_ids.sorted(lambda d: (d.sequence, d.id))
        procedures = encounter.procedure_ids.sorted(lambda p: (p.sequence, p.id))
        return {
            "company_id": encounter.company_id.id,
            "encounter_id": encounter.id,
            "patient_id": encounter.patient_id.id,
            "coverage_id": coverage.id,
            "payer_id": coverage.payer_id.id,
            "billing_provider_id": encounter.company_id.partner_id.id,
            "rendering_provider_id": encounter.provider_id.id,
            "referring_provider_id": encounter.referring_provider_id.id,
            "facility_id": encounter.facility_id.id,
            "place_of_service_id": encounter.place_of_service_id.id,
            "date_service": encounter.date_service,
            "date_service_end": encounter.date_service_end,
            "prior_authorization_id": auth.id,
            "prior_authorization": auth.name or encounter.prior_authorization or False,
            "diagnosis_ids": [
                Command.create({"sequence": index, "code_id": diagnosis.code_id.id})
                for index, diagnosis in enumerate(diagnoses, start=1)
            ],
            "line_ids": [
                Command.create(
                    {
                        "sequence": index,
                        "encounter_procedure_id": procedure.id,
                        "code_id": procedure.code_id.id,
                        "modifier1_id": procedure.modifier1_id.id,
                        "modifier2_id": procedure.modifier2_id.id,
                        "modifier3_id": procedure.modifier3_id.id,
                        "modifier4_id": procedure.modifier4_id.id,
                        "units": procedure.units,
                        "diagnosis_pointers": procedure.diagnosis_pointers,
                        "charge_amount": procedure.charge_amount,
                        "expected_amount": expected.get(procedure.id, 0.0) * procedure.units,
                        "ndc_code": procedure.ndc_code,
                        "ndc_quantity": procedure.ndc_quantity,
                        "ndc_unit": procedure.ndc_unit,
                        "product_id": products[procedure.code_id].id,
                    }
                )
                for index, procedure in enumerate(procedures, start=1)
            ],
        }

    # ------------------------------------------------------------------ demo data

    @api.model
    def _demo_create_claims(self, pairs):
        """Demo data: bill the encounters of ``pairs`` [(encounter xml id, claim xml id)], giving each claim
        its ``medical_billing.<claim xml id>``."""
        IMD = self.env["ir.model.data"]
        for encounter_xmlid, claim_xmlid in pairs:
            if self.env.ref(f"medical_billing.{claim_xmlid}", raise_if_not_found=False):
                continue
            encounter = self.env.ref(encounter_xmlid)
            encounter.action_create_claims()
            claim = encounter.claim_ids.filtered(lambda c: c.frequency == "1")[-1:]
            IMD.create(
                {
                    "module": "medical_billing",
                    "name": claim_xmlid,
                    "model": "medical.claim",
                    "res_id": claim.id,
                    "noupdate": True,
                }
            )
