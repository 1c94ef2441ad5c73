import hashlib
import logging
import threading
from collections import defaultdict
from dataclasses import replace

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.medical_coding.models.workflow import workflow_action

from .. import edi
from ..edi.x12_common import tokenize
from .medical_claim_status_code import parse_status_code_tsv

_logger = logging.getLogger(__name__)

ACK_KINDS = ("999", "277ca", "271")  # 271: medical_importer_eligibility.py

# 999 code lists (005010X231A1): what the receiver found wrong, in words a biller can act on.
IK5_STATUS = {
    "A": "accepted",
    "E": "accepted with errors noted",
    "M": "rejected: message authentication code failed",
    "P": "partially accepted",
    "R": "rejected",
    "W": "rejected: assurance failed validity tests",
    "X": "rejected: content could not be analyzed after decryption",
}
TRANSACTION_ERRORS = {  # IK502-IK506
    "1": "transaction set not supported",
    "2": "transaction set trailer missing",
    "3": "transaction set control number in header and trailer do not match",
    "4": "number of included segments does not match actual count",
    "5": "one or more segments in error",
    "6": "missing or invalid transaction set identifier",
    "7": "missing or invalid transaction set control number",
    "18": "transaction set not in functional group",
    "19": "invalid transaction set implementation convention reference",
    "23": "transaction set control number not unique within the functional group",
    "I5": "implementation: one or more segments in error",
    "I6": "implementation convention not supported",
}
SEGMENT_ERRORS = {  # IK304
    "1": "unrecognized segment",
    "2": "unexpected segment",
    "3": "required segment missing",
    "4": "loop occurs over maximum times",
    "5": "segment exceeds maximum use",
    "6": "segment not in defined transaction set",
    "7": "segment not in proper sequence",
    "8": "segment has data element errors",
    "I4": "implementation 'not used' segment present",
    "I6": "implementation dependent segment missing",
    "I7": "implementation loop occurs under minimum times",
    "I8": "implementation segment below minimum use",
    "I9": "implementation dependent 'not used' segment present",
}
ELEMENT_ERRORS = {  # IK403
    "1": "required data element missing",
    "2": "conditional required data element missing",
    "3": "too many data elements",
    "4": "data element too short",
    "5": "data element too long",
    "6": "invalid character in data element",
    "7": "invalid code value",
    "8": "invalid date",
    "9": "invalid time",
    "10": "exclusion condition violated",
    "12": "too many repetitions",
    "13": "too many components",
    "I6": "code value not used in implementation",
    "I9": "implementation dependent data element missing",
    "I10": "implementation 'not used' data element present",
    "I11": "implementation too few repetitions",
    "I12": "implementation pattern match failure",
    "I13": "implementation dependent 'not used' data element present",
}
GROUP_ERRORS = {  # AK905-AK909
    "1": "functional group not supported",
    "2": "functional group version not supported",
    "3": "functional group trailer missing",
    "4": "group control number in the header and trailer do not agree",
    "5": "number of included transaction sets does not match actual count",
    "6": "group control number violates syntax",
    "19": "functional group control number not unique within interchange",
}
# Entity identifier codes a 277CA names in STC01-3.
ENTITIES = {
    "03": "dependent",
    "1P": "provider",
    "40": "receiver",
    "41": "submitter",
    "77": "service location",
    "82": "rendering provider",
    "85": "billing provider",
    "87": "pay-to provider",
    "DK": "ordering physician",
    "DN": "referring provider",
    "DQ": "supervising physician",
    "GB": "other insured",
    "IL": "subscriber",
    "PR": "payer",
    "QC": "patient",
}


def _same_number(a, b):
    """Control numbers compare as numbers (``000000042`` is ``42``)."""
    a, b = str(a or "").strip(), str(b or "").strip()
    if a.isdigit() and b.isdigit():
        return int(a) == int(b)
    return a == b


class _Refused(UserError):
    """An acknowledgement refused before anything changed."""


