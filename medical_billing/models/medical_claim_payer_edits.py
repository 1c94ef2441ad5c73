"""Payer edits of a claim (``medical.claim``): what ``action_validate`` checks before a claim can go out."""

from odoo import _, fields, models

from .medical_claim import CLAIM_EDITS


class MedicalClaim(models.Model):
    _inherit = "medical.claim"

    def _run_payer_edits(self):
        """The payer edits of the claims as finding values (dicts), computed over the batch."""
        findings = []
        today = fields.Date.context_today(self)

        def add(claim, edit_code, message, line=None):
            findings.append(
                {
                    "claim_id": claim.id,
                    "encounter_id": claim.encounter_id.id,
                    "claim_line_id": line.id if line else False,
                    "procedure_id": line.encounter_procedure_id.id if line else False,
                    "code_id": line.code_id.id if line else False,
                    "edit_code": edit_code,
                    "severity": CLAIM_EDITS[edit_code][1],
                    "message": message,
                }
            )

        company_problems = {company: company._medical_claim_problems() for company in self.company_id}
        auths = self.prior_authorization_id
        # A replacement takes its original's place: the original's units are not counted twice.
        units_used = auths._get_units_used(exclude_claims=self | self.original_claim_id) if auths else {}
        for claim in self:
            for edit_code, message in company_problems[claim.company_id]:
                add(claim, edit_code, message)
            if claim.frequency in ("7", "8") and not claim.payer_claim_control_number:
                add(
                    claim,
                    "CLM_PAYER_CLAIM_NUMBER",
                    _("A replacement or void must quote the payer's claim number of the original claim."),
                )
            if claim.frequency == "8":
                continue
            coverage = claim.coverage_id
            payer = claim.payer_id
            if not coverage.subscriber_id:
                add(claim, "CLM_SUBSCRIBER_MISSING", _("The coverage has no subscriber."))
            if not (coverage.member_id or "").strip():
                add(claim, "CLM_MEMBER_ID_MISSING", _("The coverage has no member id."))
            if not coverage.is_in_force(claim.date_service):
                add(
                    claim,
                    "CLM_COVERAGE_NOT_IN_FORCE",
                    _("The %(payer)s coverage is not in force on the date of service.", payer=payer.name),
                )
            if not (payer.payer_code or "").strip():
                add(claim, "CLM_PAYER_ID_MISSING", _("%(payer)s has no payer id.", payer=payer.name))
            missing = claim.patient_id._medical_missing_address()
            if missing:
                add(
                    claim,
                    "CLM_PATIENT_ADDRESS",
                    _("The patient's address lacks: %(missing)s.", missing=", ".join(missing)),
                )
            if claim.rendering_provider_id and not claim.rendering_provider_id.npi:
                add(claim, "CLM_RENDERING_NPI", _("The rendering provider has no NPI."))
            if claim.date_filing_deadline and today > claim.date_filing_deadline:
                add(
                    claim,
                    "CLM_TIMELY_FILING",
                    _(
                        "%(payer)s must receive claims within %(days)s days of the date of service: "
                        "the limit was %(deadline)s.",
                        payer=payer.name,
                        days=payer.timely_filing_days,
                        deadline=claim.date_filing_deadline,
                    ),
                )
            for line in claim.line_ids:
                if line.currency_id.compare_amounts(line.charge_amount, 0) <= 0:
                    add(claim, "CLM_NO_CHARGE", _("Line %s has no charge.", line.sequence_number), line)
            claim._check_prior_authorization(add, units_used)
        return findings

    def _check_prior_authorization(self, add, units_used):
        self.ensure_one()
        payer = self.payer_id
        needing = self.line_ids.filtered(lambda ln: ln.code_id in payer.prior_auth_code_ids)
        if not needing:
            return
        auth = self.prior_authorization_id
        if not auth:
            for line in needing:
                add(
                    self,
                    "CLM_AUTH_MISSING",
                    _(
                        "%(payer)s requires a prior authorization for %(code)s.",
                        payer=payer.name,
                        code=line.code_id.code,
                    ),
                    line,
                )
            return
        covered = needing.filtered(lambda ln: ln.code_id in auth.code_ids)
        for line in needing - covered:
            add(
                self,
                "CLM_AUTH_MISSING",
                _(
                    "Authorization %(auth)s does not cover %(code)s.",
                    auth=auth.name,
                    code=line.code_id.code,
                ),
                line,
            )
        if auth.payer_id != payer or auth.patient_id != self.patient_id:
            add(
                self,
                "CLM_AUTH_MISSING",
                _("Authorization %s belongs to another payer or patient.", auth.name),
            )
        last_day = self.date_service_end or self.date_service
        if not (auth.is_valid_on(self.date_service) and auth.is_valid_on(last_day)):
            add(
                self,
                "CLM_AUTH_EXPIRED",
                _(
                    "Authorization %(auth)s is valid from %(start)s to %(end)s, not on the date of service.",
                    auth=auth.name,
                    start=auth.date_start,
                    end=auth.date_end,
                ),
            )
        if auth.units_authorized and covered:
            needed = sum(covered.mapped("units"))
            used = units_used.get(auth.id, 0)
            if used + needed > auth.units_authorized:
                add(
                    self,
                    "CLM_AUTH_EXHAUSTED",
                    _(
                        "Authorization %(auth)s allows %(allowed)s units; %(used)s are used and this "
                        "claim needs %(needed)s.",
                        auth=auth.name,
                        allowed=auth.units_authorized,
                        used=used,
                        needed=needed,
                    ),
                )
            # Claims of the same batch draw on the same authorization one after the other.
            units_used[auth.id] = used + needed
