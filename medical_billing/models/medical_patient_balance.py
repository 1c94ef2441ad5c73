# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Patient balances between statements: credits applied to the next charges, and small balances written
off to the company's patient write-off account."""

from collections import defaultdict

from odoo import Command, _, api, models


class MedicalStatement(models.Model):
    _inherit = "medical.statement"

    @api.model
    def _patient_open_items(self, company, guarantors):
        """{guarantor: its open items on the patient receivable, oldest first} (one search)."""
        items = self.env["account.move.line"].search(
            [
                ("company_id", "=", company.id),
                ("account_id", "=", company.medical_patient_receivable_account_id.id),
                ("partner_id", "in", guarantors.ids),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0.0),
            ],
            order="date_maturity, date, id",
        )
        by_partner = defaultdict(lambda: items.browse())
        for item in items:
            by_partner[item.partner_id] |= item
        return by_partner

    @api.model
    def _apply_patient_credits(self, company, guarantors):
        """Apply each guarantor's credits (overpayments, copays left over) to its open charges, oldest
        charge first."""
        for items in self._patient_open_items(company, guarantors).values():
            credits = items.filtered(lambda i: i.amount_residual < 0)
            charges = items - credits
            for credit in credits:
                for charge in charges:
                    if credit.reconciled:
                        break
                    if not charge.reconciled:
                        (credit | charge).reconcile()

    @api.model
    def _write_off_small_balances(self, company, date, below):
        """Write off the guarantors' balances under ``below`` (and above zero) to the patient write-off
        account: one entry, each guarantor's items reconciled. Returns the entry (or nothing)."""
        account = company.medical_patient_receivable_account_id
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", company.id),
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("partner_id", "!=", False),
            ],
            ["partner_id"],
            ["amount_residual:sum"],
        )
        currency = company.currency_id
        small = {
            partner: amount
            for partner, amount in groups
            if currency.compare_amounts(amount, 0) > 0 and currency.compare_amounts(amount, below) < 0
        }
        if not small:
            return self.env["account.move"]
        writeoff = company.medical_patient_writeoff_account_id
        lines = []
        for partner, amount in small.items():
            label = _("Small balance written off")
            lines += [
                Command.create(
                    {"name": label, "account_id": account.id, "partner_id": partner.id, "credit": amount}
                ),
                Command.create(
                    {"name": label, "account_id": writeoff.id, "partner_id": partner.id, "debit": amount}
                ),
            ]
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "company_id": company.id,
                "journal_id": company._medical_transfer_journal().id,
                "date": date,
                "ref": _("Small patient balances under %(amount)s", amount=currency.format(below)),
                "line_ids": lines,
            }
        )
        move.action_post()
        partners = self.env["res.partner"].browse(partner.id for partner in small)
        open_items = self._patient_open_items(company, partners)
        for partner in partners:
            open_items[partner].reconcile()
            partner.message_post(
                body=_(
                    "Balance of %(amount)s written off as a small balance (%(move)s).",
                    amount=currency.format(small[partner]),
                    move=move.name,
                )
            )
        return move
