# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data of the patient statements (``demo/medical_statement_demo.xml``): a statement run after the demo
remittances, sent by each guarantor's channel, one paid at the desk and one in part, the day's deposits
prepared, and one paid online."""

from odoo import Command, api, fields, models


class MedicalStatement(models.Model):
    _inherit = "medical.statement"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _demo_statements(self):
        company = self.env.company
        if self.search_count([("company_id", "=", company.id)]):
            return
        sam = self.env.ref("medical_coding.patient_sam_demo", raise_if_not_found=False)
        if sam:
            sam.write(
                {
                    "email": sam.email or "samantha.lee@example.com",
                    "statement_consent_email": True,
                    "statement_delivery": "email",
                }
            )
        today = fields.Date.context_today(self)
        guarantors = self._statement_candidates(company, today, 0.0)
        if not guarantors:
            return
        statements = self._create_statements(company, guarantors, today)
        # E-mailed statements carry the PDF: make demo installs wkhtmltopdf; without it they stay to send.
        to_send = statements
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            to_send = statements.filtered(lambda s: s.delivery_channel != "email")
        if to_send:
            to_send.action_send()
        Payment = self.env["medical.patient.payment"]
        daniel = self.env.ref("medical_billing.patient_daniel_demo", raise_if_not_found=False)
        paid = statements.filtered(lambda s: s.partner_id == daniel)[:1] or statements[:1]
        Payment.create(
            {
                "partner_id": paid.partner_id.id,
                "statement_id": paid.id,
                "method": "card",
                "reference": "DEMO-0001",
            }
        ).action_confirm()
        part = statements.filtered(lambda s: s.partner_id == sam)[:1] if sam else None
        if part:
            Payment.create(
                {"partner_id": sam.id, "statement_id": part.id, "method": "cash", "amount": 40.0}
            ).action_confirm()
        # The day's desk payments, one deposit per payment journal, ready for the bank.
        self.env["medical.patient.deposit"]._prepare_deposits(company, today)

    @api.model
    def _demo_pay_online(self):
        """Olivia pays her statement online, in the portal, with Odoo's demo payment provider (when
        ``payment_demo`` is installed, as ``make demo`` does): the transaction as the provider confirms it,
        then Odoo's post-processing posts the payment on the patient receivable."""
        company = self.env.company
        provider = self.env["payment.provider"].search(
            [("code", "=", "demo"), ("company_id", "=", company.id)], limit=1
        )
        olivia = self.env.ref("medical_billing.patient_olivia_demo", raise_if_not_found=False)
        if not provider or not olivia:
            return
        statement = self.search([("company_id", "=", company.id), ("partner_id", "=", olivia.id)], limit=1)
        if not statement or statement.sudo().transaction_ids:
            return
        amount = statement._portal_amount_due()
        if statement.currency_id.compare_amounts(amount, 0.0) <= 0:
            return
        if provider.state == "disabled":
            provider.write({"state": "test", "is_published": True})
        method = provider.payment_method_ids.filtered(lambda m: m.code == "demo")[:1]
        Transaction = self.env["payment.transaction"]
        statements = [Command.set(statement.ids)]
        tx = Transaction.create(
            {
                "provider_id": provider.id,
                "payment_method_id": (method or provider.payment_method_ids[:1]).id,
                "reference": Transaction._compute_reference("demo", medical_statement_ids=statements),
                "amount": amount,
                "currency_id": statement.currency_id.id,
                "partner_id": statement.partner_id.id,
                "operation": "online_direct",
                "landing_route": statement.get_portal_url(),
                "medical_statement_ids": statements,
            }
        )
        tx._handle_notification_data(
            "demo", {"reference": tx.reference, "payment_details": "4242", "simulated_state": "done"}
        )
        tx._post_process()
