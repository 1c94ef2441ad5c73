# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..edits import engine


class MedicalEncounterDiagnosis(models.Model):
    """An ICD-10-CM diagnosis of an encounter. Their order gives the claim letters A-L; A is the principal."""

    _name = "medical.encounter.diagnosis"
    _inherit = ["medical.encounter.line.mixin"]
    _description = "Encounter Diagnosis"
    _order = "encounter_id, sequence, id"
    _summary_field = "diagnosis_summary"

    sequence = fields.Integer(default=10)
    letter = fields.Char(
        compute="_compute_letter", help="Letter of the diagnosis on the claim (A = principal)."
    )
    code_id = fields.Many2one(
        "medical.code",
        string="Diagnosis",
        required=True,
        index=True,
        ondelete="restrict",
        domain=[
            ("system", "=", "icd10cm"),
            ("billable", "=", True),
            ("level", "not in", ("chapter", "block")),
        ],
    )
    name = fields.Char(related="code_id.name", string="Description")
    finding_ids = fields.One2many("medical.edit.finding", "diagnosis_id", string="Findings")
    error_count = fields.Integer(compute="_compute_finding_counts")
    warning_count = fields.Integer(compute="_compute_finding_counts")
    finding_badge = fields.Char(compute="_compute_finding_counts", string="Check")

    @api.depends("finding_ids.severity")
    def _compute_finding_counts(self):
        self._set_finding_counts()

    @api.depends("sequence", "encounter_id.diagnosis_ids.sequence")
    def _compute_letter(self):
        for line in self:
            siblings = line.encounter_id.diagnosis_ids.sorted(lambda d: d.sequence)
            index = list(siblings).index(line) if line in siblings else -1
            line.letter = engine.letter_of(index) if index >= 0 else ""
