import logging
import re
from collections import defaultdict
from decimal import Decimal

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import workflow_action

from .. import edi

_logger = logging.getLogger(__name__)

BATCH_STATES = [
    ("draft", "Draft"),
    ("generated", "Generated"),
    ("sent", "Sent"),
    ("acknowledged", "Acknowledged"),
]
ACK_STATUSES = [
    ("accepted", "Accepted"),
    ("partial", "Partially Accepted"),
    ("rejected", "Rejected"),
]
# SBR01 of each coverage priority.
RESPONSIBILITY = {"primary": "P", "secondary": "S", "tertiary": "T"}
# CLM01 of each claim and the ST02 of the transaction set it sits in, read back from a written file.
_ST_OR_CLM = re.compile(r"(?:^|~)\s*(?:ST\*837\*([0-9]+)|CLM\*([^*~]+))")
_NAME_TITLES = frozenset("DR MR MRS MS MISS PROF".split())
_NAME_SUFFIXES = frozenset("JR SR II III IV V MD DO PHD".split())
_CENT_CACHE_SIZE = 10_000
_LETTERS = "ABCDEFGHIJKL"
# Partner columns of a claim, and what is read of those partners.
PARTNER_FIELDS = (
    "patient_id",
    "payer_id",
    "billing_provider_id",
    "rendering_provider_id",
    "referring_provider_id",
    "facility_id",
)
PARTNER_READ = [
    "name",
    "is_company",
    "street",
    "street2",
    "city",
    "state_id",
    "zip",
    "country_id",
    "birthdate",
    "gender",
    "npi",
    "taxonomy_code",
    "payer_code",
    "claim_filing_indicator",
]


def split_person_name(name):
    """(last, first, middle, suffix) of a person's display name.

    Reads "Last, First Middle" when there is a comma, else "First Middle Last"; titles (Dr, Mrs ...) are
    dropped and a trailing Jr / Sr / II ... is the suffix. Partners hold one name field: this is the one
    place that decides how it splits for claims.
    """
    text = " ".join((name or "").replace(".", ". ").split())
    suffix = ""
    if "," in text:
        last, _sep, rest = text.partition(",")
        words = rest.split()
        if words and words[-1].rstrip(".").upper() in _NAME_SUFFIXES:
            suffix = words.pop().rstrip(".")
        words = [w for w in words if w.rstrip(".").upper() not in _NAME_TITLES]
        last_words = last.split()
        if len(last_words) > 1 and last_words[-1].rstrip(".").upper() in _NAME_SUFFIXES:
            suffix = last_words.pop().rstrip(".")
        last = " ".join(last_words)
    else:
        words = [w for w in text.split() if w.rstrip(".").upper() not in _NAME_TITLES]
        if len(words) > 1 and words[-1].rstrip(".,").upper() in _NAME_SUFFIXES:
            suffix = words.pop().rstrip(".,")
        last = words.pop() if words else ""
    first = words[0].rstrip(".") if words else ""
    middle = " ".join(w.rstrip(".") for w in words[1:])
    return last.strip(), first, middle, suffix


