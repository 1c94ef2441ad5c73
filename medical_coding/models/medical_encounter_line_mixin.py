# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..edits import engine

# Fields whose change is not a coding change (the billing addon prices lines).
NOT_CODING_FIELDS = {"charge_amount"}


class EncounterLineMixin(models.AbstractModel):
    """What diagnosis and procedure lines share: their encounter, its company, the lock once billed,
    the chatter log of every change, and the findings of the last check."""

    _name = "medical.encounter.line.mixin"
    _description = "Encounter Coding Line"
    _summary_field = None

    encounter_id = fields.Many2one("medical.encounter", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="encounter_id.company_id", store=True, index=True)

    def _set_finding_counts(self):
        """Compute of ``error_count``, ``warning_count`` and ``finding_badge`` (declared on each line model,
        beside its ``finding_ids``)."""
        for line in self:
            severities = line.finding_ids.mapped("severity")
            line.error_count = severities.count("error")
            line.warning_count = severities.count("warning")
            titles = dict.fromkeys(engine.EDITS[code][0] for code in line.finding_ids.mapped("edit_code"))
            line.finding_badge = "; ".join(titles) or False

    @api.model_create_multi
    def create(self, vals_list):
        encounters = self.env["medical.encounter"].browse(
            {vals.get("encounter_id") for vals in vals_list} - {None}
        )
        encounters._check_coding_editable()
        encounters._track_coding([self._summary_field])
        lines = super().create(vals_list)
        lines.encounter_id.filtered(lambda e: e.state == "checked")._invalidate_check()
        return lines

    def write(self, vals):
        coding = set(vals) - NOT_CODING_FIELDS
        encounters = self.encounter_id
        if "encounter_id" in vals:
            encounters |= self.env["medical.encounter"].browse(vals["encounter_id"])
        encounters._check_coding_editable()
        if coding:
            encounters._track_coding([self._summary_field])
        result = super().write(vals)
        if coding:
            encounters.filtered(lambda e: e.state == "checked")._invalidate_check()
        return result

    def unlink(self):
        encounters = self.encounter_id
        encounters._check_coding_editable()
        encounters._track_coding([self._summary_field])
        result = super().unlink()
        encounters.filtered(lambda e: e.state == "checked")._invalidate_check()
        return result
