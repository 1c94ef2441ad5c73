# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    medical_statement_min_balance = fields.Monetary(
        string="Statement Threshold",
        currency_field="currency_id",
        default=5.0,
        help="Guarantors owing this much or less get no statement.",
    )
    medical_statement_writeoff_below = fields.Monetary(
        string="Write Off Balances Under",
        currency_field="currency_id",
        help="The statement run writes off patient balances under this amount (none when zero).",
    )
    medical_statement_due_days = fields.Integer(
        string="Statement Due (days)", default=21, help="Days after the statement date its balance is due."
    )
    medical_statement_phone = fields.Char(
        string="Billing Phone", help="The phone number patients call about their statement."
    )
    medical_financial_assistance = fields.Text(
        string="Financial Assistance Notice",
        default="If you cannot pay your balance, you may qualify for financial assistance or a payment "
        "plan. Call our billing office: we will help you.",
        help="Printed on every patient statement.",
    )
