# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payer edits of a claim (``medical.claim``): the values ``action_validate`` hands to the plain-Python
engine ``medical_billing/edits/payer_edits.py``, read over the whole batch, and the findings made of its
answer (messages translated here, where Odoo shows them)."""

from odoo import fields, models

from ..edi.address import is_po_box
from ..edits import payer_edits

# The edits of the engine as the findings' selection declares them.
CLAIM_EDITS = payer_edits.EDITS


class MedicalClaim(models.Model):
    # One file per concern of the claim (see medical_claim.py), merged by Odoo into one model.
    _inherit = "medical.claim"  # pylint: disable=consider-merging-classes-inherited

    def _run_payer_edits(self):
        """The payer edits of the claims as finding values (dicts), computed over the batch."""
        auths = self.prior_authorization_id
        # A replacement takes its original's place: the original's units are not counted twice.
        units_used = auths._get_units_used(exclude_claims=self | self.original_claim_id) if auths else {}
        results = payer_edits.check(self._payer_edit_values(), fields.Date.context_today(self), units_used)
        lines = self.line_ids.grouped("id")
        no_line = self.env["medical.claim.line"]
        findings = []
        for result in results:
            line = lines.get(result.line_id, no_line)
            findings.append(
                {
                    "claim_id": result.claim_id,
                    "encounter_id": self.browse(result.claim_id).encounter_id.id,
                    "claim_line_id": line.id,
                    "procedure_id": line.encounter_procedure_id.id,
                    "code_id": line.code_id.id,
                    "edit_code": result.edit_code,
                    "severity": result.severity,
                    "message": self._payer_edit_message(result),
                }
            )
        return findings

    def _payer_edit_message(self, result):
        """The engine's message template translated, with its values (label lists translated too)."""
        params = {}
        for key, value in result.params.items():
            if isinstance(value, tuple):
                value = ", ".join(self.env._(label) for label in value)
            params[key] = value
        return self.env._(result.message, **params)

    def _payer_edit_values(self):
        """The claims as :class:`payer_edits.Claim` values, read in batch."""
        providers = {company: self._payer_edit_provider(company) for company in self.company_id}
        eligibility = self.coverage_id._latest_eligibility_on(
            {(c.coverage_id.id, c.date_service) for c in self}
        )
        quality_codes = self.env["medical.code"]._quality_code_ids(self.line_ids.code_id.ids)
        return [
            payer_edits.Claim(
                id=claim.id,
                billing_provider=providers[claim.company_id],
                frequency=claim.frequency,
                payer_claim_number=claim.payer_claim_control_number or "",
                payer_id=claim.payer_id.id,
                payer_name=claim.payer_id.name or "",
                payer_code=claim.payer_id.payer_code or "",
                timely_filing_days=claim.payer_id.timely_filing_days,
                date_filing_deadline=claim.date_filing_deadline or None,
                patient_id=claim.patient_id.id,
                patient_address=self._payer_edit_address(claim.patient_id),
                has_subscriber=bool(claim.coverage_id.subscriber_id),
                member_id=claim.coverage_id.member_id or "",
                coverage_in_force=claim.coverage_id.is_in_force(claim.date_service),
                eligibility=self._payer_edit_eligibility(
                    eligibility.get((claim.coverage_id.id, claim.date_service))
                ),
                rendering_npi=(claim.rendering_provider_id.npi or "")
                if claim.rendering_provider_id
                else None,
                date_service=claim.date_service or None,
                date_service_end=claim.date_service_end or None,
                prior_auth_code_ids=frozenset(claim.payer_id.prior_auth_code_ids.ids),
                authorization=self._payer_edit_authorization(claim.prior_authorization_id),
                lines=tuple(
                    payer_edits.Line(
                        id=line.id,
                        sequence_number=line.sequence_number,
                        code_id=line.code_id.id,
                        code=line.code_id.code or "",
                        units=line.units,
                        charge=line.charge_amount,
                        quality_code=line.code_id.id in quality_codes,
                    )
                    for line in claim.line_ids
                ),
                rounding=claim.currency_id.rounding,
            )
            for claim in self
        ]

    def _payer_edit_eligibility(self, check):
        """The latest eligibility check (``medical.coverage.eligibility``) as the engine sees it."""
        if not check:
            return None
        return payer_edits.Eligibility(
            result=check.result or "",
            date_service=check.date_service or None,
            reference=check.reference or str(check.id),
        )

    def _payer_edit_npi(self, provider):
        """The provider's NPI ("" when it has none), or None when there is no provider."""
        return (provider.npi or "") if provider else None

    def _payer_edit_provider(self, company):
        partner = company.partner_id.sudo()
        return payer_edits.BillingProvider(
            npi=company.medical_billing_npi or "",
            tax_id=company.medical_tax_id or "",
            address=self._payer_edit_address(partner),
            po_box=is_po_box(partner.street, partner.street2),
        )

    def _payer_edit_address(self, partner):
        partner = partner.sudo()
        return payer_edits.Address(
            street=partner.street or "",
            city=partner.city or "",
            state=partner.state_id.code or "",
            zip=partner.zip or "",
        )

    def _payer_edit_authorization(self, auth):
        if not auth:
            return None
        return payer_edits.Authorization(
            id=auth.id,
            name=auth.name,
            payer_id=auth.payer_id.id,
            patient_id=auth.patient_id.id,
            date_start=auth.date_start,
            date_end=auth.date_end,
            code_ids=frozenset(auth.code_ids.ids),
            units_authorized=auth.units_authorized,
        )
