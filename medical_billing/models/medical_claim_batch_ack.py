# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from odoo import _, api, fields, models

from odoo.addons.medical_coding.models.workflow import workflow_action

from .. import edi
from ..edi import x12_ack_writer as ack_writer
from ..edi.x12_codes import ELEMENT_ERRORS, GROUP_ERRORS, IK5_STATUS, SEGMENT_ERRORS, TRANSACTION_ERRORS
from ..edi.x12_common import tokenize

# IK501 / AK901 of a transaction set the 999 does not name, by the status of its group.
_GROUP_ACCEPTS = {"A": True, "E": True, "R": False, "M": False, "W": False, "X": False}


class MedicalClaimBatch(models.Model):
    """What a 999 acknowledgement does to a batch and its claims, and the demo data's acknowledgements."""

    _inherit = "medical.claim.batch"

    # ------------------------------------------------------------------ 999

    @workflow_action
    def _apply_999(self, group, answered, ack):
        """Apply one 999 functional group (``answered``: {ST02 of the batch: TransactionSetAck}).

        Claims of rejected transaction sets go back to ready with the errors; errors noted in accepted
        sets are noted on the claims they name; the batch is acknowledged. Returns the counts.
        """
        self.ensure_one()
        accepted_sets, rejected_sets, notes = self._999_outcomes(group, answered)
        claims = self.claim_ids.filtered(lambda c: c.batch_id == self)
        counts = {
            "sets": len(accepted_sets) + len(rejected_sets),
            "sets_accepted": len(accepted_sets),
            "sets_rejected": len(rejected_sets),
            "batches": 1,
            "claims_accepted": len(
                claims.filtered(
                    lambda c: c.edi_transaction_number in accepted_sets and c.state == "submitted"
                )
            ),
            "claims_rejected": 0,
        }
        self._999_note_errors(claims, accepted_sets, answered, ack)
        for st in rejected_sets:
            counts["claims_rejected"] += self._999_reject_set(claims, st, answered.get(st), group, ack)
        self._999_acknowledge(ack, accepted_sets, rejected_sets, notes)
        return counts

    def _999_outcomes(self, group, answered):
        """(accepted ST02s, rejected ST02s, notes) of the batch's transaction sets."""
        accepted_sets, rejected_sets, notes = [], [], []
        sets = self.transaction_control_numbers.split(",") if self.transaction_control_numbers else []
        for st in sets:
            ts = answered.get(st)
            ok = ts.accepted if ts is not None else _GROUP_ACCEPTS.get(group.status)
            if ok is None:
                notes.append(_("Transaction set %s: not answered by the 999.", st))
                continue
            (accepted_sets if ok else rejected_sets).append(st)
            if ts is not None and ts.status == "E":
                notes.append(
                    _(
                        "Transaction set %(st)s accepted with errors noted: %(errors)s",
                        st=st,
                        errors=self._999_errors(ts) or "-",
                    )
                )
        return accepted_sets, rejected_sets, notes

    def _999_note_errors(self, claims, accepted_sets, answered, ack):
        """Accepted with errors noted: an error whose CTX names a claim (CLM01) is noted on that claim too."""
        claim_notes = defaultdict(list)
        for st in accepted_sets:
            ts = answered.get(st)
            if ts is None or ts.status != "E":
                continue
            st_claims = claims.filtered(lambda c, st=st: c.edi_transaction_number == st)
            by_pcn = {claim.patient_control_number: claim for claim in st_claims}
            for seg_error in ts.segment_errors:
                claim = by_pcn.get(seg_error.claim_reference)
                if claim:
                    claim_notes[claim.id].append(
                        _(
                            "The receiver's 999 (interchange %(number)s) accepted transaction set %(st)s of "
                            "batch %(batch)s with an error noted in this claim: %(errors)s",
                            number=ack.interchange.control_number,
                            st=st,
                            batch=self.name,
                            errors=self._999_errors(replace(ts, error_codes=(), segment_errors=(seg_error,))),
                        )
                    )
        if claim_notes:
            self.env["medical.claim"].browse(list(claim_notes))._message_log_batch(
                {claim_id: "\n".join(texts) for claim_id, texts in claim_notes.items()}
            )

    def _999_reject_set(self, claims, st, ts, group, ack):
        """The submitted claims of a rejected transaction set back to ready, with why; returns how many."""
        st_claims = claims.filtered(lambda c: c.edi_transaction_number == st and c.state == "submitted")
        if not st_claims:
            return 0
        received = ack.interchange.created or fields.Datetime.now()
        parts = [
            _(
                "The receiver's 999 (interchange %(number)s of %(date)s) rejected transaction set "
                "%(st)s of batch %(batch)s: %(status)s.",
                number=ack.interchange.control_number,
                date=fields.Date.to_string(received),
                st=st,
                batch=self.name,
                status=IK5_STATUS.get(ts.status if ts else group.status, _("rejected")),
            )
        ]
        errors = self._999_errors(ts) if ts else ""
        if errors:
            parts.append(errors)
        group_errors = ", ".join(GROUP_ERRORS.get(code, code) for code in group.error_codes)
        if group_errors:
            parts.append(_("Group: %s.", group_errors))
        at_fault = self._999_claims_at_fault(st, ts, st_claims)
        messages = {claim.id: "\n".join(parts + self._999_fault_text(claim, at_fault)) for claim in st_claims}
        st_claims.write({"state": "ready", "date_submitted": False})
        st_claims._add_ack_findings("ACK_999_REJECTED", messages)
        return len(st_claims)

    def _999_claims_at_fault(self, st, ts, st_claims):
        """CLM01 of the claims in error: named by the CTX of an IK3 (CTX*CLM01:<CLM01>), else found by the
        error's segment position in the file sent."""
        if not ts:
            return set()
        at_fault = {e.claim_reference for e in ts.segment_errors if e.claim_reference}
        unnamed = [e.position for e in ts.segment_errors if not e.claim_reference]
        at_fault |= set(self._claims_at_positions(st, unnamed).values())
        return at_fault & set(st_claims.mapped("patient_control_number"))

    @api.model
    def _999_fault_text(self, claim, at_fault):
        if not at_fault:
            return []
        if claim.patient_control_number in at_fault:
            return [_("The error is in this claim: correct it, validate it and send it again.")]
        return [
            _(
                "The error is in another claim of the same transaction set (%(claims)s): "
                "this claim can be validated and sent again as it is.",
                claims=", ".join(sorted(at_fault)),
            )
        ]

    def _999_acknowledge(self, ack, accepted_sets, rejected_sets, notes):
        status = "accepted" if not rejected_sets else "rejected" if not accepted_sets else "partial"
        summary = _(
            "999 interchange %(number)s from %(sender)s: %(accepted)s transaction set(s) accepted, "
            "%(rejected)s rejected.",
            number=ack.interchange.control_number,
            sender=ack.interchange.sender_id,
            accepted=len(accepted_sets),
            rejected=len(rejected_sets),
        )
        values = {
            "state": "acknowledged",
            "ack_status": status,
            "date_acknowledged": fields.Datetime.now(),
            "ack_message": "\n".join([summary, *notes]),
        }
        if not self.date_sent:
            values["date_sent"] = self.date_generated
        self.write(values)
        self.message_post(body=summary)

    @api.model
    def _999_errors(self, ts):
        """The errors of one IK5 transaction set response in words (no claim data but the bad values)."""
        parts = []
        if ts.error_codes:
            parts.append(", ".join(TRANSACTION_ERRORS.get(code, code) for code in ts.error_codes) + ".")
        for seg_error in ts.segment_errors:
            context = "".join(
                _(
                    ", triggered by %(segment)s at position %(position)s",
                    segment=c.segment_id,
                    position=c.segment_position,
                )
                for c in seg_error.contexts
                if c.segment_id and c.segment_position
            )
            text = _(
                "Segment %(segment)s at position %(position)s%(loop)s%(claim)s%(context)s: %(problem)s.",
                segment=seg_error.segment_id,
                position=seg_error.position,
                loop=_(" (loop %s)", seg_error.loop_id) if seg_error.loop_id else "",
                claim=_(" of claim %s", seg_error.claim_reference) if seg_error.claim_reference else "",
                context=context,
                problem=SEGMENT_ERRORS.get(seg_error.code, seg_error.code or _("error")),
            )
            for element in seg_error.element_errors:
                where = f"{seg_error.segment_id}{element.position:02d}"
                if element.component:
                    where += f"-{element.component}"
                text += " " + _(
                    "Element %(where)s (data element %(reference)s): %(problem)s%(value)s.",
                    where=where,
                    reference=element.reference or "?",
                    problem=ELEMENT_ERRORS.get(element.code, element.code),
                    value=_(", value %r", element.bad_value) if element.bad_value else "",
                )
            parts.append(text)
        return " ".join(parts)

    def _claims_at_positions(self, st, positions):
        """``{position: CLM01}``: the claim holding each segment position (counted from ST) of one set."""
        self.ensure_one()
        if not positions or not self.attachment_id:
            return {}
        try:
            segments = tokenize(self.attachment_id.sudo().raw)
        except edi.X12Error:
            return {}
        wanted = set(positions)
        found = {}
        current_st, offset, pcn = None, 0, None
        for seg in segments:
            if seg.id == "ST":
                current_st, offset, pcn = seg[2], seg.position - 1, None
            elif seg.id == "HL":  # a new level: its segments are not the previous claim's
                pcn = None
            elif seg.id == "CLM":
                pcn = seg[1]
            if current_st is not None and edi.same_control_number(current_st, st):
                position = seg.position - offset
                if position in wanted and pcn:
                    found[position] = pcn
        return found

    # ------------------------------------------------------------------ demo data

    @api.model
    def _demo_send_and_acknowledge(self, claim_ids, rejected_ids, xml_id):
        """Demo data: batch the ready claims, write and send the file, then import the clearinghouse's 999
        (all accepted) and the payer's 277CA (``rejected_ids`` rejected, the others accepted)."""
        if self.env.ref(f"medical_billing.{xml_id}", raise_if_not_found=False):
            return
        claims = self.env["medical.claim"].browse(claim_ids).filtered(lambda c: c.state == "ready")
        if not claims:
            return
        batch = self._add_claims_to_batches(claims, strict=True)
        self.env["ir.model.data"].create(
            {
                "module": "medical_billing",
                "name": xml_id,
                "model": self._name,
                "res_id": batch.id,
                "noupdate": True,
            }
        )
        batch.action_generate()
        batch.action_mark_sent()
        importer = self.env["medical.importer"]
        importer.import_file("999", batch._demo_999(), f"{batch.filename[:-4]}.999")
        importer.import_file("277ca", batch._demo_277ca(set(rejected_ids)), f"{batch.filename[:-4]}.277")

    def _demo_envelope(self):
        """The envelope keywords of an acknowledgement from this batch's receiver back to the practice."""
        receiver = self.receiver_id
        return {
            "sender": receiver.receiver_interchange_code,
            "receiver": receiver.sender_code,
            "sender_qualifier": receiver.receiver_qualifier,
            "receiver_qualifier": receiver.sender_qualifier,
            "created": fields.Datetime.now(),
            "usage": self.usage_indicator or "T",
            "line_breaks": True,
        }

    def _demo_999(self):
        """Demo data: the 999 a clearinghouse returns accepting every transaction set of the batch."""
        self.ensure_one()
        control = 500_000_000 + self.interchange_control_number
        answers = [(st, "A", ()) for st in self.transaction_control_numbers.split(",")]
        text = ack_writer.ack_999(
            self.group_control_number, answers, control=control, group=control, **self._demo_envelope()
        )
        return text.encode("ascii")

    def _demo_277ca(self, rejected_ids):
        """Demo data: the payer's 277CA for the claims of the batch, rejecting ``rejected_ids`` (NPI)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        company = self.company_id
        source = ack_writer.Source277(
            source="NM1*PR*2*DEMO PAYER ACKNOWLEDGEMENTS*****PI*DEMO277",
            trace=str(self.interchange_control_number),
            answered=today,
            receipt_date=today,
            process_date=today,
            submitter_name=self.receiver_id.submitter_name.upper()[:35],
            submitter_id=self.receiver_id.submitter_code,
            batch_trace=self.name,
            provider_name=company.name.upper()[:35],
            provider_npi=company.medical_billing_npi,
            reference=str(self.interchange_control_number),
        )
        claims = []
        for claim in self.claim_ids.sorted("id"):
            rejected = claim.id in rejected_ids
            claims.append(
                ack_writer.ClaimAck277(
                    patient_control_number=claim.patient_control_number,
                    status="A7:562:82" if rejected else "A2:20:PR",
                    action="U" if rejected else "WQ",
                    amount=Decimal(f"{claim.amount_total:.2f}"),
                    last_name="PATIENT",
                    first_name="DEMO",
                    member_id=claim.member_id or "UNKNOWN",
                    date=today,
                    message="NPI NOT ON FILE" if rejected else "",
                    extra=(
                        *(() if rejected else (f"REF*1K*DEMO{claim.id:08d}",)),
                        f"DTP*472*D8*{claim.date_service:%Y%m%d}",
                    ),
                )
            )
        control = 600_000_000 + self.interchange_control_number
        text = ack_writer.ack_277ca(
            source,
            claims,
            total=Decimal(f"{self.amount_total:.2f}"),
            control=control,
            group=control,
            **self._demo_envelope(),
        )
        return text.encode("ascii")
