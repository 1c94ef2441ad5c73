# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MedicalBillingCommon


@tagged("post_install", "-at_install")
class TestSecondaryClaimLedger(MedicalBillingCommon):
    """Billing the next payer moves what the previous payer left (PR) from its invoice to the next
    payer's: the insurance receivable is never counted twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second_payer = cls.env["res.partner"].create(
            {
                "name": "Beta Secondary Insurance",
                "is_company": True,
                "is_payer": True,
                "payer_code": "BETA2",
                "claim_filing_indicator": "BL",
            }
        )
        cls._make_coverage(cls.patient, payer=cls.second_payer, priority="secondary", member_id="BETA9876")
        cls.receivable = cls.practice.medical_insurance_receivable_account_id

    def adjudicated_primary(self, lines):
        """A primary claim of 100 + 50, adjudicated: ``lines`` [(paid, [(group, reason, amount)])]."""
        claim = self.make_claim(
            lines=[("cpt_99213", ["mod_25"], 1, "B", 100.0), ("cpt_20610", ["mod_rt"], 1, "A", 50.0)]
        )
        claim.action_validate()
        self.assertEqual(claim.state, "ready", claim.finding_ids.mapped("message"))
        claim.action_submit()
        claim.action_accept()
        claim.payer_claim_control_number = "ACMEICN1"
        for line, (paid, adjustments) in zip(claim.line_ids.sorted("sequence"), lines, strict=True):
            line.write(
                {
                    "amount_paid": paid,
                    "adjustment_ids": [
                        Command.create({"group_code": g, "reason_code": r, "amount": a})
                        for g, r, a in adjustments
                    ],
                }
            )
        claim.action_record_adjudication()
        return claim

    def bill_next_payer(self):
        primary = self.adjudicated_primary(
            [
                (60.0, [("CO", "45", 20.0), ("PR", "1", 20.0)]),
                (30.0, [("CO", "45", 10.0), ("PR", "2", 10.0)]),
            ]
        )
        secondary = self.env["medical.claim"].browse(primary.action_create_secondary_claim()["res_id"])
        secondary.action_validate()
        self.assertEqual(secondary.state, "ready", secondary.finding_ids.mapped("message"))
        return primary, secondary

    def assertBalances(self, primary, secondary, moved=30.0):
        self.assertEqual(primary.invoice_id.amount_residual, 150.0 - moved)
        self.assertEqual(secondary.amount_residual, moved)
        self.assertEqual(secondary.transfer_move_id.state, "posted")
        self.assertEqual(secondary.invoice_id, secondary.transfer_move_id)
        self.assertReceivablesMatchClaims(self.payer | self.second_payer)

    def receivable_balance(self):
        lines = self.env["account.move.line"].search(
            [("account_id", "=", self.receivable.id), ("parent_state", "=", "posted")]
        )
        return sum(lines.mapped("balance"))

    def income_balance(self):
        lines = self.env["account.move.line"].search(
            [("account_id", "=", self.income.id), ("parent_state", "=", "posted")]
        )
        return sum(lines.mapped("balance"))

    def test_next_payer_billed_what_the_previous_payer_left(self):
        primary, secondary = self.bill_next_payer()
        self.assertEqual(primary.invoice_id.amount_total, 150.0)
        transfer = secondary.transfer_move_id
        self.assertEqual(
            (transfer.move_type, transfer.state, transfer.partner_id), ("entry", "posted", self.second_payer)
        )
        self.assertEqual(transfer.journal_id.type, "general", "not numbered as a sales invoice")
        self.assertEqual(transfer.medical_claim_id, secondary)
        self.assertIn(primary.patient_control_number, transfer.ref)
        self.assertIn(secondary.patient_control_number, transfer.ref)
        # Receivable to receivable, line by line: no revenue account is touched.
        self.assertMoveLines(
            transfer,
            [
                (self.receivable, self.second_payer, 20.0, 0.0),
                (self.receivable, self.payer, 0.0, 20.0),
                (self.receivable, self.second_payer, 10.0, 0.0),
                (self.receivable, self.payer, 0.0, 10.0),
            ],
        )
        self.assertBalances(primary, secondary)
        self.assertEqual(primary.invoice_id.payment_state, "partial")
        self.assertEqual(secondary.payment_state, "not_paid")
        # The gross stays in the books once: 120 with the primary payer, 30 with the secondary.
        self.assertAlmostEqual(self.receivable_balance(), 150.0)
        self.assertAlmostEqual(self.income_balance(), -150.0)
        sales = self.env["account.move"].search([("move_type", "in", ("out_invoice", "out_refund"))])
        self.assertEqual(sales, primary.invoice_id, "no sales document but the first payer's invoice")

    def test_previous_payer_left_nothing(self):
        primary = self.adjudicated_primary(
            [(80.0, [("CO", "45", 20.0)]), (40.0, [("CO", "45", 10.0)])],
        )
        secondary = self.env["medical.claim"].browse(primary.action_create_secondary_claim()["res_id"])
        with self.assertRaisesRegex(UserError, "nothing to bill the next payer"):
            secondary.action_validate()
        self.assertEqual(secondary.state, "draft")
        self.assertFalse(secondary.invoice_id)
        self.assertFalse(secondary.transfer_move_id)
        self.assertEqual(primary.invoice_id.amount_residual, 150.0)

    def test_line_with_nothing_left_is_not_billed(self):
        primary = self.adjudicated_primary(
            [(60.0, [("CO", "45", 20.0), ("PR", "1", 20.0)]), (40.0, [("CO", "45", 10.0)])],
        )
        secondary = self.env["medical.claim"].browse(primary.action_create_secondary_claim()["res_id"])
        secondary.action_validate()
        self.assertMoveLines(
            secondary.transfer_move_id,
            [(self.receivable, self.second_payer, 20.0, 0.0), (self.receivable, self.payer, 0.0, 20.0)],
        )
        self.assertBalances(primary, secondary, moved=20.0)

    def test_reset_to_draft_does_not_transfer_twice(self):
        primary, secondary = self.bill_next_payer()
        transfer = secondary.transfer_move_id
        secondary.action_reset_draft()
        self.assertEqual(transfer.state, "draft")
        self.assertEqual(primary.invoice_id.amount_residual, 150.0)
        secondary.action_validate()
        self.assertEqual(secondary.transfer_move_id, transfer)
        transfers = self.env["account.move"].search([("medical_claim_id", "=", secondary.id)])
        self.assertEqual(transfers, transfer)
        self.assertBalances(primary, secondary)
        self.assertAlmostEqual(self.receivable_balance(), 150.0)

    def test_cancel_gives_the_balance_back(self):
        primary, secondary = self.bill_next_payer()
        secondary.action_cancel()
        self.assertEqual(secondary.transfer_move_id.state, "cancel")
        self.assertEqual(primary.invoice_id.amount_residual, 150.0)
        self.assertEqual(primary.invoice_id.payment_state, "not_paid")
        self.assertReceivablesMatchClaims(self.payer | self.second_payer)

    def test_replacement_and_void_of_next_payer_claim(self):
        primary, secondary = self.bill_next_payer()
        transfer = secondary.transfer_move_id
        secondary.action_submit()
        secondary.payer_claim_control_number = "BETAICN1"
        replacement = self.env["medical.claim"].browse(secondary.action_replace()["res_id"])
        self.assertEqual(replacement.primary_claim_id, primary)
        self.assertEqual(replacement.line_ids.primary_line_id, primary.line_ids)
        replacement.action_validate()
        self.assertEqual(replacement.state, "ready", replacement.finding_ids.mapped("message"))
        self.assertEqual(secondary.state, "replaced")
        # The replaced claim's transfer went back to the primary; the replacement has its own.
        reversal = secondary.reversal_move_id
        self.assertEqual((reversal.move_type, reversal.reversed_entry_id), ("entry", transfer))
        self.assertMoveLines(
            reversal,
            [
                (self.receivable, self.second_payer, 0.0, 20.0),
                (self.receivable, self.payer, 20.0, 0.0),
                (self.receivable, self.second_payer, 0.0, 10.0),
                (self.receivable, self.payer, 10.0, 0.0),
            ],
        )
        self.assertEqual(secondary.amount_residual, 0.0)
        self.assertEqual(secondary.payment_state, "reversed")
        self.assertNotEqual(replacement.transfer_move_id, transfer)
        self.assertBalances(primary, replacement)
        self.assertAlmostEqual(self.receivable_balance(), 150.0)
        replacement.action_submit()
        replacement.action_void()
        self.assertEqual(replacement.state, "voided")
        self.assertEqual(replacement.amount_residual, 0.0)
        # Voided at the next payer: the balance is the primary payer's again, nothing orphaned.
        self.assertEqual(primary.invoice_id.amount_residual, 150.0)
        self.assertEqual(primary.invoice_id.payment_state, "not_paid")
        self.assertAlmostEqual(self.receivable_balance(), 150.0)
        self.assertAlmostEqual(self.income_balance(), -150.0)
        self.assertReceivablesMatchClaims(self.payer | self.second_payer)
        self.assertTrue(
            all(line.reconciled for line in (transfer | replacement.transfer_move_id).line_ids),
            "every transfer line is matched by its reversal",
        )

    # ------------------------------------------------------------------ issue 11 bugs

    def test_primary_with_next_payer_cannot_be_voided_or_replaced(self):
        """Bug 1: voiding or replacing the primary orphaned the secondary's transfer."""
        primary, secondary = self.bill_next_payer()
        message = f"moved its balance to the next payer's claim {secondary.patient_control_number}"
        with self.assertRaisesRegex(UserError, message):
            primary.action_void()
        with self.assertRaisesRegex(UserError, message):
            primary.action_replace()
        self.assertEqual(primary.state, "paid")
        self.assertBalances(primary, secondary)
        # Void the next payer's claim first: then the primary can go, and nothing is left anywhere.
        secondary.action_submit()
        secondary.payer_claim_control_number = "BETAICN1"
        secondary.action_void()
        primary.action_void()
        self.assertEqual(primary.state, "voided")
        self.assertEqual(primary.invoice_id.payment_state, "reversed")
        self.assertAlmostEqual(self.receivable_balance(), 0.0)
        self.assertAlmostEqual(self.income_balance(), 0.0)
        open_lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.receivable.id),
                ("reconciled", "=", False),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertFalse(open_lines, "no orphan credit or debit with either payer")

    def test_transfer_limited_to_previous_residual(self):
        """Bug 2: with the primary paid in full, the transfer left an open credit on the primary payer."""
        primary = self.adjudicated_primary(
            [
                (60.0, [("CO", "45", 20.0), ("PR", "1", 20.0)]),
                (30.0, [("CO", "45", 10.0), ("PR", "2", 10.0)]),
            ]
        )
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=primary.invoice_id.ids)
            .create({"amount": 150.0, "journal_id": self.company_data["default_journal_bank"].id})
            ._create_payments()
        )
        self.assertEqual(primary.invoice_id.amount_residual, 0.0)
        secondary = self.env["medical.claim"].browse(primary.action_create_secondary_claim()["res_id"])
        with self.assertRaisesRegex(
            UserError,
            f"Claim {secondary.patient_control_number} would move 30.0 from claim "
            f"{primary.patient_control_number}, but only 0.0 is still open with Acme Health",
        ):
            secondary.action_validate()
        self.assertEqual(secondary.state, "draft")
        self.assertFalse(self.env["account.move"].search([("medical_claim_id", "=", secondary.id)]))
        self.assertTrue(
            payment.move_id.line_ids.filtered(lambda ln: ln.account_id == self.receivable).reconciled
        )
        self.assertAlmostEqual(self.receivable_balance(), 0.0)

    def test_new_next_payer_claim_after_void_recomputes_the_transfer(self):
        """Bug 3: a new next payer's claim after a void reused the stale transfer (150 became 165)."""
        primary, secondary = self.bill_next_payer()
        # The adjudication billed to the next payer is fixed while that claim stands.
        with self.assertRaisesRegex(
            UserError, f"billed to the next payer on claim {secondary.patient_control_number}"
        ):
            primary.line_ids[0].amount_paid = 45.0
        with self.assertRaisesRegex(UserError, "billed to the next payer"):
            primary.line_ids[0].adjustment_ids[0].amount = 5.0
        secondary.action_submit()
        secondary.payer_claim_control_number = "BETAICN1"
        secondary.action_void()
        # The primary payer corrected its adjudication: line 1 PR 35 instead of 20.
        line = primary.line_ids.sorted("sequence")[0]
        line.adjustment_ids.filtered(lambda a: a.group_code == "PR").amount = 35.0
        line.amount_paid = 45.0
        primary.action_record_adjudication()
        self.assertEqual(primary.amount_patient, 45.0)
        again = self.env["medical.claim"].browse(primary.action_create_secondary_claim()["res_id"])
        again.action_validate()
        self.assertEqual(again.state, "ready", again.finding_ids.mapped("message"))
        self.assertNotEqual(again.transfer_move_id, secondary.transfer_move_id)
        self.assertMoveLines(
            again.transfer_move_id,
            [
                (self.receivable, self.second_payer, 35.0, 0.0),
                (self.receivable, self.payer, 0.0, 35.0),
                (self.receivable, self.second_payer, 10.0, 0.0),
                (self.receivable, self.payer, 0.0, 10.0),
            ],
        )
        self.assertBalances(primary, again, moved=45.0)
        self.assertAlmostEqual(self.receivable_balance(), 150.0, msg="the 150 charge stays 150")
        self.assertAlmostEqual(self.income_balance(), -150.0)

    def test_claim_level_patient_responsibility_is_transferred(self):
        """Bug 4: PR at claim level counted in amount_patient but was not transferred, nor balanced."""
        primary = self.adjudicated_primary([(80.0, [("CO", "45", 20.0)]), (40.0, [("CO", "45", 10.0)])])
        # The remittance says: 15 deductible at claim level, so the payer paid 105 (CLP04).
        primary.write(
            {"adjustment_ids": [Command.create({"group_code": "PR", "reason_code": "1", "amount": 15.0})]}
        )
        primary.action_record_adjudication()
        self.assertEqual(
            (primary.amount_paid, primary.amount_patient, primary.amount_adjusted), (105.0, 15.0, 45.0)
        )
        self.assertEqual(primary.amount_total - primary.amount_adjusted, primary.amount_paid)
        secondary = self.env["medical.claim"].browse(primary.action_create_secondary_claim()["res_id"])
        secondary.action_validate()
        self.assertEqual(secondary.state, "ready", secondary.finding_ids.mapped("message"))
        self.assertMoveLines(
            secondary.transfer_move_id,
            [(self.receivable, self.second_payer, 15.0, 0.0), (self.receivable, self.payer, 0.0, 15.0)],
        )
        self.assertBalances(primary, secondary, moved=15.0)
        self.assertAlmostEqual(self.receivable_balance(), 150.0)

    def test_transfer_clearing_the_invoice_shows_it_paid(self):
        """All left to the next payer (deductible): the primary invoice is paid, not reversed."""
        primary = self.adjudicated_primary([(0.0, [("PR", "1", 100.0)]), (0.0, [("PR", "1", 50.0)])])
        secondary = self.env["medical.claim"].browse(primary.action_create_secondary_claim()["res_id"])
        secondary.action_validate()
        self.assertMoveLines(
            secondary.transfer_move_id,
            [
                (self.receivable, self.second_payer, 100.0, 0.0),
                (self.receivable, self.payer, 0.0, 100.0),
                (self.receivable, self.second_payer, 50.0, 0.0),
                (self.receivable, self.payer, 0.0, 50.0),
            ],
        )
        self.assertEqual(primary.invoice_id.amount_residual, 0.0)
        self.assertEqual(primary.invoice_id.payment_state, "paid")
        self.assertEqual(primary.payment_state, "paid")
        self.assertEqual(secondary.amount_residual, 150.0)
        self.assertReceivablesMatchClaims(self.payer | self.second_payer)

    def test_transfer_after_the_payer_paid_clears_the_invoice(self):
        primary = self.adjudicated_primary(
            [
                (60.0, [("CO", "45", 20.0), ("PR", "1", 20.0)]),
                (30.0, [("CO", "45", 10.0), ("PR", "2", 10.0)]),
            ]
        )
        # The payer's 90 and its 30 write-off, as the remittance will post them (here by hand).
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=primary.invoice_id.ids
        ).create(
            {
                "amount": 120.0,
                "journal_id": self.company_data["default_journal_bank"].id,
                "payment_difference_handling": "open",
            }
        )._create_payments()
        self.assertEqual(primary.invoice_id.amount_residual, 30.0)
        secondary = self.env["medical.claim"].browse(primary.action_create_secondary_claim()["res_id"])
        secondary.action_validate()
        self.assertEqual(primary.invoice_id.amount_residual, 0.0)
        self.assertIn(primary.invoice_id.payment_state, ("paid", "in_payment"))
        self.assertEqual(secondary.amount_residual, 30.0)
        self.assertReceivablesMatchClaims(self.second_payer)
