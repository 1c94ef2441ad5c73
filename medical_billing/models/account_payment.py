# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Patient payments on the patient receivable, shared by the desk (``medical.patient.payment``) and the
portal (online payments of statements through Odoo's payment providers): posted on a cash or bank journal
and reconciled with the guarantor's open items, oldest first. What is left over stays as a credit."""

from odoo import api, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    @api.model
    def _medical_post_patient_payment(self, company, partner, amount, method_line, memo, **values):
        """Post a payment of ``partner`` to (or, with ``payment_type='outbound'`` in ``values``, a refund
        from) the patient receivable of ``company`` on the journal of ``method_line``, and reconcile it
        with the partner's open items, oldest first. ``values``: more values of the payment (date,
        payment type, transaction...). Returns the payment."""
        company._medical_check_accounting()
        payment = self.with_company(company).create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "company_id": company.id,
                "amount": amount,
                "currency_id": company.currency_id.id,
                "journal_id": method_line.journal_id.id,
                "payment_method_line_id": method_line.id,
                "destination_account_id": company.medical_patient_receivable_account_id.id,
                "memo": memo,
                **values,
            }
        )
        payment.action_post()
        payment._medical_reconcile_oldest_first()
        return payment

    def _medical_reconcile_oldest_first(self):
        """Reconcile each patient payment with its partner's open items of the other side (the charges
        for a payment, the credits for a refund), oldest first, until the payment is used up: the oldest
        items whose running total covers the payment, in one reconcile() (Odoo itself applies the
        payment to them oldest first, by due date then date)."""
        Statement = self.env["medical.statement"]
        for payment in self:
            company = payment.company_id
            receivable = company.medical_patient_receivable_account_id
            line = payment.move_id.line_ids.filtered(lambda ln, r=receivable: ln.account_id == r)
            sign = -1 if payment.payment_type == "inbound" else 1
            items = Statement._patient_open_items(company, payment.partner_id)[payment.partner_id] - line
            to_cover = abs(line.amount_residual)
            picked = items.browse()
            for item in items.filtered(lambda ln, s=sign: s * ln.amount_residual < 0):
                if company.currency_id.compare_amounts(to_cover, 0.0) <= 0:
                    break
                picked |= item
                to_cover -= abs(item.amount_residual)
            if picked:
                (line | picked).reconcile()
