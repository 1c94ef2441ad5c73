# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, _, fields, models
from odoo.exceptions import UserError

# The accounts and journals medical billing posts to, with what is created when a company has none.
# "base" says which existing account of the company's chart the new account's code is numbered after,
# so the defaults fit whatever chart of accounts the company uses.
MEDICAL_ACCOUNTS = {
    "medical_insurance_receivable_account_id": {
        "name": "Accounts Receivable - Insurance",
        "account_type": "asset_receivable",
        "reconcile": True,
        "base": "receivable",
    },
    "medical_patient_receivable_account_id": {
        "name": "Accounts Receivable - Patients",
        "account_type": "asset_receivable",
        "reconcile": True,
        "base": "receivable",
    },
    "medical_contractual_account_id": {
        "name": "Contractual Adjustments",
        "account_type": "income",
        "reconcile": False,
        "base": "income",
    },
    "medical_patient_writeoff_account_id": {
        "name": "Patient Balance Write-offs",
        "account_type": "expense",
        "reconcile": False,
        "base": "expense",
    },
    "medical_denial_writeoff_account_id": {
        "name": "Administrative Write-offs (denials)",
        "account_type": "expense",
        "reconcile": False,
        "base": "expense",
    },
    "medical_bad_debt_account_id": {
        "name": "Bad Debt",
        "account_type": "expense",
        "reconcile": False,
        "base": "expense",
    },
    "medical_copay_account_id": {
        "name": "Patient Copays Received (unapplied)",
        "account_type": "liability_current",
        "reconcile": False,
        "base": "current_liability",
    },
    "medical_interest_account_id": {
        "name": "Prompt-Pay Interest Income",
        "account_type": "income_other",
        "reconcile": False,
        "base": "income",
    },
    "medical_payer_credit_account_id": {
        "name": "Payer Credit Balances (recoupments)",
        "account_type": "liability_current",
        "reconcile": True,
        "base": "current_liability",
    },
    "medical_remit_oa_account_id": {
        "name": "Other Payer Adjustments (OA)",
        "account_type": "income",
        "reconcile": False,
        "base": "income",
    },
    "medical_remit_pi_account_id": {
        "name": "Payer Initiated Reductions (PI)",
        "account_type": "income",
        "reconcile": False,
        "base": "income",
    },
    "medical_remit_cr_account_id": {
        "name": "Payer Corrections and Reversals (CR)",
        "account_type": "income",
        "reconcile": False,
        "base": "income",
    },
    "medical_unapplied_cash_account_id": {
        "name": "Unapplied Payer Cash",
        "account_type": "liability_current",
        "reconcile": True,
        "base": "current_liability",
    },
    "medical_transfer_clearing_account_id": {
        "name": "Receivable Transfer Clearing",
        "account_type": "asset_current",
        "reconcile": True,
        "base": "current_asset",
    },
}
# Settings that are the default receivable of the payers and the patients.
RECEIVABLE_SETTINGS = {"medical_insurance_receivable_account_id", "medical_patient_receivable_account_id"}
MEDICAL_JOURNALS = {
    "medical_claim_journal_id": {"name": "Insurance Claims", "code": "MCLM", "type": "sale"},
    "medical_patient_journal_id": {"name": "Patient Billing", "code": "MPAT", "type": "sale"},
    "medical_payment_journal_id": {"name": "Insurance Payments", "code": "MPAY", "type": "general"},
}


