# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.medical_coding.tools.counts import count_by

# ISA05 / ISA07 interchange id qualifiers of the 005010 envelope.
ISA_QUALIFIERS = [
    ("ZZ", "ZZ - Mutually Defined"),
    ("01", "01 - DUNS"),
    ("14", "14 - DUNS Plus Suffix"),
    ("20", "20 - Health Industry Number (HIN)"),
    ("27", "27 - Carrier Identification Number"),
    ("28", "28 - Fiscal Intermediary Identification Number"),
    ("29", "29 - Medicare Provider and Supplier Identification Number"),
    ("30", "30 - U.S. Federal Tax Identification Number"),
    ("33", "33 - NAIC Company Code"),
]
# What an X12 identifier may hold: printable ASCII without the delimiters * : ^ ~, no edge spaces.
IDENT_RE = re.compile(r"^[!-)+-9;-\]_-}](?:[ !-)+-9;-\]_-}]*[!-)+-9;-\]_-}])?$")

# The three control numbers of an 837P, each from its own sequence per company (ir.sequence, created on
# demand). "standard" sequences are PostgreSQL sequences: a number handed out is never handed out again,
# even when the transaction that took it rolls back.
CONTROL_SEQUENCES = {
    "interchange": ("medical.edi.interchange", "837P Interchange Control Number (ISA13)"),
    "group": ("medical.edi.group", "837P Group Control Number (GS06)"),
    "transaction": ("medical.edi.transaction", "837P Transaction Set Control Number (ST02)"),
}
MAX_CONTROL_NUMBER = 999_999_999
# pg_advisory_xact_lock key space of the on-demand sequence creation (any constant of our own).
_SEQUENCE_LOCK = 83722201


