# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..edits import engine


class MedicalEditFinding(models.Model):
    """One result of the coding edits on an encounter, replaced at each check.

    ``coder_id`` is who ran the check; managers group findings by edit, coder and provider.
    """

    _name = "medical.edit.finding"
    _inherit = ["medical.company.check.mixin"]
    _description = "Coding Edit Finding"
    _order = "encounter_id, severity, id"
    _rec_name = "edit_code"
    _check_company_auto = True

    encounter_id = fields.Many2one(
        "medical.encounter", required=True, index=True, ondelete="cascade", check_company=True
    )
    # Company, provider and date of service are the encounter's when the finding is made (a finding is a
    # snapshot of one check, replaced by the next one). action_check gives them in its create values, so a
    # large batch computes nothing; other creators get them from the encounter.
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_from_encounter",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
    )
    edit_code = fields.Selection(
        selection=[(code, title) for code, (title, _severity) in engine.EDITS.items()],
        string="Edit",
        required=True,
        index=True,
    )
    severity = fields.Selection([("error", "Error"), ("warning", "Warning")], required=True, index=True)
    message = fields.Text(required=True)
    procedure_id = fields.Many2one(
        "medical.encounter.procedure",
        string="Procedure Line",
        ondelete="cascade",
        index="btree_not_null",
        check_company=True,
    )
    diagnosis_id = fields.Many2one(
        "medical.encounter.diagnosis", ondelete="cascade", index="btree_not_null", check_company=True
    )
    code_id = fields.Many2one("medical.code", ondelete="set null")
    related_code = fields.Char(help="The other code of the edit, e.g. the column 1 code of an NCCI PTP pair.")
    line_label = fields.Char(string="Line", compute="_compute_line_label")
    coder_id = fields.Many2one(
        "res.users", string="Checked By", default=lambda self: self.env.user, index=True
    )
    provider_id = fields.Many2one(
        "res.partner",
        compute="_compute_from_encounter",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
    )
    date_service = fields.Date(
        string="Date of Service",
        compute="_compute_from_encounter",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("encounter_id")
    def _compute_from_encounter(self):
        for finding in self:
            finding.company_id = finding.encounter_id.company_id
            finding.provider_id = finding.encounter_id.provider_id
            finding.date_service = finding.encounter_id.date_service

    @api.depends("procedure_id", "diagnosis_id")
    def _compute_line_label(self):
        for finding in self:
            if finding.diagnosis_id:
                finding.line_label = f"Dx {finding.diagnosis_id.letter or ''}".strip()
            elif finding.procedure_id:
                finding.line_label = finding.procedure_id._summary()
            else:
                finding.line_label = False

    def _edit_title(self):
        self.ensure_one()
        return engine.EDITS[self.edit_code][0]
