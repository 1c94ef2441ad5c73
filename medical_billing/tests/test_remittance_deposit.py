# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .remittance_common import RemittanceCommon


@tagged("post_install", "-at_install")
class TestRemittanceDeposit(RemittanceCommon):
    """The deposit of a posted remittance matched with its bank statement line (both sides reconciled)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.practice._medical_deposit_journal()
        cls.suspense = cls.bank_journal.suspense_account_id

    def post_era(self, trace="EFT0001", **values):
        """Import and post an ERA paying 200.00 on a new claim (CO 80.00, PR 20.00)."""
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        era = self.era(
            [
                self.era_claim(
                    claim,
                    200,
                    [
                        self.service(first, 60, [("CO", "45", 20), ("PR", "3", 20)]),
                        self.service(second, 140, [("CO", "45", 60)]),
                    ],
                    patient_amount=20,
                )
            ],
            trace=trace,
            **values,
        )
        remittance, _counts = self.import_era(era, filename=f"{trace}.835")
        self.assertEqual(remittance.state, "posted")
        self.assertEqual(remittance.amount, 200.0)
        return remittance

    def statement_line(self, amount=200.0, label="", **values):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": self.today,
                "amount": amount,
                "payment_ref": label,
                **values,
            }
        )

    def assertMatched(self, remittance, st_line):
        """Both sides reconciled: the deposit item with the statement line's item on the outstanding
        receipts account, which replaced its suspense item."""
        deposit = remittance.deposit_line_id
        self.assertEqual(deposit.account_id, self.deposit_account)
        self.assertEqual(deposit.debit, 200.0)
        self.assertTrue(deposit.reconciled)
        self.assertTrue(st_line.is_reconciled)
        self.assertEqual(remittance.deposit_state, "matched")
        self.assertEqual(remittance.statement_line_id, st_line)
        self.assertMoveLines(
            st_line.move_id,
            [
                (self.bank_journal.default_account_id, self.payer, 200.0, 0.0),
                (self.deposit_account, self.payer, 0.0, 200.0),
            ],
        )
        counterpart = st_line.move_id.line_ids.filtered(lambda ln: ln.account_id == self.deposit_account)
        self.assertTrue(counterpart.full_reconcile_id)
        self.assertEqual(counterpart.full_reconcile_id, deposit.full_reconcile_id)
        self.assertEqual(st_line.partner_id, self.payer)

    def assertInSuspense(self, st_line):
        self.assertFalse(st_line.is_reconciled)
        self.assertEqual(
            st_line.move_id.line_ids.account_id,
            self.bank_journal.default_account_id | self.suspense,
        )

    def test_imported_statement_line_matches_deposit(self):
        remittance = self.post_era()
        self.assertEqual(remittance.deposit_state, "open")
        self.assertFalse(remittance.statement_line_id)
        st_line = self.statement_line(label="ACH CREDIT ACME HEALTH HCCLAIMPMT TRN*1*EFT0001*1999999999")
        self.assertMatched(remittance, st_line)
        self.assertIn(
            f"Deposit matched with the bank statement line {st_line.move_id.name}.",
            remittance.message_ids.mapped("preview"),
        )

    def test_undoing_the_bank_reconciliation_reopens_the_deposit(self):
        """The ERA deposit's state is read from the reconciliation itself: undone by hand, the deposit is open
        again (its item on the outstanding receipts account too) and matches again."""
        remittance = self.post_era()
        st_line = self.statement_line(label="ACH ACME HEALTH TRN*1*EFT0001*1999999999")
        self.assertMatched(remittance, st_line)
        accountant = self.make_user("era_undo_accountant", "base.group_user,account.group_account_user")
        st_line.with_user(accountant).action_undo_reconciliation()
        self.assertInSuspense(st_line)
        self.assertRecordValues(
            remittance.deposit_line_id, [{"debit": 200.0, "amount_residual": 200.0, "reconciled": False}]
        )
        self.assertEqual(remittance.deposit_state, "open")
        self.assertFalse(remittance.statement_line_id)
        action = remittance.action_match_deposit()
        self.assertEqual(action["params"]["message"], "1 deposit(s) matched with the bank statement.")
        self.assertMatched(remittance, st_line)

    def test_other_amount_or_trace_stays_unmatched(self):
        remittance = self.post_era()
        other_amount = self.statement_line(amount=199.99, label="ACH ACME HEALTH TRN EFT0001")
        longer_trace = self.statement_line(label="ACH ACME HEALTH TRN EFT00012")
        no_trace = self.statement_line(label="ACH ACME HEALTH")
        for st_line in other_amount | longer_trace | no_trace:
            self.assertInSuspense(st_line)
        self.assertEqual(remittance.deposit_state, "open")
        self.assertFalse(remittance.deposit_line_id.reconciled)
        action = remittance.action_match_deposit()
        self.assertEqual(remittance.deposit_state, "open")
        self.assertIn(
            f"{remittance.name}: no open bank statement line of 200.00 names trace number EFT0001.",
            action["params"]["message"],
        )

    def test_statement_line_button_matches_by_reference(self):
        remittance = self.post_era()
        st_line = self.statement_line(label="ACH ACME HEALTH")
        self.assertInSuspense(st_line)
        st_line.move_id.ref = "EFT0001"
        action = st_line.action_match_era_deposits()
        self.assertEqual(action["params"]["message"], "1 statement line(s) matched with ERA deposits.")
        self.assertMatched(remittance, st_line)

    def test_server_action_on_statement_lines(self):
        remittance = self.post_era()
        st_line = self.statement_line(label="ACH ACME HEALTH")
        st_line.payment_ref = "ACH ACME HEALTH EFT0001"
        server_action = self.env.ref("medical_billing.account_bank_statement_line_action_match_era")
        server_action.with_context(active_model=st_line._name, active_ids=st_line.ids).run()
        self.assertMatched(remittance, st_line)

    def test_remittance_action_matches_as_biller(self):
        remittance = self.post_era()
        st_line = self.statement_line(label="ACH ACME HEALTH")
        st_line.payment_ref = "ACME HEALTH eft0001"
        biller = self.make_user("deposit_biller", "medical_coding.medical_coding_group_biller")
        action = remittance.with_user(biller).action_match_deposit()
        self.assertEqual(action["params"]["message"], "1 deposit(s) matched with the bank statement.")
        self.assertMatched(remittance, st_line)

    def test_statement_line_action_needs_accounting_rights(self):
        self.post_era()
        st_line = self.statement_line(label="ACH ACME HEALTH")
        biller = self.make_user("deposit_biller2", "medical_coding.medical_coding_group_biller")
        with self.assertRaises(AccessError):
            st_line.with_user(biller).action_match_era_deposits()
        self.assertInSuspense(st_line)

    def test_statement_before_era_matches_when_posted(self):
        st_line = self.statement_line(label="ACH ACME HEALTH TRN EFT0001")
        self.assertInSuspense(st_line)
        remittance = self.post_era()
        self.assertMatched(remittance, st_line)

    def test_ambiguous_lines_stay_unmatched(self):
        remittance = self.post_era()
        st_lines = self.env["account.bank.statement.line"].create(
            [
                {
                    "journal_id": self.bank_journal.id,
                    "date": self.today,
                    "amount": 200.0,
                    "payment_ref": label,
                }
                for label in ("ACME HEALTH EFT0001", "ACME HEALTH EFT0001 (again)")
            ]
        )
        for st_line in st_lines:
            self.assertInSuspense(st_line)
        self.assertEqual(remittance.deposit_state, "open")
        reason = (
            "Deposit not matched: 2 bank statement lines of 200.00 name trace number EFT0001 "
            f"({', '.join(st_lines.move_id.mapped('name'))}). Match it by hand."
        )
        self.assertIn(reason, remittance.message_ids.mapped("preview"))
        self.assertNotIn(self.patient.name, " ".join(remittance.message_ids.mapped("preview")))
        # One of them taken for something else: the other one is the deposit.
        st_lines[1].payment_ref = "ACME HEALTH refund"
        action = remittance.action_match_deposit()
        self.assertEqual(action["params"]["type"], "success")
        self.assertMatched(remittance, st_lines[0])

    def test_check_era_matches(self):
        remittance = self.post_era(trace="004512", method="CHK")
        self.assertEqual(remittance.payment_method, "CHK")
        st_line = self.statement_line(label="DEPOSIT CHECK 004512 ACME HEALTH")
        self.assertMatched(remittance, st_line)

    def test_cancel_after_match_returns_line_to_suspense(self):
        """Cancelling a matched remittance reverses its entry (deposit included): its bank statement line
        goes back to suspense; posted again, the remittance matches it again."""
        remittance = self.post_era()
        st_line = self.statement_line(label="ACME HEALTH EFT0001")
        self.assertMatched(remittance, st_line)
        deposit = remittance.deposit_line_id
        remittance.action_cancel()
        self.assertEqual(remittance.state, "cancel")
        self.assertEqual(remittance.deposit_state, "none")
        self.assertFalse(remittance.statement_line_id)
        self.assertInSuspense(st_line)
        # The deposit item is settled by its reversal, not by the bank.
        self.assertTrue(deposit.reconciled)
        self.assertEqual((deposit.matched_credit_ids.credit_move_id).move_id, remittance.reversal_move_id)
        self.assertIn(
            "Remittance cancelled: its deposit is no longer matched with the bank statement line "
            f"{st_line.move_id.name}, which is back in suspense.",
            remittance.message_ids.mapped("preview"),
        )
        remittance.action_draft()
        remittance.action_post()
        self.assertMatched(remittance, st_line)
