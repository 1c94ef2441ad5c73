# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The necessity resolutions' effect on the claim, kept apart from the claim's own workflow.
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, models
from odoo.exceptions import UserError

#: the modifier a resolution of the encounter line puts on the claim line
RESOLUTION_MODIFIERS = {"abn": "GA", "abn_voluntary": "GX", "no_abn": "GZ"}
SLOTS = ("modifier1_id", "modifier2_id", "modifier3_id", "modifier4_id")


class MedicalClaim(models.Model):
    _inherit = "medical.claim"

    @api.model
    def _prepare_from_encounter(self, encounter, coverage, auth, products, expected):
        """The claim's lines carry GA / GX / GZ from the line's ABN resolution; the self-pay lines (the
        patient chose not to bill the payer) are left off the payer's claim."""
        values = super()._prepare_from_encounter(encounter, coverage, auth, products, expected)
        procedures = {p.id: p for p in encounter.procedure_ids}
        kept = []
        for command in values["line_ids"]:
            line = command[2]
            procedure = procedures.get(line.get("encounter_procedure_id"))
            resolution = procedure.necessity_resolution if procedure else False
            if resolution == "self_pay":
                continue
            if resolution in RESOLUTION_MODIFIERS:
                self._add_abn_modifier(encounter, line, RESOLUTION_MODIFIERS[resolution])
            kept.append(command)
        if not kept:
            raise UserError(
                _(
                    "Encounter %(encounter)s has only services the patient pays themselves: "
                    "no claim to the payer.",
                    encounter=encounter.name,
                )
            )
        values["line_ids"] = kept
        return values

    @api.model
    def _add_abn_modifier(self, encounter, line, code):
        """Put the modifier ``code`` in the first free slot of the claim line values ``line``."""
        modifier = self.env["medical.code"].search(
            [("system", "=", "modifier"), ("code", "=", code)], limit=1
        )
        if not modifier:
            raise UserError(
                _("The modifier %(code)s is not in the code set: import the HCPCS modifiers.", code=code)
            )
        current = [line.get(slot) or False for slot in SLOTS]
        if modifier.id in current:
            return
        if all(current):
            raise UserError(
                _(
                    "Encounter %(encounter)s: a line has four modifiers already, no room for %(code)s.",
                    encounter=encounter.name,
                    code=code,
                )
            )
        line[SLOTS[current.index(False)]] = modifier.id
