# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The guarantor pays a statement online: the signed link (no account), Odoo's payment form, the
statement's transaction route, Odoo's demo provider (``payment_demo``, installed in the test database as
a test-only extra) and Odoo's post-processing, all through real HTTP requests."""

import json
from datetime import timedelta

from lxml import html

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .test_statement import StatementCommon


@tagged("post_install", "-at_install")
class TestStatementPortalPayment(StatementCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo_provider = cls._demo_provider(cls.practice)
        cls.demo_method = cls.env.ref("payment_demo.payment_method_demo")

    @classmethod
    def _demo_provider(cls, company):
        """Odoo's demo provider in ``company``, in test mode and published (as Odoo's payment tests do)."""
        Provider = cls.env["payment.provider"].sudo()
        provider = Provider.search([("code", "=", "demo"), ("company_id", "=", company.id)], limit=1)
        if not provider:
            provider = Provider.search([("code", "=", "demo")], limit=1).copy({"company_id": company.id})
        provider.write({"state": "test", "is_published": True})
        return provider

    # ------------------------------------------------------------------ helpers

    def statement_with_two_open_items(self):
        """A statement of 40.00: a 20.00 copay 95 days old and a 20.00 copay of today."""
        old_claim = self.remit_with_patient_share(paid_on=self.today - timedelta(days=95))
        new_claim = self.remit_with_patient_share()
        statement = self.run_statements()
        statement._portal_ensure_token()
        self.assertEqual(statement.balance_due, 40.0)
        items = statement.line_ids.move_line_ids
        old_item = items.filtered(lambda i: i.medical_claim_id == old_claim)
        new_item = items.filtered(lambda i: i.medical_claim_id == new_claim)
        return statement, old_item, new_item

    def jsonrpc(self, route, params):
        """A JSON-RPC call as the browser makes it; returns the decoded answer (result or error)."""
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        response = self.url_open(
            route, data=json.dumps(payload), headers={"Content-Type": "application/json"}
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        return response.json()

    def transaction_params(self, statement, amount, provider=None, **values):
        """What Odoo's payment form sends to the transaction route (payment_form.js)."""
        return {
            "provider_id": (provider or self.demo_provider).id,
            "payment_method_id": self.demo_method.id,
            "token_id": None,
            "amount": amount,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "https://elsewhere.example/phish",
            "is_validation": False,
            "access_token": statement.access_token,
            **values,
        }

    def create_transaction(self, statement, amount, **values):
        answer = self.jsonrpc(
            f"/my/statements/{statement.id}/transaction", self.transaction_params(statement, amount, **values)
        )
        self.assertIn("result", answer, answer.get("error"))
        tx = self.env["payment.transaction"].search([("reference", "=", answer["result"]["reference"])])
        self.assertEqual(len(tx), 1)
        return tx

    def refused(self, statement, amount, **values):
        """The error message the payment form shows for a refused transaction."""
        answer = self.jsonrpc(
            f"/my/statements/{statement.id}/transaction", self.transaction_params(statement, amount, **values)
        )
        self.assertNotIn("result", answer)
        return answer["error"]["data"]["message"]

    def pay_online(self, statement, amount):
        """The guarantor pays ``amount``: transaction, the demo provider's answer, then the status page's
        poll that post-processes it (as the browser does after paying)."""
        tx = self.create_transaction(statement, amount)
        self.assertEqual(tx.state, "draft")
        answer = self.jsonrpc(
            "/payment/demo/simulate_payment",
            {"reference": tx.reference, "payment_details": "4242", "simulated_state": "done"},
        )
        self.assertNotIn("error", answer)
        self.assertEqual(tx.state, "done")
        self.assertFalse(tx.payment_id, "posted by the post-processing")
        answer = self.jsonrpc("/payment/status/poll", {})
        self.assertEqual(answer["result"]["state"], "done")
        self.assertEqual(answer["result"]["landing_route"], statement.get_portal_url())
        self.assertTrue(tx.is_post_processed)
        return tx

    def page(self, statement, **params):
        url = statement.get_portal_url()
        if params:
            url += "".join(f"&{key}={value}" for key, value in params.items())
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.text)

    @staticmethod
    def text(root, key):
        return [" ".join(node.text_content().split()) for node in root.xpath(f"//*[@data-portal='{key}']")]

    def open_patient_items(self):
        return self.env["account.move.line"].search(
            [
                ("account_id", "=", self.patient_ar.id),
                ("partner_id", "=", self.patient.id),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ]
        )

    # ------------------------------------------------------------------ the flow

    def test_guarantor_pays_online_oldest_first_and_the_statement_shows_paid(self):
        statement, old_item, new_item = self.statement_with_two_open_items()
        # The signed link, without an account: the amount due and the payment form.
        root = self.page(statement)
        self.assertEqual(self.text(root, "number"), [statement.name])
        self.assertEqual(self.text(root, "amount-due"), ["$ 40.00"])
        self.assertFalse(self.text(root, "paid"))
        form = root.xpath("//form[@id='o_payment_form']")
        self.assertEqual(len(form), 1, "Pay Now: Odoo's payment form")
        self.assertEqual(form[0].get("data-transaction-route"), f"/my/statements/{statement.id}/transaction")
        self.assertEqual(float(form[0].get("data-amount")), 40.0)
        self.assertEqual(form[0].get("data-access-token"), statement.access_token)
        options = root.xpath("//input[@name='o_payment_radio']")
        self.assertEqual(
            [(int(o.get("data-provider-id")), int(o.get("data-payment-option-id"))) for o in options],
            [(self.demo_provider.id, self.demo_method.id)],
        )

        # A partial payment of 30.00: the oldest item first.
        tx = self.pay_online(statement, 30.0)
        self.assertRecordValues(
            tx,
            [{"amount": 30.0, "partner_id": self.patient.id, "landing_route": statement.get_portal_url()}],
        )
        self.assertEqual(tx.medical_statement_ids, statement)
        self.assertTrue(tx.reference.startswith(statement.name))
        payment = tx.payment_id
        self.assertRecordValues(
            payment,
            [
                {
                    "state": "in_process",
                    "partner_id": self.patient.id,
                    "amount": 30.0,
                    "payment_type": "inbound",
                    "journal_id": self.demo_provider.journal_id.id,
                    "destination_account_id": self.patient_ar.id,
                    "payment_transaction_id": tx.id,
                }
            ],
        )
        self.assertEqual(payment.payment_method_line_id.payment_provider_id, self.demo_provider)
        self.assertMoveLines(
            payment.move_id,
            [
                (payment.outstanding_account_id, self.patient, 30.0, 0.0),
                (self.patient_ar, self.patient, 0.0, 30.0),
            ],
        )
        lines = payment.move_id.line_ids
        self.assertEqual(sum(lines.mapped("debit")), sum(lines.mapped("credit")))
        self.assertEqual((old_item.amount_residual, new_item.amount_residual), (0.0, 10.0), "oldest first")
        self.assertEqual(statement.amount_residual, 10.0)
        self.assertFalse(statement.is_paid)
        self.assertEqual(self.receivable_at(self.patient, self.today), 10.0)
        self.assertEqual(self.open_patient_items(), new_item, "the open items behind the balance")
        root = self.page(statement)
        self.assertEqual(self.text(root, "amount-due"), ["$ 10.00"])
        self.assertEqual(float(root.xpath("//form[@id='o_payment_form']")[0].get("data-amount")), 10.0)

        # The rest: the statement shows paid, in the back office and in the portal.
        tx2 = self.pay_online(statement, 10.0)
        self.assertMoveLines(
            tx2.payment_id.move_id,
            [
                (tx2.payment_id.outstanding_account_id, self.patient, 10.0, 0.0),
                (self.patient_ar, self.patient, 0.0, 10.0),
            ],
        )
        self.assertEqual(new_item.amount_residual, 0.0)
        self.assertTrue(statement.is_paid)
        self.assertEqual(statement.amount_residual, 0.0)
        self.assertEqual(self.receivable_at(self.patient, self.today), 0.0)
        self.assertFalse(self.open_patient_items())
        root = self.page(statement)
        self.assertEqual(self.text(root, "paid"), ["This statement is paid. Thank you!"])
        self.assertEqual(self.text(root, "amount-due"), ["$ 0.00"])
        self.assertFalse(root.xpath("//form[@id='o_payment_form']"), "nothing left to pay")
        self.assertEqual(statement.transaction_ids, tx | tx2)

        # Logged on the statement and on the guarantor.
        statement_log = " ".join(statement.message_ids.mapped("body"))
        self.assertIn(tx.reference, statement_log)
        self.assertIn(payment.name, statement_log)
        self.assertIn(
            f"30.00 received for statement {statement.name} (Demo, transaction {tx.reference})",
            " ".join(self.patient.message_ids.mapped("body")),
        )

    def test_guarantor_chooses_a_smaller_amount(self):
        statement, _old_item, _new_item = self.statement_with_two_open_items()
        root = self.page(statement, amount="12.50")
        self.assertEqual(float(root.xpath("//form[@id='o_payment_form']")[0].get("data-amount")), 12.5)
        self.assertFalse(self.text(root, "amount-error"))
        root = self.page(statement, amount="45")
        self.assertEqual(
            self.text(root, "amount-error"),
            ["You can pay $ 40.00 at most, the open balance of your account."],
        )
        self.assertEqual(float(root.xpath("//form[@id='o_payment_form']")[0].get("data-amount")), 40.0)

    # ------------------------------------------------------------------ attacks

    def test_wrong_or_absent_token_creates_no_transaction(self):
        statement, _old_item, _new_item = self.statement_with_two_open_items()
        for token in ("wrong", None, ""):
            self.assertEqual(
                self.refused(statement, 40.0, access_token=token), "The access token is invalid."
            )
        self.assertFalse(
            self.env["payment.transaction"].search([("medical_statement_ids", "=", statement.id)])
        )
        # Nor does the page show the payment form.
        response = self.url_open(f"/my/statements/{statement.id}?access_token=wrong")
        self.assertNotIn("o_payment_form", response.text)

    def test_amount_above_the_balance_or_not_positive_is_refused(self):
        statement, _old_item, _new_item = self.statement_with_two_open_items()
        self.assertEqual(
            self.refused(statement, 40.01), "You can pay $ 40.00 at most, the open balance of your account."
        )
        for amount in (0, -5.0):
            self.assertEqual(self.refused(statement, amount), "The amount to pay must be more than zero.")
        for amount in ("forty", None, "nan"):
            self.assertEqual(self.refused(statement, amount), "Enter the amount to pay, e.g. 25.00.")
        self.assertEqual(
            self.refused(statement, 10.0, is_validation=True),
            "A statement is paid, not used to save a payment method.",
        )
        self.assertFalse(
            self.env["payment.transaction"].search([("medical_statement_ids", "=", statement.id)])
        )
        # Paid in full: nothing more is taken.
        self.pay_online(statement, 40.0)
        self.assertEqual(self.refused(statement, 1.0), "Nothing is due on this account.")

    def test_provider_of_another_company_is_refused(self):
        statement, _old_item, _new_item = self.statement_with_two_open_items()
        other = self.setup_other_company(name="Other Practice")["company"]
        other_provider = self._demo_provider(other)
        self.assertTrue(other_provider.journal_id)
        self.assertEqual(
            self.refused(statement, 40.0, provider=other_provider),
            f"This payment provider does not take payments for {self.practice.name}.",
        )
        self.assertFalse(
            self.env["payment.transaction"].search([("medical_statement_ids", "=", statement.id)])
        )
        self.assertEqual(self.receivable_at(self.patient, self.today), 40.0)

    def test_statement_of_a_transaction_is_never_relinked(self):
        """Relinking a transaction to another statement would give its money to another guarantor at
        post-processing: the link is set when the transaction is created, in the statement's company."""
        statement, _old_item, _new_item = self.statement_with_two_open_items()
        other_patient = self._make_patient("Portal Patient Two")
        self._make_coverage(other_patient)
        self.remit_with_patient_share(other_patient)
        other_statement = self.run_statements().filtered(lambda s: s.partner_id == other_patient)
        self.assertEqual(len(other_statement), 1)
        tx = self.create_transaction(statement, 40.0)
        admin = self.make_user(
            "tx_admin",
            "base.group_system,account.group_account_manager,medical_coding.medical_coding_group_biller",
        )
        message = "change only through the workflow buttons, not by editing."
        with self.assertRaisesRegex(AccessError, message):
            tx.with_user(admin).write({"medical_statement_ids": [Command.set(other_statement.ids)]})
        with self.assertRaisesRegex(AccessError, message):
            other_statement.with_user(admin).write({"transaction_ids": [Command.link(tx.id)]})
        values = {
            "provider_id": self.demo_provider.id,
            "payment_method_id": self.demo_method.id,
            "reference": "RELINK-1",
            "amount": 40.0,
            "currency_id": statement.currency_id.id,
            "partner_id": other_patient.id,
            "medical_statement_ids": [Command.set(statement.ids)],
        }
        with self.assertRaisesRegex(AccessError, message):
            self.env["payment.transaction"].with_user(admin).create(values)
        self.assertEqual(tx.medical_statement_ids, statement)
        # A provider of another company cannot carry the statement.
        other_provider = self._demo_provider(self.setup_other_company(name="Other Practice")["company"])
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.env["payment.transaction"].sudo().create(
                {**values, "provider_id": other_provider.id, "reference": "RELINK-2"}
            )

    def test_signed_link_never_shows_uses_or_saves_the_guarantors_cards(self):
        """Whoever holds the signed link (a forwarded e-mail) pays, but not with the guarantor's saved
        cards, and saves none on the guarantor."""
        statement, _old_item, _new_item = self.statement_with_two_open_items()
        self.demo_provider.allow_tokenization = True
        token = self.env["payment.token"].create(
            {
                "provider_id": self.demo_provider.id,
                "payment_method_id": self.demo_method.id,
                "partner_id": self.patient.id,
                "provider_ref": "DEMO-SAVED-CARD",
                "payment_details": "4242",
            }
        )
        root = self.page(statement)
        self.assertTrue(root.xpath("//form[@id='o_payment_form']"))
        self.assertFalse(root.xpath("//input[@name='o_payment_radio'][@data-payment-option-type='token']"))
        self.assertFalse(root.xpath("//input[@name='o_payment_tokenize_checkbox']"))
        self.assertEqual(
            self.refused(statement, 40.0, flow="token", token_id=token.id, provider_id=None),
            "Log in to pay with a saved payment method.",
        )
        self.assertFalse(
            self.env["payment.transaction"].search([("medical_statement_ids", "=", statement.id)])
        )
        tx = self.create_transaction(statement, 40.0, tokenization_requested=True)
        self.assertFalse(tx.tokenize, "no card saved on the guarantor")
        self.assertFalse(tx.token_id)

    def test_payments_under_way_together_pay_the_balance_at_most(self):
        """Two tabs (or devices) paying at once: the second one may pay what the first leaves."""
        statement, _old_item, _new_item = self.statement_with_two_open_items()
        first = self.create_transaction(statement, 30.0)
        self.assertEqual(first.state, "draft", "the guarantor is at the provider's page")
        self.assertEqual(
            self.refused(statement, 15.0), "You can pay $ 10.00 at most, the open balance of your account."
        )
        self.create_transaction(statement, 10.0)
        self.assertEqual(
            self.refused(statement, 1.0),
            "A payment of $ 40.00 of this statement is being processed: nothing more is due for now.",
        )
        first.with_user(SUPERUSER_ID)._set_canceled()  # as the provider's notification does
        self.assertEqual(self.create_transaction(statement, 30.0).amount, 30.0, "its amount is free again")
