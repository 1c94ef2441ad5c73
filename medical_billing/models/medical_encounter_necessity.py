# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The necessity edits' payer, kept apart from the encounter's billing actions.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.medical_coding.edits import ndc, necessity

#: states of the claims whose services count in frequency limits: submitted to the payer, or paid
HISTORY_CLAIM_STATES = ("submitted", "accepted", "paid", "partial", "closed")
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

    def _necessity_history(self, patient_ids, codes, day_last):
        """With billing, the history is the services of claims submitted to a payer or paid (any provider
        of the practice; not drafts, rejected, denied, replaced or voided claims), each encounter line once
        even when a secondary claim repeats it; and the lines of billed encounters that have no claim
        (billed outside the suite)."""
        outside = super()._necessity_history(patient_ids, codes, day_last)
        if outside:
            self.env.cr.execute(
                "SELECT DISTINCT encounter_id FROM medical_claim WHERE encounter_id = ANY(%s)",
                [list({s.encounter_id for s in outside})],
            )
            with_claims = {row[0] for row in self.env.cr.fetchall()}
            outside = [s for s in outside if s.encounter_id not in with_claims]
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (COALESCE(l.encounter_procedure_id, -l.id))
                       c.encounter_id, c.patient_id, c.date_service, code.code, l.units, %(modifiers)s
                  FROM medical_claim_line l
                  JOIN medical_claim c ON c.id = l.claim_id
                  JOIN medical_code code ON code.id = l.code_id
                  %(modifier_joins)s
                 WHERE c.patient_id = ANY(%(patients)s) AND code.code = ANY(%(codes)s)
                   AND c.company_id = ANY(%(companies)s) AND c.state IN %(states)s
                   AND c.date_service <= %(day)s AND c.encounter_id != ALL(%(ids)s)
                 ORDER BY COALESCE(l.encounter_procedure_id, -l.id), c.id
                """,
                states=HISTORY_CLAIM_STATES,
                **self._necessity_history_params("l", patient_ids, codes, day_last),
            )
        )
        return outside + [
            necessity.Service(patient_id, code, day, units or 0.0, encounter_id, tuple(modifiers))
            for encounter_id, patient_id, day, code, units, modifiers in self.env.cr.fetchall()
        ]
