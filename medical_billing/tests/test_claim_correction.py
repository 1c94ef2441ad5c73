# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MedicalBillingCommon


@tagged("post_install", "-at_install")
class TestClaimCorrection(MedicalBillingCommon):
    """Voids and replacements leave the books right."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receivable = cls.practice.medical_insurance_receivable_account_id

    def sent_claim(self, **values):
        claim = self.make_claim(**values)
        claim.action_validate()
        claim.action_submit()
        claim.action_accept()
        claim.payer_claim_control_number = "PAYER-123"
        return claim

    def balance(self, account, partner=None):
        domain = [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        lines = self.env["account.move.line"].search(domain)
        return sum(lines.mapped("balance"))

    def pay(self, invoice, amount):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": amount,
                    "payment_date": self.today,
                    "journal_id": self.company_data["default_journal_bank"].id,
                }
            )
            ._create_payments()
        )

    def test_void_reverses_invoice(self):
        claim = self.sent_claim()
        invoice = claim.invoice_id
        action = claim.action_void()
        void = self.env["medical.claim"].browse(action["res_id"])
        self.assertEqual(claim.state, "voided")
        self.assertEqual(void.frequency, "8")
        self.assertEqual(void.state, "ready")
        self.assertEqual(void.original_claim_id, claim)
        self.assertEqual(void.payer_claim_control_number, "PAYER-123")
        self.assertNotEqual(void.patient_control_number, claim.patient_control_number)
        self.assertFalse(void.invoice_id, "a void has no charges of its own")
        self.assertEqual(void.amount_total, 300.0, "it shows the charges it voids")
        credit_note = claim.reversal_move_id
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.medical_claim_id, claim)
        self.assertMoveLines(
            credit_note,
            [
                (self.receivable, self.payer, 0.0, 300.0),
                (self.income, self.payer, 100.0, 0.0),
                (self.income, self.payer, 200.0, 0.0),
            ],
        )
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(credit_note.amount_residual, 0.0)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(self.balance(self.receivable, self.payer), 0.0)
        self.assertEqual(self.balance(self.income, self.payer), 0.0)
        # The encounter can be billed again (e.g. to the right payer) or cancelled.
        self.assertEqual(claim.encounter_id.state, "checked")
        with self.assertRaises(UserError) as caught:
            void.action_void()
        self.assertIn("has not been received by the payer", str(caught.exception))

    def test_void_after_partial_payment(self):
        claim = self.sent_claim()
        invoice = claim.invoice_id
        self.pay(invoice, 120.0)
        self.assertEqual(invoice.amount_residual, 180.0)
        claim.action_void()
        credit_note = claim.reversal_move_id
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(credit_note.amount_residual, 0.0)
        # The payer's 120 is now an open credit on its account, to be recouped or refunded.
        payment_lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.receivable.id),
                ("partner_id", "=", self.payer.id),
                ("move_id.origin_payment_id", "!=", False),
            ]
        )
        self.assertEqual(sum(payment_lines.mapped("amount_residual")), -120.0)
        self.assertEqual(self.balance(self.receivable, self.payer), -120.0)
        self.assertEqual(self.balance(self.income, self.payer), 0.0)

    def test_replacement(self):
        claim = self.sent_claim()
        invoice = claim.invoice_id
        action = claim.action_replace()
        replacement = self.env["medical.claim"].browse(action["res_id"])
        self.assertEqual(replacement.state, "draft")
        self.assertEqual(replacement.frequency, "7")
        self.assertEqual(replacement.payer_claim_control_number, "PAYER-123")
        self.assertEqual(replacement.original_claim_id, claim)
        self.assertEqual(len(replacement.line_ids), 2)
        self.assertNotEqual(
            replacement.line_ids.mapped("line_control_number"), claim.line_ids.mapped("line_control_number")
        )
        self.assertTrue(
            all(
                lcn.startswith(replacement.patient_control_number)
                for lcn in replacement.line_ids.mapped("line_control_number")
            )
        )
        # Until the correction is validated, the original stands.
        self.assertEqual(claim.state, "accepted")
        self.assertEqual(invoice.amount_residual, 300.0)
        # Correct: 99213 becomes 2 units at 100.
        replacement.line_ids[0].write({"units": 2, "charge_amount": 200.0})
        replacement.action_validate()
        self.assertEqual(replacement.state, "ready")
        self.assertEqual(claim.state, "replaced")
        self.assertEqual(invoice.amount_residual, 0.0)
        credit_note = claim.reversal_move_id
        self.assertEqual(credit_note.amount_total, 300.0)
        self.assertEqual(credit_note.amount_residual, 0.0)
        new_invoice = replacement.invoice_id
        self.assertEqual(new_invoice.state, "posted")
        self.assertMoveLines(
            new_invoice,
            [
                (self.receivable, self.payer, 400.0, 0.0),
                (self.income, self.payer, 0.0, 200.0),
                (self.income, self.payer, 0.0, 200.0),
            ],
        )
        self.assertEqual(new_invoice.amount_residual, 400.0)
        self.assertEqual(self.balance(self.receivable, self.payer), 400.0)
        self.assertEqual(self.balance(self.income, self.payer), -400.0)
        self.assertIn(replacement, claim.correction_claim_ids)

    def test_replacement_abandoned_leaves_original(self):
        claim = self.sent_claim()
        replacement = self.env["medical.claim"].browse(claim.action_replace()["res_id"])
        replacement.action_cancel()
        self.assertEqual(claim.state, "accepted")
        self.assertEqual(claim.invoice_id.amount_residual, 300.0)
        self.assertEqual(claim.encounter_id.state, "billed", "the original still bills it")

    def test_correction_needs_payer_claim_number(self):
        claim = self.make_claim()
        claim.action_validate()
        claim.action_submit()
        with self.assertRaisesRegex(UserError, "payer claim number"):
            claim.action_replace()
        with self.assertRaisesRegex(UserError, "payer claim number"):
            claim.action_void()

    def test_unsent_claim_is_cancelled_not_voided(self):
        claim = self.make_claim()
        claim.action_validate()
        with self.assertRaisesRegex(UserError, "not been received by the payer"):
            claim.action_void()

    def test_adjudication_lines_stay_editable(self):
        claim = self.sent_claim()
        claim.line_ids[0].write(
            {
                "amount_paid": 72.5,
                "adjustment_ids": [Command.create({"group_code": "CO", "reason_code": "45", "amount": 27.5})],
            }
        )
        self.assertEqual(claim.amount_paid, 72.5)

    def test_void_claim_cannot_be_cancelled(self):
        claim = self.sent_claim()
        void = self.env["medical.claim"].browse(claim.action_void()["res_id"])
        with self.assertRaisesRegex(UserError, "A void cannot be cancelled"):
            void.action_cancel()
        void.action_reset_draft()
        void.action_validate()
        self.assertEqual(void.state, "ready")
        self.assertFalse(void.invoice_id, "a void is never invoiced")

    def test_validated_replacement_is_not_cancelled(self):
        claim = self.sent_claim()
        replacement = self.env["medical.claim"].browse(claim.action_replace()["res_id"])
        replacement.action_validate()
        with self.assertRaisesRegex(UserError, "taken its original's place"):
            replacement.action_cancel()

    def test_replacement_reuses_the_original_authorization(self):
        self.payer.prior_auth_code_ids = self.codes["cpt_20610"]
        auth = self.env["medical.prior.authorization"].create(
            {
                "name": "AUTH-R",
                "patient_id": self.patient.id,
                "payer_id": self.payer.id,
                "code_ids": [Command.set(self.codes["cpt_20610"].ids)],
                "date_start": self.dos,
                "date_end": self.dos,
                "units_authorized": 1,
            }
        )
        claim = self.sent_claim()
        self.assertEqual(claim.prior_authorization_id, auth)
        self.assertEqual(auth.units_used, 1)
        replacement = self.env["medical.claim"].browse(claim.action_replace()["res_id"])
        replacement.action_validate()
        self.assertFalse(replacement.finding_ids, replacement.finding_ids.mapped("message"))
        self.assertEqual(auth.units_used, 1)

    def test_cancelled_replacement_never_leaves_the_original_reversed(self):
        """Bug 5: cancelling a replacement after a reset to draft left the original reversed."""
        claim = self.sent_claim()
        invoice = claim.invoice_id
        replacement = self.env["medical.claim"].browse(claim.action_replace()["res_id"])
        replacement.action_validate()
        self.assertEqual(claim.state, "replaced")
        replacement.action_reset_draft()
        with self.assertRaisesRegex(
            UserError,
            f"Claim {replacement.patient_control_number} took the place of claim "
            f"{claim.patient_control_number} in the books when it was validated",
        ):
            replacement.action_cancel()
        self.assertEqual(replacement.state, "draft")
        replacement.action_validate()
        self.assertEqual(replacement.state, "ready")
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertMoveLines(
            replacement.invoice_id,
            [
                (self.receivable, self.payer, 300.0, 0.0),
                (self.income, self.payer, 0.0, 100.0),
                (self.income, self.payer, 0.0, 200.0),
            ],
        )
        self.assertEqual(self.balance(self.receivable, self.payer), 300.0)
        self.assertEqual(self.balance(self.income, self.payer), -300.0)
        self.assertReceivablesMatchClaims(self.payer)
