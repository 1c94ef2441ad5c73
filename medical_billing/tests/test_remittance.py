# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .remittance_common import RemittanceCommon


@tagged("post_install", "-at_install")
class TestRemittancePosting(RemittanceCommon):
    def test_paid_claim_with_contractual_and_patient_share(self):
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        era = self.era(
            [
                self.era_claim(
                    claim,
                    200,
                    [
                        self.service(first, 60, [("CO", "45", 20), ("PR", "3", 20)], allowed=80),
                        self.service(second, 140, [("CO", "45", 60)], allowed=140),
                    ],
                    patient_amount=20,
                )
            ]
        )
        remittance, counts = self.import_era(era)
        self.assertEqual(remittance.state, "posted")
        self.assertNoExceptions(remittance)
        self.assertEqual(counts["exceptions"], 0)
        move = remittance.move_id
        patient = self.patient
        self.assertMoveLines(
            move,
            [
                (self.deposit_account, self.payer, 200.0, 0.0),
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.payer_ar, self.payer, 0.0, 200.0),
                (self.contractual, self.payer, 20.0, 0.0),
                (self.contractual, self.payer, 60.0, 0.0),
                (self.patient_ar, patient, 20.0, 0.0),
            ],
        )
        self.assertEqual(claim.invoice_id.payment_state, "paid")
        self.assertEqual(claim.state, "paid")
        self.assertEqual(claim.amount_paid, 200.0)
        self.assertEqual(claim.amount_patient, 20.0)
        self.assertEqual(remittance.amount_contractual, 80.0)
        self.assertEqual(remittance.amount_patient, 20.0)
        self.assertReceivablesMatchClaims(self.payer)
