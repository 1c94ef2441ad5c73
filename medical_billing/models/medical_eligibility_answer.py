# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The 271 answer of an eligibility request: what it says, written on the request, its benefit lines and
the coverage's eligibility check; and the demo data's answered requests (a 270 answered by a 271 import).

A second file of ``medical.eligibility.request``: the request itself and its 270 are in
``medical_eligibility_request.py``.
"""

from datetime import timedelta

from odoo import Command, _, api, fields, models

from ..tools.person_name import split_person_name

# AAA03 reject reasons (X12 code list 901) a 271 sends, in words the front desk acts on.
REJECT_REASONS = {
    "04": "authorized quantity exceeded",
    "15": "required application data missing",
    "33": "input errors",
    "35": "out of network",
    "41": "authorization or access restrictions",
    "42": "unable to respond at current time",
    "43": "invalid or missing provider identification",
    "44": "invalid or missing provider name",
    "45": "invalid or missing provider specialty",
    "47": "invalid or missing provider state",
    "48": "invalid or missing referring provider identification number",
    "49": "provider is not primary care physician",
    "50": "provider ineligible for inquiries",
    "51": "provider not on file",
    "52": "service dates not within provider plan enrollment",
    "56": "inappropriate date",
    "57": "invalid or missing dates of service",
    "58": "invalid or missing date of birth",
    "60": "date of birth follows date of service",
    "61": "date of death precedes date of service",
    "62": "date of service not within allowable inquiry period",
    "63": "date of service in future",
    "64": "invalid or missing patient id",
    "65": "invalid or missing patient name",
    "66": "invalid or missing patient gender code",
    "67": "patient not found",
    "68": "duplicate patient id number",
    "69": "inconsistent with patient's age",
    "70": "inconsistent with patient's gender",
    "71": "patient birth date does not match that for the patient on the database",
    "72": "invalid or missing subscriber / insured id",
    "73": "invalid or missing subscriber / insured name",
    "74": "invalid or missing subscriber / insured gender code",
    "75": "subscriber / insured not found",
    "76": "duplicate subscriber / insured id number",
    "77": "subscriber found, patient not found",
    "78": "subscriber / insured not in group / plan identified",
    "79": "invalid participant identification",
    "80": "no response received - transaction terminated",
    "97": "invalid or missing provider address",
    "T4": "payer name or identifier missing",
}
# Rejections saying the member is not known to the payer (result "Subscriber Not Found").
NOT_FOUND_REASONS = frozenset({"64", "65", "67", "72", "73", "75", "76", "77", "78"})
FOLLOW_UP_ACTIONS = {  # AAA04
    "C": "please correct and resubmit",
    "N": "resubmission not allowed",
    "P": "please resubmit original transaction",
    "R": "resubmission allowed",
    "S": "do not resubmit; inquiry initiated to a third party",
    "W": "please wait 30 days and resubmit",
    "X": "please wait 10 days and resubmit",
    "Y": "do not resubmit; we will hand over the inquiry",
}
BENEFIT_CODES = {  # EB01
    "1": "Active Coverage",
    "2": "Active - Full Risk Capitation",
    "3": "Active - Services Capitated",
    "4": "Active - Services Capitated to Primary Care Physician",
    "5": "Active - Pending Investigation",
    "6": "Inactive",
    "7": "Inactive - Pending Eligibility Update",
    "8": "Inactive - Pending Investigation",
    "A": "Co-Insurance",
    "B": "Co-Payment",
    "C": "Deductible",
    "CB": "Coverage Basis",
    "D": "Benefit Description",
    "E": "Exclusions",
    "F": "Limitations",
    "G": "Out of Pocket (Stop Loss)",
    "H": "Unlimited",
    "I": "Non-Covered",
    "J": "Cost Containment",
    "K": "Reserve",
    "L": "Primary Care Provider",
    "M": "Pre-existing Condition",
    "MC": "Managed Care Coordinator",
    "N": "Services Restricted to Following Provider",
    "O": "Not Deemed a Medical Necessity",
    "P": "Benefit Disclaimer",
    "Q": "Second Surgical Opinion Required",
    "R": "Other or Additional Payor",
    "S": "Prior Year(s) History",
    "T": "Card(s) Reported Lost/Stolen",
    "U": "Contact Following Entity for Eligibility or Benefit Information",
    "V": "Cannot Process",
    "W": "Other Source of Data",
    "X": "Health Care Facility",
    "Y": "Spend Down",
}
PERIODS = {  # EB06
    "6": "hour",
    "7": "day",
    "13": "24 hours",
    "21": "years",
    "22": "service year",
    "23": "calendar year",
    "24": "year to date",
    "25": "contract",
    "26": "episode",
    "27": "visit",
    "28": "outlier",
    "29": "remaining",
    "30": "exceeded",
    "31": "not exceeded",
    "32": "lifetime",
    "33": "lifetime remaining",
    "34": "month",
    "35": "week",
    "36": "admission",
}
REMAINING_PERIODS = frozenset({"29", "33"})


def _money(value):
    return float(value) if value is not None else 0.0


class MedicalEligibilityRequest(models.Model):
    _inherit = "medical.eligibility.request"  # pylint: disable=consider-merging-classes-inherited

    def _apply_271(self, response, log=None):
        """Fill the request (one, sent) with the 271 ``response``; record the check on the coverage."""
        self.ensure_one()
        status = response.status
        service_type = self._service_types()[0]
        values = {
            "date_answered": fields.Datetime.now(),
            "plan_name": response.plan_name or False,
            "group_number": response.group_number or False,
            "group_name": response.group_name or False,
            "coverage_date_start": response.plan_begin,
            "coverage_date_end": response.plan_end,
            "benefit_ids": [Command.clear()]
            + [Command.create(self._benefit_values(benefit)) for benefit in response.benefits],
        }
        if status == "rejected":
            rejection = response.rejections[0]
            values.update(
                {
                    "state": "error",
                    "result": "not_found" if rejection.reason in NOT_FOUND_REASONS else "error",
                    "rejection_reason": self._rejection_text(rejection),
                    "follow_up_action": FOLLOW_UP_ACTIONS.get(rejection.follow_up, rejection.follow_up or "")
                    or False,
                }
            )
        elif status == "unknown":
            values.update(
                {
                    "state": "error",
                    "result": "error",
                    "error_message": _("The 271 answer carries neither active nor inactive coverage."),
                }
            )
        else:
            values.update({"state": "answered", "result": status})
            values.update(self._benefit_summary(response, service_type))
        # The importer checked the user's rights and found the request through the user's own rules.
        self._workflow().sudo().write(values)
        check = (
            self.env["medical.coverage.eligibility"]
            .sudo()
            .create(
                {
                    "coverage_id": self.coverage_id.id,
                    "date": values["date_answered"],
                    "date_service": self.date_service,
                    "result": values["result"],
                    "reference": self.trace_number,
                    "request_id": self.id,
                    "user_id": self.env.user.id,
                    "notes": _("271 answer to eligibility request %s", self.name),
                }
            )
        )
        self._workflow().sudo().write({"coverage_eligibility_id": check.id})

    @api.model
    def _rejection_text(self, rejection):
        reason = REJECT_REASONS.get(rejection.reason, "")
        return f"{rejection.reason} {reason}".strip() if reason else rejection.reason

    @api.model
    def _benefit_values(self, benefit):
        return {
            "code": benefit.code,
            "name": BENEFIT_CODES.get(benefit.code, benefit.code),
            "coverage_level": benefit.coverage_level or False,
            "service_type_codes": ",".join(benefit.service_types) or False,
            "insurance_type": benefit.insurance_type or False,
            "description": benefit.description or False,
            "period": PERIODS.get(benefit.period, benefit.period or "") or False,
            "amount": _money(benefit.amount) if benefit.amount is not None else False,
            "has_amount": benefit.amount is not None,
            "percent": float(benefit.percent) * 100 if benefit.percent is not None else 0.0,
            "authorization_required": {True: "yes", False: "no"}.get(benefit.authorization_required, False),
            "in_network": benefit.in_network or False,
            "note": "\n".join(
                [*benefit.messages, *(f"{e.name} {e.identifier}".strip() for e in benefit.entities)]
            )
            or False,
        }

    @api.model
    def _benefit_summary(self, response, service_type):
        """Copay, coinsurance, deductible, out of pocket, authorisation, non-covered and other payers."""

        def pick(code):
            found = response.benefits_for(code, service_type)
            # An individual, in-network benefit first.
            return sorted(
                found,
                key=lambda b: (b.coverage_level not in ("", "IND"), b.in_network not in ("", "Y", "W")),
            )

        def amounts(code):
            total = remaining = None
            for benefit in pick(code):
                if benefit.amount is None:
                    continue
                if benefit.period in REMAINING_PERIODS:
                    remaining = benefit.amount if remaining is None else remaining
                else:
                    total = benefit.amount if total is None else total
            return total, remaining

        copay = next((b.amount for b in pick("B") if b.amount is not None), None)
        coinsurance = next((b.percent for b in pick("A") if b.percent is not None), None)
        deductible, deductible_left = amounts("C")
        oop, oop_left = amounts("G")
        asked = set(self._service_types())
        auth = any(
            b.authorization_required
            for b in response.benefits
            if not b.service_types or asked.intersection(b.service_types)
        )
        non_covered = sorted({t for b in response.benefits if b.code == "I" for t in b.service_types})
        others = [f"{e.name} ({e.identifier})" if e.identifier else e.name for e in response.other_payers]
        others += [
            b.description for b in response.benefits if b.code == "R" and not b.entities and b.description
        ]
        return {
            "copay_amount": _money(copay),
            "coinsurance_percent": float(coinsurance) * 100 if coinsurance is not None else 0.0,
            "deductible_amount": _money(deductible),
            "deductible_remaining": _money(deductible_left),
            "deductible_met": deductible_left is not None and deductible_left <= 0,
            "out_of_pocket_amount": _money(oop),
            "out_of_pocket_remaining": _money(oop_left),
            "prior_auth_required": auth,
            "non_covered_service_types": ", ".join(non_covered) or False,
            "other_payers": "; ".join(others) or False,
        }

    # ------------------------------------------------------------------ demo data

    @api.model
    def _demo_answer(self, coverage_id, days_ahead, benefits, xml_id, rejection=""):
        """Demo data: a check of a coverage for a visit in ``days_ahead`` days, sent as a 270 (kept on the
        request), answered by the payer's 271 with the EB segments ``benefits`` (or the AAA ``rejection``)."""
        if self.env.ref(f"medical_billing.{xml_id}", raise_if_not_found=False):
            return
        coverage = self.env["medical.coverage"].browse(coverage_id)
        day = fields.Date.context_today(self) + timedelta(days=days_ahead)
        request = self.create(self._prepare_for_coverage(coverage, day))
        request._send(deliver=False)
        self.env["ir.model.data"].create(
            {
                "module": "medical_billing",
                "name": xml_id,
                "model": self._name,
                "res_id": request.id,
                "noupdate": True,
            }
        )
        receiver = request.receiver_id
        sender, to = receiver.receiver_interchange_code, receiver.sender_code
        now = fields.Datetime.now()
        control = 700000000 + request.id
        last, first, _middle, _suffix = split_person_name(coverage.subscriber_id.name)
        member = [f"NM1*IL*1*{last.upper()}*{first.upper()}****MI*{coverage.member_id}"]
        if coverage.group_number:
            member.append(f"REF*6P*{coverage.group_number}*{(coverage.plan_name or '').upper()[:60]}")
        if coverage.date_start:
            member.append(f"DTP*346*D8*{coverage.date_start:%Y%m%d}")
        answer = [rejection] if rejection else list(benefits)
        if coverage.relationship == "18":
            levels = ["HL*3*2*22*0", f"TRN*2*{request.trace_number}*9{receiver.sender_code[:9]:0<9}", *member]
        else:
            levels = [
                "HL*3*2*22*1",
                *member,
                "HL*4*3*23*0",
                f"TRN*2*{request.trace_number}*9{receiver.sender_code[:9]:0<9}",
                "NM1*03*1*{}*{}".format(*split_person_name(coverage.patient_id.name.upper())[:2]),
            ]
        body = [
            f"BHT*0022*11*{request.file_reference}*{now:%Y%m%d}*{now:%H%M}",
            "HL*1**20*1",
            f"NM1*PR*2*{coverage.payer_id.name.upper()[:60]}*****PI*{coverage.payer_id.payer_code}",
            "HL*2*1*21*1",
            f"NM1*1P*2*{request.company_id.name.upper()[:60]}*****XX*{request.company_id.medical_billing_npi}",
            *levels,
            *answer,
        ]
        segments = [
            f"ISA*00*{'':10}*00*{'':10}*{receiver.receiver_qualifier}*{sender:<15}*{receiver.sender_qualifier}*"
            f"{to:<15}*{now:%y%m%d}*{now:%H%M}*^*00501*{control:09d}*0*{receiver.usage_indicator}*:",
            f"GS*HB*{sender}*{to}*{now:%Y%m%d}*{now:%H%M}*{control}*X*005010X279A1",
            "ST*271*0001*005010X279A1",
            *body,
            f"SE*{len(body) + 2}*0001",
            f"GE*1*{control}",
            f"IEA*1*{control:09d}",
        ]
        data = ("~\n".join(segments) + "~\n").encode("ascii")
        self.env["medical.importer"].import_file("271", data, f"271-{request.file_reference}.x12")
