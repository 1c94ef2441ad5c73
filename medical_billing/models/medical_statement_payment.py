# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Statements paid online: the guarantor pays in the portal (signed link) with Odoo's payment providers.
The amount asked, the amount allowed (never more than the guarantor's open patient balance), and the
transactions of the statement."""

import math
from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.medical_coding.models.workflow import check_workflow_write

# How long a draft online payment (the guarantor at the provider's page) holds its amount.
DRAFT_HOLD = timedelta(minutes=30)


class MedicalStatement(models.Model):
    _inherit = "medical.statement"  # pylint: disable=consider-merging-classes-inherited

    transaction_ids = fields.Many2many(
        "payment.transaction",
        relation="medical_statement_payment_transaction_rel",
        column1="statement_id",
        column2="transaction_id",
        string="Online Payments",
        readonly=True,
        copy=False,
        check_company=True,
        groups="account.group_account_invoice",
    )

    def write(self, vals):
        # The statement of a transaction is set when the transaction is created, never relinked.
        check_workflow_write(self, vals, ["transaction_ids"])
        return super().write(vals)

    def _portal_open_balance(self):
        """What the guarantor owes today on the patient receivable of the statement's company (all its
        open items, credits deducted)."""
        self.ensure_one()
        items = self._patient_open_items(self.company_id, self.partner_id)[self.partner_id]
        return sum(items.mapped("amount_residual"))

    def _portal_amount_in_flight(self):
        """What the statement's online payments under way will pay: pending or authorized, or draft (the
        guarantor is at the provider's page) since less than DRAFT_HOLD (a payment form abandoned long
        ago does not hold the balance forever)."""
        self.ensure_one()
        since = fields.Datetime.now() - DRAFT_HOLD
        transactions = self.sudo().transaction_ids.filtered(
            lambda tx: tx.operation != "refund"
            and (tx.state in ("pending", "authorized") or (tx.state == "draft" and tx.create_date >= since))
        )
        return sum(transactions.mapped("amount"))

    def _portal_amount_due(self):
        """What the portal asks for: the statement's amount due, less what was paid of its items since,
        and never more than the guarantor's open balance today."""
        self.ensure_one()
        if self.state == "cancel":
            return 0.0
        due = min(self.amount_due, self.amount_residual, self._portal_open_balance())
        return self.currency_id.round(max(due, 0.0))

    def _portal_check_amount(self, amount):
        """The amount the guarantor asked to pay, as a number, when it may be paid; else a ValidationError
        saying why (more than zero, no more than the open balance)."""
        self.ensure_one()
        currency = self.currency_id
        if self.state == "cancel":
            raise ValidationError(_("Statement %(name)s was cancelled.", name=self.name))
        try:
            amount = float(amount)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(_("Enter the amount to pay, e.g. 25.00.")) from None
        if not math.isfinite(amount):
            raise ValidationError(_("Enter the amount to pay, e.g. 25.00."))
        amount = currency.round(amount)
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise ValidationError(_("The amount to pay must be more than zero."))
        balance = self._portal_open_balance()
        if currency.compare_amounts(balance, 0.0) <= 0:
            raise ValidationError(_("Nothing is due on this account."))
        in_flight = self._portal_amount_in_flight()
        if currency.compare_amounts(in_flight, 0.0) > 0:
            # Another payment of this statement is under way (another tab, another device): together
            # they may not pay more than the balance.
            balance = currency.round(balance - in_flight)
            if currency.compare_amounts(balance, 0.0) <= 0:
                raise ValidationError(
                    _(
                        "A payment of %(amount)s of this statement is being processed: nothing more is due "
                        "for now.",
                        amount=currency.format(in_flight).replace("\xa0", " "),
                    )
                )
        if currency.compare_amounts(amount, balance) > 0:
            raise ValidationError(
                _(
                    "You can pay %(balance)s at most, the open balance of your account.",
                    balance=currency.format(balance).replace("\xa0", " "),
                )
            )
        return amount
