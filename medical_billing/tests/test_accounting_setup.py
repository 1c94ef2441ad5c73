# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import MedicalBillingCommon

FIELDS = {
    "medical_insurance_receivable_account_id": "asset_receivable",
    "medical_patient_receivable_account_id": "asset_receivable",
    "medical_contractual_account_id": "income",
    "medical_patient_writeoff_account_id": "expense",
    "medical_copay_account_id": "liability_current",
    "medical_interest_account_id": "income_other",
    "medical_payer_credit_account_id": "liability_current",
    "medical_transfer_clearing_account_id": "asset_current",
}
JOURNALS = {
    "medical_claim_journal_id": "sale",
    "medical_patient_journal_id": "sale",
    "medical_payment_journal_id": "general",
}


class MedicalAccountingSetupMixin:
    def assertMedicalAccounting(self, company):
        for fname, account_type in FIELDS.items():
            account = company[fname]
            self.assertTrue(account, f"{fname} is not set on {company.name}")
            self.assertEqual(account.account_type, account_type, fname)
            self.assertEqual(account.company_ids, company, fname)
        self.assertTrue(company.medical_insurance_receivable_account_id.reconcile)
        self.assertTrue(company.medical_patient_receivable_account_id.reconcile)
        self.assertTrue(company.medical_payer_credit_account_id.reconcile)
        self.assertTrue(company.medical_transfer_clearing_account_id.reconcile)
        self.assertNotEqual(
            company.medical_insurance_receivable_account_id, company.medical_patient_receivable_account_id
        )
        for fname, journal_type in JOURNALS.items():
            journal = company[fname]
            self.assertEqual(journal.type, journal_type, fname)
            self.assertEqual(journal.company_id, company, fname)
        self.assertEqual(len({company[f] for f in JOURNALS}), 3, "three distinct journals")


@tagged("post_install", "-at_install")
class TestAccountingSetupGeneric(MedicalAccountingSetupMixin, AccountTestInvoicingCommon):
    """Defaults on the generic chart, for companies set up at install and later."""

    def test_company_loading_a_chart_gets_defaults(self):
        # AccountTestInvoicingCommon loaded the generic chart on a new company: the chart hook ran.
        company = self.env.company
        self.assertEqual(company.chart_template, "generic_coa")
        self.assertMedicalAccounting(company)
        # The new accounts are numbered after the chart's own accounts.
        receivable = company.medical_insurance_receivable_account_id
        self.assertEqual(len(receivable.code), len(self.company_data["default_account_receivable"].code))

    def test_company_loading_a_chart_later(self):
        company = self.env["res.company"].create(
            {"name": "Later Practice", "country_id": self.env.ref("base.us").id}
        )
        self.env.user.company_ids |= company
        self.assertFalse(company.medical_claim_journal_id, "no chart yet: nothing to create")
        company._medical_setup_accounting()
        self.assertFalse(company.medical_claim_journal_id)
        self.env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        self.assertMedicalAccounting(company)

    def test_setup_is_idempotent_and_keeps_choices(self):
        company = self.env.company
        chosen = self.company_data["default_account_receivable"]
        company.medical_patient_receivable_account_id = chosen
        before = {f: company[f] for f in [*FIELDS, *JOURNALS]}
        company._medical_setup_accounting()
        company._medical_check_accounting()
        for fname, value in before.items():
            self.assertEqual(company[fname], value, fname)
        self.assertEqual(company.medical_patient_receivable_account_id, chosen)

    def test_lazy_creation_at_first_use(self):
        company = self.env.company
        company.medical_contractual_account_id = False
        company.medical_claim_journal_id = False
        company.medical_payment_journal_id = False
        company.medical_transfer_clearing_account_id = False
        company._medical_check_accounting()
        self.assertMedicalAccounting(company)

    def test_settings_page(self):
        self.env.user.groups_id |= self.env.ref("base.group_system")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.medical_claim_journal_id, self.env.company.medical_claim_journal_id)
        other = self.company_data["default_account_revenue"].copy({"code": "499999"})
        settings.medical_contractual_account_id = other
        settings.execute()
        self.assertEqual(self.env.company.medical_contractual_account_id, other)


@tagged("post_install", "-at_install")
class TestAccountingSetupCustomChart(MedicalAccountingSetupMixin, AccountTestInvoicingCommon):
    """A company with its own hand-made chart (four-digit codes, no chart template) gets defaults lazily."""

    def test_custom_chart(self):
        company = self.env["res.company"].create({"name": "Custom Chart Practice"})
        self.env.user.company_ids |= company
        Account = self.env["account.account"].with_company(company)
        accounts = Account.create(
            [
                {
                    "code": code,
                    "name": name,
                    "account_type": account_type,
                    "company_ids": [Command.set(company.ids)],
                }
                for code, name, account_type in [
                    ("1100", "Receivable", "asset_receivable"),
                    ("2100", "Current liabilities", "liability_current"),
                    ("4000", "Fees", "income"),
                    ("6000", "Expenses", "expense"),
                ]
            ]
        )
        accounts[0].reconcile = True
        company._medical_check_accounting()
        self.assertMedicalAccounting(company)
        codes = {fname: company[fname].with_company(company).code for fname in FIELDS}
        self.assertEqual(
            codes,
            {
                "medical_insurance_receivable_account_id": "1101",
                "medical_patient_receivable_account_id": "1102",
                "medical_contractual_account_id": "4001",
                "medical_patient_writeoff_account_id": "6001",
                "medical_copay_account_id": "2101",
                "medical_interest_account_id": "4002",
                "medical_payer_credit_account_id": "2102",
                # No current asset in this chart: numbered after the receivables.
                "medical_transfer_clearing_account_id": "1103",
            },
        )

    def test_company_without_chart_is_refused(self):
        from odoo.exceptions import UserError

        company = self.env["res.company"].create({"name": "No Chart Practice"})
        with self.assertRaisesRegex(UserError, "No Chart Practice has no chart of accounts"):
            company._medical_check_accounting()


@tagged("post_install", "-at_install")
class TestAccountingSetupBelgianChart(MedicalAccountingSetupMixin, AccountTestInvoicingCommon):
    """Another real chart. Needs l10n_be in the test database; skipped (logged) without it."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("be")
    def setUpClass(cls):
        super().setUpClass()

    def test_belgian_chart(self):
        company = self.env.company
        self.assertEqual(company.chart_template, "be_comp")
        self.assertMedicalAccounting(company)


@tagged("post_install", "-at_install")
class TestClaimOnBelgianChart(MedicalBillingCommon):
    """A claim posted on another chart of accounts. Needs l10n_be; skipped (logged) without it."""

    @classmethod
    @MedicalBillingCommon.setup_country("be")
    def setUpClass(cls):
        super().setUpClass()

    def test_claim_invoice_on_belgian_chart(self):
        company = self.env.company
        self.assertEqual(company.chart_template, "be_comp")
        self.assertTrue(company.account_sale_tax_id, "the Belgian chart has a default sales tax")
        claim = self.make_claim()
        claim.action_validate()
        invoice = claim.invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_tax, 0.0, "physician services carry no sales tax")
        # The payer is abroad for a Belgian company: its fiscal position maps the revenue account.
        income = invoice.fiscal_position_id.map_account(self.income)
        self.assertMoveLines(
            invoice,
            [
                (company.medical_insurance_receivable_account_id, self.payer, 300.0, 0.0),
                (income, self.payer, 0.0, 100.0),
                (income, self.payer, 0.0, 200.0),
            ],
        )
