# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Remittances across payers and people: the next payer's claim, crossovers, copays, exceptions."""

from odoo.tests import tagged

from .remittance_common import RemittanceCommon


@tagged("post_install", "-at_install")
class TestRemittanceFlows(RemittanceCommon):
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
        cls.covered_twice = cls._make_patient("Twice Covered")
        cls._make_coverage(cls.covered_twice)
        cls._make_coverage(
            cls.covered_twice, payer=cls.second_payer, priority="secondary", member_id="BETA9876"
        )

    def paid_with_patient_share(self, claim, status="1", **values):
        first, second = claim.line_ids.sorted("sequence")
        return self.era_claim(
            claim,
            200,
            [
                self.service(first, 60, [("CO", "45", 20), ("PR", "2", 20)]),
                self.service(second, 140, [("CO", "45", 40), ("PR", "1", 20)]),
            ],
            status=status,
            patient_amount=40,
            **values,
        )

    # ------------------------------------------------------------------ next payer

    def test_patient_share_goes_to_the_next_payer(self):
        claim = self.submitted_claim(patient=self.covered_twice)
        remittance, _counts = self.import_era(self.era([self.paid_with_patient_share(claim)]))
        self.assertNoExceptions(remittance)
        # PR is not moved to the patient: it stays on this payer's receivable for the next payer's claim.
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.deposit_account, self.payer, 200.0, 0.0),
                (self.payer_ar, self.payer, 0.0, 80.0),
                (self.payer_ar, self.payer, 0.0, 180.0),
                (self.contractual, self.payer, 20.0, 0.0),
                (self.contractual, self.payer, 40.0, 0.0),
            ],
        )
        secondary = remittance.claim_ids.secondary_claim_id
        self.assertTrue(secondary)
        self.assertEqual(secondary.payer_id, self.second_payer)
        self.assertEqual(secondary.state, "ready")
        self.assertEqual(secondary.amount_residual, 40.0)
        self.assertMoveLines(
            secondary.transfer_move_id,
            [
                (self.payer_ar, self.second_payer, 20.0, 0.0),
                (self.payer_ar, self.second_payer, 20.0, 0.0),
                (self.payer_ar, self.payer, 0.0, 20.0),
                (self.payer_ar, self.payer, 0.0, 20.0),
            ],
        )
        self.assertEqual(claim.amount_residual, 0.0)
        self.assertEqual(claim.state, "paid")
        self.assertFalse(
            self.env["account.move.line"].search(
                [("account_id", "=", self.patient_ar.id), ("partner_id", "=", self.covered_twice.id)]
            ),
            "nothing billed to the patient yet",
        )
        self.assertReceivablesMatchClaims(self.payer | self.second_payer)

    def test_crossover_is_not_billed_twice(self):
        claim = self.submitted_claim(patient=self.covered_twice)
        remittance, _counts = self.import_era(
            self.era([self.paid_with_patient_share(claim, status="19", crossover="BETA SECONDARY")])
        )
        secondary = remittance.claim_ids.secondary_claim_id
        self.assertEqual(remittance.claim_ids.crossover_carrier, "BETA SECONDARY")
        self.assertEqual(secondary.state, "submitted", "the payer forwarded it: it does not go in a batch")
        self.assertIn("crossover", secondary.message_ids[:3].mapped("body")[0])
        self.assertEqual(secondary.amount_residual, 40.0)

    # ------------------------------------------------------------------ copays

    def test_copay_settles_the_patient_share(self):
        claim = self.submitted_claim()
        encounter = claim.encounter_id
        action = encounter.action_collect_copay()
        self.env["medical.copay.register"].with_context(**action["context"]).create({}).action_confirm()
        self.import_era(self.era([self.paid_with_patient_share(claim)]))
        patient_items = self.env["account.move.line"].search(
            [("account_id", "=", self.patient_ar.id), ("medical_claim_id", "=", claim.id)]
        )
        self.assertEqual(sorted(patient_items.mapped("balance")), [20.0, 20.0])
        copay = claim.copay_move_id
        self.assertTrue(copay)
        self.assertMoveLines(
            copay,
            [
                (self.practice.medical_copay_account_id, self.patient, 25.0, 0.0),
                (self.patient_ar, self.patient, 0.0, 25.0),
            ],
        )
        # The patient owes 40 - 25 = 15.
        open_patient = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.patient_ar.id),
                ("partner_id", "=", self.patient.id),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertAlmostEqual(sum(open_patient.mapped("amount_residual")), 15.0)
        self.assertTrue(copay.line_ids.filtered(lambda ln: ln.account_id == self.patient_ar).reconciled)

    # ------------------------------------------------------------------ exceptions

    def test_unknown_claim_waits_on_unapplied_cash_then_is_applied(self):
        claim = self.submitted_claim()
        unknown = self.era_claim(claim, 300, [], pcn="NOTOURS1")
        known = self.submitted_claim()
        remittance, counts = self.import_era(
            self.era(
                [
                    unknown,
                    self.era_claim(known, 300, [self.service(ln, ln.charge_amount) for ln in known.line_ids]),
                ]
            )
        )
        self.assertEqual(counts["exceptions"], 1)
        exception = remittance.claim_ids.filtered(lambda c: c.match_state == "exception")
        self.assertEqual(exception.exception_reason, "No claim of the practice has number NOTOURS1.")
        unapplied = self.practice.medical_unapplied_cash_account_id
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.deposit_account, self.payer, 600.0, 0.0),
                (unapplied, self.payer, 0.0, 300.0),
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.payer_ar, self.payer, 0.0, 200.0),
            ],
        )
        self.assertEqual(known.state, "paid")
        self.assertEqual(claim.state, "submitted")
        # The biller picks the claim: the payment moves from unapplied cash to the claim.
        exception.claim_id = claim
        exception.action_apply_match()
        self.assertEqual(exception.match_state, "matched")
        self.assertMoveLines(
            exception.resolution_move_id,
            [(unapplied, self.payer, 300.0, 0.0), (self.payer_ar, self.payer, 0.0, 300.0)],
        )
        self.assertTrue(
            all(
                remittance.move_id.line_ids.filtered(lambda ln: ln.account_id == unapplied).mapped(
                    "reconciled"
                )
            )
        )
        self.assertEqual(claim.state, "paid")
        self.assertEqual(claim.invoice_id.payment_state, "paid")
        self.assertReceivablesMatchClaims(self.payer)

    def test_unmatched_line_makes_the_claim_an_exception(self):
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        wrong = self.service(second, 200, [("CO", "45", 50)], charge=250)
        remittance, _counts = self.import_era(
            self.era([self.era_claim(claim, 300, [self.service(first, 100), wrong], charge=350)])
        )
        exception = remittance.claim_ids
        self.assertEqual(exception.match_state, "exception")
        self.assertIn("Service line 2", exception.exception_reason)
        self.assertEqual(claim.state, "submitted", "each claim all or nothing")
        exception.action_keep_unapplied()
        self.assertEqual(exception.match_state, "unapplied")
