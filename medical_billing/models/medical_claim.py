import re
from datetime import timedelta

import psycopg2.errors

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

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

# Payer edits run by action_validate: code -> (title, severity). Messages carry no patient data.
CLAIM_EDITS = {
    "CLM_SUBSCRIBER_MISSING": ("Subscriber missing", "error"),
    "CLM_MEMBER_ID_MISSING": ("Member id missing", "error"),
    "CLM_COVERAGE_NOT_IN_FORCE": ("Coverage not in force on the date of service", "error"),
    "CLM_PAYER_ID_MISSING": ("Payer has no electronic payer id", "error"),
    "CLM_AUTH_MISSING": ("Prior authorization required but missing", "error"),
    "CLM_AUTH_EXPIRED": ("Prior authorization not valid on the date of service", "error"),
    "CLM_AUTH_EXHAUSTED": ("Prior authorization units used up", "error"),
    "CLM_BILLING_NPI": ("Billing provider NPI missing", "error"),
    "CLM_TAX_ID": ("Billing provider tax id missing", "error"),
    "CLM_BILLING_ADDRESS": ("Billing provider address incomplete", "error"),
    "CLM_PATIENT_ADDRESS": ("Patient address incomplete", "error"),
    "CLM_RENDERING_NPI": ("Rendering provider NPI missing", "error"),
    "CLM_TIMELY_FILING": ("Timely filing limit passed", "error"),
    "CLM_PAYER_CLAIM_NUMBER": ("Payer claim number missing for a replacement or void", "error"),
    "CLM_NO_CHARGE": ("Line without charge", "error"),
    "CLM_ELIGIBILITY_MISSING": ("No active eligibility check on or before the date of service", "warning"),
    "CLM_ELIGIBILITY_INACTIVE": ("The payer answered the coverage is inactive", "error"),
}


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

    @workflow_action
    def action_submit(self):
        """The claim went to the payer (837P file or printed CMS-1500)."""
        if any(c.state != "ready" for c in self):
            raise UserError(_("Only ready claims can be submitted."))
        self.write({"state": "submitted", "date_submitted": fields.Date.context_today(self)})
        return True

    @workflow_action
    def action_accept(self):
        """The payer (or clearinghouse) accepted the claim for processing (277CA A1/A2)."""
        if any(c.state not in ("submitted", "rejected") for c in self):
            raise UserError(_("Only submitted claims can be accepted."))
        self.write({"state": "accepted"})
        return True

    @workflow_action
    def action_reject(self):
        """The payer refused the claim at the front door (999 or 277CA rejection): correct, send again."""
        if any(c.state not in ("submitted", "accepted") for c in self):
            raise UserError(_("Only submitted or accepted claims can be rejected."))
        self.write({"state": "rejected"})
        return True

    @workflow_action
    def action_close(self):
        if any(c.state not in ADJUDICATED_STATES for c in self):
            raise UserError(_("Only adjudicated claims (paid, partially paid or denied) can be closed."))
        self.write({"state": "closed"})
        return True

    @workflow_action
    def action_reset_draft(self):
        """Back to draft to correct a claim the payer has not adjudicated (ready or rejected).

        Its invoice goes back to draft too (and is posted again at validation), unless payments are on it.
        """
        self._lock_for_update()
        if any(c.state not in ("ready", "rejected") for c in self):
            raise UserError(_("Only ready or rejected claims go back to draft; correct the others."))
        self._check_entries_resettable()
        if any(c.payment_state not in ("not_paid", "invoicing_legacy") for c in self):
            raise UserError(
                _("A payment is reconciled with this claim's invoice: correct the claim instead.")
            )
        self._check_no_live_next_payer()
        # The dates stay: revalidation posts the same invoice, in its period, under its number.
        (self.invoice_id | self.transfer_move_id).filtered(lambda m: m.state == "posted").button_draft()
        self.write({"state": "draft"})
        return True

    @workflow_action
    def action_cancel(self):
        """Cancel claims the payer never received; their encounters can be billed again."""
        self._lock_for_update()
        if any(c.state not in ("draft", "ready", "rejected") for c in self):
            raise UserError(_("A claim the payer received is corrected by a void, not cancelled."))
        if any(c.frequency == "8" for c in self):
            raise UserError(_("A void cannot be cancelled: its original claim is already voided."))
        if any(c.frequency == "7" and c.state != "draft" for c in self):
            raise UserError(
                _("A validated replacement has taken its original's place: reset it to draft to correct it.")
            )
        for claim in self.filtered(lambda c: c.frequency == "7" and c.original_claim_id.state == "replaced"):
            # Its original was taken out of the books when it was validated, while the payer holds it.
            raise UserError(
                _(
                    "Claim %(claim)s took the place of claim %(original)s in the books when it was "
                    "validated: validate it again and send it, it cannot be cancelled.",
                    claim=claim.patient_control_number,
                    original=claim.original_claim_id.patient_control_number,
                )
            )
        self._check_entries_resettable()
        invoices = self.invoice_id
        if any(c.payment_state not in ("not_paid", "invoicing_legacy") for c in self):
            raise UserError(_("A payment is reconciled with this claim's invoice: void the claim instead."))
        self._check_no_live_next_payer()
        # The balance moved from the previous payer goes back to it.
        invoices |= self.transfer_move_id
        invoices.filtered(lambda m: m.state == "posted").button_draft()
        invoices.filtered(lambda m: m.state == "draft").button_cancel()
        self.write({"state": "cancel"})
        self._release_encounters()
        return True

    @workflow_action
    def action_record_adjudication(self):
        """Apply the adjudication entered on the lines: paid, partially paid or denied.

        Balances both levels as a remittance: per line, charge - line adjustments = line paid; per claim,
        charge - all adjustments (claim level and lines) = claim paid.
        """
        for claim in self:
            if claim.state not in ("submitted", "accepted", *ADJUDICATED_STATES):
                raise UserError(_("Record an adjudication on a claim the payer has received."))
            if claim.currency_id.compare_amounts(
                claim.amount_total - claim.amount_adjusted, claim.amount_paid
            ):
                raise UserError(
                    _(
                        "Claim %(claim)s does not balance: charge %(charge)s minus adjustments %(adjusted)s "
                        "(claim level and lines) should equal the paid amount %(paid)s.",
                        claim=claim.patient_control_number,
                        charge=claim.amount_total,
                        adjusted=claim.amount_adjusted,
                        paid=claim.amount_paid,
                    )
                )
            for line in claim.line_ids:
                if line.currency_id.compare_amounts(
                    line.charge_amount - line.amount_adjusted, line.amount_paid
                ):
                    raise UserError(
                        _(
                            "Line %(line)s of claim %(claim)s does not balance: charge %(charge)s minus "
                            "adjustments %(adjusted)s should equal the paid amount %(paid)s.",
                            line=line.sequence_number,
                            claim=claim.patient_control_number,
                            charge=line.charge_amount,
                            adjusted=line.amount_adjusted,
                            paid=line.amount_paid,
                        )
                    )
            lines_paid = claim.line_ids.filtered(
                lambda ln: not ln.currency_id.is_zero(ln.amount_paid) or ln.amount_patient
            )
            if not lines_paid and claim.currency_id.is_zero(claim.amount_patient):
                state = "denied"
            elif lines_paid == claim.line_ids:
                state = "paid"
            else:
                state = "partial"
            claim.write(
                {
                    "state": state,
                    "date_adjudicated": claim.date_adjudicated or fields.Date.context_today(self),
                }
            )
        self._apply_copays()
        return True

    # ------------------------------------------------------------------ actions: corrections

    def action_replace(self):
        """Start a corrected claim (frequency 7) replacing this one at the payer.

        The copy is a draft: correct it, then validate it. Only then the original is marked replaced and
        its invoice reversed, and the corrected charges invoiced.
        """
        self._lock_for_update()
        self.ensure_one()
        self._check_correctable()
        self._check_no_live_next_payer()
        replacement = self.copy(
            {
                "frequency": "7",
                "original_claim_id": self.id,
                "payer_claim_control_number": self.payer_claim_control_number,
                "primary_claim_id": self.primary_claim_id.id,
            }
        )
        if self.primary_claim_id:
            # A next payer's claim: its replacement bills the same balance the previous payer left.
            sources = self.line_ids.sorted(lambda ln: (ln.sequence, ln.id))
            copies = replacement.line_ids.sorted(lambda ln: (ln.sequence, ln.id))
            for source, line in zip(sources, copies, strict=True):
                line.primary_line_id = source.primary_line_id
        self.message_post(body=_("Replacement claim %s started.", replacement._get_html_link()))
        return replacement._get_formview_action()

    @workflow_action
    def action_void(self):
        """Void claims at the payer: a frequency 8 claim to send, and a credit note reversing the invoice."""
        self._lock_for_update()
        self._check_correctable()
        self._check_no_live_next_payer()
        voids = self.env["medical.claim"]
        for claim in self:
            voids |= claim.copy(
                {
                    "frequency": "8",
                    "original_claim_id": claim.id,
                    "payer_claim_control_number": claim.payer_claim_control_number,
                }
            )
        self._reverse_invoices(_("Void of claim %s"))
        self.write({"state": "voided"})
        # A void has no charges of its own: it goes to the payer as is.
        voids.write({"state": "ready"})
        for claim, void in zip(self, voids, strict=True):
            claim.message_post(body=_("Voided by claim %s.", void._get_html_link()))
        self._release_encounters()
        if len(voids) == 1:
            return voids._get_formview_action()
        return True

    def _lock_for_update(self):
        """Lock these claims, and the claims they correct or bill the balance of, until the end of the
        transaction: two users cannot validate, correct or bill the next payer of the same claim at once
        (the second would bill the same balance twice). Fails at once, naming the claim, when another
        transaction holds one of them.
        """
        claims = self | self.original_claim_id | self.primary_claim_id
        if not claims.ids:
            return
        ids = tuple(sorted(claims.ids))
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL("SELECT id FROM medical_claim WHERE id IN %s ORDER BY id FOR UPDATE NOWAIT", ids),
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable:
            self.env.cr.execute(
                SQL("SELECT id FROM medical_claim WHERE id IN %s FOR UPDATE SKIP LOCKED", ids)
            )
            free = {row[0] for row in self.env.cr.fetchall()}
            busy = claims.filtered(lambda c: c.id not in free) or claims
            raise UserError(
                _(
                    "Claim %(claims)s is being validated, corrected or billed to the next payer by another "
                    "user right now: try again in a moment.",
                    claims=", ".join(busy[:5].mapped("patient_control_number")),
                )
            ) from None

    def _check_entries_resettable(self):
        """A clear error naming the claim when one of its posted journal entries (invoice, balance transfer)
        cannot go back to draft: secured by hash, awaiting a cancellation request, or in a locked period."""
        for claim in self:
            for move in (claim.invoice_id | claim.transfer_move_id).filtered(lambda m: m.state == "posted"):
                journal = move.journal_id
                reason = None
                if move.inalterable_hash or move.restrict_mode_hash_table:
                    reason = _(
                        "is secured by the hash chain of the %(journal)s journal (locked posted entries)",
                        journal=journal.name,
                    )
                elif move.need_cancel_request:
                    reason = _("can only be cancelled through a cancellation request")
                else:
                    locked = move.company_id._get_lock_date_violations(
                        move.date, fiscalyear=True, sale=journal.type == "sale", purchase=False, tax=False
                    )
                    if locked:
                        reason = _(
                            "is dated in a locked period (%(lock)s)",
                            lock=self.env["res.company"]._format_lock_dates(locked),
                        )
                if reason:
                    raise UserError(
                        _(
                            "Claim %(claim)s cannot go back to draft or be cancelled: its journal entry "
                            "%(move)s %(reason)s, and cannot be reset to draft. Once the payer has the "
                            "claim, correct it with a replacement or a void.",
                            claim=claim.patient_control_number,
                            move=move.name,
                            reason=reason,
                        )
                    )

    def _check_correctable(self):
        for claim in self:
            if claim.state not in AT_PAYER_STATES:
                raise UserError(
                    _(
                        "Claim %(claim)s has not been received by the payer: reset it to draft or cancel it.",
                        claim=claim.patient_control_number,
                    )
                )
            if claim.frequency == "8":
                raise UserError(_("A void cannot be corrected."))
            if not claim.payer_claim_control_number:
                raise UserError(
                    _(
                        "Claim %(claim)s has no payer claim number: record it (from the acknowledgement "
                        "or the remittance) first, a replacement or void must quote it.",
                        claim=claim.patient_control_number,
                    )
                )

    def action_view_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.invoice_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _get_formview_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "medical.claim",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------ business: accounting

    def _prepare_invoice_vals(self, products):
        """The payer invoice of a (first payer's) claim: dated on the date of service, the revenue's
        period; Odoo chooses the accounting date against the lock dates when it posts it."""
        self.ensure_one()
        company = self.company_id
        payer = self.payer_id.with_company(company)
        lines = []
        for line in self.line_ids:
            quantity, price_unit = line._invoice_quantity_price()
            lines.append(
                Command.create(
                    {
                        "product_id": products[line.code_id].id,
                        "name": line._invoice_label(),
                        "quantity": quantity,
                        "price_unit": price_unit,
                        "tax_ids": [Command.set([])],
                        "medical_claim_line_id": line.id,
                    }
                )
            )
        vals = {
            "move_type": "out_invoice",
            "company_id": company.id,
            "journal_id": company.medical_claim_journal_id.id,
            "partner_id": payer.id,
            "invoice_date": self.date_service,
            "ref": self.patient_control_number,
            "payment_reference": self.patient_control_number,
            "invoice_origin": self.patient_control_number,
            "medical_claim_id": self.id,
            "medical_receivable_account_id": payer._medical_claim_receivable_account(company).id,
            "invoice_line_ids": lines,
        }
        if not payer.property_payment_term_id:
            # Due when the payer's contract says it pays (default 30 days): aging means something.
            vals["invoice_date_due"] = self.date_service + timedelta(days=payer.payer_payment_days or 30)
        return vals

    def _post_claim_invoices(self):
        """Create (or refresh) and post the payer invoices of the claims, in one batch.

        A next payer's claim is not invoiced: its balance transfer (an entry between the two payers'
        receivables) is its invoice, so revenue is counted once, on the first payer's invoice.
        """
        # A replacement takes the original's place in the books: the original's charges (or the balance
        # it took from the previous payer) go back first.
        replacements = self.filtered(lambda c: c.frequency == "7" and c.original_claim_id)
        if replacements:
            originals = replacements.original_claim_id
            originals._check_no_live_next_payer()
            originals._reverse_invoices(_("Replaced by a corrected claim (%s)"))
            originals.write({"state": "replaced"})
            for claim in replacements:
                claim.original_claim_id.message_post(body=_("Replaced by claim %s.", claim._get_html_link()))
        next_payer = self.filtered("primary_claim_id")
        first_payer = self - next_payer
        products = first_payer.line_ids.code_id._get_service_products()
        Move = self.env["account.move"].with_context(default_move_type="out_invoice", skip_invoice_sync=False)
        # Invoices reset to draft (claim corrected before submission) get their lines replaced; their dates
        # stay (same number, same period).
        redo = first_payer.filtered(lambda c: c.invoice_id.state == "draft")
        for claim in redo:
            vals = claim._prepare_invoice_vals(products)
            for fname in ("invoice_date", "invoice_date_due", "journal_id"):
                vals.pop(fname, None)
            vals["invoice_line_ids"] = [Command.clear(), *vals["invoice_line_ids"]]
            claim.invoice_id.write(vals)
        new = first_payer - redo
        moves = Move.create([claim._prepare_invoice_vals(products) for claim in new])
        for claim, move in zip(new, moves, strict=True):
            claim.invoice_id = move
        # Next payer's claims: what the previous payer left moves from its receivable to this payer's.
        transfers = next_payer._prepare_balance_transfers()
        (moves | redo.invoice_id | transfers).action_post()
        next_payer._reconcile_balance_transfers(transfers)

    def _apply_copays(self):
        """Relieve the copay collected at the visit once the patient responsibility is known.

        Known when the last payer has adjudicated (a patient with a next coverage in force waits for the
        next payer's claim). One entry per visit: the patient responsibility the copay settles moves from
        the payer's receivable (reconciled with the claim's invoice) to the patient's, where the copay
        (out of Copays Received) settles it; what the copay exceeds stays an open patient credit, to
        refund or apply.
        """
        for claim in self:
            encounter = claim.encounter_id
            if claim.frequency == "8" or claim.copay_move_id or not encounter:
                continue
            if claim.invoice_id.state != "posted" or claim._next_coverage_in_force():
                continue
            copays = encounter.sudo().copay_move_ids.filtered(lambda m: m.state == "posted")
            currency = claim.currency_id
            copay = sum(copays.mapped("amount_total_signed"))
            if currency.compare_amounts(copay, 0) <= 0:
                continue
            applied_before = encounter.claim_ids.filtered(
                lambda c, claim=claim: c != claim
                and c.copay_move_id.state == "posted"
                and c.state not in ("cancel", "replaced", "voided")
            )
            if applied_before:
                continue
            claim._post_copay_application(copays, copay)

    def _post_copay_application(self, copays, copay):
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        patient_account = company.medical_patient_receivable_account_id
        patient = copays.partner_id[:1]
        payer_lines = self._payer_receivable_lines()
        applied = min(copay, self.amount_patient, max(self.amount_residual, 0.0))
        label = _("Copay applied to claim %s", self.patient_control_number)
        lines = []
        if currency.compare_amounts(applied, 0) > 0:
            lines += [
                Command.create(
                    {
                        "name": _("Patient responsibility of claim %s", self.patient_control_number),
                        "account_id": patient_account.id,
                        "partner_id": patient.id,
                        "debit": applied,
                        "credit": 0.0,
                    }
                ),
                Command.create(
                    {
                        "name": _("Patient responsibility of claim %s", self.patient_control_number),
                        "account_id": payer_lines.account_id[:1].id,
                        "partner_id": self.payer_id.id,
                        "debit": 0.0,
                        "credit": applied,
                    }
                ),
            ]
        lines += [
            Command.create(
                {
                    "name": label,
                    "account_id": company.medical_copay_account_id.id,
                    "partner_id": patient.id,
                    "debit": copay,
                    "credit": 0.0,
                }
            ),
            Command.create(
                {
                    "name": label,
                    "account_id": patient_account.id,
                    "partner_id": patient.id,
                    "debit": 0.0,
                    "credit": copay,
                }
            ),
        ]
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "company_id": company.id,
                "journal_id": company._medical_transfer_journal().id,
                "partner_id": patient.id,
                "ref": label,
                "medical_claim_id": self.id,
                "line_ids": lines,
            }
        )
        move.action_post()
        self.copay_move_id = move
        payer_credit = move.line_ids.filtered(lambda ln: ln.partner_id == self.payer_id and ln.credit)
        if payer_credit:
            (payer_credit | payer_lines).filtered(
                lambda ln: ln.account_id == payer_credit.account_id and not ln.reconciled
            ).reconcile()
        patient_lines = move.line_ids.filtered(lambda ln: ln.account_id == patient_account)
        if len(patient_lines) > 1:
            patient_lines.reconcile()
        self.message_post(
            body=_(
                "Copay of %(copay)s applied: %(applied)s of patient responsibility settled, %(excess)s left "
                "to the patient as a credit.",
                copay=copay,
                applied=applied,
                excess=copay - applied,
            )
        )
        return move

    def _payer_receivable_lines(self):
        """The receivable lines of the claim's invoice (or balance transfer) that its payer owes."""
        self.ensure_one()
        move = self.invoice_id
        if move.move_type != "entry":
            return move.line_ids.filtered(lambda ln: ln.display_type == "payment_term")
        return move.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
            and ln.partner_id == self.payer_id
            and ln.debit
        )

    def _reverse_invoices(self, label):
        """Reverse the posted invoices (or balance transfers) of the claims, reconciled with them.

        Reversing a balance transfer gives the balance back to the previous payer's invoice.
        """
        to_reverse = self.filtered(lambda c: c.invoice_id.state == "posted" and not c.reversal_move_id)
        if not to_reverse:
            return self.env["account.move"]
        today = fields.Date.context_today(self)
        values = []
        for claim in to_reverse:
            vals = {"ref": label % claim.patient_control_number, "date": today, "medical_claim_id": claim.id}
            if claim.invoice_id.move_type != "entry":
                vals["invoice_date"] = today
            values.append(vals)
        credit_notes = to_reverse.invoice_id._reverse_moves(values, cancel=True)
        for claim, credit_note in zip(to_reverse, credit_notes, strict=True):
            claim.reversal_move_id = credit_note
        # The copay applied to the claim goes back to Copays Received, for the claim that takes its place.
        copays = to_reverse.copay_move_id.filtered(lambda m: m.state == "posted")
        if copays:
            copays._reverse_moves([{"date": today} for _move in copays], cancel=True)
        return credit_notes

    def _release_encounters(self):
        """Encounters of cancelled or voided claims can be billed again (or cancelled), when no other
        live claim bills them."""
        encounters = self.encounter_id
        live = self.search(
            [
                ("encounter_id", "in", encounters.ids),
                ("state", "not in", ("cancel", "replaced", "voided")),
                ("frequency", "!=", "8"),
            ]
        )
        free = encounters - live.encounter_id
        if free:
            free.sudo().write({"state": "checked"})
            free._message_log_batch(
                dict.fromkeys(
                    free.ids, _("Its claim was cancelled or voided: the encounter can be billed again.")
                )
            )

    # ------------------------------------------------------------------ business: payer edits

    def _run_payer_edits(self):
        """The payer edits of the claims as finding values (dicts), computed over the batch."""
        findings = []
        today = fields.Date.context_today(self)

        def add(claim, edit_code, message, line=None):
            findings.append(
                {
                    "claim_id": claim.id,
                    "encounter_id": claim.encounter_id.id,
                    "claim_line_id": line.id if line else False,
                    "procedure_id": line.encounter_procedure_id.id if line else False,
                    "code_id": line.code_id.id if line else False,
                    "edit_code": edit_code,
                    "severity": CLAIM_EDITS[edit_code][1],
                    "message": message,
                }
            )

        company_problems = {company: company._medical_claim_problems() for company in self.company_id}
        auths = self.prior_authorization_id
        # A replacement takes its original's place: the original's units are not counted twice.
        units_used = auths._get_units_used(exclude_claims=self | self.original_claim_id) if auths else {}
        eligibility = self.coverage_id._latest_eligibility_on(
            {(c.coverage_id.id, c.date_service) for c in self}
        )
        for claim in self:
            for edit_code, message in company_problems[claim.company_id]:
                add(claim, edit_code, message)
            if claim.frequency in ("7", "8") and not claim.payer_claim_control_number:
                add(
                    claim,
                    "CLM_PAYER_CLAIM_NUMBER",
                    _("A replacement or void must quote the payer's claim number of the original claim."),
                )
            if claim.frequency == "8":
                continue
            coverage = claim.coverage_id
            payer = claim.payer_id
            if not coverage.subscriber_id:
                add(claim, "CLM_SUBSCRIBER_MISSING", _("The coverage has no subscriber."))
            if not (coverage.member_id or "").strip():
                add(claim, "CLM_MEMBER_ID_MISSING", _("The coverage has no member id."))
            if not coverage.is_in_force(claim.date_service):
                add(
                    claim,
                    "CLM_COVERAGE_NOT_IN_FORCE",
                    _("The %(payer)s coverage is not in force on the date of service.", payer=payer.name),
                )
            claim._check_eligibility(add, eligibility.get((coverage.id, claim.date_service)))
            if not (payer.payer_code or "").strip():
                add(claim, "CLM_PAYER_ID_MISSING", _("%(payer)s has no payer id.", payer=payer.name))
            missing = claim.patient_id._medical_missing_address()
            if missing:
                add(
                    claim,
                    "CLM_PATIENT_ADDRESS",
                    _("The patient's address lacks: %(missing)s.", missing=", ".join(missing)),
                )
            if claim.rendering_provider_id and not claim.rendering_provider_id.npi:
                add(claim, "CLM_RENDERING_NPI", _("The rendering provider has no NPI."))
            if claim.date_filing_deadline and today > claim.date_filing_deadline:
                add(
                    claim,
                    "CLM_TIMELY_FILING",
                    _(
                        "%(payer)s must receive claims within %(days)s days of the date of service: "
                        "the limit was %(deadline)s.",
                        payer=payer.name,
                        days=payer.timely_filing_days,
                        deadline=claim.date_filing_deadline,
                    ),
                )
            for line in claim.line_ids:
                if line.currency_id.compare_amounts(line.charge_amount, 0) <= 0:
                    add(claim, "CLM_NO_CHARGE", _("Line %s has no charge.", line.sequence_number), line)
            claim._check_prior_authorization(add, units_used)
        return findings

    def _check_eligibility(self, add, check):
        """The latest eligibility check answering for the date of service (or a day before it): none or not
        active warns (a warning does not block), an inactive answer is an error."""
        self.ensure_one()
        payer = self.payer_id.name
        if check and check.result == "inactive":
            add(
                self,
                "CLM_ELIGIBILITY_INACTIVE",
                _(
                    "%(payer)s answered on %(date)s that the coverage is inactive (check %(ref)s).",
                    payer=payer,
                    date=check.date_service,
                    ref=check.reference or check.id,
                ),
            )
        elif not check or check.result != "active":
            add(
                self,
                "CLM_ELIGIBILITY_MISSING",
                _("The %(payer)s coverage has no active eligibility check on or before the date of service.",
                  payer=payer),
            )  # fmt: skip

    def _check_prior_authorization(self, add, units_used):
        self.ensure_one()
        payer = self.payer_id
        needing = self.line_ids.filtered(lambda ln: ln.code_id in payer.prior_auth_code_ids)
        if not needing:
            return
        auth = self.prior_authorization_id
        if not auth:
            for line in needing:
                add(
                    self,
                    "CLM_AUTH_MISSING",
                    _(
                        "%(payer)s requires a prior authorization for %(code)s.",
                        payer=payer.name,
                        code=line.code_id.code,
                    ),
                    line,
                )
            return
        covered = needing.filtered(lambda ln: ln.code_id in auth.code_ids)
        for line in needing - covered:
            add(
                self,
                "CLM_AUTH_MISSING",
                _(
                    "Authorization %(auth)s does not cover %(code)s.",
                    auth=auth.name,
                    code=line.code_id.code,
                ),
                line,
            )
        if auth.payer_id != payer or auth.patient_id != self.patient_id:
            add(
                self,
                "CLM_AUTH_MISSING",
                _("Authorization %s belongs to another payer or patient.", auth.name),
            )
        last_day = self.date_service_end or self.date_service
        if not (auth.is_valid_on(self.date_service) and auth.is_valid_on(last_day)):
            add(
                self,
                "CLM_AUTH_EXPIRED",
                _(
                    "Authorization %(auth)s is valid from %(start)s to %(end)s, not on the date of service.",
                    auth=auth.name,
                    start=auth.date_start,
                    end=auth.date_end,
                ),
            )
        if auth.units_authorized and covered:
            needed = sum(covered.mapped("units"))
            used = units_used.get(auth.id, 0)
            if used + needed > auth.units_authorized:
                add(
                    self,
                    "CLM_AUTH_EXHAUSTED",
                    _(
                        "Authorization %(auth)s allows %(allowed)s units; %(used)s are used and this "
                        "claim needs %(needed)s.",
                        auth=auth.name,
                        allowed=auth.units_authorized,
                        used=used,
                        needed=needed,
                    ),
                )
            # Claims of the same batch draw on the same authorization one after the other.
            units_used[auth.id] = used + needed

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

    @api.model
    def _demo_adjudicate(self, claim_id, lines, payer_claim_control_number):
        """Demo data: record the payer's adjudication of a claim. ``lines``: one (paid, [(group, reason,
        amount)]) per claim line, in line order."""
        claim = self.browse(claim_id)
        if claim.state not in ("submitted", "accepted"):
            return
        claim.payer_claim_control_number = payer_claim_control_number
        for line, (paid, adjustments) in zip(claim.line_ids, lines, strict=True):
            line.write(
                {
                    "amount_paid": paid,
                    "adjustment_ids": [
                        Command.create({"group_code": group, "reason_code": reason, "amount": amount})
                        for group, reason, amount in adjustments
                    ],
                }
            )
        claim.date_adjudicated = fields.Date.context_today(self)
        claim.action_record_adjudication()
