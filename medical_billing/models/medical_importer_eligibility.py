# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

from .. import edi
from .medical_eligibility_answer import FOLLOW_UP_ACTIONS, NOT_FOUND_REASONS


class MedicalEligibilityRequest(models.Model):
    """271 eligibility responses, imported as kind ``271`` of ``medical.importer`` (medical_importer_edi.py):
    each answer fills the request with its trace number."""

    _inherit = "medical.eligibility.request"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _check_271_rights(self):
        user = self.env.user
        if not (self.env.is_superuser() or user.has_group("medical_coding.medical_coding_group_front_desk")):
            raise AccessError(_("Only the front desk and billers import eligibility responses."))

    @api.model
    def _import_271(self, importer, data, filename):
        """Apply a 271: all its answers or nothing (an unknown or answered trace refuses the file)."""
        self._check_271_rights()
        if not data:
            raise UserError(_("Choose the 271 file to import."))
        try:
            parsed = edi.parse_271(data)
        except edi.X12Error as error:
            raise importer._refuse(filename, str(error)) from None
        segments = edi.x12_common.tokenize(data)
        checksum, key = importer._ack_envelope_checks("271", data, filename, parsed.interchange, segments)
        Request = self
        traces = [t for r in parsed.responses for t in r.trace_numbers]
        # The user's own rights and companies decide which requests the file may answer.
        requests = Request.search([("trace_number", "in", traces)]) if traces else Request
        by_trace = {r.trace_number: r for r in requests}
        plans = []
        seen = set()
        for response in parsed.responses:
            if not response.trace_numbers:
                raise importer._refuse(
                    filename,
                    _("segment %(pos)s (HL): the answer has no trace number (TRN*2).", pos=response.position),
                )
            request = next((by_trace[t] for t in response.trace_numbers if t in by_trace), None)
            shown = ", ".join(response.trace_numbers)
            if request is None:
                raise importer._refuse(
                    filename,
                    _(
                        "segment %(pos)s (HL): trace number %(trace)s matches no eligibility request "
                        "of yours.",
                        pos=response.position,
                        trace=shown,
                    ),
                )
            if request.state != "sent" or request.id in seen:
                raise importer._refuse(
                    filename,
                    _(
                        "segment %(pos)s (HL): eligibility request %(ref)s was already answered.",
                        pos=response.position,
                        ref=request.name,
                    ),
                )
            seen.add(request.id)
            plans.append((request, response))
        # A payer or provider level rejected without any subscriber level: it answers its whole 270 file.
        for reference, rejection in parsed.unmatched_rejections:
            file_requests = Request.search([("file_reference", "=", reference), ("state", "=", "sent")])
            file_requests = file_requests.filtered(lambda r: r.id not in seen)
            if not file_requests:
                raise importer._refuse(
                    filename,
                    _(
                        "segment %(pos)s (AAA): the rejection answers no sent 270 file of yours.",
                        pos=rejection.position,
                    ),
                )
            seen.update(file_requests.ids)
            plans.extend((request, rejection) for request in file_requests)
        counts = defaultdict(int)
        answered = Request
        for request, answer in plans:
            if isinstance(answer, edi.Rejection):
                request._apply_rejection(answer)
                counts["error"] += 1
            else:
                request._apply_271(answer)
                counts[request.state] += 1
            answered |= request
        return {
            "total": len(plans),
            "updated": len(plans),
            "answered": counts["answered"],
            "errors": counts["error"],
            "requests": ", ".join(answered.mapped("name")),
            "label": _(
                "271 %(number)s from %(sender)s",
                number=parsed.interchange.control_number,
                sender=parsed.interchange.sender_id,
            ),
            "interchange": key,
            "checksum": checksum,
        }

    def _apply_rejection(self, rejection):
        """A payer- or provider-level AAA without subscriber level: the request could not be answered."""
        self.ensure_one()
        now = self.env.cr.now()
        result = "not_found" if rejection.reason in NOT_FOUND_REASONS else "error"
        self._workflow().sudo().write(
            {
                "state": "error",
                "result": result,
                "date_answered": now,
                "rejection_reason": self._rejection_text(rejection),
                "follow_up_action": FOLLOW_UP_ACTIONS.get(rejection.follow_up, rejection.follow_up or "")
                or False,
            }
        )
        check = (
            self.env["medical.coverage.eligibility"]
            .sudo()
            .create(
                {
                    "coverage_id": self.coverage_id.id,
                    "date": now,
                    "date_service": self.date_service,
                    "result": result,
                    "reference": self.trace_number,
                    "request_id": self.id,
                    "user_id": self.env.user.id,
                    "notes": _("271 rejection of eligibility request %s", self.name),
                }
            )
        )
        self._workflow().sudo().write({"coverage_eligibility_id": check.id})
