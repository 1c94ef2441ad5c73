# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import logging
import threading

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import edi
from ..edi.x12_common import tokenize
from .medical_claim_status_code import parse_status_code_tsv

_logger = logging.getLogger(__name__)

# X12 files received, by import kind: (name in messages, parser, method applying the parsed file). The
# importer reads the file, refuses one imported before, and hands it to its method; a new kind is a new row.
# A 271 is read and applied by medical.eligibility.request (medical_importer_eligibility.py, front desk
# rights): its row has no method here, and ``_import_271`` hands the file over.
EDI_KINDS = {
    "999": ("999", edi.parse_999, "_dispatch_999"),
    "277ca": ("277CA", edi.parse_277ca, "_dispatch_277ca"),
    "271": ("271", edi.parse_271, None),
    "835": ("835", edi.parse_835, "_dispatch_835"),
}


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
            ("835", _("835 remittance advice (ERA): posted to the books")),
            ("claim-status-codes", _("Claim status codes and categories (X12 lists, TSV)")),
        ]

    @api.model
    def _practice_kinds(self):
        return super()._practice_kinds() | set(EDI_KINDS)

    @api.model
    def import_file(self, kind, data=None, filename=None, effective=None):
        """Acknowledgements: all or nothing, and a refused file is kept in the history with the reason.

        The refusal record is written by its own transaction, so it stays when the caller rolls back.
        The file is imported into the current company: it is matched against that practice's batches and
        claims only, and its history (with the file) is kept in that practice.
        """
        if kind not in EDI_KINDS:
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
        remittance_ids = counts.pop("remittance_ids", [])
        if counts.get("log_id") and remittance_ids:
            log = self.env["medical.import.log"].sudo().browse(counts["log_id"])
            self.env["medical.remittance"].sudo().browse(remittance_ids).write(
                {"import_log_id": log.id, "attachment_id": log.attachment_id.id}
            )
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
        """The error refusing a file before anything changed."""
        return UserError(
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

    def _import_271(self, data, filename, effective):
        """Answer the eligibility requests a 271 names (see medical_importer_eligibility.py)."""
        return self.env["medical.eligibility.request"]._import_271(self, data, filename)

    # ------------------------------------------------------------------ reading and dispatching

    def _import_999(self, data, filename, effective):
        """Apply a 999 to the batches it answers: rejected transaction sets send their claims back."""
        return self._import_edi("999", data, filename)

    def _import_277ca(self, data, filename, effective):
        """Accept or reject each claim a 277CA names (by its patient control number, TRN02)."""
        return self._import_edi("277ca", data, filename)

    @api.model
    def _import_edi(self, kind, data, filename):
        """Read an X12 file of an ``EDI_KINDS`` kind, refuse it if imported before, dispatch it."""
        name, parse, method = EDI_KINDS[kind]
        self._check_ack_rights()
        if not data:
            raise UserError(_("Choose the %s file to import.", name))
        try:
            parsed = parse(data)
            segments = tokenize(data)
        except edi.X12Error as error:
            raise self._refuse(filename, str(error)) from None
        checksum, key = self._ack_envelope_checks(kind, data, filename, parsed.interchange, segments)
        counts, batches = getattr(self, method)(parsed, segments, filename)
        return {
            **counts,
            "batches": ", ".join(batches.mapped("name")),
            "label": _(
                "%(kind)s %(number)s from %(sender)s",
                kind=name,
                number=parsed.interchange.control_number,
                sender=parsed.interchange.sender_id,
            ),
            "interchange": key,
            "checksum": checksum,
            "batch_ids": batches.ids,
        }

    # ------------------------------------------------------------------ 999

    @api.model
    def _dispatch_999(self, ack, segments, filename):
        """Match each group of the 999 to its batch (all of them before anything changes), apply them."""
        plans = self._999_plans(ack, segments, filename)
        counts = dict.fromkeys(
            ("sets", "sets_accepted", "sets_rejected", "batches", "claims_accepted", "claims_rejected"), 0
        )
        batches = self.env["medical.claim.batch"]
        for batch, group, answered in plans:
            for name, value in batch._apply_999(group, answered, ack).items():
                counts[name] += value
            batches |= batch
        return {
            "total": counts["sets"],
            "updated": counts["batches"] + counts["claims_rejected"],
            "sets_accepted": counts["sets_accepted"],
            "sets_rejected": counts["sets_rejected"],
            "claims_accepted": counts["claims_accepted"],
            "claims_rejected": counts["claims_rejected"],
        }, batches

    @api.model
    def _999_plans(self, ack, segments, filename):
        """[(batch, group, {ST02 of the batch: TransactionSetAck})] of a 999, or refuse it."""
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
            plans.append((batch, group, self._999_answered(batch, group, ak2s, filename)))
        return plans

    @api.model
    def _999_answered(self, batch, group, ak2_positions, filename):
        """``{ST02 of the batch: TransactionSetAck}`` of one group; refuse a set the batch does not hold."""
        sets = batch.transaction_control_numbers.split(",") if batch.transaction_control_numbers else []
        answered = {}
        for ts, position in zip(group.transaction_sets, ak2_positions, strict=True):
            match = next((st for st in sets if edi.same_control_number(st, ts.control_number)), None)
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
        return answered

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

    # ------------------------------------------------------------------ 277CA

    @api.model
    def _dispatch_277ca(self, ack, segments, filename):
        """Find the claims the 277CA names in the importing practice (or refuse it), apply it to them."""
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
        known = set(claims.mapped("patient_control_number"))
        for status in ack.claims:
            if status.patient_control_number not in known:
                raise self._refuse(
                    filename,
                    _(
                        "segment %(pos)s (TRN): claim %(pcn)s is not one of our claims: this 277CA is not "
                        "for us (or the claim belongs to a practice you cannot access).",
                        pos=status.position,
                        pcn=status.patient_control_number,
                    ),
                )
        counts = claims._apply_277ca(ack)
        return counts, claims.batch_id

    # ------------------------------------------------------------------ 835

    def _import_835(self, data, filename, effective):
        """Post the remittances of an 835 (see medical_remittance_import.py and _posting.py)."""
        return self._import_edi("835", data, filename)

    @api.model
    def _dispatch_835(self, parsed, segments, filename):
        """Build, match and post one remittance per transaction; all of them or none."""
        Remittance = self.env["medical.remittance"]
        remittances = Remittance._create_from_835(parsed, lambda reason: self._refuse(filename, reason))
        remittances.action_post()
        exceptions = remittances.claim_ids.filtered(lambda c: c.match_state == "exception")
        counts = {
            "total": len(remittances.claim_ids),
            "remittances": len(remittances),
            "posted": len(remittances.filtered(lambda r: r.state == "posted")),
            "claims_matched": len(remittances.claim_ids) - len(exceptions),
            "exceptions": len(exceptions),
            "denials": len(remittances.claim_ids.filtered("is_denial")),
            "amount": round(sum(remittances.mapped("amount")), 2),
            "remittance_ids": remittances.ids,
        }
        return counts, self.env["medical.claim.batch"]

    # ------------------------------------------------------------------ claim status code lists

    def _import_claim_status_codes(self, data, filename, effective):
        """Load an X12 claim status category or status code list (TSV) into ``medical.claim.status.code``."""
        return self._import_code_list(
            data,
            filename,
            lambda content: parse_status_code_tsv(self.env, content),
            "medical.claim.status.code",
            lambda rows: ", ".join(sorted({row["list"] for row in rows})),
        )
