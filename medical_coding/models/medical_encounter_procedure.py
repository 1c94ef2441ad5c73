# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..edits import engine, ndc

NDC_UNITS = [
    ("F2", "F2 - International Unit"),
    ("GR", "GR - Gram"),
    ("ME", "ME - Milligram"),
    ("ML", "ML - Milliliter"),
    ("UN", "UN - Unit"),
]
NDC_DASHED_RE = re.compile(r"^(\d{4,5})-(\d{3,4})-(\d{1,2})$")


def normalize_ndc(value):
    """An NDC as 11 digits (5-4-2). Dashed 10-digit forms (4-4-2, 5-3-2, 5-4-1) get their leading zero
    (:func:`..edits.ndc.normalize`); a value it cannot read is kept for the constraint to refuse."""
    try:
        return ndc.normalize(value)
    except ndc.NdcError:
        return (value or "").strip().replace(" ", "")


def normalize_pointers(value):
    """Diagnosis pointers as letters: 'a, c' -> 'AC'; numbers 1-12 are read as letters ('1:3' -> 'AC')."""
    value = (value or "").upper()
    parts = re.findall(r"\d+|[A-Z]", value)
    letters = []
    for part in parts:
        if part.isdigit():
            number = int(part)
            letters.append(engine.LETTERS[number - 1] if 1 <= number <= len(engine.LETTERS) else "?")
        else:
            letters.append(part)
    return "".join(letters)