class ResCompany(models.Model):
    _inherit = "res.company"

    medical_claim_journal_id = fields.Many2one(
        "account.journal",
        string="Insurance Claims Journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
        help="Sales journal of the invoices that bill claims to payers.",
    )
    medical_patient_journal_id = fields.Many2one(
        "account.journal",
        string="Patient Billing Journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
        help="Sales journal of the invoices to patients: copays taken at the visit, patient balances.",
    )
    medical_payment_journal_id = fields.Many2one(
        "account.journal",
        string="Insurance Payments Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Miscellaneous journal of the remittances (835): one entry per payer payment, settling the "
        "claim invoices line by line.",
    )
    medical_insurance_receivable_account_id = fields.Many2one(
        "account.account",
        string="Insurance Receivable",
        check_company=True,
        domain="[('account_type', '=', 'asset_receivable'), ('deprecated', '=', False)]",
        help="Receivable of claim invoices, unless the payer has its own receivable account.",
    )
    medical_patient_receivable_account_id = fields.Many2one(
        "account.account",
        string="Patient Receivable",
        check_company=True,
        domain="[('account_type', '=', 'asset_receivable'), ('deprecated', '=', False)]",
        help="Receivable of the invoices to patients and guarantors.",
    )
    medical_contractual_account_id = fields.Many2one(
        "account.account",
        string="Contractual Adjustments",
        check_company=True,
        domain="[('internal_group', '=', 'income'), ('deprecated', '=', False)]",
        help="Contra-revenue account of the contractual allowances (CO adjustments) written off "
        "payer invoices.",
    )
    medical_patient_writeoff_account_id = fields.Many2one(
        "account.account",
        string="Patient Write-offs",
        check_company=True,
        domain="[('internal_group', 'in', ('income', 'expense')), ('deprecated', '=', False)]",
        help="Account of the patient balances written off (small balances, bad debt, hardship).",
    )
    medical_denial_writeoff_account_id = fields.Many2one(
        "account.account",
        string="Administrative Write-offs",
        check_company=True,
        domain="[('internal_group', 'in', ('income', 'expense')), ('deprecated', '=', False)]",
        help="Account of the denied amounts written off because of the practice's own error (eligibility, "
        "authorization, coding, timely filing, missing information).",
    )
    medical_bad_debt_account_id = fields.Many2one(
        "account.account",
        string="Bad Debt",
        check_company=True,
        domain="[('internal_group', 'in', ('income', 'expense')), ('deprecated', '=', False)]",
        help="Account of the denied amounts written off as uncollectible.",
    )
    medical_denial_writeoff_approval_amount = fields.Monetary(
        string="Write-off Approval Above",
        currency_field="currency_id",
        default=100.0,
        help="A denial write-off above this amount needs the approval of a billing manager other than "
        "the user asking for it.",
    )
    medical_denial_small_balance = fields.Monetary(
        string="Small Denial Balance",
        currency_field="currency_id",
        default=10.0,
        help="Write off small balances: the denials still to work whose amount is at most this.",
    )
    medical_copay_account_id = fields.Many2one(
        "account.account",
        string="Copays Received",
        check_company=True,
        domain="[('internal_group', '=', 'liability'), ('deprecated', '=', False)]",
        help="Copays collected at the visit are patient prepayments: they wait here until the payer's "
        "remittance states the patient responsibility they settle (the claim bills the gross charge).",
    )
    medical_interest_account_id = fields.Many2one(
        "account.account",
        string="Interest Income",
        check_company=True,
        domain="[('internal_group', '=', 'income'), ('deprecated', '=', False)]",
        help="Prompt-pay interest a payer adds to its payment (835 PLB L6).",
    )
    medical_payer_credit_account_id = fields.Many2one(
        "account.account",
        string="Payer Credit Balances",
        check_company=True,
        domain="[('internal_group', 'in', ('liability', 'asset')), ('deprecated', '=', False)]",
        help="What the practice owes payers: overpayments a payer recoups from later payments "
        "(835 PLB WO / 72) and forwarding balances (FB), until they are offset.",
    )
    medical_transfer_clearing_account_id = fields.Many2one(
        "account.account",
        string="Receivable Transfer Clearing",
        check_company=True,
        domain="[('reconcile', '=', True), ('deprecated', '=', False)]",
        help="Clearing account of balances moving between receivables (payer to next payer, payer to "
        "patient) when they cannot move in one entry; it is back to zero once each move is complete.",
    )

    medical_remit_oa_account_id = fields.Many2one(
        "account.account",
        string="Other Adjustments (OA)",
        check_company=True,
        domain="[('internal_group', 'in', ('income', 'expense')), ('deprecated', '=', False)]",
        help="Where remittances post other adjustments (835 CAS group OA) and provider adjustments (PLB) "
        "that are neither interest nor balances.",
    )
    medical_remit_pi_account_id = fields.Many2one(
        "account.account",
        string="Payer Initiated Reductions (PI)",
        check_company=True,
        domain="[('internal_group', 'in', ('income', 'expense')), ('deprecated', '=', False)]",
        help="Where remittances post payer initiated reductions (835 CAS group PI).",
    )
    medical_remit_cr_account_id = fields.Many2one(
        "account.account",
        string="Corrections and Reversals (CR)",
        check_company=True,
        domain="[('internal_group', 'in', ('income', 'expense')), ('deprecated', '=', False)]",
        help="Where remittances post correction and reversal adjustments (835 CAS group CR).",
    )
    medical_unapplied_cash_account_id = fields.Many2one(
        "account.account",
        string="Unapplied Payer Cash",
        check_company=True,
        domain="[('reconcile', '=', True), ('deprecated', '=', False)]",
        help="Payments of remittance claims that match none of our claims wait here until the biller applies "
        "them to a claim.",
    )
    medical_deposit_journal_id = fields.Many2one(
        "account.journal",
        string="ERA Deposit Bank Journal",
        check_company=True,
        domain="[('type', '=', 'bank')]",
        help="The bank account payers pay into: a remittance's deposit is debited to its outstanding "
        "receipts account, and matched with its bank statement line. Default: the company's first bank "
        "journal.",
    )

    def write(self, vals):
        res = super().write(vals)
        if RECEIVABLE_SETTINGS.intersection(vals):
            self._medical_sync_receivable_accounts()
        return res

    def _medical_sync_receivable_accounts(self):
        """The payers and patients of these companies get the configured receivables as their default
        receivable in them (see res.partner._medical_sync_receivable_accounts)."""
        partners = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    "&",
                    ("is_payer", "=", True),
                    ("company_id", "in", [False, *self.ids]),
                    "&",
                    ("is_patient", "=", True),
                    ("company_id", "in", self.ids),
                ]
            )
        )
        partners._medical_sync_receivable_accounts(self)

    def _medical_has_chart(self):
        self.ensure_one()
        return bool(
            self.env["account.account"]
            .sudo()
            .search_count(self.env["account.account"]._check_company_domain(self), limit=1)
        )

    def _medical_setup_accounting(self):
        """Create the medical billing journals and accounts the companies lack, on their own chart.

        Called at install, after a chart of accounts is loaded on a company, and at first use.
        Companies without a chart of accounts yet are left alone.
        """
        for company in self.sudo():
            if not company._medical_has_chart():
                continue
            vals = {}
            Account = self.env["account.account"].sudo().with_company(company)
            used_codes = set()
            for fname, spec in MEDICAL_ACCOUNTS.items():
                if company[fname]:
                    continue
                base_code = company._medical_base_account_code(spec["base"])
                code = Account._search_new_account_code(base_code, cache=used_codes | {base_code})
                used_codes.add(code)
                account = Account.create(
                    {
                        "name": spec["name"],
                        "code": code,
                        "account_type": spec["account_type"],
                        "reconcile": spec["reconcile"],
                        "company_ids": [Command.set(company.ids)],
                    }
                )
                vals[fname] = account.id
            Journal = self.env["account.journal"].sudo().with_company(company)
            for fname, spec in MEDICAL_JOURNALS.items():
                if company[fname]:
                    continue
                code = spec["code"]
                taken = set(Journal.search([("company_id", "=", company.id)]).mapped("code"))
                n = 1
                while code in taken:
                    n += 1
                    code = f"{spec['code'][:4]}{n}"
                journal_vals = {
                    "name": spec["name"],
                    "code": code,
                    "type": spec["type"],
                    "company_id": company.id,
                }
                if spec["type"] == "sale":
                    journal_vals["default_account_id"] = company._medical_income_account().id
                journal = Journal.create(journal_vals)
                vals[fname] = journal.id
            if vals:
                company.write(vals)

    def _medical_base_account_code(self, kind):
        """Code of an existing account of the company's chart to number a new account of ``kind`` after."""
        self.ensure_one()
        Account = self.env["account.account"].sudo().with_company(self)
        domain = Account._check_company_domain(self)
        account = Account.browse()
        if kind == "receivable":
            account = (
                self.env["res.partner"]
                ._fields["property_account_receivable_id"]
                .get_company_dependent_fallback(self.env["res.partner"].with_company(self))
            )
            types = ["asset_receivable"]
        elif kind == "income":
            account = self._medical_income_account()
            types = ["income"]
        elif kind == "expense":
            account = (
                self.env["product.category"]
                ._fields["property_account_expense_categ_id"]
                .get_company_dependent_fallback(self.env["product.category"].with_company(self))
            )
            types = ["expense"]
        elif kind == "current_asset":
            types = ["asset_current"]
        else:
            types = ["liability_current"]
        if not account:
            account = Account.search([*domain, ("account_type", "in", types)], limit=1)
        if not account and kind == "current_asset":
            # A chart without current assets: numbered after the receivables.
            return self._medical_base_account_code("receivable")
        if not account:
            account = Account.search(domain, limit=1, order="code desc")
        return account.sudo().with_company(self).code or "1"

    def _medical_income_account(self):
        """The company's default revenue account (that of the product categories)."""
        self.ensure_one()
        account = (
            self.env["product.category"]
            ._fields["property_account_income_categ_id"]
            .get_company_dependent_fallback(self.env["product.category"].with_company(self))
        )
        if not account:
            account = (
                self.env["account.account"]
                .sudo()
                .with_company(self)
                .search(
                    [
                        *self.env["account.account"]._check_company_domain(self),
                        ("account_type", "=", "income"),
                    ],
                    limit=1,
                )
            )
        return account

    def _medical_check_accounting(self):
        """The medical billing journals and accounts of the companies, created if they are missing.

        Raises a UserError naming the company when it has no chart of accounts yet.
        """
        missing = self.filtered(
            lambda c: not all(c[f] for f in MEDICAL_ACCOUNTS) or not all(c[f] for f in MEDICAL_JOURNALS)
        )
        if missing:
            missing._medical_setup_accounting()
        for company in missing:
            if not company.medical_claim_journal_id or not company.medical_insurance_receivable_account_id:
                raise UserError(
                    _(
                        "The company %(company)s has no chart of accounts: set one up in the Accounting "
                        "settings before billing claims.",
                        company=company.name,
                    )
                )
        return True

    def _medical_deposit_journal(self):
        """The bank journal remittance deposits arrive in: the setting, else the company's first bank."""
        self.ensure_one()
        if self.medical_deposit_journal_id:
            return self.medical_deposit_journal_id
        Journal = self.env["account.journal"].sudo()
        return Journal.search(
            [*Journal._check_company_domain(self), ("type", "=", "bank")], order="sequence, id", limit=1
        )

    def _medical_deposit_account(self):
        """The outstanding receipts account a remittance deposit is debited to (as a customer payment's)."""
        self.ensure_one()
        journal = self._medical_deposit_journal()
        account = journal.inbound_payment_method_line_ids.payment_account_id[:1]
        if not account:
            chart = self.env["account.chart.template"].with_context(allowed_company_ids=self.root_id.ids)
            account = chart.ref("account_journal_payment_debit_account_id", raise_if_not_found=False)
        account = account or self.transfer_account_id
        if not account:
            raise UserError(
                _(
                    "The company %(company)s has no outstanding receipts account for remittance deposits: "
                    "set up a bank journal.",
                    company=self.name,
                )
            )
        return account

    def _medical_transfer_journal(self):
        """The journal of the entries moving balances between receivables (payer to next payer, copays):
        the company's miscellaneous journal, so they are not numbered as sales invoices."""
        self.ensure_one()
        Journal = self.env["account.journal"].sudo()
        journal = Journal.search(
            [*Journal._check_company_domain(self), ("type", "=", "general")], order="sequence, id", limit=1
        )
        return journal or self.medical_claim_journal_id
