# The necessity edits' payer, kept apart from the encounter's billing actions.
# pylint: disable=consider-merging-classes-inherited
from odoo import models

from odoo.addons.medical_coding.edits import necessity

#: claim filing indicators (SBR09) by the payer class of coverage policies
MEDICARE_INDICATORS = frozenset({"MA", "MB", "16"})
MEDICAID_INDICATORS = frozenset({"MC"})


def payer_class(partner):
    """The coverage-policy payer class of a payer: from its claim filing indicator."""
    indicator = partner.claim_filing_indicator
    if indicator in MEDICARE_INDICATORS:
        return "medicare"
    if indicator in MEDICAID_INDICATORS:
        return "medicaid"
    return "commercial"


class MedicalEncounter(models.Model):
    _inherit = "medical.encounter"

    def _necessity_payers(self):
        """The payer of the primary coverage a claim would go to. Without a coverage on file the payer is
        unknown and every policy applies (no claim is made before the coverage is recorded, and the coder
        sees what Medicare would refuse). Called from ``action_check`` once the user's rights on ``self``
        were checked."""
        coverages = self.sudo()._get_primary_coverages()
        return {
            encounter_id: necessity.Payer(coverage.payer_id.id, payer_class(coverage.payer_id))
            for encounter_id, coverage in coverages.items()
        }
