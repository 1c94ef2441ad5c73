# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Online payments of patient statements: a done transaction linked to a statement posts an account
payment of the guarantor on the patient receivable (not the partner's default receivable), on the
provider's journal, reconciled with the guarantor's open items oldest first, as the desk payment does."""

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import check_workflow_create, check_workflow_write


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    medical_statement_ids = fields.Many2many(
        "medical.statement",
        relation="medical_statement_payment_transaction_rel",
        column1="transaction_id",
        column2="statement_id",
        string="Patient Statements",
        readonly=True,
        copy=False,
        check_company=True,
        help="Set when the transaction is created (the statement's transaction route); never changed after: "
        "the guarantor of the statement receives the money at post-processing.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self = check_workflow_create(self, vals_list, ["medical_statement_ids"])
        transactions = super().create(vals_list)
        # payment.transaction does not check its companies itself (no _check_company_auto).
        transactions.filtered("medical_statement_ids")._check_company(["medical_statement_ids"])
        return transactions

    def write(self, vals):
        check_workflow_write(self, vals, ["medical_statement_ids"])
        result = super().write(vals)
        if "medical_statement_ids" in vals:
            self._check_company(["medical_statement_ids"])
        return result

    @api.model
    def _compute_reference_prefix(self, provider_code, separator, **values):
        """The statement's number as the reference of its online payments."""
        commands = values.get("medical_statement_ids")
        if commands:
            ids = self._fields["medical_statement_ids"].convert_to_cache(commands, self)
            statements = self.env["medical.statement"].browse(ids).exists()
            if statements and len(statements) == len(ids):
                return separator.join(statements.mapped("name"))
        return super()._compute_reference_prefix(provider_code, separator, **values)

    def _medical_statements(self):
        self.ensure_one()
        return self.medical_statement_ids or self.source_transaction_id.medical_statement_ids

    def _create_payment(self, **extra_create_values):
        """A statement's payment goes to the guarantor's patient receivable, reconciled oldest first."""
        self.ensure_one()
        statement = self._medical_statements()[:1]
        if not statement:
            return super()._create_payment(**extra_create_values)
        provider = self.provider_id
        method_line = provider.journal_id.inbound_payment_method_line_ids.filtered(
            lambda line: line.payment_provider_id == provider
        )[:1]
        if not method_line:
            raise UserError(
                _("The payment provider %(provider)s has no payment journal.", provider=provider.name)
            )
        guarantor = statement.partner_id
        amount = abs(self.amount)
        payment = self.env["account.payment"]._medical_post_patient_payment(
            statement.company_id,
            guarantor,
            amount,
            method_line,
            " - ".join(filter(None, [self.reference, _("Online patient payment"), self.provider_reference])),
            payment_type="inbound" if self.amount > 0 else "outbound",
            payment_token_id=self.token_id.id,
            payment_transaction_id=self.id,
            **extra_create_values,
        )
        self.payment_id = payment
        guarantor.message_post(
            body=_(
                "Online payment of %(amount)s received for statement %(statement)s (%(provider)s, "
                "transaction %(reference)s) - %(payment)s.",
                amount=self.currency_id.format(amount),
                statement=statement.name,
                provider=provider.name,
                reference=self.reference,
                payment=payment.name,
            )
        )
        return payment

    def _log_message_on_linked_documents(self, message):
        """The transaction's messages (sent, confirmed, payment posted) on its statements too."""
        result = super()._log_message_on_linked_documents(message)
        author = self.env.user.partner_id if self.env.uid == SUPERUSER_ID else self.partner_id
        for statement in self._medical_statements():
            statement.message_post(body=message, author_id=author.id)
        return result