class MedicalImporter(models.AbstractModel):
    """Acknowledgements of the 837P batches (999, 277CA) and the claim status code lists as import kinds."""

    _inherit = "medical.importer"

    @api.model
    def _import_kinds(self):
        return [
            *super()._import_kinds(),
            ("999", _("999 acknowledgement of an 837P batch")),
            ("277ca", _("277CA claim acknowledgement")),
            ("271", _("271 eligibility response")),
            ("claim-status-codes", _("Claim status codes and categories (X12 lists, TSV)")),
        ]

    @api.model
    def _practice_kinds(self):
        return super()._practice_kinds() | set(ACK_KINDS)

    @api.model
    def import_file(self, kind, data=None, filename=None, effective=None):
        """Acknowledgements: all or nothing, and a refused file is kept in the history with the reason.

        The refusal record is written by its own transaction, so it stays when the caller rolls back.
        The file is imported into the current company: it is matched against that practice's batches and
        claims only, and its history (with the file) is kept in that practice.
        """
        if kind not in ACK_KINDS:
            return super().import_file(kind, data, filename, effective)
        data = self._import_content(data)
        try:
            with self.env.cr.savepoint():
                counts = super().import_file(kind, data, filename, effective)
        except AccessError:
            raise
        except UserError as error:
            self._keep_refused_file(kind, data, filename, error.args[0])
            raise
        batch_ids = counts.pop("batch_ids", [])
        if counts.get("log_id"):
            self.env["medical.import.log"].sudo().browse(counts["log_id"]).write(
                {
                    "edi_checksum": counts.get("checksum"),
                    "edi_interchange_key": counts.get("interchange"),
                    "claim_batch_ids": [Command.set(batch_ids)],
                }
            )
        return counts

    @api.model
    def _keep_refused_file(self, kind, data, filename, message):
        """The history record of a refused file, with the file, committed whatever the caller does."""
        values = {
            "kind": kind,
            "filename": filename or False,
            "state": "refused",
            "error": message,
            "summary": message,
            "edi_checksum": hashlib.sha256(data).hexdigest() if data else False,
        }

        def write(env):
            log = env["medical.import.log"].sudo().create(values)
            if data:
                log.attachment_id = (
                    env["ir.attachment"]
                    .sudo()
                    .create(
                        {
                            "name": filename or f"{kind}-refused",
                            "raw": data,
                            "res_model": "medical.import.log",
                            "res_id": log.id,
                        }
                    )
                )
            return log

        if getattr(threading.current_thread(), "testing", False):
            # Tests run in one transaction: keep the record in it (a test sees it when it does not roll back).
            return write(self.env).id
        with self.env.registry.cursor() as cr:
            log_id = write(api.Environment(cr, self.env.uid, self.env.context)).id
        return log_id

    # ------------------------------------------------------------------ shared

    @api.model
    def _check_ack_rights(self):
        if not (
            self.env.is_superuser() or self.env.user.has_group("medical_coding.medical_coding_group_biller")
        ):
            raise AccessError(_("Only billers import acknowledgements."))

    @api.model
    def _refuse(self, filename, reason):
        return _Refused(
            _(
                "%(file)s was refused, nothing was changed.\n%(reason)s",
                file=filename or _("The file"),
                reason=reason,
            )
        )

    @api.model
    def _ack_envelope_checks(self, kind, data, filename, interchange, segments):
        """Refuse a file imported before (same content, or same sender and ISA13); return its keys."""
        checksum = hashlib.sha256(data).hexdigest()
        key = f"{kind}:{interchange.sender_qualifier}:{interchange.sender_id}:{interchange.control_number}"
        # Searched as superuser within the importing practice only: the refusal names the earlier file.
        Log = self.env["medical.import.log"].sudo()
        earlier = Log.search(
            [
                ("company_id", "=", self.env.company.id),
                ("kind", "=", kind),
                ("state", "in", ("done", "unchanged")),
                "|",
                ("edi_checksum", "=", checksum),
                ("edi_interchange_key", "=", key),
            ],
            limit=1,
        )
        if earlier:
            what = (
                _("this file")
                if earlier.edi_checksum == checksum
                else _(
                    "interchange %(number)s from %(sender)s",
                    number=interchange.control_number,
                    sender=interchange.sender_id,
                )
            )
            raise self._refuse(
                filename,
                _(
                    "segment 1 (ISA): %(what)s was already imported on %(date)s (%(file)s, history #%(id)s).",
                    what=what,
                    date=fields.Datetime.to_string(earlier.date),
                    file=earlier.filename or "",
                    id=earlier.id,
                ),
            )
        return checksum, key

    # ------------------------------------------------------------------ 271 (medical_importer_eligibility.py)

    def _import_271(self, data, filename, effective):
        return self.env["medical.eligibility.request"]._import_271(self, data, filename)

    # ------------------------------------------------------------------ 999

    def _import_999(self, data, filename, effective):
        """Apply a 999 to the batches it answers: rejected transaction sets send their claims back."""
        self._check_ack_rights()
        if not data:
            raise UserError(_("Choose the 999 file to import."))
        try:
            ack = edi.parse_999(data)
            segments = tokenize(data)
        except edi.X12Error as error:
            raise self._refuse(filename, str(error)) from None
        checksum, key = self._ack_envelope_checks("999", data, filename, ack.interchange, segments)
        # Positions of each group's AK1 and of its AK2s, to name them in messages.
        ak1_positions, ak2_positions = [], []
        for seg in segments:
            if seg.id == "AK1":
                ak1_positions.append(seg.position)
                ak2_positions.append([])
            elif seg.id == "AK2" and ak2_positions:
                ak2_positions[-1].append(seg.position)
        plans = []
        seen_batches = set()
        for group, ak1, ak2s in zip(ack.groups, ak1_positions, ak2_positions, strict=True):
            batch = self._999_batch(group, ack.interchange, ak1, filename)
            if batch.id in seen_batches:
                raise self._refuse(
                    filename,
                    _(
                        "segment %(pos)s (AK1): the file answers batch %(batch)s twice.",
                        pos=ak1,
                        batch=batch.name,
                    ),
                )
            seen_batches.add(batch.id)
            sets = batch.transaction_control_numbers.split(",") if batch.transaction_control_numbers else []
            answered = {}
            for ts, position in zip(group.transaction_sets, ak2s, strict=True):
                match = next((st for st in sets if _same_number(st, ts.control_number)), None)
                if ts.set_id != "837" or match is None:
                    raise self._refuse(
                        filename,
                        _(
                            "segment %(pos)s (AK2): transaction set %(set)s %(number)s is not in batch "
                            "%(batch)s (it holds %(sets)s).",
                            pos=position,
                            set=ts.set_id,
                            number=ts.control_number,
                            batch=batch.name,
                            sets=", ".join(sets),
                        ),
                    )
                answered[match] = ts
            plans.append((batch, group, answered, sets))

        counts = defaultdict(int)
        batches = self.env["medical.claim.batch"]
        for batch, group, answered, sets in plans:
            self._apply_999_group(batch, group, answered, sets, ack, counts)
            batches |= batch
        return {
            "total": counts["sets"],
            "updated": counts["batches"] + counts["claims_rejected"],
            "sets_accepted": counts["sets_accepted"],
            "sets_rejected": counts["sets_rejected"],
            "claims_accepted": counts["claims_accepted"],
            "claims_rejected": counts["claims_rejected"],
            "batches": ", ".join(batches.mapped("name")),
            "label": _(
                "999 %(number)s from %(sender)s",
                number=ack.interchange.control_number,
                sender=ack.interchange.sender_id,
            ),
            "interchange": key,
            "checksum": checksum,
            "batch_ids": batches.ids,
        }

    @api.model
    def _999_batch(self, group, interchange, ak1_position, filename):
        """The batch a 999 functional group answers (GS06 = AK102, addressed to its sender); or refuse."""
        where = f"segment {ak1_position} (AK1)"
        if group.functional_id != "HC" or not group.version.startswith("005010X222"):
            raise self._refuse(
                filename,
                _(
                    "%(where)s: it answers a %(id)s %(version)s group, not an 837P professional claim batch.",
                    where=where,
                    id=group.functional_id,
                    version=group.version,
                ),
            )
        if not group.group_control_number.isdigit():
            raise self._refuse(filename, _("%(where)s: AK102 is not a group control number.", where=where))
        candidates = self.env["medical.claim.batch"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("group_control_number", "=", int(group.group_control_number)),
                ("state", "in", ("generated", "sent", "acknowledged")),
            ]
        )
        ours = candidates.filtered(
            lambda b: (b.receiver_id.sender_code or "").strip().upper() == interchange.receiver_id.upper()
        )
        if len(ours) > 1:
            ours = ours.filtered(
                lambda b: (b.receiver_id.receiver_interchange_code or "").strip().upper()
                == interchange.sender_id.upper()
            )
        if len(ours) != 1:
            raise self._refuse(
                filename,
                _(
                    "%(where)s: no batch sent to %(sender)s as %(receiver)s has group control number "
                    "%(number)s: this 999 is not for us.",
                    where=where,
                    sender=interchange.sender_id,
                    receiver=interchange.receiver_id,
                    number=group.group_control_number,
                ),
            )
        if ours.ack_status:
            raise self._refuse(
                filename,
                _(
                    "%(where)s: batch %(batch)s was already acknowledged by a 999 (%(result)s).",
                    where=where,
                    batch=ours.name,
                    result=dict(ours._fields["ack_status"].selection)[ours.ack_status],
                ),
            )
        return ours

    @api.model
    @workflow_action
    def _apply_999_group(self, batch, group, answered, sets, ack, counts):
        """Claims of rejected transaction sets back to ready with the errors; the batch acknowledged."""
        accepted_sets, rejected_sets, notes = [], [], []
        for st in sets:
            ts = answered.get(st)
            if ts is not None:
                ok = ts.accepted
            elif group.status in ("A", "E"):
                ok = True
            elif group.status in ("R", "M", "W", "X"):
                ok = False
            else:
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
        counts["sets"] += len(accepted_sets) + len(rejected_sets)
        counts["sets_accepted"] += len(accepted_sets)
        counts["sets_rejected"] += len(rejected_sets)
        counts["batches"] += 1
        claims = batch.claim_ids.filtered(lambda c: c.batch_id == batch)
        counts["claims_accepted"] += len(
            claims.filtered(lambda c: c.edi_transaction_number in accepted_sets and c.state == "submitted")
        )
        received = ack.interchange.created or fields.Datetime.now()
        # accepted with errors noted: an error whose CTX names a claim (CLM01) is noted on that claim too
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
                            batch=batch.name,
                            errors=self._999_errors(replace(ts, error_codes=(), segment_errors=(seg_error,))),
                        )
                    )
        if claim_notes:
            self.env["medical.claim"].browse(list(claim_notes))._message_log_batch(
                {claim_id: "\n".join(texts) for claim_id, texts in claim_notes.items()}
            )
        for st in rejected_sets:
            ts = answered.get(st)
            st_claims = claims.filtered(
                lambda c, st=st: c.edi_transaction_number == st and c.state == "submitted"
            )
            if not st_claims:
                continue
            errors = self._999_errors(ts) if ts else ""
            group_errors = ", ".join(GROUP_ERRORS.get(code, code) for code in group.error_codes)
            # the claims in error: named by the CTX of an IK3 (CTX*CLM01:<CLM01>), else found by the
            # error's segment position in the file sent
            at_fault = set()
            if ts:
                at_fault = {e.claim_reference for e in ts.segment_errors if e.claim_reference}
                unnamed = [e.position for e in ts.segment_errors if not e.claim_reference]
                at_fault |= set(self._claims_at_positions(batch, st, unnamed).values())
                at_fault &= set(st_claims.mapped("patient_control_number"))
            messages = {}
            for claim in st_claims:
                parts = [
                    _(
                        "The receiver's 999 (interchange %(number)s of %(date)s) rejected transaction set "
                        "%(st)s of batch %(batch)s: %(status)s.",
                        number=ack.interchange.control_number,
                        date=fields.Date.to_string(received),
                        st=st,
                        batch=batch.name,
                        status=IK5_STATUS.get(ts.status if ts else group.status, _("rejected")),
                    )
                ]
                if errors:
                    parts.append(errors)
                if group_errors:
                    parts.append(_("Group: %s.", group_errors))
                if at_fault:
                    if claim.patient_control_number in at_fault:
                        parts.append(
                            _("The error is in this claim: correct it, validate it and send it again.")
                        )
                    else:
                        parts.append(
                            _(
                                "The error is in another claim of the same transaction set (%(claims)s): "
                                "this claim can be validated and sent again as it is.",
                                claims=", ".join(sorted(at_fault)),
                            )
                        )
                messages[claim.id] = "\n".join(parts)
            st_claims.write({"state": "ready", "date_submitted": False})
            st_claims._add_ack_findings("ACK_999_REJECTED", messages)
            counts["claims_rejected"] += len(st_claims)
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
        if not batch.date_sent:
            values["date_sent"] = batch.date_generated
        batch.write(values)
        batch.message_post(body=summary)

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

    @api.model
    def _claims_at_positions(self, batch, st, positions):
        """``{position: CLM01}``: the claim holding each segment position (counted from ST) of one set."""
        if not positions or not batch.attachment_id:
            return {}
        try:
            segments = tokenize(batch.attachment_id.sudo().raw)
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
            if current_st is not None and _same_number(current_st, st):
                position = seg.position - offset
                if position in wanted and pcn:
                    found[position] = pcn
        return found

    # ------------------------------------------------------------------ 277CA

    def _import_277ca(self, data, filename, effective):
        """Accept or reject each claim a 277CA names (by its patient control number, TRN02)."""
        self._check_ack_rights()
        if not data:
            raise UserError(_("Choose the 277CA file to import."))
        try:
            ack = edi.parse_277ca(data)
            segments = tokenize(data)
        except edi.X12Error as error:
            raise self._refuse(filename, str(error)) from None
        checksum, key = self._ack_envelope_checks("277ca", data, filename, ack.interchange, segments)
        if not ack.claims:
            last = segments[-1]
            raise self._refuse(
                filename,
                _(
                    "segment %(pos)s (%(id)s): the 277CA acknowledges no claim.",
                    pos=last.position,
                    id=last.id,
                ),
            )
        pcns = {status.patient_control_number for status in ack.claims}
        claims = self.env["medical.claim"].search(
            [("company_id", "=", self.env.company.id), ("patient_control_number", "in", list(pcns))]
        )
        by_pcn = {claim.patient_control_number: claim for claim in claims}
        for status in ack.claims:
            if status.patient_control_number not in by_pcn:
                raise self._refuse(
                    filename,
                    _(
                        "segment %(pos)s (TRN): claim %(pcn)s is not one of our claims: this 277CA is not "
                        "for us (or the claim belongs to a practice you cannot access).",
                        pos=status.position,
                        pcn=status.patient_control_number,
                    ),
                )
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
        to_accept, to_reject = self.env["medical.claim"], self.env["medical.claim"]
        messages, skipped, notes = {}, [], defaultdict(list)
        for pcn, claim_statuses in statuses.items():
            claim = by_pcn[pcn]
            rejected = any(s.rejected for s in claim_statuses)
            accepted = not rejected and any(s.accepted for s in claim_statuses)
            values = {}
            payer_number = next(
                (s.payer_claim_control_number for s in claim_statuses if s.payer_claim_control_number), ""
            )
            trace = next(
                (s.clearinghouse_trace_number for s in claim_statuses if s.clearinghouse_trace_number), ""
            )
            if payer_number and payer_number != claim.payer_claim_control_number:
                values["payer_claim_control_number"] = payer_number
            if trace and trace != claim.clearinghouse_trace_number:
                values["clearinghouse_trace_number"] = trace
            if values:
                claim.write(values)
            text = self._277ca_text(ack, claim_statuses, descriptions, claim)
            if rejected:
                if claim.state in ("submitted", "accepted"):
                    to_reject |= claim
                    messages[claim.id] = text
                    continue
            elif accepted:
                if claim.state in ("submitted", "rejected"):
                    to_accept |= claim
                    notes[claim.id].append(text)
                    continue
                if claim.state == "accepted":
                    notes[claim.id].append(text)
                    continue
            else:
                notes[claim.id].append(text)
                continue
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
        noted = self.env["medical.claim"].browse(list(notes))
        if noted:
            noted._message_log_batch({claim_id: "\n".join(texts) for claim_id, texts in notes.items()})
        batches = claims.batch_id
        waiting = batches.filtered(lambda b: b.state in ("generated", "sent"))
        if waiting:
            waiting.write({"state": "acknowledged", "date_acknowledged": fields.Datetime.now()})
        return {
            "total": len(statuses),
            "updated": len(to_accept) + len(to_reject),
            "accepted": len(to_accept),
            "rejected": len(to_reject),
            "skipped": len(skipped),
            "batches": ", ".join(batches.mapped("name")),
            "label": _(
                "277CA %(number)s from %(sender)s",
                number=ack.interchange.control_number,
                sender=ack.interchange.sender_id,
            ),
            "interchange": key,
            "checksum": checksum,
            "batch_ids": batches.ids,
        }

    @api.model
    def _277ca_text(self, ack, claim_statuses, descriptions, claim):
        """What a 277CA says about one claim, in words, with the status code meanings."""
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

    # ------------------------------------------------------------------ claim status code lists

    def _import_claim_status_codes(self, data, filename, effective):
        """Load an X12 claim status category or status code list (TSV) into ``medical.claim.status.code``."""
        if not (
            self.env.is_superuser() or self.env.user.has_group("medical_coding.medical_coding_group_manager")
        ):
            raise AccessError(_("Only a Medical Manager may import code lists."))
        if not data:
            raise UserError(_("Choose the code list file to import."))
        try:
            rows = parse_status_code_tsv(self.env, data)
        except UserError as error:
            raise UserError(
                _(
                    "%(file)s was not imported, nothing was changed.\n%(problem)s",
                    file=filename or _("The file"),
                    problem=error.args[0],
                )
            ) from None
        counts = self.env["medical.claim.status.code"]._load_rows(rows)
        kinds = {row["list"] for row in rows}
        counts["label"] = ", ".join(sorted(kinds))
        return counts
