# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The eligibility request (``medical.eligibility.request``): its fields, workflow, and the 270 it sends.

The other concerns beside it: ``medical_eligibility_answer.py`` (the 271 answer applied to the request and
the coverage, and the demo answers), ``medical_eligibility_benefit.py`` (the answer's EB lines), and the
coverage's side (its requests, the latest check on a day) in ``medical_coverage.py``.
"""

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import check_draft

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
