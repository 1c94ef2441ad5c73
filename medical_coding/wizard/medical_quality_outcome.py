# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class MedicalQualityOutcome(models.TransientModel):
    """The coder picks the outcome of a quality measure the encounter is eligible for: its quality data
    codes become procedure lines with charge 0.00
    (:meth:`medical.encounter.action_report_quality_outcome`)."""

    _name = "medical.quality.outcome"
    _description = "Report a Quality Outcome"
    _check_company_auto = True

    encounter_id = fields.Many2one("medical.encounter", required=True, readonly=True, check_company=True)
    company_id = fields.Many2one(related="encounter_id.company_id")
    measure_id = fields.Many2one("medical.quality.measure", required=True, readonly=True)
    option_groups = fields.Char(compute="_compute_option_groups")
    performance_id = fields.Many2one(
        "medical.quality.performance",
        string="Outcome",
        required=True,
        domain="[('measure_id', '=', measure_id)]",
    )
    measure_description = fields.Text(related="measure_id.description")

    @api.depends("encounter_id", "measure_id")
    def _compute_option_groups(self):
        for wizard in self:
            results = wizard.encounter_id.quality_result_ids.filtered(
                lambda r, w=wizard: r.measure_id == w.measure_id
            )
            wizard.option_groups = results[:1].option_groups or ""

    def action_apply(self):
        self.ensure_one()
        if not self.performance_id:
            raise UserError(_("Choose the outcome to report."))
        return self.encounter_id.action_report_quality_outcome(self.performance_id) and {
            "type": "ir.actions.act_window_close"
        }
