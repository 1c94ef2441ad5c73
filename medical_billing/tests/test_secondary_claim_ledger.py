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

    def assertBalances(self, primary, secondary):
        self.assertEqual(primary.invoice_id.amount_residual, 120.0)
        self.assertEqual(secondary.invoice_id.amount_residual, 30.0)
        self.assertEqual(secondary.transfer_move_id.state, "posted")
        self.assertEqual(secondary.transfer_move_id.amount_residual, 0.0)

    def test_next_payer_billed_what_the_previous_payer_left(self):
        primary, secondary = self.bill_next_payer()
        self.assertEqual(primary.invoice_id.amount_total, 150.0)
        invoice = secondary.invoice_id
        self.assertEqual((invoice.state, invoice.partner_id), ("posted", self.second_payer))
        self.assertEqual(invoice.amount_total, 30.0)
        self.assertMoveLines(
            invoice,
            [
                (self.receivable, self.second_payer, 30.0, 0.0),
                (self.income, self.second_payer, 0.0, 20.0),
                (self.income, self.second_payer, 0.0, 10.0),
            ],
        )
        transfer = secondary.transfer_move_id
        self.assertEqual(
            (transfer.move_type, transfer.state, transfer.partner_id), ("out_refund", "posted", self.payer)
        )
        self.assertIn(primary.patient_control_number, transfer.ref)
        self.assertIn(secondary.patient_control_number, transfer.ref)
        self.assertEqual(
            transfer.invoice_line_ids.product_id, invoice.invoice_line_ids.product_id, "lines by product"
        )
        self.assertMoveLines(
            transfer,
            [
                (self.receivable, self.payer, 0.0, 30.0),
                (self.income, self.payer, 20.0, 0.0),
                (self.income, self.payer, 10.0, 0.0),
            ],
        )
        self.assertBalances(primary, secondary)
        self.assertEqual(primary.invoice_id.payment_state, "partial")
        # The gross stays in the books once: 120 with the primary payer, 30 with the secondary.
        moves = primary.invoice_id | invoice | transfer
        receivable_lines = moves.line_ids.filtered(lambda ln: ln.account_id == self.receivable)
        self.assertAlmostEqual(sum(receivable_lines.mapped("balance")), 150.0)

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
        self.assertEqual(len(secondary.invoice_id.invoice_line_ids), 1)
        self.assertEqual(secondary.invoice_id.amount_total, 20.0)
        self.assertEqual(secondary.transfer_move_id.amount_total, 20.0)
        self.assertEqual(primary.invoice_id.amount_residual, 130.0)

    def test_reset_to_draft_does_not_transfer_twice(self):
        primary, secondary = self.bill_next_payer()
        transfer = secondary.transfer_move_id
        secondary.action_reset_draft()
        self.assertEqual(transfer.state, "draft")
        self.assertEqual(primary.invoice_id.amount_residual, 150.0)
        secondary.action_validate()
        self.assertEqual(secondary.transfer_move_id, transfer)
        refunds = self.env["account.move"].search(
            [("partner_id", "=", self.payer.id), ("move_type", "=", "out_refund")]
        )
        self.assertEqual(refunds, transfer)
        self.assertBalances(primary, secondary)

    def test_cancel_gives_the_balance_back(self):
        primary, secondary = self.bill_next_payer()
        secondary.action_cancel()
        self.assertEqual(secondary.transfer_move_id.state, "cancel")
        self.assertEqual(primary.invoice_id.amount_residual, 150.0)

    def test_void_and_replacement_keep_the_transfer(self):
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
        self.assertEqual(secondary.invoice_id.amount_residual, 0.0)
        self.assertEqual(replacement.transfer_move_id, transfer)
        self.assertBalances(primary, replacement)
        replacement.action_submit()
        replacement.action_void()
        self.assertEqual(replacement.state, "voided")
        self.assertEqual(replacement.invoice_id.amount_residual, 0.0)
        self.assertEqual(transfer.state, "posted")
        self.assertEqual(primary.invoice_id.amount_residual, 120.0)
