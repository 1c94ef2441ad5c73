# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Patient statement preferences, on the patient or guarantor partner (who receives the statement is the
patient's ``guarantor_id``)."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

STATEMENT_DELIVERY = [
    ("email", "E-mail (PDF and portal link)"),
    ("portal", "Portal only (notification with a link)"),
    ("paper", "Paper (mailed)"),
    ("none", "None (e.g. in collections)"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    statement_delivery = fields.Selection(
        STATEMENT_DELIVERY,
        default="paper",
        help="How this guarantor receives patient statements. 'None' sends no statement.",
    )
    statement_consent_email = fields.Boolean(
        string="Consents to E-mail", help="The patient agreed to receive statements and notices by e-mail."
    )
    statement_consent_text = fields.Boolean(
        string="Consents to Text Messages", help="The patient agreed to receive reminders by text message."
    )
    statement_hold = fields.Boolean(
        string="Do Not Send Statements", help="No statement is created for this guarantor while set."
    )
    statement_hold_reason = fields.Char(
        help="Why statements are held (e.g. appeal pending, hardship review)."
    )
    statement_cycle_day = fields.Integer(
        help="Day of the month (1-28) the monthly statement run picks this guarantor; when empty, the "
        "alphabet cycle: the first letter of the name decides the day.",
    )

    medical_collection_state = fields.Selection(
        [("collections", "With the Collection Agency")],
        string="Collections",
        readonly=True,
        copy=False,
        help="Set when the account was handed over to the collection agency: no statement is sent.",
    )
    medical_collection_date = fields.Date(string="Sent to Collections", readonly=True, copy=False)

    @api.constrains("statement_hold", "statement_hold_reason")
    def _check_statement_hold_reason(self):
        for partner in self:
            if partner.statement_hold and not (partner.statement_hold_reason or "").strip():
                raise ValidationError(
                    _(
                        "%(partner)s: give the reason statements are held.",
                        partner=partner._statement_reference(),
                    )
                )

    @api.constrains("statement_delivery", "statement_consent_email", "email")
    def _check_statement_email(self):
        for partner in self:
            if partner.statement_delivery not in ("email", "portal"):
                continue
            if not partner.email or not partner.statement_consent_email:
                raise ValidationError(
                    _(
                        "%(partner)s: statements by e-mail or portal need an e-mail address and the "
                        "consent to e-mail.",
                        partner=partner._statement_reference(),
                    )
                )

    @api.constrains("statement_cycle_day")
    def _check_statement_cycle_day(self):
        for partner in self:
            if partner.statement_cycle_day and not 1 <= partner.statement_cycle_day <= 28:
                raise ValidationError(
                    _(
                        "%(partner)s: the statement cycle day is between 1 and 28.",
                        partner=partner._statement_reference(),
                    )
                )

    def _statement_reference(self):
        """How messages name this patient or guarantor: by record number, never by name (privacy: user
        errors are logged)."""
        self.ensure_one()
        return _("Guarantor #%(id)s", id=self.id)

    def _statement_cycle_day(self):
        """The day of the month of this guarantor's statement: its own, else by the first letter of its
        name (A on the 1st ... Z on the 26th; anything else on the 27th)."""
        self.ensure_one()
        if self.statement_cycle_day:
            return self.statement_cycle_day
        initial = (self.name or "").strip()[:1].upper()
        return ord(initial) - ord("A") + 1 if "A" <= initial <= "Z" else 27