class MedicalEdiReceiver(models.Model):
    """Where a practice sends its 837P files: a clearinghouse (or a payer taking files directly).

    Holds what the envelope and the submitter / receiver loops say (ISA, GS, 1000A, 1000B). A payer
    listed here has its claims sent to this receiver; the others go to the company's default receiver.
    """

    _name = "medical.edi.receiver"
    _description = "Claim Receiver (Clearinghouse)"
    _inherit = ["mail.thread"]
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(
        string="Receiver Name", required=True, tracking=True, help="The receiver's name (loop 1000B NM103)."
    )
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    is_default = fields.Boolean(
        string="Company Default",
        tracking=True,
        help="Claims of payers that no receiver of the company lists go to this receiver.",
    )
    payer_ids = fields.Many2many(
        "res.partner",
        "medical_edi_receiver_payer_rel",
        "receiver_id",
        "payer_id",
        string="Payers",
        domain="[('is_payer', '=', True)]",
        help="Payers whose claims this receiver takes (for this company).",
    )
    receiver_code = fields.Char(
        string="Receiver ID", required=True, tracking=True, help="The receiver's id (loop 1000B NM109)."
    )
    sender_qualifier = fields.Selection(
        ISA_QUALIFIERS, string="Sender ID Qualifier", required=True, default="ZZ", tracking=True
    )
    sender_code = fields.Char(
        string="Interchange Sender ID",
        required=True,
        tracking=True,
        help="Our id in the envelope (ISA06, at most 15 characters), given by the receiver.",
    )
    receiver_qualifier = fields.Selection(
        ISA_QUALIFIERS, string="Receiver ID Qualifier", required=True, default="ZZ", tracking=True
    )
    receiver_interchange_code = fields.Char(
        string="Interchange Receiver ID",
        required=True,
        tracking=True,
        help="The receiver's id in the envelope (ISA08, at most 15 characters).",
    )
    application_sender_code = fields.Char(help="GS02; the interchange sender id when empty.")
    application_receiver_code = fields.Char(help="GS03; the interchange receiver id when empty.")
    submitter_name = fields.Char(
        required=True,
        tracking=True,
        default=lambda self: self.env.company.name,
        help="Who sends the claims (loop 1000A NM103): the practice or its billing service.",
    )
    submitter_code = fields.Char(
        string="Submitter ID",
        required=True,
        tracking=True,
        help="The submitter's id given by the receiver (ETIN, loop 1000A NM109).",
    )
    contact_name = fields.Char(required=True, help="Who the receiver calls about a file (1000A PER02).")
    contact_phone = fields.Char(help="10 digits.")
    contact_email = fields.Char()
    usage_indicator = fields.Selection(
        [("T", "Test"), ("P", "Production")],
        required=True,
        default="T",
        tracking=True,
        help="ISA15: a test file is checked by the receiver but never reaches a payer.",
    )
    acknowledgment_requested = fields.Boolean(
        string="Request TA1", help="ISA14: ask for an interchange acknowledgement (TA1)."
    )
    max_claims_per_transaction = fields.Integer(
        default=5000,
        help="Claims per transaction set (ST/SE); a file holding more claims carries several sets.",
    )
    batch_ids = fields.One2many("medical.claim.batch", "receiver_id", string="Batches")
    batch_count = fields.Integer(compute="_compute_batch_count")

    def _compute_batch_count(self):
        counts = count_by(self, "medical.claim.batch", "receiver_id")
        for receiver in self:
            receiver.batch_count = counts.get(receiver, 0)

    @api.constrains(
        "sender_code",
        "receiver_interchange_code",
        "receiver_code",
        "submitter_code",
        "application_sender_code",
        "application_receiver_code",
    )
    def _check_identifiers(self):
        for receiver in self:
            for fname, size in (
                ("sender_code", 15),
                ("receiver_interchange_code", 15),
                ("application_sender_code", 15),
                ("application_receiver_code", 15),
                ("receiver_code", 80),
                ("submitter_code", 80),
            ):
                value = receiver[fname]
                if value and (len(value) > size or not IDENT_RE.match(value)):
                    raise ValidationError(
                        _(
                            "%(field)s of %(receiver)s must be 1 to %(size)s printable characters without "
                            "* : ^ ~ or spaces at either end.",
                            field=receiver._fields[fname].string,
                            receiver=receiver.name,
                            size=size,
                        )
                    )

    @api.constrains("contact_phone", "contact_email")
    def _check_contact(self):
        for receiver in self:
            if receiver.contact_phone and len(re.sub(r"\D", "", receiver.contact_phone)) != 10:
                raise ValidationError(_("The contact phone number must have 10 digits."))
            if not receiver.contact_phone and not receiver.contact_email:
                raise ValidationError(_("Give the submitter contact a phone number or an e-mail address."))

    @api.constrains("max_claims_per_transaction")
    def _check_max_claims(self):
        if any(r.max_claims_per_transaction < 1 for r in self):
            raise ValidationError(_("A transaction set carries at least one claim."))

    @api.constrains("is_default", "company_id", "active")
    def _check_one_default(self):
        for receiver in self.filtered(lambda r: r.is_default and r.active):
            if self.search_count(
                [
                    ("id", "!=", receiver.id),
                    ("company_id", "=", receiver.company_id.id),
                    ("is_default", "=", True),
                ],
                limit=1,
            ):
                raise ValidationError(
                    _("%(company)s already has a default receiver.", company=receiver.company_id.name)
                )

    @api.constrains("payer_ids", "company_id", "active")
    def _check_payer_once(self):
        for receiver in self.filtered("active"):
            if not receiver.payer_ids:
                continue
            other = self.search(
                [
                    ("id", "!=", receiver.id),
                    ("company_id", "=", receiver.company_id.id),
                    ("payer_ids", "in", receiver.payer_ids.ids),
                ],
                limit=1,
            )
            if other:
                payer = receiver.payer_ids & other.payer_ids
                raise ValidationError(
                    _(
                        "%(payer)s already sends its claims through %(other)s.",
                        payer=payer[:1].name,
                        other=other.name,
                    )
                )

    # ------------------------------------------------------------------ business

    @api.model
    def _receivers_for(self, pairs):
        """``{(company id, payer id): receiver}`` for ``pairs`` of (company id, payer id), in one search.

        The receiver listing the payer, else the company default; a pair without either is left out.
        """
        company_ids = {company_id for company_id, _payer_id in pairs}
        receivers = self.search([("company_id", "in", list(company_ids))], order="sequence, id")
        by_payer, default = {}, {}
        for receiver in receivers:
            for payer_id in receiver.payer_ids.ids:
                by_payer.setdefault((receiver.company_id.id, payer_id), receiver)
            if receiver.is_default:
                default.setdefault(receiver.company_id.id, receiver)
        result = {}
        for company_id, payer_id in pairs:
            receiver = by_payer.get((company_id, payer_id)) or default.get(company_id)
            if receiver:
                result[company_id, payer_id] = receiver
        return result

    @api.model
    def _control_sequence(self, company, key):
        """The company's ``ir.sequence`` of one control number, created the first time it is needed."""
        code, label = CONTROL_SEQUENCES[key]
        Sequence = self.env["ir.sequence"].sudo()
        domain = [("code", "=", code), ("company_id", "=", company.id)]
        sequence = Sequence.search(domain, order="id", limit=1)
        if not sequence:
            # Two transactions creating the same sequence would each hand out the same numbers.
            self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_SEQUENCE_LOCK, company.id])
            sequence = Sequence.search(domain, order="id", limit=1)
        if not sequence:
            sequence = Sequence.create(
                {
                    "name": f"{label} - {company.name}",
                    "code": code,
                    "company_id": company.id,
                    "implementation": "standard",
                    "number_next": 1,
                    "number_increment": 1,
                    "padding": 0,
                }
            )
        return sequence

    @api.model
    def _next_control_numbers(self, company, transaction_sets=1):
        """(ISA13, GS06, first ST02) for a new file of ``transaction_sets`` sets: never given out before.

        The transaction set numbers of a file are consecutive (the writer numbers its sets from the first).
        """
        interchange = int(self._control_sequence(company, "interchange")._next())
        group = int(self._control_sequence(company, "group")._next())
        st_sequence = self._control_sequence(company, "transaction")
        for _attempt in range(20):
            numbers = [int(st_sequence._next()) for _n in range(transaction_sets)]
            # Another transaction may have taken numbers in between: then take a fresh block.
            if numbers == list(range(numbers[0], numbers[0] + transaction_sets)):
                break
        else:
            raise UserError(_("Could not reserve consecutive transaction set numbers: try again."))
        if max(interchange, group, numbers[-1]) > MAX_CONTROL_NUMBER:
            raise UserError(
                _(
                    "The 837P control numbers of %(company)s reached 999999999: ask the receiver how to "
                    "restart them, then reset the sequences.",
                    company=company.name,
                )
            )
        return interchange, group, numbers[0]

    def _envelope_values(self, interchange, group, first_st):
        """The ISA/GS/ST values of an outgoing file to this receiver (837P and 270 alike), for the control
        numbers of :meth:`_next_control_numbers`."""
        self.ensure_one()
        return {
            "sender_id": self.sender_code,
            "receiver_id": self.receiver_interchange_code,
            "sender_qualifier": self.sender_qualifier,
            "receiver_qualifier": self.receiver_qualifier,
            "control_number": interchange,
            "group_control_number": group,
            "transaction_control_number": first_st,
            "usage": self.usage_indicator,
            "application_sender_code": self.application_sender_code or "",
            "application_receiver_code": self.application_receiver_code or "",
        }

    def action_view_batches(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("medical_billing.medical_claim_batch_action")
        action["domain"] = [("receiver_id", "=", self.id)]
        action["context"] = {"default_receiver_id": self.id, "default_company_id": self.company_id.id}
        return action
