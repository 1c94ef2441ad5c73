# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Denial-risk flags at claim validation: when the practice's own history shows that the payer denied the
same code (or code + modifiers) in a share of its adjudicated claims above the company's rate over the
last months, the claim gets a warning finding naming the history."""

from collections import Counter, defaultdict

from dateutil.relativedelta import relativedelta

from odoo import fields, models

DENIAL_RISK_EDIT = "CLM_DENIAL_RISK"


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    medical_denial_risk_rate = fields.Float(
        string="Denial-Risk Rate (%)",
        default=25.0,
        help="A claim line is flagged when its payer denied the same code (and modifiers) in at least this "
        "share of the adjudicated claims of the period.",
    )
    medical_denial_risk_months = fields.Integer(string="Denial-Risk History (months)", default=12)
    medical_denial_risk_min_claims = fields.Integer(
        string="Denial-Risk Minimum Claims",
        default=5,
        help="No flag from fewer adjudicated claims than this: too little history.",
    )


class MedicalEditFinding(models.Model):
    _inherit = "medical.edit.finding"  # pylint: disable=consider-merging-classes-inherited

    edit_code = fields.Selection(
        selection_add=[(DENIAL_RISK_EDIT, "Denial risk from the payer's history")],
        ondelete={DENIAL_RISK_EDIT: "cascade"},
    )


class MedicalClaim(models.Model):
    _inherit = "medical.claim"  # pylint: disable=consider-merging-classes-inherited

    def _run_payer_edits(self):
        return super()._run_payer_edits() + self._denial_risk_findings()

    def _denial_history(self):
        """{(company, payer, code, modifiers): (claim ids adjudicated, Counter of CARC by denied claim)}
        of the claims adjudicated in each company's history window, other than ``self``; in three queries."""
        today = fields.Date.context_today(self)
        history = defaultdict(lambda: (set(), {}))
        for company in self.company_id:
            claims = self.filtered(lambda c, company=company: c.company_id == company)
            since = today - relativedelta(months=company.medical_denial_risk_months or 12)
            rclaims = (
                self.env["medical.remittance.claim"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", company.id),
                        ("payer_id", "in", claims.payer_id.ids),
                        ("remittance_id.state", "=", "posted"),
                        ("match_state", "=", "matched"),
                        ("is_reversal", "=", False),
                        ("date_payment", ">=", since),
                        ("claim_id", "not in", self.ids),
                        ("claim_id.line_ids.code_id", "in", claims.line_ids.code_id.ids),
                    ]
                )
            )
            past = rclaims.claim_id
            denials = self.env["medical.denial"].sudo().search([("claim_id", "in", past.ids)])
            denied_lines = defaultdict(dict)  # claim -> {line or False: CARC}
            for denial in denials:
                denied_lines[denial.claim_id.id][denial.claim_line_id.id] = denial.reason_code
            for claim in past:
                for line in claim.line_ids:
                    carc = denied_lines[claim.id].get(line.id) or denied_lines[claim.id].get(False)
                    for key, _label in line._denial_risk_keys():
                        claim_ids, carcs = history[(company.id, claim.payer_id.id, line.code_id.id, key)]
                        claim_ids.add(claim.id)
                        if carc:
                            carcs[claim.id] = carc
        return history

    def _denial_risk_findings(self):
        claims = self.filtered(lambda c: c.frequency != "8" and c.payer_id)
        if not claims:
            return []
        history = claims._denial_history()
        findings = []
        for claim in claims:
            company = claim.company_id
            for line in claim.line_ids:
                for key, label in line._denial_risk_keys():
                    claim_ids, carcs = history.get(
                        (company.id, claim.payer_id.id, line.code_id.id, key), ((), {})
                    )
                    total, denied = len(claim_ids), len(carcs)
                    if total < max(company.medical_denial_risk_min_claims, 1):
                        continue
                    if denied * 100.0 < company.medical_denial_risk_rate * total or not denied:
                        continue
                    carc = Counter(carcs.values()).most_common(1)[0][0]
                    findings.append(
                        {
                            "claim_id": claim.id,
                            "encounter_id": claim.encounter_id.id,
                            "claim_line_id": line.id,
                            "procedure_id": line.encounter_procedure_id.id,
                            "code_id": line.code_id.id,
                            "edit_code": DENIAL_RISK_EDIT,
                            "severity": "warning",
                            "message": self.env._(
                                "%(payer)s denied %(code)s in %(denied)s of %(total)s claims: CARC %(carc)s",
                                payer=claim.payer_id.name,
                                code=label,
                                denied=denied,
                                total=total,
                                carc=carc,
                            ),
                        }
                    )
                    break
        return findings


class MedicalClaimLine(models.Model):
    _inherit = "medical.claim.line"  # pylint: disable=consider-merging-classes-inherited

    def _denial_risk_keys(self):
        """The ways a line's history is read, most specific first: [(key, label)] for its code with its
        modifiers, with its principal diagnosis (first pointer), and alone."""
        self.ensure_one()
        code = self.code_id.code
        modifiers = tuple(sorted(self._modifiers().mapped("code")))
        keys = []
        if modifiers:
            keys.append((("mod", *modifiers), " + ".join((code, *modifiers))))
        pointer = (self.diagnosis_pointers or "")[:1]
        diagnosis = (
            self.claim_id.diagnosis_ids.filtered(lambda d: d.letter == pointer)[:1] if pointer else None
        )
        if diagnosis:
            keys.append((("dx", diagnosis.code_id.code), f"{code} + {diagnosis.code_id.code}"))
        keys.append(((), code))
        return keys
