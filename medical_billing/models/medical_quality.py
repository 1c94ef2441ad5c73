# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Quality data codes on claims: kept apart from the pricing and claim files they touch.
# pylint: disable=consider-merging-classes-inherited
from odoo import models
from odoo.tools import SQL

from .medical_encounter_necessity import HISTORY_CLAIM_STATES


class MedicalEncounter(models.Model):
    _inherit = "medical.encounter"

    def _quality_reported_domain_sql(self):
        """A patient-based measure stops prompting once the outcome is on a claim sent to the payer
        (submitted or later, not rejected nor cancelled) whose rendering provider is the same."""
        return SQL(
            "EXISTS (SELECT 1 FROM medical_claim c WHERE c.encounter_id = e.id AND c.state IN %s"
            " AND c.rendering_provider_id = r.provider_id)",
            HISTORY_CLAIM_STATES,
        )


class MedicalEncounterProcedure(models.Model):
    _inherit = "medical.encounter.procedure"

    def _get_default_charge(self):
        """A quality data code line is billed at 0.00: the charge master does not price it."""
        if self.quality_performance_id or (
            self.code_id and self.env["medical.code"]._quality_code_ids(self.code_id.ids)
        ):
            return 0.0
        return super()._get_default_charge()
