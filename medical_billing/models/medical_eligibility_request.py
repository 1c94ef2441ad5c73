# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import check_draft
from odoo.addons.medical_coding.tools.counts import count_by

from .. import edi
from ..tools.person_name import split_person_name
from .medical_coverage import ELIGIBILITY_RESULTS

_logger = logging.getLogger(__name__)

STATES = [("draft", "Draft"), ("sent", "Sent"), ("answered", "Answered"), ("error", "Error")]
# Fields only the actions change (the 270 / 271 flow); a user's write of them is refused.
WORKFLOW_FIELDS = frozenset(
    {
        "name",
        "trace_number",
        "state",
        "date_sent",
        "date_answered",
        "result",
        "receiver_id",
        "file_reference",
        "coverage_eligibility_id",
    }
)
# Fields fixed once the 270 is sent.
REQUEST_FIELDS = frozenset(
    {"coverage_id", "encounter_id", "date_service", "service_type_codes", "provider_id", "company_id"}
)
# INS02 of a dependent in a 270: the coverage's relationship code, "other" as 34 (other adult).
DEPENDENT_RELATIONSHIP = {"01": "01", "19": "19", "G8": "34"}
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
    """One eligibility check of a coverage for a date of service: a 270 sent, a 271 answering it."""

    _name = "medical.eligibility.request"
    _description = "Eligibility Request (270/271)"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True
    _rec_name = "name"

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    trace_number = fields.Char(
        readonly=True, copy=False, index="btree_not_null", help="TRN02 of the 270, echoed by the 271."
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    coverage_id = fields.Many2one(
        "medical.coverage", required=True, index=True, ondelete="cascade", check_company=True, tracking=True
    )
    patient_id = fields.Many2one(related="coverage_id.patient_id", store=True, index=True)
    payer_id = fields.Many2one(related="coverage_id.payer_id", store=True)
    encounter_id = fields.Many2one(
        "medical.encounter", index="btree_not_null", ondelete="set null", check_company=True
    )
    date_service = fields.Date(
        string="Date of Service", required=True, default=fields.Date.context_today, tracking=True
    )
    service_type_codes = fields.Char(
        required=True,
        default="30",
        help="X12 service type codes asked about, separated by commas: 30 health benefit plan coverage, "
        "98 professional (physician) visit - office, ...",
    )
    provider_id = fields.Many2one(
        "res.partner",
        check_company=True,
        domain=[("is_provider", "=", True)],
        help="The provider asking (loop 2100B); the practice when empty.",
    )
    receiver_id = fields.Many2one("medical.edi.receiver", readonly=True, check_company=True, copy=False)
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, copy=False, tracking=True)
    date_sent = fields.Datetime(readonly=True, copy=False)
    date_answered = fields.Datetime(readonly=True, copy=False)
    file_reference = fields.Char(readonly=True, copy=False, help="BHT03 of the 270 file that carried it.")
    result = fields.Selection(ELIGIBILITY_RESULTS, readonly=True, copy=False, tracking=True)
    coverage_eligibility_id = fields.Many2one(
        "medical.coverage.eligibility", readonly=True, copy=False, check_company=True
    )
    # What the 271 said (written by the import)
    plan_name = fields.Char(readonly=True, copy=False)
    group_number = fields.Char(readonly=True, copy=False)
    group_name = fields.Char(readonly=True, copy=False)
    coverage_date_start = fields.Date(string="Plan Begins", readonly=True, copy=False)
    coverage_date_end = fields.Date(string="Plan Ends", readonly=True, copy=False)
    copay_amount = fields.Monetary(string="Copay", readonly=True, copy=False)
    coinsurance_percent = fields.Float(string="Coinsurance (%)", readonly=True, copy=False)
    deductible_amount = fields.Monetary(string="Deductible", readonly=True, copy=False)
    deductible_remaining = fields.Monetary(readonly=True, copy=False)
    deductible_met = fields.Boolean(
        readonly=True, copy=False, help="The 271 gave the deductible remaining in the benefit period: zero."
    )
    out_of_pocket_amount = fields.Monetary(string="Out-of-Pocket Maximum", readonly=True, copy=False)
    out_of_pocket_remaining = fields.Monetary(readonly=True, copy=False)
    prior_auth_required = fields.Boolean(string="Prior Authorization Required", readonly=True, copy=False)
    non_covered_service_types = fields.Char(readonly=True, copy=False)
    other_payers = fields.Char(
        string="Other Payers Named",
        readonly=True,
        copy=False,
        help="Payers the 271 names as other or additional payer (EB*R): a secondary coverage may be missing.",
    )
    rejection_reason = fields.Char(readonly=True, copy=False)
    follow_up_action = fields.Char(readonly=True, copy=False)
    error_message = fields.Text(readonly=True, copy=False)
    benefit_ids = fields.One2many("medical.eligibility.benefit", "request_id", readonly=True, copy=False)

    _sql_constraints = [
        ("trace_number_unique", "unique(trace_number)", "A trace number identifies one eligibility request."),
    ]

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("medical_eligibility_workflow") and any(
            WORKFLOW_FIELDS.intersection(vals) for vals in vals_list
        ):
            raise UserError(_("An eligibility request starts as a draft: send it to change its state."))
        sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            name = sequence.next_by_code("medical.eligibility.request") or "/"
            vals["name"] = name
            vals["trace_number"] = name.replace("/", "")
        return super(MedicalEligibilityRequest, self.with_context(medical_eligibility_workflow=True)).create(
            vals_list
        )

    def write(self, vals):
        if not self.env.context.get("medical_eligibility_workflow"):
            if WORKFLOW_FIELDS.intersection(vals):
                raise UserError(
                    _("The state and answer of an eligibility request change only through its actions.")
                )
            if REQUEST_FIELDS.intersection(vals):
                check_draft(self, _("A sent eligibility request cannot be changed: check again instead."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        check_draft(self, _("Only draft eligibility requests can be deleted."))

    # ------------------------------------------------------------------ helpers

    def _workflow(self):
        return self.with_context(medical_eligibility_workflow=True)

    def _service_types(self):
        self.ensure_one()
        return tuple(
            dict.fromkeys(
                code.strip().upper() for code in (self.service_type_codes or "").split(",") if code.strip()
            )
        ) or ("30",)

    @api.model
    def _prepare_for_coverage(self, coverage, date_service, encounter=None):
        return {
            "company_id": coverage.company_id.id,
            "coverage_id": coverage.id,
            "encounter_id": encounter.id if encounter else False,
            "date_service": date_service,
            "provider_id": encounter.provider_id.id if encounter and encounter.provider_id else False,
        }

    # ------------------------------------------------------------------ actions

    def action_send(self):
        """Write the draft requests as 270 files, one per receiver, into the receivers' outbox folders."""
        drafts = self.filtered(lambda r: r.state == "draft")
        if drafts != self:
            raise UserError(_("Only draft eligibility requests can be sent."))
        if not self:
            return True
        self.check_access("write")
        self._send()
        return True

    def action_retry(self):
        """A new draft request like this one (after a rejection, or to check again later)."""
        self.ensure_one()
        retry = self.create(
            {
                "company_id": self.company_id.id,
                "coverage_id": self.coverage_id.id,
                "encounter_id": self.encounter_id.id,
                "date_service": self.date_service,
                "service_type_codes": self.service_type_codes,
                "provider_id": self.provider_id.id,
            }
        )
        return retry._action_open()

    def _action_open(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "medical_billing.medical_eligibility_request_action"
        )
        if len(self) == 1:
            action.update({"view_mode": "form", "views": [(False, "form")], "res_id": self.id})
        else:
            action["domain"] = [("id", "in", self.ids)]
        return action

    # ------------------------------------------------------------------ business: 270

    def _send(self, deliver=True):
        """Group by receiver, write each file (all files checked before any is written), mark them sent.

        ``deliver=False`` (demo data) keeps the 270 as an attachment only, with no outbox folder.
        """
        Receiver = self.env["medical.edi.receiver"].sudo()
        pairs = {(r.company_id.id, r.payer_id.id) for r in self}
        receivers = Receiver._receivers_for(pairs)
        missing = self.filtered(lambda r: (r.company_id.id, r.payer_id.id) not in receivers)
        if missing:
            raise UserError(
                _(
                    "No clearinghouse takes the eligibility requests of %(refs)s: configure a default "
                    "receiver of the company.",
                    refs=", ".join(missing.mapped("name")),
                )
            )
        by_receiver = {}
        for request in self:
            by_receiver.setdefault(receivers[request.company_id.id, request.payer_id.id], self.browse())
            by_receiver[receivers[request.company_id.id, request.payer_id.id]] |= request
        files = []
        for receiver, requests in by_receiver.items():
            folder = receiver._eligibility_folder() if deliver else None
            interchange, group, first_st = Receiver._next_control_numbers(receiver.company_id)
            reference = f"E{receiver.company_id.id}-{interchange}"
            now = fields.Datetime.context_timestamp(self, fields.Datetime.now()).replace(tzinfo=None)
            ic = edi.EligibilityInterchange(
                **receiver._envelope_values(interchange, group, first_st), created=now, reference=reference
            )
            try:
                text = edi.write_270(ic, requests.sudo()._270_inquiries(), line_breaks=True)
            except edi.X12DataError as error:
                raise UserError(
                    _(
                        "The eligibility requests cannot be sent:\n%(errors)s",
                        errors="\n".join(
                            f"{key}: {message}" if key else message for key, message in error.errors
                        ),
                    )
                ) from None
            files.append((receiver, folder, requests, reference, f"270-{reference}.x12", text))
        now = fields.Datetime.now()
        for receiver, folder, requests, reference, filename, text in files:
            if folder:
                folder._write_outbox(filename, text.encode("ascii"))
            requests._workflow().write(
                {
                    "state": "sent",
                    "date_sent": now,
                    "receiver_id": receiver.id,
                    "file_reference": reference,
                }
            )
            self.env["ir.attachment"].sudo().create(
                {
                    "name": filename,
                    "raw": text.encode("ascii"),
                    "res_model": self._name,
                    "res_id": requests[0].id,
                }
            )
            _logger.info("270 %s written for %s eligibility request(s)", filename, len(requests))

    def _270_inquiries(self):
        """The requests as :class:`edi.EligibilityInquiry` (called as superuser after the rights check)."""
        inquiries = []
        for request in self:
            coverage = request.coverage_id
            company = request.company_id
            provider = request.provider_id
            if provider and provider.npi:
                last, first, _middle, _suffix = split_person_name(provider.name)
                receiver = (
                    edi.InformationReceiver(name=provider.name or "", npi=provider.npi)
                    if provider.is_company
                    else edi.InformationReceiver(name=last, first_name=first, npi=provider.npi)
                )
            else:
                receiver = edi.InformationReceiver(
                    name=company.partner_id.name or company.name or "", npi=company.medical_billing_npi or ""
                )
            subscriber_partner = coverage.subscriber_id
            is_patient = coverage.relationship == "18"
            subscriber = self._270_member(subscriber_partner, coverage, with_demographics=is_patient)
            dependent = None
            if not is_patient:
                dependent = self._270_member(
                    coverage.patient_id, coverage, with_demographics=True, dependent=True
                )
            tax_id = "".join(ch for ch in company.medical_tax_id or "" if ch.isdigit())
            inquiries.append(
                edi.EligibilityInquiry(
                    trace_number=request.trace_number or "",
                    payer_name=request.payer_id.name or "",
                    payer_id=(request.payer_id.payer_code or "").strip(),
                    provider=receiver,
                    subscriber=subscriber,
                    dependent=dependent,
                    service_date=request.date_service,
                    service_types=request._service_types(),
                    originator_id=f"1{tax_id}" if len(tax_id) == 9 else "",
                )
            )
        return inquiries

    @api.model
    def _270_member(self, partner, coverage, with_demographics, dependent=False):
        last, first, middle, _suffix = split_person_name(partner.name or "")
        gender = {"f": "F", "m": "M"}.get(partner.gender or "", "") if with_demographics else ""
        return edi.Member(
            last_name=last,
            first_name=first,
            middle_name=middle,
            member_id="" if dependent else (coverage.member_id or "").strip(),
            birth_date=(partner.birthdate or None) if with_demographics else None,
            gender=gender,
            group_number="" if dependent else (coverage.group_number or "").strip(),
            relationship=DEPENDENT_RELATIONSHIP.get(coverage.relationship, "") if dependent else "",
        )

    # ------------------------------------------------------------------ business: 271

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

    # ------------------------------------------------------------------ cron

    @api.model
    def _cron_check_tomorrow(self):
        """Check the coverage of tomorrow's visits (encounters dated tomorrow) not checked for that day."""
        tomorrow = fields.Date.context_today(self) + timedelta(days=1)
        encounters = self.env["medical.encounter"].search(
            [("date_service", "=", tomorrow), ("state", "!=", "cancel")]
        )
        requests = encounters._eligibility_requests_to_send()
        for company in requests.company_id:
            of_company = requests.filtered(lambda r, c=company: r.company_id == c)
            try:
                with self.env.cr.savepoint():
                    of_company._send()
            except UserError as error:
                _logger.warning(
                    "eligibility requests %s of company %s not sent: %s",
                    ", ".join(of_company.mapped("name")),
                    company.id,
                    error.args[0],
                )
        return requests


class MedicalEligibilityBenefit(models.Model):
    """One EB segment of a 271: a benefit, limit or note for some service types."""

    _name = "medical.eligibility.benefit"
    _description = "Eligibility Benefit (271 EB)"
    _order = "request_id, id"

    request_id = fields.Many2one("medical.eligibility.request", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="request_id.currency_id")
    code = fields.Char(string="EB01", required=True)
    name = fields.Char(string="Benefit", required=True)
    coverage_level = fields.Char()
    service_type_codes = fields.Char(string="Service Types")
    insurance_type = fields.Char()
    description = fields.Char()
    period = fields.Char()
    amount = fields.Monetary()
    has_amount = fields.Boolean()
    percent = fields.Float(string="Percent (%)")
    authorization_required = fields.Selection([("yes", "Yes"), ("no", "No")])
    in_network = fields.Char()
    note = fields.Text()


class MedicalCoverageEligibility(models.Model):
    _inherit = "medical.coverage.eligibility"

    date_service = fields.Date(
        string="For Date of Service",
        default=fields.Date.context_today,
        help="The day the check answers for (the date of service asked about).",
    )
    request_id = fields.Many2one(
        "medical.eligibility.request", readonly=True, ondelete="set null", check_company=True
    )


class MedicalCoverage(models.Model):
    _inherit = "medical.coverage"

    eligibility_request_ids = fields.One2many("medical.eligibility.request", "coverage_id")
    eligibility_request_count = fields.Integer(compute="_compute_eligibility_request_count")

    def _compute_eligibility_request_count(self):
        counts = count_by(self, "medical.eligibility.request", "coverage_id")
        for coverage in self:
            coverage.eligibility_request_count = counts.get(coverage, 0)

    def action_request_eligibility(self):
        """Front desk: send a 270 for today's visit (or the date in the context) for these coverages."""
        day = self.env.context.get("eligibility_date") or fields.Date.context_today(self)
        Request = self.env["medical.eligibility.request"]
        requests = Request.create([Request._prepare_for_coverage(c, day) for c in self])
        requests.action_send()
        return requests._action_open()

    def action_view_eligibility_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "medical_billing.medical_eligibility_request_action"
        )
        action["domain"] = [("coverage_id", "=", self.id)]
        action["context"] = {"default_coverage_id": self.id, "default_company_id": self.company_id.id}
        return action

    def _latest_eligibility_on(self, pairs):
        """``{(coverage id, day): medical.coverage.eligibility}`` of the latest check answering for a day on
        or before ``day``, for ``pairs`` of (coverage id, day); one search. A check recorded before checks had
        a date of service answers for the day it was made."""
        checks = (
            self.env["medical.coverage.eligibility"]
            .sudo()
            .search([("coverage_id", "in", list({c for c, _d in pairs}))], order="date desc, id desc")
        )
        by_coverage = {}
        for check in checks:
            day = check.date_service or fields.Date.to_date(check.date)
            by_coverage.setdefault(check.coverage_id.id, []).append((day, check))
        for entries in by_coverage.values():
            entries.sort(key=lambda entry: entry[0], reverse=True)  # stable: latest check first on a day
        result = {}
        for coverage_id, day in pairs:
            if not day:
                continue
            found = next((c for d, c in by_coverage.get(coverage_id, []) if d <= day), None)
            if found:
                result[coverage_id, day] = found
        return result
