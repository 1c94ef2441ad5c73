# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import _, api, fields, models

from odoo.addons.medical_coding.models.workflow import workflow_action

from ..edi.x12_codes import ENTITIES


class MedicalClaim(models.Model):
    """What a 277CA claim acknowledgement does to the claims it names."""

    # One file per concern of medical.claim (issue 10): the 277CA's effects, beside medical_claim_edi.py.
    _inherit = "medical.claim"  # pylint: disable=consider-merging-classes-inherited

    @workflow_action
    def _apply_277ca(self, ack):
        """Accept or reject each claim of ``self`` the 277CA ``ack`` names (by CLM01, its TRN02).

        Payer claim and clearinghouse trace numbers are kept, a note says what the 277CA said, a rejection
        is a finding; the batches waiting for an answer are acknowledged. Returns the counts.
        """
        by_pcn = {claim.patient_control_number: claim for claim in self}
        statuses = defaultdict(list)
        for status in ack.claims:
            statuses[status.patient_control_number].append(status)
        descriptions = self.env["medical.claim.status.code"]._describe(
            {
                (kind, code)
                for status in ack.claims
                for info in (*status.statuses, *(s for line in status.lines for s in line.statuses))
                for kind, code in (("category", info.category), ("status", info.code))
            }
        )
        to_accept, to_reject = self.browse(), self.browse()
        messages, skipped, notes = {}, [], defaultdict(list)
        for pcn, claim_statuses in statuses.items():
            claim = by_pcn[pcn]
            claim._277ca_keep_numbers(claim_statuses)
            text = claim._277ca_text(ack, claim_statuses, descriptions)
            outcome = claim._277ca_outcome(claim_statuses)
            if outcome == "reject":
                to_reject |= claim
                messages[claim.id] = text
            elif outcome == "accept":
                to_accept |= claim
                notes[claim.id].append(text)
            elif outcome == "note":
                notes[claim.id].append(text)
            else:
                skipped.append(claim)
                notes[claim.id].append(
                    _(
                        "%(text)s\nNot applied: the claim is %(state)s.",
                        text=text,
                        state=dict(claim._fields["state"].selection)[claim.state],
                    )
                )
        if to_accept:
            # The note logged below on each claim says who imported which acknowledgement: a tracking message
            # per claim on top of it would make a large 277CA several times slower.
            to_accept.with_context(tracking_disable=True).action_accept()
        if to_reject:
            to_reject.action_reject()
            to_reject._add_ack_findings("ACK_277CA_REJECTED", messages)
        noted = self.browse(list(notes))
        if noted:
            noted._message_log_batch({claim_id: "\n".join(texts) for claim_id, texts in notes.items()})
        waiting = self.batch_id.filtered(lambda b: b.state in ("generated", "sent"))
        if waiting:
            waiting.write({"state": "acknowledged", "date_acknowledged": fields.Datetime.now()})
        return {
            "total": len(statuses),
            "updated": len(to_accept) + len(to_reject),
            "accepted": len(to_accept),
            "rejected": len(to_reject),
            "skipped": len(skipped),
        }

    def _277ca_keep_numbers(self, claim_statuses):
        """The payer's claim number (REF*1K) and the clearinghouse trace number (REF*D9) of a 277CA."""
        self.ensure_one()
        values = {}
        payer_number = next(
            (s.payer_claim_control_number for s in claim_statuses if s.payer_claim_control_number), ""
        )
        trace = next(
            (s.clearinghouse_trace_number for s in claim_statuses if s.clearinghouse_trace_number), ""
        )
        if payer_number and payer_number != self.payer_claim_control_number:
            values["payer_claim_control_number"] = payer_number
        if trace and trace != self.clearinghouse_trace_number:
            values["clearinghouse_trace_number"] = trace
        if values:
            self.write(values)

    def _277ca_outcome(self, claim_statuses):
        """What a 277CA's statuses do to this claim: reject, accept, note (nothing to change) or skip."""
        self.ensure_one()
        if any(s.rejected for s in claim_statuses):
            return "reject" if self.state in ("submitted", "accepted") else "skip"
        if any(s.accepted for s in claim_statuses):
            if self.state in ("submitted", "rejected"):
                return "accept"
            return "note" if self.state == "accepted" else "skip"
        return "note"

    def _277ca_text(self, ack, claim_statuses, descriptions):
        """What a 277CA says about this claim, in words, with the status code meanings."""
        claim = self
        first = claim_statuses[0]
        # the payer is named by 2100A NM1*PR only; a clearinghouse (NM1*AY) is named as what it is
        if first.payer_name:
            source = first.payer_name
        elif first.source_name:
            source = _("%s (clearinghouse)", first.source_name)
        else:
            source = ack.interchange.sender_id
        day = (
            first.process_date
            or first.receipt_date
            or (ack.interchange.created and ack.interchange.created.date())
        )
        lines_by_number = {line.line_control_number: line for line in claim.line_ids}
        verdict = (
            _("rejected")
            if any(s.rejected for s in claim_statuses)
            else _("accepted")
            if any(s.accepted for s in claim_statuses)
            else _("reported")
        )
        parts = [
            _(
                "277CA from %(origin)s (interchange %(number)s, %(date)s): claim %(verdict)s.",
                origin=source,
                number=ack.interchange.control_number,
                date=fields.Date.to_string(day) if day else "-",
                verdict=verdict,
            )
        ]
        for status in claim_statuses:
            parts += [self._status_text(info, descriptions) for info in status.statuses]
            for line in status.lines:
                label = line.control_number or f"{line.procedure_code}"
                number = lines_by_number.get(line.control_number)
                if number:
                    label = _("line %(n)s (%(ref)s)", n=number.sequence_number, ref=line.control_number)
                parts += [
                    _(
                        "Service %(line)s: %(status)s",
                        line=label,
                        status=self._status_text(info, descriptions),
                    )
                    for info in line.statuses
                ]
            claim_level_rejected = any(info.rejected for info in status.statuses)
            for line in status.rejected_lines if not claim_level_rejected else ():
                number = lines_by_number.get(line.control_number)
                parts.append(
                    _(
                        "The claim level was accepted but service line %(line)s (control number %(ref)s) "
                        "was rejected (%(codes)s): the claim is rejected until the line is corrected and "
                        "the claim sent again.",
                        line=number.sequence_number if number else "?",
                        ref=line.control_number or "-",
                        codes=", ".join(
                            f"{info.category}:{info.code}" if info.code else info.category
                            for info in line.statuses
                            if info.rejected
                        ),
                    )
                )
            if status.payer_claim_control_number:
                parts.append(_("Payer claim number: %s", status.payer_claim_control_number))
        return "\n".join(parts)

    @api.model
    def _status_text(self, info, descriptions):
        category = descriptions.get(("category", info.category))
        code = descriptions.get(("status", info.code)) if info.code else None
        text = f"{info.category}"
        if info.code:
            text += f":{info.code}"
        meaning = " - ".join(part for part in (category, code) if part)
        if meaning:
            text += f" {meaning}"
        if info.entity:
            text += _(" (%s)", ENTITIES.get(info.entity, info.entity))
        if info.message:
            text += f" - {info.message}"
        return text
