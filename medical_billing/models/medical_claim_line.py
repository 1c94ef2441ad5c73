# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.medical_coding.edits import engine

# Line fields the biller may still change once the claim left draft: the adjudication.
ADJUDICATION_FIELDS = {"amount_paid", "adjustment_ids"}
ADJUSTMENT_GROUPS = [
    ("CO", "CO - Contractual Obligation"),
    ("PR", "PR - Patient Responsibility"),
    ("OA", "OA - Other Adjustment"),
    ("PI", "PI - Payer Initiated Reduction"),
    ("CR", "CR - Correction and Reversal"),
]


class MedicalClaimLine(models.Model):
    """A service line of a claim (837P loop 2400 / CMS-1500 box 24)."""

    _name = "medical.claim.line"
    _inherit = ["medical.company.check.mixin"]
    _description = "Claim Line"
    _order = "claim_id, sequence, id"
    _check_company_auto = True
    _rec_name = "line_control_number"

    claim_id = fields.Many2one("medical.claim", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="claim_id.currency_id")
    state = fields.Selection(related="claim_id.state")
    sequence = fields.Integer(default=10)
    sequence_number = fields.Integer(string="#", compute="_compute_sequence_number")
    line_control_number = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Our id of the line (REF*6R), echoed back by the payer in the remittance to match the line.",
    )
    encounter_procedure_id = fields.Many2one(
        "medical.encounter.procedure",
        string="Encounter Line",
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
    )
    code_id = fields.Many2one(
        "medical.code", string="Procedure", required=True, domain="[('system', 'in', ('cpt', 'hcpcs'))]"
    )
    modifier1_id = fields.Many2one("medical.code", string="Mod 1", domain="[('system', '=', 'modifier')]")
    modifier2_id = fields.Many2one("medical.code", string="Mod 2", domain="[('system', '=', 'modifier')]")
    modifier3_id = fields.Many2one("medical.code", string="Mod 3", domain="[('system', '=', 'modifier')]")
    modifier4_id = fields.Many2one("medical.code", string="Mod 4", domain="[('system', '=', 'modifier')]")
    modifier_codes = fields.Char(string="Modifiers", compute="_compute_modifier_codes")
    units = fields.Float(default=1.0, digits=(12, 3), required=True)
    diagnosis_pointers = fields.Char(string="Pointers", size=4)
    charge_amount = fields.Monetary(string="Charge")
    expected_amount = fields.Monetary(string="Expected", help="Allowed amount of the payer's contract.")
    ndc_code = fields.Char(string="NDC", size=11)
    ndc_quantity = fields.Float(string="NDC Quantity", digits=(12, 3))
    ndc_unit = fields.Selection(
        [
            ("F2", "F2 - International Unit"),
            ("GR", "GR - Gram"),
            ("ME", "ME - Milligram"),
            ("ML", "ML - Milliliter"),
            ("UN", "UN - Unit"),
        ],
        string="NDC Unit",
    )
    product_id = fields.Many2one("product.product", string="Service Product", readonly=True)
    date_service = fields.Date(related="claim_id.date_service")
    # Adjudication
    amount_paid = fields.Monetary(string="Paid")
    adjustment_ids = fields.One2many("medical.claim.adjustment", "line_id", string="Adjustments")
    amount_adjusted = fields.Monetary(string="Adjusted", compute="_compute_adjustments", store=True)
    amount_patient = fields.Monetary(string="Patient Share", compute="_compute_adjustments", store=True)
    primary_line_id = fields.Many2one(
        "medical.claim.line",
        string="Previous Payer's Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="On a secondary claim: the line of the previous payer's claim it bills again.",
    )

    _sql_constraints = [
        (
            "line_control_number_company_uniq",
            "unique(company_id, line_control_number)",
            "The line control number is already used by another claim line of the practice.",
        ),
    ]

    @api.depends("claim_id.line_ids.sequence")
    def _compute_sequence_number(self):
        for claim in self.claim_id:
            ordered = claim.line_ids.sorted(lambda ln: (ln.sequence, ln.id))
            for index, line in enumerate(ordered, start=1):
                line.sequence_number = index
        for line in self.filtered(lambda ln: not ln.claim_id):
            line.sequence_number = 0

    @api.depends("modifier1_id", "modifier2_id", "modifier3_id", "modifier4_id")
    def _compute_modifier_codes(self):
        for line in self:
            line.modifier_codes = ",".join(line._modifiers().mapped("code")) or False

    @api.depends("adjustment_ids.amount", "adjustment_ids.group_code")
    def _compute_adjustments(self):
        for line in self:
            line.amount_adjusted = sum(line.adjustment_ids.mapped("amount"))
            line.amount_patient = sum(
                line.adjustment_ids.filtered(lambda a: a.group_code == "PR").mapped("amount")
            )

    def _modifiers(self):
        return self.modifier1_id + self.modifier2_id + self.modifier3_id + self.modifier4_id

    @api.constrains("units")
    def _check_units(self):
        for line in self:
            if line.units <= 0:
                raise ValidationError(_("A claim line bills at least one unit."))

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if any(claim.state != "draft" for claim in lines.claim_id):
            raise UserError(_("Lines are added to draft claims only."))
        # Line control numbers: <claim number>-<n>, n counting the claim's lines in creation order.
        by_claim = {}
        for line in lines:
            by_claim.setdefault(line.claim_id, []).append(line)
        existing = dict(
            self._read_group(
                [("claim_id", "in", [c.id for c in by_claim]), ("id", "not in", lines.ids)],
                ["claim_id"],
                ["__count"],
            )
        )
        for claim, claim_lines in by_claim.items():
            start = existing.get(claim, 0)
            for offset, line in enumerate(claim_lines, start=1):
                if not line.line_control_number:
                    line.line_control_number = f"{claim.patient_control_number}-{start + offset}"
        return lines

    def write(self, vals):
        if set(vals) - ADJUDICATION_FIELDS and any(line.claim_id.state != "draft" for line in self):
            raise UserError(
                _("The lines of a claim sent to the payer cannot change: correct the claim instead.")
            )
        if ADJUDICATION_FIELDS.intersection(vals):
            self.claim_id._check_adjudication_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(line.claim_id.state != "draft" for line in self):
            raise UserError(_("Lines are removed from draft claims only."))

    def _invoice_label(self):
        self.ensure_one()
        code = "-".join([self.code_id.code or "", *self._modifiers().mapped("code")])
        return (
            f"{self.claim_id.patient_control_number} {code} x{self.units:g} DOS {self.claim_id.date_service}"
        )


