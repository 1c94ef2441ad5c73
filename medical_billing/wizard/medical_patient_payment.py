# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import workflow_action

PAYMENT_METHODS = [("cash", "Cash"), ("card", "Card"), ("check", "Check")]


class MedicalPatientPayment(models.TransientModel):
    """A guarantor pays at the desk (cash, card, check): an Odoo payment on the patient receivable,
    reconciled with the guarantor's open items, oldest first. What is left over stays as a credit."""

    _name = "medical.patient.payment"
    _description = "Patient Payment at the Desk"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Guarantor", required=True, check_company=True, help="Who pays."
    )
    statement_id = fields.Many2one("medical.statement", check_company=True)
    direction = fields.Selection(
        [("inbound", "Payment received"), ("outbound", "Refund of a credit")],
        required=True,
        default="inbound",
        help="A refund pays back (part of) the guarantor's credit balance.",
    )
    method = fields.Selection(PAYMENT_METHODS, required=True, default="cash")
    reference = fields.Char(help="The card terminal's transaction reference, or the check number.")
    amount = fields.Monetary(
        compute="_compute_amount", store=True, precompute=True, readonly=False, required=True
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Payment Journal",
        check_company=True,
        domain="[('type', 'in', ('cash', 'bank'))]",
        compute="_compute_journal_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today)

    @api.depends("partner_id", "company_id", "direction")
    def _compute_amount(self):
        for wizard in self:
            balance = sum(wizard._open_items().mapped("amount_residual")) if wizard.partner_id else 0.0
            wizard.amount = max(balance if wizard.direction == "inbound" else -balance, 0.0)

    @api.depends("method", "company_id")
    def _compute_journal_id(self):
        Journal = self.env["account.journal"]
        for wizard in self:
            kind = "cash" if wizard.method == "cash" else "bank"
            domain = Journal._check_company_domain(wizard.company_id)
            wizard.journal_id = Journal.search([*domain, ("type", "=", kind)], limit=1) or Journal.search(
                [*domain, ("type", "in", ("cash", "bank"))], limit=1
            )

    def _open_items(self):
        """The guarantor's open items on the patient receivable, oldest first."""
        self.ensure_one()
        return self.env["medical.statement"]._patient_open_items(self.company_id, self.partner_id)[
            self.partner_id
        ]

    @workflow_action
    def action_confirm(self):
        """Post the payment, reconcile it oldest item first; returns the receipt."""
        self.ensure_one()
        if self.currency_id.compare_amounts(self.amount, 0) <= 0:
            raise UserError(_("Enter the amount paid."))
        if self.method in ("card", "check") and not (self.reference or "").strip():
            raise UserError(
                _("Enter the card terminal's reference.")
                if self.method == "card"
                else _("Enter the check number.")
            )
        company = self.company_id
        company._medical_check_accounting()
        refund = self.direction == "outbound"
        if refund and (self.method != "check" or self.journal_id.type == "cash"):
            # The day's cash and card takings go to the bank whole, in the daily deposit: money paid out
            # of the drawer (or back to a card through the terminal) would make the bank deposit differ
            # from the deposit's total, so a credit is refunded by check, from a bank journal.
            raise UserError(
                _(
                    "Refund the credit by check from a bank journal: the cash drawer and the card terminal "
                    "go to the bank whole in the daily deposit."
                )
            )
        if refund:
            credit = -sum(
                self._open_items().filtered(lambda i: i.amount_residual < 0).mapped("amount_residual")
            )
            if self.currency_id.compare_amounts(self.amount, credit) > 0:
                raise UserError(
                    _(
                        "%(partner)s has a credit of %(credit)s only.",
                        partner=self.partner_id._statement_reference(),
                        credit=self.currency_id.format(credit),
                    )
                )
        method_line = (
            self.journal_id.outbound_payment_method_line_ids[:1]
            if refund
            else self.journal_id.inbound_payment_method_line_ids[:1]
        )
        if not method_line:
            raise UserError(_("The journal %s has no payment method.", self.journal_id.name))
        label = dict(PAYMENT_METHODS)[self.method]
        kind = _("Patient refund") if refund else _("Patient payment")
        memo = " ".join(filter(None, [kind, label, self.reference, self.statement_id.name]))
        payment = self.env["account.payment"]._medical_post_patient_payment(
            company,
            self.partner_id,
            self.amount,
            method_line,
            memo,
            payment_type=self.direction,
            date=self.date,
            # The daily deposit lists the payments by method (medical_patient_deposit.py).
            medical_desk_method=self.method,
            medical_desk_reference=self.reference,
        )
        message = (
            _("Credit of %(amount)s refunded (%(method)s) - %(payment)s.")
            if refund
            else _("Payment of %(amount)s received at the desk (%(method)s) - %(payment)s.")
        )
        self.partner_id.message_post(
            body=message
            % {"amount": self.currency_id.format(self.amount), "method": label, "payment": payment.name}
        )
        return self.env.ref("account.action_report_payment_receipt").report_action(payment)
