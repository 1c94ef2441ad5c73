# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import re
from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import check_draft, workflow_action

from .. import edi
from ..tools.claim_mapper import ClaimMapper

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
        if "claim_ids" in vals:
            check_draft(self, _("The claims of a generated batch are those of its file: they cannot change."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        check_draft(self, _("Only draft batches can be deleted: the others carry a file and its numbers."))

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
            text, transactions = edi.write_837p(envelope, pairs)
        except edi.X12DataError as error:
            raise UserError(self._data_error_message(error)) from None
        st_by_claim = {claim_by_pcn[pcn]: st for pcn, st in transactions.items()}
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
            **receiver._envelope_values(interchange, group, first_st),
            created=created.replace(second=0, microsecond=0),
            submitter=edi.Submitter(
                name=receiver.submitter_name or self.company_id.name,
                submitter_id=receiver.submitter_code,
                contact_name=receiver.contact_name,
                phone=receiver.contact_phone or "",
                email=receiver.contact_email or "",
            ),
            receiver=edi.Receiver(name=receiver.name, receiver_id=receiver.receiver_code),
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
        return ClaimMapper(self.env, self.company_id).map(self.claim_ids)