class MedicalClaimDiagnosis(models.Model):
    """An ICD-10-CM diagnosis of a claim, in claim order: A is the principal diagnosis."""

    _name = "medical.claim.diagnosis"
    _description = "Claim Diagnosis"
    _order = "claim_id, sequence, id"

    claim_id = fields.Many2one("medical.claim", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    letter = fields.Char(compute="_compute_letter")
    code_id = fields.Many2one(
        "medical.code", string="Diagnosis", required=True, domain="[('system', '=', 'icd10cm')]"
    )

    @api.depends("claim_id.diagnosis_ids.sequence")
    def _compute_letter(self):
        for claim in self.claim_id:
            ordered = claim.diagnosis_ids.sorted(lambda d: (d.sequence, d.id))
            for index, diagnosis in enumerate(ordered):
                diagnosis.letter = engine.letter_of(index)
        for diagnosis in self.filtered(lambda d: not d.claim_id):
            diagnosis.letter = ""


class MedicalClaimAdjustment(models.Model):
    """A payer adjustment of a claim line (CAS: group, reason, amount), as adjudicated."""

    _name = "medical.claim.adjustment"
    _inherit = ["medical.company.check.mixin"]
    _description = "Claim Adjustment"
    _order = "claim_id, line_id, id"
    _check_company_auto = True

    claim_id = fields.Many2one("medical.claim", required=True, index=True, ondelete="cascade")
    line_id = fields.Many2one(
        "medical.claim.line", string="Claim Line", index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="claim_id.currency_id")
    group_code = fields.Selection(ADJUSTMENT_GROUPS, string="Group", required=True)
    reason_code = fields.Char(
        string="Reason", required=True, size=5, help="Claim adjustment reason code (CARC), e.g. 45, 1, 2, 3."
    )
    amount = fields.Monetary(required=True)
    quantity = fields.Float(digits=(12, 3))

    @api.model_create_multi
    def create(self, vals_list):
        lines = self.env["medical.claim.line"].browse(
            [vals["line_id"] for vals in vals_list if vals.get("line_id")]
        )
        claims = {line.id: line.claim_id.id for line in lines}
        for vals in vals_list:
            if vals.get("line_id") and not vals.get("claim_id"):
                vals["claim_id"] = claims[vals["line_id"]]
        self.env["medical.claim"].browse(
            [vals["claim_id"] for vals in vals_list if vals.get("claim_id")]
        )._check_adjudication_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.claim_id._check_adjudication_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_unless_billed_on(self):
        self.claim_id._check_adjudication_editable()

    @api.constrains("claim_id", "line_id")
    def _check_line_claim(self):
        for adjustment in self:
            if adjustment.line_id and adjustment.line_id.claim_id != adjustment.claim_id:
                raise ValidationError(_("An adjustment of a line belongs to the line's claim."))
