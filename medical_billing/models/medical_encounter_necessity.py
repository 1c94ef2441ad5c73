# The necessity edits' payer, kept apart from the encounter's billing actions.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models

from odoo.addons.medical_coding.edits import ndc, necessity

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


class ResPartner(models.Model):
    _inherit = "res.partner"

    requires_ndc = fields.Boolean(
        string="Requires NDC on Drug Lines",
        compute="_compute_requires_ndc",
        store=True,
        readonly=False,
        help="Every drug line (HCPCS J codes, drug Q codes...) billed to this payer carries the NDC of the "
        "drug given, with its quantity and unit. On by default for Medicaid payers.",
    )

    @api.depends("claim_filing_indicator")
    def _compute_requires_ndc(self):
        for partner in self:
            partner.requires_ndc = partner.claim_filing_indicator in MEDICAID_INDICATORS


class MedicalEncounter(models.Model):
    _inherit = "medical.encounter"

    def _necessity_results(self, data):
        """The coverage policies' findings, and an NDC on every drug line for the payers that require it."""
        results = super()._necessity_results(data)
        coverages = self.sudo()._get_primary_coverages()
        requiring = {encounter_id for encounter_id, c in coverages.items() if c.payer_id.requires_ndc}
        return results + ndc.check_drug_lines(data, requiring)

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
