# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The patient statement in the customer portal: the signed link of the statement (no account needed),
and its online payment with Odoo's payment providers (as Odoo's portal invoices are paid)."""

from odoo import Command, _, http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request

from odoo.addons.payment.controllers.portal import PaymentPortal


class StatementPortal(PaymentPortal):
    @http.route(["/my/statements/<int:statement_id>"], type="http", auth="public", website=True)
    def portal_medical_statement(
        self, statement_id, access_token=None, report_type=None, download=False, amount=None, **kw
    ):
        try:
            statement = self._document_check_access("medical.statement", statement_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf"):
            return self._show_report(
                model=statement,
                report_type=report_type,
                report_ref="medical_billing.action_report_medical_statement",
                download=download,
            )
        values = self._medical_statement_page_values(statement, access_token, amount=amount, **kw)
        return request.render("medical_billing.portal_medical_statement_page", values)

    def _medical_statement_partner(self, statement_sudo):
        """Who pays: the logged-in user, else the guarantor of the statement (the signed link)."""
        if request.env.user._is_public():
            return statement_sudo.partner_id
        return request.env.user.partner_id

    def _medical_statement_page_values(self, statement_sudo, access_token, amount=None, **kwargs):
        values = self._get_page_view_values(
            statement_sudo,
            access_token,
            {"page_name": "medical_statement", "statement": statement_sudo},
            "my_medical_statements_history",
            True,
            **kwargs,
        )
        due = statement_sudo._portal_amount_due()
        pay_amount, amount_error = due, False
        if amount:
            try:
                pay_amount = statement_sudo._portal_check_amount(amount)
            except ValidationError as error:
                amount_error = error.args[0]
        pending = statement_sudo.sudo().transaction_ids.filtered(
            lambda tx: tx.state in ("pending", "authorized") and tx.provider_code not in ("none", "custom")
        )
        values.update(
            currency=statement_sudo.currency_id,
            amount_due=due,
            amount_error=amount_error,
            pending_payment=bool(pending),
            show_pay=False,
        )
        if statement_sudo.currency_id.compare_amounts(pay_amount, 0.0) <= 0:
            return values
        company = statement_sudo.company_id
        partner_sudo = self._medical_statement_partner(statement_sudo)
        report = {}
        providers_sudo = (
            request.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                company.id,
                partner_sudo.id,
                pay_amount,
                currency_id=statement_sudo.currency_id.id,
                report=report,
            )
        )
        if not providers_sudo:
            return values
        methods_sudo = (
            request.env["payment.method"]
            .sudo()
            ._get_compatible_payment_methods(
                providers_sudo.ids, partner_sudo.id, currency_id=statement_sudo.currency_id.id, report=report
            )
        )
        if request.env.user._is_public():
            # The signed link may be forwarded: whoever holds it pays, but neither sees nor uses the
            # guarantor's saved payment methods, nor saves one on the guarantor.
            tokens_sudo = request.env["payment.token"]
            show_tokenize_input_mapping = dict.fromkeys(providers_sudo.ids, False)
        else:
            tokens_sudo = (
                request.env["payment.token"].sudo()._get_available_tokens(providers_sudo.ids, partner_sudo.id)
            )
            show_tokenize_input_mapping = self._compute_show_tokenize_input_mapping(providers_sudo)
        values.update(
            show_pay=True,
            company_mismatch=not self._can_partner_pay_in_company(partner_sudo, company),
            expected_company=company,
            # The payment form (payment.form).
            amount=pay_amount,
            partner_id=partner_sudo.id,
            providers_sudo=providers_sudo,
            payment_methods_sudo=methods_sudo,
            tokens_sudo=tokens_sudo,
            availability_report=report,
            show_tokenize_input_mapping=show_tokenize_input_mapping,
            transaction_route=f"/my/statements/{statement_sudo.id}/transaction",
            landing_route=statement_sudo.get_portal_url(),
            access_token=statement_sudo.access_token,
        )
        return values

    @http.route("/my/statements/<int:statement_id>/transaction", type="json", auth="public")
    def medical_statement_transaction(self, statement_id, access_token=None, amount=None, **kwargs):
        """Create the draft transaction of an online payment of the statement; returns its processing
        values. The signed link's token is checked, the amount must be more than zero and no more than
        the guarantor's open balance, and the provider must take payments for the statement's company."""
        try:
            statement_sudo = self._document_check_access("medical.statement", statement_id, access_token)
        except AccessError:
            raise ValidationError(_("The access token is invalid.")) from None
        self._validate_transaction_kwargs(kwargs)
        if kwargs.get("is_validation"):
            raise ValidationError(_("A statement is paid, not used to save a payment method."))
        if request.env.user._is_public():
            # Not logged in (the signed link): no saved payment method of the guarantor, none saved.
            if kwargs.get("flow") == "token":
                raise ValidationError(_("Log in to pay with a saved payment method."))
            kwargs["tokenization_requested"] = False
        amount = statement_sudo._portal_check_amount(amount)
        company = statement_sudo.company_id
        currency = statement_sudo.currency_id
        partner_sudo = self._medical_statement_partner(statement_sudo)
        if not self._can_partner_pay_in_company(partner_sudo, company):
            raise ValidationError(_("You cannot pay statements of %(company)s.", company=company.name))
        self._medical_check_provider(statement_sudo, partner_sudo, amount, kwargs)
        kwargs.update(
            currency_id=currency.id,
            partner_id=partner_sudo.id,
            # Back to the statement after the payment, whatever the browser sent.
            landing_route=statement_sudo.get_portal_url(),
        )
        tx_sudo = self._create_transaction(
            amount=amount,
            custom_create_values={"medical_statement_ids": [Command.set(statement_sudo.ids)]},
            **kwargs,
        )
        return tx_sudo._get_processing_values()

    def _medical_check_provider(self, statement_sudo, partner_sudo, amount, kwargs):
        """The provider (the token's, when paying with a saved one) and the payment method must be
        available for the statement's company, partner, currency and amount."""
        if kwargs.get("flow") == "token":
            token_sudo = request.env["payment.token"].sudo().browse(self._cast_as_int(kwargs.get("token_id")))
            provider_sudo = token_sudo.exists().provider_id
            method_sudo = token_sudo.exists().payment_method_id
        else:
            provider_sudo = (
                request.env["payment.provider"]
                .sudo()
                .browse(self._cast_as_int(kwargs.get("provider_id")))
                .exists()
            )
            method_sudo = (
                request.env["payment.method"]
                .sudo()
                .browse(self._cast_as_int(kwargs.get("payment_method_id")))
                .exists()
            )
        compatible = (
            request.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                statement_sudo.company_id.id,
                partner_sudo.id,
                amount,
                currency_id=statement_sudo.currency_id.id,
            )
        )
        if not provider_sudo or provider_sudo not in compatible:
            raise ValidationError(
                _(
                    "This payment provider does not take payments for %(company)s.",
                    company=statement_sudo.company_id.name,
                )
            )
        if (
            not method_sudo
            or method_sudo not in provider_sudo.with_context(active_test=False).payment_method_ids
        ):
            raise ValidationError(_("This payment method is not available for this payment provider."))