class MedicalClaimBatch(models.Model):
    """An 837P file: ready claims for one receiver (clearinghouse), its control numbers and its fate.

    draft (claims collected) -> generated (file written, claims submitted) -> sent (handed to the receiver)
    -> acknowledged (a 999 answered for it). The file itself is kept as an attachment.
    """

    _name = "medical.claim.batch"
    _description = "Claim Batch (837P File)"
    _inherit = ["mail.thread", "mail.activity.mixin", "medical.company.check.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default=lambda self: _("New"))
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    receiver_id = fields.Many2one(
        "medical.edi.receiver",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('company_id', '=', company_id)]",
    )
    state = fields.Selection(
        BATCH_STATES, default="draft", required=True, readonly=True, copy=False, index=True, tracking=True
    )
    claim_ids = fields.Many2many(
        "medical.claim",
        "medical_claim_batch_claim_rel",
        "batch_id",
        "claim_id",
        string="Claims",
        copy=False,
        check_company=True,
        domain="[('company_id', '=', company_id), ('state', '=', 'ready')]",
    )
    claim_count = fields.Integer(compute="_compute_totals")
    amount_total = fields.Monetary(string="Total Charge", compute="_compute_totals")
    usage_indicator = fields.Selection(
        [("T", "Test"), ("P", "Production")], readonly=True, copy=False, help="ISA15 of the file."
    )
    attachment_id = fields.Many2one("ir.attachment", string="837P File", readonly=True, copy=False)
    file = fields.Binary(related="attachment_id.datas", string="Download")
    filename = fields.Char(related="attachment_id.name", string="File Name")
    interchange_control_number = fields.Integer(
        readonly=True, copy=False, index=True, aggregator=None, help="ISA13 of the file."
    )
    group_control_number = fields.Integer(
        readonly=True, copy=False, index=True, aggregator=None, help="GS06 of the file."
    )
    transaction_control_numbers = fields.Char(
        string="Transaction Sets", readonly=True, copy=False, help="ST02 of each transaction set of the file."
    )
    date_generated = fields.Datetime(readonly=True, copy=False)
    date_sent = fields.Datetime(readonly=True, copy=False, tracking=True)
    date_acknowledged = fields.Datetime(readonly=True, copy=False)
    ack_status = fields.Selection(ACK_STATUSES, string="999 Result", readonly=True, copy=False, tracking=True)
    ack_message = fields.Text(string="Acknowledgement Notes", readonly=True, copy=False)
    ack_log_ids = fields.Many2many(
        "medical.import.log",
        "medical_claim_batch_import_log_rel",
        "batch_id",
        "log_id",
        string="Acknowledgements",
        readonly=True,
        copy=False,
    )

    @api.depends("claim_ids")
    def _compute_totals(self):
        groups = {}
        if self.ids:
            groups = {
                batch.id: (count, total)
                for batch, count, total in self.env["medical.claim"]._read_group(
                    [("batch_ids", "in", self.ids)], ["batch_ids"], ["__count", "amount_total:sum"]
                )
            }
        for batch in self:
            if batch.id in groups:
                batch.claim_count, batch.amount_total = groups[batch.id]
            else:
                batch.claim_count = len(batch.claim_ids)
                batch.amount_total = sum(batch.claim_ids.mapped("amount_total"))

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("medical.claim.batch") or _("New")
        return super().create(vals_list)

    def write(self, vals):
        if "claim_ids" in vals and any(batch.state != "draft" for batch in self):
            raise UserError(_("The claims of a generated batch are those of its file: they cannot change."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(batch.state != "draft" for batch in self):
            raise UserError(_("Only draft batches can be deleted: the others carry a file and its numbers."))

    # ------------------------------------------------------------------ actions

    @workflow_action
    def action_generate(self):
        """Write the 837P file of each batch; its claims become submitted.

        A batch that was sent is never written again: the receiver has its numbers. A generated batch not
        sent yet can be generated again (new control numbers, the claims stay submitted).
        """
        for batch in self:
            if batch.state not in ("draft", "generated"):
                raise UserError(
                    _(
                        "Batch %(batch)s was sent to %(receiver)s: it is not generated again. Correct its "
                        "claims and send them in a new batch.",
                        batch=batch.name,
                        receiver=batch.receiver_id.name,
                    )
                )
        for batch in self:
            batch._generate()
        return True

    def action_mark_sent(self):
        """The file was handed to the receiver (uploaded to the clearinghouse)."""
        if any(batch.state != "generated" for batch in self):
            raise UserError(_("Only generated batches can be marked as sent."))
        self.write({"state": "sent", "date_sent": fields.Datetime.now()})
        return True

    @workflow_action
    def action_reset_draft(self):
        """Take back a generated batch that was not sent: its claims are ready again, its file dropped."""
        if any(batch.state != "generated" for batch in self):
            raise UserError(_("Only a generated batch not sent yet can go back to draft."))
        claims = self.claim_ids.filtered(lambda c: c.state == "submitted")
        claims.write({"state": "ready", "date_submitted": False, "edi_transaction_number": False})
        attachments = self.attachment_id
        self.write(
            {
                "state": "draft",
                "attachment_id": False,
                "interchange_control_number": 0,
                "group_control_number": 0,
                "transaction_control_numbers": False,
                "usage_indicator": False,
                "date_generated": False,
            }
        )
        attachments.unlink()
        return True

    def action_view_claims(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("medical_billing.medical_claim_action")
        action["domain"] = [("batch_ids", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    def _action_open(self):
        if len(self) == 1:
            return self.get_formview_action()
        action = self.env["ir.actions.act_window"]._for_xml_id("medical_billing.medical_claim_batch_action")
        action["domain"] = [("id", "in", self.ids)]
        return action

    # ------------------------------------------------------------------ collecting claims

    @api.model
    def _add_claims_to_batches(self, claims, strict=False):
        """Put ``claims`` into the draft batch of their company and receiver, creating it when needed.

        ``strict``: raise on a claim that cannot go (not ready, already in a draft batch, no receiver,
        blocked by an acknowledgement finding); else leave such claims out. Returns the batches touched.
        """
        claims = claims.filtered(lambda c: c.state == "ready") if not strict else claims
        problems = []
        for claim in claims:
            if claim.state != "ready":
                problems.append(_("%(claim)s is not ready.", claim=claim.patient_control_number))
            elif claim.batch_id.state == "draft":
                problems.append(
                    _(
                        "%(claim)s is already in batch %(batch)s.",
                        claim=claim.patient_control_number,
                        batch=claim.batch_id.name,
                    )
                )
            elif claim.error_count:
                problems.append(
                    _(
                        "%(claim)s has blocking findings (its last acknowledgement rejected it): reset it to "
                        "draft, correct it and validate it again.",
                        claim=claim.patient_control_number,
                    )
                )
        if problems and strict:
            raise UserError("\n".join(problems))
        claims = claims.filtered(lambda c: c.batch_id.state != "draft" and not c.error_count)
        receivers = self.env["medical.edi.receiver"]._receivers_for(
            {(c.company_id.id, c.payer_id.id) for c in claims}
        )
        missing = claims.filtered(lambda c: (c.company_id.id, c.payer_id.id) not in receivers)
        if missing and strict:
            raise UserError(
                _(
                    "No receiver takes the claims of %(payers)s: set up a receiver (clearinghouse) for them, "
                    "or a default receiver of the company, in Billing > Configuration > Receivers.",
                    payers=", ".join(sorted(set(missing.payer_id.mapped("name")))),
                )
            )
        by_receiver = defaultdict(lambda: self.env["medical.claim"])
        for claim in claims - missing:
            by_receiver[receivers[claim.company_id.id, claim.payer_id.id]] |= claim
        if not by_receiver:
            return self.browse()
        drafts = self.search(
            [("state", "=", "draft"), ("receiver_id", "in", [r.id for r in by_receiver])], order="id"
        )
        draft_of = {}
        for draft in drafts:
            draft_of.setdefault(draft.receiver_id, draft)
        batches = self.browse()
        for receiver, receiver_claims in by_receiver.items():
            batch = draft_of.get(receiver)
            if batch:
                batch.write({"claim_ids": [Command.link(claim.id) for claim in receiver_claims]})
            else:
                batch = self.create(
                    {
                        "company_id": receiver.company_id.id,
                        "receiver_id": receiver.id,
                        "claim_ids": [Command.set(receiver_claims.ids)],
                    }
                )
            batches |= batch
        return batches

    @api.model
    def _create_pending_batches(self, companies=None):
        """Collect the ready claims waiting for a file into draft batches, per company and receiver.

        Claims without a receiver, or blocked by an acknowledgement finding, are left out. Returns the
        draft batches holding the collected claims.
        """
        domain = [("state", "=", "ready")]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        claims = self.env["medical.claim"].search(domain, order="id")
        return self._add_claims_to_batches(claims)

    @api.model
    def _cron_create_pending_batches(self):
        """Scheduled action: draft batches of the ready claims of every company, for a biller to send."""
        batches = self.sudo()._create_pending_batches(self.env["res.company"].sudo().search([]))
        _logger.info("Collected ready claims into %s draft 837P batch(es)", len(batches))
        return batches

    # ------------------------------------------------------------------ generation

    def _generate(self):
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT c.id, c.state, c.company_id, c.patient_control_number
              FROM medical_claim c
              JOIN medical_claim_batch_claim_rel r ON r.claim_id = c.id
             WHERE r.batch_id = %s
            """,
            [self.id],
        )
        rows = self.env.cr.fetchall()
        if not rows:
            raise UserError(_("Batch %s has no claim.", self.name))
        expected = "ready" if self.state == "draft" else "submitted"
        wrong = [pcn for _id, state, _company, pcn in rows if state != expected]
        if wrong:
            raise UserError(
                _(
                    "These claims of batch %(batch)s are not %(state)s: %(claims)s. Remove them from the "
                    "batch first.",
                    batch=self.name,
                    state=_("ready") if expected == "ready" else _("submitted"),
                    claims=", ".join(sorted(wrong)[:20]),
                )
            )
        if any(company_id != self.company_id.id for _id, _state, company_id, _pcn in rows):
            raise UserError(_("A batch carries the claims of its own company only."))
        text, st_by_claim, numbers = self._render_837p()
        interchange, group, transaction_numbers = numbers
        previous = self.attachment_id
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{re.sub(r'[^A-Za-z0-9_-]+', '-', self.name)}-{interchange:09d}.837",
                    "raw": text.encode("ascii"),
                    "mimetype": "text/plain",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        self.write(
            {
                "state": "generated",
                "attachment_id": attachment.id,
                "interchange_control_number": interchange,
                "group_control_number": group,
                "transaction_control_numbers": ",".join(transaction_numbers),
                "usage_indicator": self.receiver_id.usage_indicator,
                "date_generated": fields.Datetime.now(),
            }
        )
        self.message_post(
            body=_(
                "837P file written: %(count)s claim(s), interchange %(isa)s, group %(gs)s, "
                "transaction set(s) %(st)s.",
                count=len(rows),
                isa=f"{interchange:09d}",
                gs=group,
                st=", ".join(transaction_numbers),
            )
        )
        by_set = defaultdict(list)
        for claim_id, st in st_by_claim.items():
            by_set[st].append(claim_id)
        values = {"date_submitted": fields.Date.context_today(self)}
        if expected == "ready":
            values["state"] = "submitted"
        # The batch is the claims' audit record of this step (who generated which file, when, with which
        # claims): one tracking message per claim would cost more than the whole file on large batches.
        Claim = self.env["medical.claim"].with_context(tracking_disable=True)
        for st, claim_ids in by_set.items():
            Claim.browse(claim_ids).write({**values, "edi_transaction_number": st})
        if previous:
            self.message_post(
                body=_("Generated again with new control numbers; the previous file is dropped.")
            )
            previous.unlink()
        return attachment

    def _render_837p(self):
        """(text, {claim id: ST02}, (ISA13, GS06, [ST02])) of this batch's file, new control numbers taken."""
        self.ensure_one()
        receiver = self.receiver_id
        pairs, claim_by_pcn, count = self._prepare_837p_claims()
        size = receiver.max_claims_per_transaction or 5000
        sets = (count + size - 1) // size
        interchange, group, first_st = receiver._next_control_numbers(self.company_id, sets)
        envelope = self._prepare_837p_interchange(interchange, group, first_st)
        try:
            text = edi.write_837p(envelope, pairs)
        except edi.X12DataError as error:
            raise UserError(self._data_error_message(error)) from None
        st_by_claim = {}
        current = None
        for match in _ST_OR_CLM.finditer(text):
            if match.group(1):
                current = match.group(1)
            else:
                st_by_claim[claim_by_pcn[match.group(2)]] = current
        transaction_numbers = [f"{first_st + n:04d}" for n in range(sets)]
        return text, st_by_claim, (interchange, group, transaction_numbers)

    def _data_error_message(self, error):
        lines = [f"{key}: {message}" if key else message for key, message in error.errors[:30]]
        more = len(error.errors) - 30
        if more > 0:
            lines.append(_("... and %s more.", more))
        return _(
            "The 837P file of batch %(batch)s was not generated, nothing was changed. Correct these claims "
            "(or the receiver and practice settings), or remove the claims from the batch:\n%(errors)s",
            batch=self.name,
            errors="\n".join(lines),
        )

    def _prepare_837p_interchange(self, interchange, group, first_st):
        self.ensure_one()
        receiver = self.receiver_id
        created = fields.Datetime.context_timestamp(self, fields.Datetime.now()).replace(tzinfo=None)
        return edi.Interchange(
            sender_id=receiver.sender_code,
            receiver_id=receiver.receiver_interchange_code,
            sender_qualifier=receiver.sender_qualifier,
            receiver_qualifier=receiver.receiver_qualifier,
            control_number=interchange,
            group_control_number=group,
            transaction_control_number=first_st,
            created=created.replace(second=0, microsecond=0),
            submitter=edi.Submitter(
                name=receiver.submitter_name or self.company_id.name,
                submitter_id=receiver.submitter_code,
                contact_name=receiver.contact_name,
                phone=receiver.contact_phone or "",
                email=receiver.contact_email or "",
            ),
            receiver=edi.Receiver(name=receiver.name, receiver_id=receiver.receiver_code),
            usage=receiver.usage_indicator,
            application_sender_code=receiver.application_sender_code or "",
            application_receiver_code=receiver.application_receiver_code or "",
            batch_id=self.name if len(self.name) <= 30 else "",
            acknowledgment_requested=receiver.acknowledgment_requested,
            max_claims_per_transaction=receiver.max_claims_per_transaction or 5000,
        )

    def _prepare_837p_claims(self):
        """([(BillingProvider, [Claim])], {CLM01: claim id}, claim count) of this batch.

        Reads everything with a handful of queries whatever the number of claims: the claims, lines and
        diagnoses with SQL (after a read access check), the partners, coverages and codes they point at
        with one ``read`` each.
        """
        self.ensure_one()
        return _ClaimMapper(self.env, self.company_id).map(self.claim_ids)

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

    def _demo_envelope(self, functional_id, version, set_id, body, control):
        receiver = self.receiver_id
        sender, to = receiver.receiver_interchange_code, receiver.sender_code
        now = fields.Datetime.now()
        segments = [
            f"ISA*00*{'':10}*00*{'':10}*{receiver.receiver_qualifier}*{sender:<15}*{receiver.sender_qualifier}*"
            f"{to:<15}*{now:%y%m%d}*{now:%H%M}*^*00501*{control:09d}*0*{self.usage_indicator or 'T'}*:",
            f"GS*{functional_id}*{sender}*{to}*{now:%Y%m%d}*{now:%H%M}*{control}*X*{version}",
            f"ST*{set_id}*0001*{version}",
            *body,
            f"SE*{len(body) + 2}*0001",
            f"GE*1*{control}",
            f"IEA*1*{control:09d}",
        ]
        return ("~\n".join(segments) + "~\n").encode("ascii")

    def _demo_999(self):
        """Demo data: the 999 a clearinghouse returns accepting every transaction set of the batch."""
        self.ensure_one()
        sets = self.transaction_control_numbers.split(",")
        body = [f"AK1*HC*{self.group_control_number}*005010X222A1"]
        for st in sets:
            body += [f"AK2*837*{st}*005010X222A1", "IK5*A"]
        body.append(f"AK9*A*{len(sets)}*{len(sets)}*{len(sets)}")
        return self._demo_envelope(
            "FA", "005010X231A1", "999", body, 500_000_000 + self.interchange_control_number
        )

    def _demo_277ca(self, rejected_ids):
        """Demo data: the payer's 277CA for the claims of the batch, rejecting ``rejected_ids`` (NPI)."""
        self.ensure_one()
        today = fields.Date.context_today(self).strftime("%Y%m%d")
        company = self.company_id
        body = [
            f"BHT*0085*08*{self.interchange_control_number}*{today}*1200*TH",
            "HL*1**20*1",
            "NM1*PR*2*DEMO PAYER ACKNOWLEDGEMENTS*****PI*DEMO277",
            f"TRN*1*{self.interchange_control_number}",
            f"DTP*050*D8*{today}",
            f"DTP*009*D8*{today}",
            "HL*2*1*21*1",
            f"NM1*41*2*{self.receiver_id.submitter_name.upper()[:35]}*****46*{self.receiver_id.submitter_code}",
            f"TRN*2*{self.name}",
            f"STC*A1:19:PR*{today}*WQ*{self.amount_total:.2f}",
            "HL*3*2*19*1",
            f"NM1*85*2*{company.name.upper()[:35]}*****XX*{company.medical_billing_npi}",
            "TRN*1*0",
            f"STC*A1:19:PR**WQ*{self.amount_total:.2f}",
        ]
        for number, claim in enumerate(self.claim_ids.sorted("id"), start=4):
            body += [f"HL*{number}*3*PT", f"NM1*QC*1*PATIENT*DEMO****MI*{claim.member_id or 'UNKNOWN'}"]
            body.append(f"TRN*2*{claim.patient_control_number}")
            if claim.id in rejected_ids:
                body.append(f"STC*A7:562:82*{today}*U*{claim.amount_total:.2f}********NPI NOT ON FILE")
            else:
                body += [
                    f"STC*A2:20:PR*{today}*WQ*{claim.amount_total:.2f}",
                    f"REF*1K*DEMO{claim.id:08d}",
                ]
            body.append(f"DTP*472*D8*{claim.date_service:%Y%m%d}")
        return self._demo_envelope(
            "HN", "005010X214", "277", body, 600_000_000 + self.interchange_control_number
        )


class _ClaimMapper:
    """Maps claims to the dataclasses of :mod:`medical_billing.edi` with batched reads."""

    def __init__(self, env, company):
        self.env = env
        self.company = company
        self.su = env(su=True)
        self._money = {}
        self._quantity = {}
        self._pointers = {}
        self._modifiers = {}

    # -------------------------------------------------------------- reading

    def _fetch(self, query, params):
        cr = self.env.cr
        cr.execute(query, params)
        names = [column.name for column in cr.description]
        return [dict(zip(names, row, strict=True)) for row in cr.fetchall()]

    def _read(self, model, ids, fnames):
        ids = [i for i in ids if i]
        if not ids:
            return {}
        records = self.su[model].with_context(active_test=False, prefetch_fields=False).browse(set(ids))
        return {row["id"]: row for row in records.read(fnames, load=None)}

    def _claims(self, claim_ids):
        return self._fetch(
            """
            SELECT c.id, c.patient_control_number, c.company_id, c.patient_id, c.coverage_id, c.payer_id,
                   c.billing_provider_id, c.rendering_provider_id, c.referring_provider_id, c.facility_id,
                   c.place_of_service_id, c.date_service, c.date_service_end, c.prior_authorization,
                   c.frequency, c.payer_claim_control_number, c.primary_claim_id, c.amount_paid,
                   c.date_adjudicated, c.state
              FROM medical_claim c
             WHERE c.id = ANY(%s)
             ORDER BY c.id
            """,
            [list(claim_ids)],
        )

    def _lines(self, claim_ids):
        return self._fetch(
            """
            SELECT l.id, l.claim_id, l.code_id, l.modifier1_id, l.modifier2_id, l.modifier3_id,
                   l.modifier4_id, l.units, l.diagnosis_pointers, l.charge_amount, l.ndc_code,
                   l.ndc_quantity, l.ndc_unit, l.line_control_number, l.primary_line_id, l.amount_paid
              FROM medical_claim_line l
             WHERE l.claim_id = ANY(%s)
             ORDER BY l.claim_id, l.sequence, l.id
            """,
            [list(claim_ids)],
        )

    # -------------------------------------------------------------- values

    def money(self, value):
        value = value or 0.0
        result = self._money.get(value)
        if result is None:
            result = Decimal(f"{value:.2f}")
            if len(self._money) < _CENT_CACHE_SIZE:
                self._money[value] = result
        return result

    def quantity(self, value):
        result = self._quantity.get(value)
        if result is None:
            result = Decimal(f"{value:.3f}").normalize()
            self._quantity[value] = result
        return result

    def address(self, partner):
        if not partner:
            return None
        country = self.countries.get(partner["country_id"], "")
        return edi.Address(
            line1=partner["street"] or "",
            line2=partner["street2"] or "",
            city=partner["city"] or "",
            state=self.states.get(partner["state_id"], ""),
            postal_code=partner["zip"] or "",
            country_code=country if country and country != "US" else "",
        )

    @staticmethod
    def same_place(a, b):
        """Two addresses at the same place (a ZIP+4 against its 5-digit ZIP counts as the same)."""
        if a is None or b is None:
            return False

        def key(address):
            return (
                " ".join(address.line1.upper().split()),
                " ".join(address.line2.upper().split()),
                " ".join(address.city.upper().split()),
                address.state.upper(),
                "".join(ch for ch in address.postal_code if ch.isdigit())[:5],
                address.country_code,
            )

        return key(a) == key(b)

    @staticmethod
    def sex(partner):
        return {"f": "F", "m": "M", "u": "U"}.get(partner.get("gender") or "", "")

    def provider(self, partner_id, with_taxonomy):
        partner = self.partners.get(partner_id)
        if not partner:
            return None
        taxonomy = (partner["taxonomy_code"] or "") if with_taxonomy else ""
        if partner["is_company"]:
            return edi.Provider(
                last_name=partner["name"] or "",
                npi=partner["npi"] or "",
                taxonomy=taxonomy,
                organization=True,
            )
        last, first, middle, _suffix = split_person_name(partner["name"])
        return edi.Provider(
            last_name=last, first_name=first, middle_name=middle, npi=partner["npi"] or "", taxonomy=taxonomy
        )

    # -------------------------------------------------------------- mapping

    def map(self, claims):
        claims.check_access("read")
        claims._check_linked_companies()
        env = self.env
        env["medical.claim"].flush_model()
        env["medical.claim.line"].flush_model()
        env["medical.claim.diagnosis"].flush_model()
        env["medical.claim.adjustment"].flush_model()
        claim_rows = self._claims(claims.ids)
        line_rows = self._lines(claims.ids)
        diagnosis_rows = self._fetch(
            "SELECT claim_id, code_id FROM medical_claim_diagnosis WHERE claim_id = ANY(%s) "
            "ORDER BY claim_id, sequence, id",
            [claims.ids],
        )
        # Coordination of benefits: the claims of the payers before, their lines and adjustments.
        previous = {}
        wanted = {row["primary_claim_id"] for row in claim_rows if row["primary_claim_id"]}
        while wanted - previous.keys():
            rows = self._claims(wanted - previous.keys())
            previous.update((row["id"], row) for row in rows)
            wanted = {row["primary_claim_id"] for row in rows if row["primary_claim_id"]}
        previous_lines, adjustments = {}, defaultdict(list)
        if previous:
            for row in self._lines(list(previous)):
                previous_lines[row["id"]] = row
            for row in self._fetch(
                "SELECT claim_id, line_id, group_code, reason_code, amount, quantity "
                "FROM medical_claim_adjustment WHERE claim_id = ANY(%s) ORDER BY id",
                [list(previous)],
            ):
                adjustments[row["line_id"] or ("claim", row["claim_id"])].append(row)
        all_claims = [*claim_rows, *previous.values()]
        coverages = self._read(
            "medical.coverage",
            {row["coverage_id"] for row in all_claims},
            ["subscriber_id", "member_id", "group_number", "plan_name", "relationship", "priority"],
        )
        companies = self._read(
            "res.company",
            {row["company_id"] for row in claim_rows},
            ["partner_id", "name", "medical_billing_npi", "medical_tax_id", "medical_taxonomy_code"],
        )
        partner_ids = {cov["subscriber_id"] for cov in coverages.values()}
        partner_ids.update(company["partner_id"] for company in companies.values())
        for row in all_claims:
            partner_ids.update(row[f] for f in PARTNER_FIELDS)
        self.partners = self._read("res.partner", partner_ids, PARTNER_READ)
        self.states = {
            sid: row["code"]
            for sid, row in self._read(
                "res.country.state", {p["state_id"] for p in self.partners.values()}, ["code"]
            ).items()
        }
        self.countries = {
            cid: row["code"]
            for cid, row in self._read(
                "res.country", {p["country_id"] for p in self.partners.values()}, ["code"]
            ).items()
        }
        code_ids = {row["place_of_service_id"] for row in claim_rows}
        code_ids.update(row["code_id"] for row in diagnosis_rows)
        for row in line_rows:
            code_ids.update(
                row[f] for f in ("code_id", "modifier1_id", "modifier2_id", "modifier3_id", "modifier4_id")
            )
        codes = {cid: row["code"] for cid, row in self._read("medical.code", code_ids, ["code"]).items()}

        diagnoses = defaultdict(list)
        for row in diagnosis_rows:
            diagnoses[row["claim_id"]].append(codes.get(row["code_id"], ""))
        lines = defaultdict(list)
        for row in line_rows:
            lines[row["claim_id"]].append(row)

        subscribers, patients, payers = {}, {}, {}
        by_provider = defaultdict(list)
        providers = {}
        claim_by_pcn = {}
        for row in claim_rows:
            company = companies[row["company_id"]]
            provider_key = (row["company_id"], row["billing_provider_id"])
            billing = providers.get(provider_key)
            if billing is None:
                billing = providers[provider_key] = self._billing_provider(
                    company, self.partners.get(company["partner_id"]), row["billing_provider_id"]
                )
            coverage = coverages.get(row["coverage_id"], {})
            payer = payers.get(row["payer_id"])
            if payer is None:
                payer = payers[row["payer_id"]] = self._payer(row["payer_id"])
            is_self = coverage.get("relationship", "18") == "18"
            sub_key = (row["coverage_id"], is_self)
            subscriber = subscribers.get(sub_key)
            if subscriber is None:
                subscriber = subscribers[sub_key] = self._subscriber(coverage, row["payer_id"], is_self)
            patient = None
            if not is_self:
                patient = patients.get(sub_key)
                if patient is None:
                    patient = patients[sub_key] = self._patient(row["patient_id"], coverage)
            claim_lines = lines.get(row["id"], [])
            other_payers, line_adjudications = self._other_payers(
                row, previous, previous_lines, adjustments, coverages, claim_lines
            )
            facility = None
            if row["facility_id"]:
                facility = self._facility(row["facility_id"], billing)
            frequency = row["frequency"] or "1"
            pos = codes.get(row["place_of_service_id"], "")
            claim = edi.Claim(
                patient_control_number=row["patient_control_number"],
                subscriber=subscriber,
                payer=payer,
                diagnoses=tuple(diagnoses.get(row["id"], ())),
                lines=tuple(
                    self._line(line, row, codes, line_adjudications.get(line["id"], ()))
                    for line in claim_lines
                ),
                patient=patient,
                place_of_service=pos,
                frequency=frequency,
                payer_claim_control_number=(row["payer_claim_control_number"] or "").strip()
                if frequency in ("7", "8")
                else "",
                prior_authorization=(row["prior_authorization"] or "").strip(),
                referring_provider=self.provider(row["referring_provider_id"], False),
                rendering_provider=self.provider(row["rendering_provider_id"], True),
                service_facility=facility,
                other_payers=other_payers,
            )
            by_provider[billing].append(claim)
            claim_by_pcn[row["patient_control_number"]] = row["id"]
        return list(by_provider.items()), claim_by_pcn, len(claim_rows)

    def _billing_provider(self, company, company_partner, partner_id):
        """Loop 2010AA: the practice (company identifiers), or another billing partner of it."""
        if partner_id and partner_id != company["partner_id"] and partner_id in self.partners:
            partner = self.partners[partner_id]
            if partner["npi"]:
                first = ""
                name = partner["name"] or ""
                if not partner["is_company"]:
                    name, first, _middle, _suffix = split_person_name(partner["name"])
                return edi.BillingProvider(
                    name=name,
                    first_name=first,
                    npi=partner["npi"] or "",
                    ein=company["medical_tax_id"] or "",
                    address=self.address(partner),
                    taxonomy=partner["taxonomy_code"] or company["medical_taxonomy_code"] or "",
                )
        return edi.BillingProvider(
            name=(company_partner or {}).get("name") or company["name"] or "",
            npi=company["medical_billing_npi"] or "",
            ein=company["medical_tax_id"] or "",
            address=self.address(company_partner) or edi.Address(line1="", city="", state="", postal_code=""),
            taxonomy=company["medical_taxonomy_code"] or "",
        )

    def _payer(self, payer_id):
        partner = self.partners.get(payer_id) or {}
        return edi.Payer(name=partner.get("name") or "", payer_id=(partner.get("payer_code") or "").strip())

    def _subscriber(self, coverage, payer_id, is_patient, responsibility=None):
        partner = self.partners.get(coverage.get("subscriber_id")) or {}
        payer = self.partners.get(payer_id) or {}
        last, first, middle, suffix = split_person_name(partner.get("name"))
        address = self.address(partner) if partner and (is_patient or partner.get("street")) else None
        return edi.Subscriber(
            last_name=last,
            first_name=first,
            middle_name=middle,
            suffix=suffix,
            member_id=(coverage.get("member_id") or "").strip(),
            payer_responsibility=responsibility or RESPONSIBILITY.get(coverage.get("priority"), "P"),
            claim_filing_indicator=payer.get("claim_filing_indicator") or "CI",
            group_number=(coverage.get("group_number") or "").strip(),
            group_name="" if coverage.get("group_number") else (coverage.get("plan_name") or "")[:60],
            address=address,
            birth_date=partner.get("birthdate") or None,
            sex=self.sex(partner) if (is_patient or partner.get("gender")) else "",
        )

    def _patient(self, patient_id, coverage):
        partner = self.partners.get(patient_id) or {}
        last, first, middle, suffix = split_person_name(partner.get("name"))
        return edi.Patient(
            last_name=last,
            first_name=first,
            middle_name=middle,
            suffix=suffix,
            relationship=coverage.get("relationship") or "G8",
            address=self.address(partner) or edi.Address(line1="", city="", state="", postal_code=""),
            birth_date=partner.get("birthdate") or None,
            sex=self.sex(partner),
        )

    def _facility(self, facility_id, billing):
        partner = self.partners.get(facility_id)
        if not partner:
            return None
        address = self.address(partner)
        # Loop 2310C only when the service was given somewhere else than the billing address.
        if self.same_place(address, billing.address):
            return None
        return edi.ServiceFacility(name=partner["name"] or "", address=address, npi=partner["npi"] or "")

    def pointers(self, letters):
        """Diagnosis pointers as numbers: letters "AC" (A-L) -> (1, 3)."""
        result = self._pointers.get(letters)
        if result is None:
            result = self._pointers[letters] = tuple(
                _LETTERS.index(p) + 1 for p in (letters or "").upper() if p in _LETTERS
            )
        return result

    def modifiers(self, line, codes):
        key = (line["modifier1_id"], line["modifier2_id"], line["modifier3_id"], line["modifier4_id"])
        result = self._modifiers.get(key)
        if result is None:
            result = self._modifiers[key] = tuple(codes[m] for m in key if m)
        return result

    def _line(self, line, claim, codes, adjudications):
        ndc = line["ndc_code"]
        if ndc:
            ndc = ndc.strip()
        return edi.Line(
            procedure_code=codes.get(line["code_id"], ""),
            charge=self.money(line["charge_amount"]),
            service_date=claim["date_service"],
            service_date_end=claim["date_service_end"] or None,
            diagnosis_pointers=self.pointers(line["diagnosis_pointers"]),
            modifiers=self.modifiers(line, codes),
            units=self.quantity(line["units"] or 0.0),
            control_number=line["line_control_number"] or "",
            ndc=ndc or "",
            ndc_quantity=self.quantity(line["ndc_quantity"]) if ndc and line["ndc_quantity"] else None,
            ndc_unit=(line["ndc_unit"] or "UN") if ndc else "UN",
            adjudications=adjudications,
        )

    def _other_payers(self, row, previous, previous_lines, adjustments, coverages, claim_lines):
        """Loops 2320/2330 (and 2430 per line) of the payers before this claim's, first payer first."""
        chain = []
        current = row
        while current["primary_claim_id"] and current["primary_claim_id"] in previous:
            current = previous[current["primary_claim_id"]]
            chain.append(current)
        if not chain:
            return (), {}
        chain.reverse()
        others = []
        line_adjudications = defaultdict(list)
        for earlier in chain:
            coverage = coverages.get(earlier["coverage_id"], {})
            payer = self._payer(earlier["payer_id"])
            subscriber = self._subscriber(coverage, earlier["payer_id"], False)
            adjudicated = earlier["date_adjudicated"] or None
            claim_level = tuple(self._adjustment(a) for a in adjustments.get(("claim", earlier["id"]), ()))
            # What the payer paid on the claim (835 CLP04): amount_paid is already its lines' payments less
            # its claim-level adjustments, as a remittance balances (charge - every CAS = paid).
            paid = None
            if adjudicated:
                paid = self.money(earlier["amount_paid"])
            others.append(
                edi.OtherPayer(
                    payer=payer,
                    subscriber=subscriber,
                    relationship=coverage.get("relationship") or "18",
                    paid_amount=paid,
                    adjustments=claim_level,
                    adjudication_date=adjudicated,
                    claim_control_number=(earlier["payer_claim_control_number"] or "").strip(),
                )
            )
            if not adjudicated:
                continue
            for line in claim_lines:
                # Follow the line back to this payer's claim line.
                source = previous_lines.get(line["primary_line_id"])
                while source and source["claim_id"] != earlier["id"]:
                    source = previous_lines.get(source["primary_line_id"])
                if not source:
                    continue
                line_adjudications[line["id"]].append(
                    edi.LineAdjudication(
                        payer_id=payer.payer_id,
                        paid_amount=self.money(source["amount_paid"]),
                        adjudication_date=adjudicated,
                        adjustments=tuple(self._adjustment(a) for a in adjustments.get(source["id"], ())),
                    )
                )
        return tuple(others), {key: tuple(value) for key, value in line_adjudications.items()}

    def _adjustment(self, row):
        return edi.Adjustment(
            group=row["group_code"],
            reason=(row["reason_code"] or "").strip(),
            amount=self.money(row["amount"]),
            quantity=self.quantity(row["quantity"]) if row["quantity"] else None,
        )
