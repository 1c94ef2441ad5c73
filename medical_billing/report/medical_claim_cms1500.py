# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.edits.engine import LETTERS

from ..tools.person_name import split_person_name

# Box 1 of the CMS-1500 from the payer's claim filing indicator (SBR09).
INSURANCE_TYPES = {
    "MB": "medicare",
    "MA": "medicare",
    "MC": "medicaid",
    "CH": "tricare",
    "VA": "champva",
    "FI": "feca",
    "WC": "other",
    "AM": "other",
    "LM": "other",
    "DS": "other",
}
RELATIONSHIPS = {"18": "self", "01": "spouse", "19": "child"}
LINES_PER_FORM = 6


def _mmddyyyy(day, short=False):
    if not day:
        return ""
    return day.strftime("%m %d %y" if short else "%m %d %Y")


def _person(name):
    last, first, middle, suffix = split_person_name(name)
    text = ", ".join(part for part in (last + (f" {suffix}" if suffix else ""), first, middle[:1]) if part)
    return text.upper()


def _money(amount):
    return f"{amount or 0.0:,.2f}".replace(",", "")


class ReportCms1500(models.AbstractModel):
    """The CMS-1500 (02/12) paper claim: one form per six service lines, boxes per the NUCC crosswalk."""

    _name = "report.medical_billing.report_cms1500"
    _description = "CMS-1500 Claim Form"

    @api.model
    def _get_report_values(self, docids, data=None):
        claims = self.env["medical.claim"].browse(docids)
        claims.check_access("read")
        claims._check_linked_companies()
        return {
            "doc_ids": docids,
            "doc_model": "medical.claim",
            "docs": claims,
            "forms": [form for claim in claims for form in self._forms(claim)],
        }

    @api.model
    def _address(self, partner):
        partner = partner.sudo()
        return {
            "street": " ".join(p for p in (partner.street, partner.street2) if p).upper(),
            "city": (partner.city or "").upper(),
            "state": partner.state_id.code or "",
            "zip": partner.zip or "",
            "phone": partner.phone or "",
        }

    @api.model
    def _forms(self, claim):
        """One dict per printed form of ``claim``."""
        claim = claim.sudo()
        company = claim.company_id
        coverage = claim.coverage_id
        patient = claim.patient_id
        insured = coverage.subscriber_id or patient
        payer = claim.payer_id
        claim_address = payer.payer_claim_address_id or payer
        other = self._other_coverage(claim)
        if other._medical_foreign_links():
            raise UserError(
                _(
                    "Claim %(claim)s: the patient's other coverage is linked to records of another practice; "
                    "the claim is not printed. Correct the coverage first.",
                    claim=claim.patient_control_number,
                )
            )
        diagnoses = claim.diagnosis_ids.sorted(lambda d: (d.sequence, d.id))[:12]
        billing = claim.billing_provider_id or company.partner_id
        is_company_billing = billing == company.partner_id
        facility = claim.facility_id
        box = {
            "payer_name": (payer.name or "").upper(),
            "payer_address": self._address(claim_address),
            "insurance_type": INSURANCE_TYPES.get(payer.claim_filing_indicator or "", "group"),
            "1a": coverage.member_id or "",
            "2": _person(patient.name),
            "3_birth": _mmddyyyy(patient.birthdate),
            "3_sex": {"m": "M", "f": "F"}.get(patient.gender or "", ""),
            "4": _person(insured.name),
            "5": self._address(patient),
            "6": RELATIONSHIPS.get(coverage.relationship, "other"),
            "7": self._address(insured),
            "9": _person(other.subscriber_id.name) if other else "",
            "9a": (other.member_id or other.group_number or "") if other else "",
            "9d": ((other.plan_name or other.payer_id.name or "").upper()) if other else "",
            "10a": "NO",
            "10b": "NO",
            "10c": "NO",
            "11": coverage.group_number or "",
            "11a_birth": _mmddyyyy(insured.birthdate),
            "11a_sex": {"m": "M", "f": "F"}.get(insured.gender or "", ""),
            "11b": "",
            "11c": (coverage.plan_name or payer.name or "").upper(),
            "11d": "YES" if other else "NO",
            "12": "SIGNATURE ON FILE",
            "13": "SIGNATURE ON FILE",
            "17_qualifier": "DN" if claim.referring_provider_id else "",
            "17": _person(claim.referring_provider_id.name) if claim.referring_provider_id else "",
            "17b": claim.referring_provider_id.npi or "",
            "21_indicator": "0",
            "21": [(LETTERS[i], d.code_id.display_code or d.code_id.code) for i, d in enumerate(diagnoses)],
            "22_code": claim.frequency if claim.frequency in ("7", "8") else "",
            "22_reference": claim.payer_claim_control_number if claim.frequency in ("7", "8") else "",
            "23": claim.prior_authorization or "",
            "25": company.medical_tax_id or "",
            "25_type": "EIN",
            "26": claim.patient_control_number,
            "27": "YES",
            "29": _money(claim.primary_claim_id.amount_paid) if claim.primary_claim_id else "",
            "31": _person(claim.rendering_provider_id.name) if claim.rendering_provider_id else "",
            "31_date": _mmddyyyy(claim.date_submitted or claim.create_date.date()),
            "32_name": (facility.name or "").upper() if facility else "",
            "32": self._address(facility) if facility else {},
            "32a": (facility.npi or "") if facility else "",
            "33_name": (company.name if is_company_billing else billing.name or "").upper(),
            "33": self._address(billing),
            "33a": (company.medical_billing_npi if is_company_billing else billing.npi) or "",
            "33b": (company.medical_taxonomy_code if is_company_billing else billing.taxonomy_code) or "",
        }
        lines = claim.line_ids.sorted(lambda ln: (ln.sequence, ln.id))
        pos = claim.place_of_service_id.code or ""
        rendering_npi = claim.rendering_provider_id.npi or ""
        rows = []
        for line in lines:
            ndc = ""
            if line.ndc_code:
                ndc = f"N4{line.ndc_code} {line.ndc_unit or 'UN'}{line.ndc_quantity:g}"
            rows.append(
                {
                    "from": _mmddyyyy(claim.date_service, short=True),
                    "to": _mmddyyyy(claim.date_service_end or claim.date_service, short=True),
                    "pos": pos,
                    "emg": "",
                    "code": line.code_id.code or "",
                    "modifiers": [m.code for m in line._modifiers()],
                    "pointers": line.diagnosis_pointers or "",
                    "charge": _money(line.charge_amount),
                    "units": f"{line.units:g}",
                    "qualifier": "NPI" if rendering_npi else "",
                    "npi": rendering_npi,
                    "shaded": ndc,
                }
            )
        pages = [rows[i : i + LINES_PER_FORM] for i in range(0, len(rows), LINES_PER_FORM)] or [[]]
        forms = []
        for number, page in enumerate(pages, start=1):
            last = number == len(pages)
            forms.append(
                {
                    "claim": claim,
                    "box": box,
                    "lines": page + [None] * (LINES_PER_FORM - len(page)),
                    "page": number,
                    "pages": len(pages),
                    "28": _money(claim.amount_total) if last else "CONTINUED",
                }
            )
        return forms

    @api.model
    def _other_coverage(self, claim):
        """Box 9 / 11d: another coverage of the patient in force on the date of service."""
        coverages = (
            self.env["medical.coverage"]
            .sudo()
            .search(
                [
                    ("patient_id", "=", claim.patient_id.id),
                    ("company_id", "=", claim.company_id.id),
                    ("id", "!=", claim.coverage_id.id),
                ],
                order="priority_rank, id",
            )
        )
        return coverages.filtered(lambda c: c.is_in_force(claim.date_service))[:1]