class MedicalEncounterProcedure(models.Model):
    """A service line: CPT/HCPCS code, up to 4 ordered modifiers, units, pointers to the diagnoses, charge."""

    _name = "medical.encounter.procedure"
    _inherit = ["medical.encounter.line.mixin"]
    _description = "Encounter Procedure Line"
    _order = "encounter_id, sequence, id"
    _summary_field = "procedure_summary"

    sequence = fields.Integer(default=10)
    code_id = fields.Many2one(
        "medical.code",
        string="Procedure",
        required=True,
        index=True,
        ondelete="restrict",
        domain=[("system", "in", ("cpt", "hcpcs"))],
    )
    name = fields.Char(related="code_id.name", string="Description")
    # Four fields keep the modifier order reliably (SV101-3..6 / CMS-1500 box 24D are positional).
    modifier1_id = fields.Many2one(
        "medical.code", string="Mod 1", ondelete="restrict", domain=[("system", "=", "modifier")]
    )
    modifier2_id = fields.Many2one(
        "medical.code", string="Mod 2", ondelete="restrict", domain=[("system", "=", "modifier")]
    )
    modifier3_id = fields.Many2one(
        "medical.code", string="Mod 3", ondelete="restrict", domain=[("system", "=", "modifier")]
    )
    modifier4_id = fields.Many2one(
        "medical.code", string="Mod 4", ondelete="restrict", domain=[("system", "=", "modifier")]
    )
    modifier_ids = fields.Many2many(
        "medical.code",
        string="Modifiers",
        compute="_compute_modifier_ids",
        inverse="_inverse_modifier_ids",
        help="The modifiers in claim order (at most 4).",
    )
    modifier_codes = fields.Char(
        compute="_compute_modifier_codes", store=True, help="The modifiers in order, e.g. '25,59'."
    )
    units = fields.Float(default=1.0, digits=(12, 3), required=True)
    diagnosis_pointers = fields.Char(
        string="Pointers", help="One to four diagnosis letters, the first the main one, e.g. 'AC'."
    )
    currency_id = fields.Many2one(related="encounter_id.currency_id")
    charge_amount = fields.Monetary(string="Charge", currency_field="currency_id")
    ndc_code = fields.Char(string="NDC", help="National Drug Code of the drug given: 11 digits (5-4-2).")
    ndc_quantity = fields.Float(string="NDC Quantity", digits=(12, 3))
    ndc_unit = fields.Selection(NDC_UNITS, string="NDC Unit")
    finding_ids = fields.One2many("medical.edit.finding", "procedure_id", string="Findings")
    error_count = fields.Integer(compute="_compute_finding_counts")
    warning_count = fields.Integer(compute="_compute_finding_counts")
    finding_badge = fields.Char(compute="_compute_finding_counts", string="Check")

    @api.depends("finding_ids.severity")
    def _compute_finding_counts(self):
        self._set_finding_counts()

    @api.depends("modifier1_id", "modifier2_id", "modifier3_id", "modifier4_id")
    def _compute_modifier_ids(self):
        for line in self:
            line.modifier_ids = line._modifiers()

    def _inverse_modifier_ids(self):
        for line in self:
            modifiers = line.modifier_ids
            if len(modifiers) > 4:
                raise ValidationError(_("A procedure line carries at most 4 modifiers."))
            padded = list(modifiers) + [self.env["medical.code"]] * (4 - len(modifiers))
            line.update({f"modifier{i}_id": padded[i - 1] for i in range(1, 5)})

    @api.depends("modifier1_id", "modifier2_id", "modifier3_id", "modifier4_id")
    def _compute_modifier_codes(self):
        for line in self:
            line.modifier_codes = ",".join(line._modifiers().mapped("code")) or False

    def _modifiers(self):
        return self.modifier1_id + self.modifier2_id + self.modifier3_id + self.modifier4_id

    @api.constrains("diagnosis_pointers")
    def _check_diagnosis_pointers(self):
        for line in self:
            pointers = line.diagnosis_pointers or ""
            if (
                len(pointers) > 4
                or any(p not in engine.LETTERS for p in pointers)
                or len(set(pointers)) != len(pointers)
            ):
                raise ValidationError(
                    _(
                        "Diagnosis pointers are one to four different letters from A to L, like AC (got %s).",
                        pointers,
                    )
                )

    @api.constrains("ndc_code")
    def _check_ndc_code(self):
        for line in self:
            if line.ndc_code and not (len(line.ndc_code) == 11 and line.ndc_code.isdigit()):
                raise ValidationError(
                    _("An NDC has 11 digits in the 5-4-2 form, like 00409-4888-02 (got %s).", line.ndc_code)
                )

    @api.constrains("modifier1_id", "modifier2_id", "modifier3_id", "modifier4_id")
    def _check_modifier_order(self):
        for line in self:
            slots = [line.modifier1_id, line.modifier2_id, line.modifier3_id, line.modifier4_id]
            if any(not slots[i] and slots[i + 1] for i in range(3)):
                raise ValidationError(_("Fill the modifiers from the first position on, without a gap."))

    @api.onchange("code_id", "units", "modifier1_id", "modifier2_id", "modifier3_id", "modifier4_id")
    def _onchange_default_charge(self):
        self.charge_amount = self._get_default_charge()

    def _get_default_charge(self):
        """The charge to propose for this line; medical_billing prices it from the fee schedule.
        Here: keep what is there."""
        self.ensure_one()
        return self.charge_amount

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalize_vals(vals)
        return super().write(vals)

    @api.model
    def _normalize_vals(self, vals):
        if vals.get("diagnosis_pointers"):
            vals["diagnosis_pointers"] = normalize_pointers(vals["diagnosis_pointers"])
        if vals.get("ndc_code"):
            vals["ndc_code"] = normalize_ndc(vals["ndc_code"])

    def _summary(self):
        """One line of the chatter log: code-modifiers x units -> pointers [NDC]."""
        self.ensure_one()
        text = "-".join([self.code_id.code or "?", *self._modifiers().mapped("code")])
        units = int(self.units) if float(self.units).is_integer() else self.units
        text += f" x{units}"
        if self.diagnosis_pointers:
            text += f" {self.diagnosis_pointers}"
        if self.ndc_code:
            text += f" NDC {self.ndc_code}"
        return text
