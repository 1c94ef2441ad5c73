# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import html

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_statement import StatementCommon


@tagged("post_install", "-at_install")
class TestPatientDeposit(StatementCommon):
    """The daily deposit of the desk payments, per payment journal, matched with its bank statement line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_patient = cls._make_patient("Deposit Patient Two")
        cls.bank_journal = cls.practice._medical_deposit_journal()

    def pay(self, partner, method, amount, reference=None, **values):
        self.env["medical.patient.payment"].create(
            {"partner_id": partner.id, "method": method, "amount": amount, "reference": reference, **values}
        ).action_confirm()
        return self.env["account.payment"].search([("partner_id", "=", partner.id)], order="id desc", limit=1)

    def day_of_payments(self):
        """Two cash payments and a check on the same day."""
        cash_1 = self.pay(self.patient, "cash", 20.0)
        cash_2 = self.pay(self.other_patient, "cash", 35.5)
        check = self.pay(self.patient, "check", 50.0, reference="1001")
        return cash_1, cash_2, check

    def prepare(self, user=None):
        wizard = self.env["medical.patient.deposit.prepare"]
        if user:
            wizard = wizard.with_user(user)
        action = wizard.create({"date": self.today}).action_prepare()
        return self.env["medical.patient.deposit"].search(action["domain"])

    def statement_line(self, amount, label="", journal=None):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": (journal or self.bank_journal).id,
                "date": self.today,
                "amount": amount,
                "payment_ref": label,
            }
        )

    def test_one_deposit_per_journal_with_its_totals_and_slip(self):
        cash_1, cash_2, check = self.day_of_payments()
        self.assertEqual((cash_1.medical_desk_method, check.medical_desk_reference), ("cash", "1001"))
        deposits = self.prepare()
        self.assertEqual(len(deposits), 2)
        cash = deposits.filtered(lambda d: d.journal_id.type == "cash")
        checks = deposits - cash
        self.assertRecordValues(
            cash,
            [
                {
                    "date": self.today,
                    "payment_ids": (cash_1 | cash_2).ids,
                    "amount_total": 55.5,
                    "amount_cash": 55.5,
                    "amount_check": 0.0,
                    "bank_journal_id": self.bank_journal.id,
                    "state": "draft",
                }
            ],
        )
        self.assertRecordValues(
            checks,
            [
                {
                    "journal_id": check.journal_id.id,
                    "payment_ids": check.ids,
                    "amount_total": 50.0,
                    "amount_check": 50.0,
                    "state": "draft",
                }
            ],
        )
        self.assertTrue(cash.name.startswith("DEP/"))
        # The slip: payments by method, the check number, the totals; no patient name.
        report = self.env.ref("medical_billing.action_report_medical_patient_deposit")
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(report, deposits.ids)
        root = html.fromstring(content)

        def texts(key):
            return [" ".join(n.text_content().split()) for n in root.xpath(f"//*[@data-dep='{key}']")]

        self.assertEqual(texts("number"), deposits.mapped("name"))
        self.assertEqual(
            texts("total"), ["$ 55.50", "$ 50.00"] if deposits[0] == cash else ["$ 50.00", "$ 55.50"]
        )
        self.assertEqual(sorted(texts("total-cash") + texts("total-check")), ["$ 50.00", "$ 55.50"])
        self.assertIn(f"{check.name} 1001 $ 50.00", texts("payment"))
        text = root.text_content()
        for name in ("Test Patient One", "Deposit Patient Two"):
            self.assertNotIn(name, text)
        action = cash.action_deposit()
        self.assertEqual(action["report_name"], "medical_billing.report_medical_patient_deposit")
        self.assertEqual((cash.state, cash.date_deposited), ("deposited", self.today))
        with self.assertRaisesRegex(UserError, "These deposits were deposited already."):
            cash.action_deposit()

    def test_statement_line_naming_the_deposit_reconciles_all_its_payments(self):
        cash_1, cash_2, _check = self.day_of_payments()
        cash = self.prepare().filtered(lambda d: d.journal_id.type == "cash")
        cash.action_deposit()
        st_line = self.statement_line(55.5, f"BRANCH DEPOSIT {cash.name}")
        self.assertEqual(cash.state, "matched")
        self.assertEqual(cash.statement_line_id, st_line)
        self.assertTrue(st_line.is_reconciled)
        outstanding = cash_1.outstanding_account_id
        # Bank 55.50 against the outstanding receipts (two guarantors: no partner on the line).
        self.assertMoveLines(
            st_line.move_id,
            [
                (self.bank_journal.default_account_id, self.env["res.partner"], 55.5, 0.0),
                (outstanding, self.env["res.partner"], 0.0, 55.5),
            ],
        )
        counterpart = st_line.move_id.line_ids.filtered(lambda ln: ln.account_id == outstanding)
        for payment, amount in ((cash_1, 20.0), (cash_2, 35.5)):
            item = payment.move_id.line_ids.filtered(
                lambda ln, p=payment: ln.account_id == p.outstanding_account_id
            )
            self.assertEqual((item.debit, item.credit), (amount, 0.0))
            self.assertTrue(item.reconciled)
            self.assertEqual(item.full_reconcile_id, counterpart.full_reconcile_id)
        self.assertFalse(
            self.env["account.move.line"].search(
                [
                    ("account_id", "=", outstanding.id),
                    ("reconciled", "=", False),
                    ("payment_id", "in", (cash_1 | cash_2).ids),
                ]
            ),
            "the outstanding receipts of the deposit are cleared",
        )
        self.assertIn(
            f"Deposit matched with the bank statement line {st_line.move_id.name}.",
            cash.message_ids.mapped("preview"),
        )

    def test_undoing_the_bank_reconciliation_reopens_the_deposit(self):
        cash_1, cash_2, _check = self.day_of_payments()
        cash = self.prepare().filtered(lambda d: d.journal_id.type == "cash")
        cash.action_deposit()
        st_line = self.statement_line(55.5, f"BRANCH DEPOSIT {cash.name}")
        self.assertEqual((cash.state, cash.statement_line_id), ("matched", st_line))
        outstanding = cash_1.outstanding_account_id
        # an accountant without the medical roles: the deposit follows even though they cannot read it
        accountant = self.make_user("deposit_undo_accountant", "base.group_user,account.group_account_user")

        def payment_items():
            return (cash_1 | cash_2).move_id.line_ids.filtered(lambda ln: ln.account_id == outstanding)

        # The accountant undoes the statement line's reconciliation (its "Undo" button).
        st_line.with_user(accountant).action_undo_reconciliation()
        self.assertRecordValues(
            payment_items().sorted("debit"),
            [
                {"debit": 20.0, "credit": 0.0, "amount_residual": 20.0, "reconciled": False},
                {"debit": 35.5, "credit": 0.0, "amount_residual": 35.5, "reconciled": False},
            ],
        )
        self.assertFalse(st_line.is_reconciled)
        self.assertMoveLines(
            st_line.move_id,
            [
                (self.bank_journal.default_account_id, self.env["res.partner"], 55.5, 0.0),
                (self.bank_journal.suspense_account_id, self.env["res.partner"], 0.0, 55.5),
            ],
        )
        self.assertEqual((cash.state, cash.statement_line_id), ("deposited", self.env[st_line._name]))
        self.assertIn(
            f"The reconciliation with the bank statement line {st_line.move_id.name} was undone: the deposit "
            "is deposited again, to be matched again.",
            cash.message_ids.mapped("preview"),
        )

        # Matched again from the deposit's button: the same journal items as the first time.
        cash.action_match_bank()
        self.assertEqual((cash.state, cash.statement_line_id), ("matched", st_line))
        self.assertTrue(st_line.is_reconciled)
        self.assertTrue(all(payment_items().mapped("reconciled")))
        self.assertMoveLines(
            st_line.move_id,
            [
                (self.bank_journal.default_account_id, self.env["res.partner"], 55.5, 0.0),
                (outstanding, self.env["res.partner"], 0.0, 55.5),
            ],
        )

        # Unreconciling a payment's outstanding item from the journal items: the deposit is open again too.
        first_item = payment_items().sorted("debit")[:1]
        first_item.with_user(accountant).remove_move_reconcile()
        self.assertRecordValues(first_item, [{"debit": 20.0, "amount_residual": 20.0, "reconciled": False}])
        self.assertEqual((cash.state, cash.statement_line_id), ("deposited", self.env[st_line._name]))

    def test_unique_amount_matches_without_reference(self):
        _cash_1, _cash_2, check = self.day_of_payments()
        checks = self.prepare().filtered(lambda d: d.journal_id.type == "bank")
        st_line = self.statement_line(50.0, "COUNTER DEPOSIT")
        self.assertEqual((checks.state, checks.statement_line_id), ("matched", st_line))
        self.assertTrue(st_line.is_reconciled)
        # Bank 50.00 against the outstanding receipts, partner the one guarantor of the deposit.
        outstanding = check.outstanding_account_id
        self.assertMoveLines(
            st_line.move_id,
            [
                (self.bank_journal.default_account_id, self.patient, 50.0, 0.0),
                (outstanding, self.patient, 0.0, 50.0),
            ],
        )
        item = check.move_id.line_ids.filtered(lambda ln: ln.account_id == outstanding)
        self.assertEqual((item.debit, item.credit, item.amount_residual), (50.0, 0.0, 0.0))
        self.assertTrue(item.reconciled)
        counterpart = st_line.move_id.line_ids.filtered(lambda ln: ln.account_id == outstanding)
        self.assertEqual(item.full_reconcile_id, counterpart.full_reconcile_id)
        self.assertTrue(item.full_reconcile_id)

    def test_other_amount_or_ambiguous_line_is_not_matched(self):
        self.day_of_payments()
        deposits = self.prepare()
        cash = deposits.filtered(lambda d: d.journal_id.type == "cash")
        checks = deposits - cash
        wrong = self.statement_line(55.0, f"DEPOSIT {cash.name}")
        self.assertFalse(wrong.is_reconciled)
        self.assertEqual(cash.state, "draft")
        action = cash.action_match_bank()
        self.assertIn(
            f"{cash.name} not matched: the bank statement line {wrong.move_id.name} names it but is of "
            "$ 55.00, not $ 55.50, or in another journal. Check the deposit.",
            action["params"]["message"],
        )
        # Two lines of the check deposit's amount, naming nothing: which one is it?
        first = self.statement_line(50.0, "COUNTER DEPOSIT")
        self.assertEqual((checks.state, checks.statement_line_id), ("matched", first))
        second_day = self.statement_line(50.0, "COUNTER DEPOSIT")
        self.assertFalse(second_day.is_reconciled, "the check deposit is matched already")
        self.assertFalse(
            cash.payment_ids.move_id.line_ids.filtered("reconciled").filtered(
                lambda ln: ln.account_id == cash.payment_ids[0].outstanding_account_id
            )
        )

    def test_two_lines_for_one_deposit_stay_unmatched(self):
        self.day_of_payments()
        one = self.statement_line(50.0, "COUNTER DEPOSIT A")
        two = self.statement_line(50.0, "COUNTER DEPOSIT B")
        checks = self.prepare().filtered(lambda d: d.journal_id.type == "bank")
        self.assertEqual(checks.state, "draft")
        self.assertFalse(one.is_reconciled or two.is_reconciled)
        self.assertIn(
            f"{checks.name} not matched: 2 bank statement lines could be it",
            " ".join(checks.message_ids.mapped("preview")),
        )

    def test_a_payment_goes_in_one_deposit_only(self):
        _cash_1, _cash_2, check = self.day_of_payments()
        deposits = self.prepare()
        with self.assertRaisesRegex(UserError, "No desk payment of .* is left to deposit."):
            self.prepare()
        Deposit = self.env["medical.patient.deposit"]
        with self.assertRaisesRegex(
            UserError, f"Payment {check.name} is in deposit {check.medical_deposit_id.name} already."
        ):
            Deposit._create_deposit(self.practice, check.journal_id, self.today, check)
        biller = self.make_user("deposit_biller_2", "medical_coding.medical_coding_group_biller")
        cash = deposits.filtered(lambda d: d.journal_id.type == "cash")
        with self.assertRaises(AccessError):
            cash.with_user(biller).write({"payment_ids": [(4, check.id)]})
        with self.assertRaises(AccessError):
            check.with_user(biller).write({"medical_deposit_id": cash.id})
        with self.assertRaises(AccessError):
            Deposit.with_user(biller).create(
                {
                    "journal_id": check.journal_id.id,
                    "bank_journal_id": self.bank_journal.id,
                    "date": self.today,
                    "payment_ids": [(4, check.id)],
                }
            )
        self.assertEqual(check.medical_deposit_id, deposits - cash)

    def test_roles(self):
        self.day_of_payments()
        front_desk = self.make_user("deposit_front_desk", "medical_coding.medical_coding_group_front_desk")
        with self.assertRaises(AccessError):
            self.prepare(user=front_desk)
        biller = self.make_user("deposit_biller", "medical_coding.medical_coding_group_biller")
        deposits = self.prepare(user=biller)
        self.assertEqual(len(deposits), 2)
        with self.assertRaises(AccessError):
            deposits.with_user(front_desk).read(["amount_total"])
        with self.assertRaises(AccessError):
            deposits.with_user(biller).write({"state": "matched"})
        with self.assertRaises(AccessError):
            deposits.with_user(biller).unlink()
        deposits[0].with_user(biller).action_deposit()
        other = self.setup_other_company(name="Other Practice")["company"]
        biller_b = self.make_user(
            "deposit_biller_b", "medical_coding.medical_coding_group_biller", company=other
        )
        self.assertFalse(self.env["medical.patient.deposit"].with_user(biller_b).search([]))
        with self.assertRaises(AccessError):
            deposits.with_user(biller_b).read(["amount_total"])
        with self.assertRaisesRegex(UserError, "You cannot prepare the deposits of another practice."):
            self.env["medical.patient.deposit"].with_user(biller_b)._prepare_deposits(
                self.practice, self.today
            )
        manager = self.make_user("deposit_manager", "medical_coding.medical_coding_group_manager")
        with self.assertRaisesRegex(UserError, "Only a prepared deposit"):
            deposits[0].with_user(manager).unlink()
        deposits[1].with_user(manager).unlink()
        self.assertEqual(len(self.prepare(user=biller)), 1, "its payments are free again")

    def test_statement_line_of_another_company_is_refused(self):
        self.day_of_payments()
        checks = self.prepare().filtered(lambda d: d.journal_id.type == "bank")
        other = self.setup_other_company(name="Other Practice")
        line = (
            self.env["account.bank.statement.line"]
            .with_company(other["company"])
            .create(
                {
                    "journal_id": other["default_journal_bank"].id,
                    "date": self.today,
                    "amount": 50.0,
                    "payment_ref": checks.name,
                }
            )
        )
        self.assertEqual(checks.state, "draft")
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            checks.sudo().write({"statement_line_id": line.id})

    def test_deposit_number_and_desk_details_are_not_edited(self):
        cash_1, _cash_2, check = self.day_of_payments()
        deposits = self.prepare()
        message = "change only through the workflow buttons, not by editing."
        biller = self.make_user("deposit_biller_3", "medical_coding.medical_coding_group_biller")
        with self.assertRaisesRegex(AccessError, message):
            deposits[0].with_user(biller).write({"name": "DEP/FAKE"})
        accountant = self.make_user(
            "deposit_accountant", "account.group_account_manager,medical_coding.medical_coding_group_biller"
        )
        with self.assertRaisesRegex(AccessError, message):
            check.with_user(accountant).write({"medical_desk_reference": "9999"})
        with self.assertRaisesRegex(AccessError, message):
            cash_1.with_user(accountant).write({"medical_desk_method": "check"})
        with self.assertRaisesRegex(AccessError, message):
            self.env["account.payment"].with_user(accountant).create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.patient.id,
                    "amount": 5.0,
                    "journal_id": cash_1.journal_id.id,
                    "medical_desk_method": "cash",
                }
            )
        self.assertEqual((check.medical_desk_reference, cash_1.medical_desk_method), ("1001", "cash"))
        self.assertTrue(deposits[0].name.startswith("DEP/"))

    def test_payment_of_a_deposit_taken_to_the_bank_stays_posted(self):
        cash_1, cash_2, check = self.day_of_payments()
        deposits = self.prepare()
        cash = deposits.filtered(lambda d: d.journal_id.type == "cash")
        checks = deposits - cash
        cash.action_deposit()
        message = f"Payment {cash_1.name} is in deposit {cash.name}, taken to the bank"
        with self.assertRaisesRegex(UserError, message):
            cash_1.action_draft()
        with self.assertRaisesRegex(UserError, message):
            cash_1.action_cancel()
        with self.assertRaisesRegex(UserError, message):
            cash_1.move_id.button_draft()
        self.assertEqual((cash_1.move_id.state, cash_1.medical_deposit_id), ("posted", cash))
        self.assertEqual((cash.amount_total, cash.payment_ids), (55.5, cash_1 | cash_2))
        # A payment of a prepared deposit, cancelled: out of the deposit, whose total follows.
        check.action_cancel()
        self.assertEqual(
            (check.state, check.medical_deposit_id), ("canceled", self.env["medical.patient.deposit"])
        )
        self.assertEqual((checks.amount_total, checks.payment_ids), (0.0, self.env["account.payment"]))
        self.assertIn(
            f"Payment(s) {check.name} reset to draft or cancelled: out of the deposit.",
            checks.message_ids.mapped("preview"),
        )

    def test_payments_on_several_accounts_are_not_matched(self):
        cash_1 = self.pay(self.patient, "cash", 20.0)
        drawer_two = self.env["account.account"].create(
            {
                "name": "Outstanding Receipts (drawer two)",
                "code": "101499",
                "account_type": "asset_current",
                "reconcile": True,
            }
        )
        cash_1.payment_method_line_id.payment_account_id = drawer_two
        cash_2 = self.pay(self.other_patient, "cash", 35.5)
        self.assertNotEqual(cash_1.outstanding_account_id, cash_2.outstanding_account_id)
        cash = self.prepare()
        self.assertEqual(cash.payment_ids, cash_1 | cash_2)
        st_line = self.statement_line(55.5, f"DEPOSIT {cash.name}")
        self.assertFalse(st_line.is_reconciled)
        self.assertEqual(cash.state, "draft")
        self.assertIn(
            f"{cash.name} not matched: its payments are on several accounts (",
            " ".join(cash.message_ids.mapped("preview")),
        )

    def test_desk_refunds_are_paid_by_check_from_the_bank(self):
        """The drawer goes to the bank whole: refunds are never paid out of it (nor through the card
        terminal), so the deposit's total is the cash taken to the bank, to the cent."""
        self.remit_with_patient_share()
        cash_in = self.pay(self.patient, "cash", 50.0)
        self.assertEqual(self.receivable_at(self.patient, self.today), -30.0, "a credit of 30.00")
        refused = (
            "Refund the credit by check from a bank journal: the cash drawer and the card terminal go to "
            "the bank whole in the daily deposit."
        )
        for method, reference in (("cash", None), ("card", "T-1")):
            with self.assertRaisesRegex(UserError, refused):
                self.pay(self.patient, method, 10.0, reference, direction="outbound")
        with self.assertRaisesRegex(UserError, refused):
            self.pay(
                self.patient, "check", 10.0, "R-0", direction="outbound", journal_id=cash_in.journal_id.id
            )
        refund = self.pay(self.patient, "check", 30.0, "R-1", direction="outbound")
        self.assertEqual((refund.payment_type, refund.journal_id.type), ("outbound", "bank"))
        self.assertMoveLines(
            refund.move_id,
            [
                (refund.outstanding_account_id, self.patient, 0.0, 30.0),
                (self.patient_ar, self.patient, 30.0, 0.0),
            ],
        )
        self.assertEqual(self.receivable_at(self.patient, self.today), 0.0)
        deposit = self.prepare()
        self.assertRecordValues(deposit, [{"payment_ids": cash_in.ids, "amount_total": 50.0}])
        st_line = self.statement_line(50.0, f"DEPOSIT {deposit.name}")
        self.assertEqual(deposit.state, "matched")
        self.assertMoveLines(
            st_line.move_id,
            [
                (self.bank_journal.default_account_id, self.patient, 50.0, 0.0),
                (cash_in.outstanding_account_id, self.patient, 0.0, 50.0),
            ],
        )
        receipt = cash_in.move_id.line_ids.filtered(
            lambda ln: ln.account_id == cash_in.outstanding_account_id
        )
        self.assertEqual((receipt.debit, receipt.amount_residual), (50.0, 0.0))
        # The refund check clears through its own (outgoing) bank statement line.
        refund_item = refund.move_id.line_ids.filtered(
            lambda ln: ln.account_id == refund.outstanding_account_id
        )
        self.assertEqual((refund_item.credit, refund_item.amount_residual), (30.0, -30.0))

    def test_statement_line_outside_the_users_companies_is_left_alone(self):
        self.day_of_payments()
        checks = self.prepare().filtered(lambda d: d.journal_id.type == "bank")
        other = self.setup_other_company(name="Other Practice")["company"]
        # Odoo's record rules refuse a user creating a line outside its companies; a system import (sudo)
        # run for a user of another practice does not match this practice's deposits either.
        st_line = (
            self.env["account.bank.statement.line"]
            .sudo()
            .with_context(allowed_company_ids=other.ids)
            .create(
                {
                    "journal_id": self.bank_journal.id,
                    "date": self.today,
                    "amount": 50.0,
                    "payment_ref": "COUNTER DEPOSIT",
                    "company_id": self.practice.id,
                }
            )
        )
        self.assertEqual(checks.state, "draft", "not matched by a user of another practice")
        self.assertFalse(st_line.is_reconciled)
        checks.action_match_bank()
        self.assertEqual((checks.state, checks.statement_line_id), ("matched", st_line.with_env(self.env)))
