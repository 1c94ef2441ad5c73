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
        # The remittance's totals are its journal entry's lines.
        by_account = {}
        for line in move.line_ids:
            by_account[line.account_id] = by_account.get(line.account_id, 0.0) + line.balance
        self.assertEqual(remittance.amount, by_account[self.deposit_account])
        self.assertEqual(remittance.amount_paid, by_account[self.deposit_account])
        self.assertEqual(remittance.amount_contractual, by_account[self.contractual])
        self.assertEqual(remittance.amount_patient, by_account[self.patient_ar])
        self.assertEqual(-by_account[self.payer_ar], remittance.amount_charges)
        self.assertReceivablesMatchClaims(self.payer)

    # ------------------------------------------------------------------ helpers

    def pay_in_full(self, claim, paid_by_line, adjustments_by_line, **values):
        lines = claim.line_ids.sorted("sequence")
        services = [
            self.service(line, paid, adjs)
            for line, paid, adjs in zip(lines, paid_by_line, adjustments_by_line, strict=True)
        ]
        return self.era_claim(claim, sum(paid_by_line), services, **values)

    def three_line_claim(self, patient=None):
        return self.submitted_claim(
            patient=patient,
            lines=[
                ("cpt_99213", ["mod_25"], 1, "B", 100.0),
                ("cpt_20610", ["mod_rt"], 1, "A", 200.0),
                ("cpt_96372", [], 1, "A", 40.0),
            ],
        )

    # ------------------------------------------------------------------ adjustment groups

    def test_other_groups_post_to_their_accounts(self):
        claim = self.three_line_claim()
        era = self.era(
            [
                self.pay_in_full(
                    claim, [98, 190, 35], [[("OA", "253", 2)], [("PI", "45", 10)], [("CR", "129", 5)]]
                )
            ]
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        company = self.practice
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.deposit_account, self.payer, 323.0, 0.0),
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.payer_ar, self.payer, 0.0, 200.0),
                (self.payer_ar, self.payer, 0.0, 40.0),
                (company.medical_remit_oa_account_id, self.payer, 2.0, 0.0),
                (company.medical_remit_pi_account_id, self.payer, 10.0, 0.0),
                (company.medical_remit_cr_account_id, self.payer, 5.0, 0.0),
            ],
        )
        self.assertEqual(claim.state, "paid")
        self.assertEqual(remittance.amount_other_adjustments, 17.0)
        self.assertReceivablesMatchClaims(self.payer)

    def test_contract_variance_is_flagged(self):
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        self.assertEqual(first.expected_amount, 72.5)
        era = self.era(
            [
                self.era_claim(
                    claim,
                    200,
                    [
                        self.service(first, 60, [("CO", "45", 40)], allowed=60),
                        self.service(second, 140, [("CO", "45", 60)], allowed=150),
                    ],
                )
            ]
        )
        remittance, _counts = self.import_era(era)
        lines = remittance.claim_ids.line_ids.sorted("sequence")
        self.assertEqual(lines.mapped("variance_amount"), [-12.5, 0.0])
        self.assertEqual(lines.mapped("has_variance"), [True, False])

    # ------------------------------------------------------------------ denials

    def test_denied_claim_posts_nothing_and_opens_a_denial(self):
        denied = self.submitted_claim()
        paid = self.submitted_claim()
        era = self.era(
            [
                self.era_claim(denied, 0, [], status="4", adjustments=[("CO", "50", 300)], remarks=["N115"]),
                self.pay_in_full(paid, [100, 200], [[], []]),
            ]
        )
        remittance, counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        self.assertEqual(counts["denials"], 1)
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.deposit_account, self.payer, 300.0, 0.0),
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.payer_ar, self.payer, 0.0, 200.0),
            ],
        )
        self.assertEqual(denied.state, "denied")
        self.assertEqual(denied.amount_residual, 300.0, "the payer balance stays open")
        # The totals are the entry's: the denial's CO 50 was not written off.
        self.assertEqual(remittance.amount_contractual, 0.0)
        self.assertEqual(remittance.claim_ids.mapped("amount_contractual"), [0.0, 0.0])
        denial = denied.denial_ids
        self.assertEqual(len(denial), 1)
        self.assertEqual((denial.group_code, denial.reason_code, denial.amount), ("CO", "50", 300.0))
        self.assertEqual(denial.remark_codes, "N115")
        self.assertFalse(denial.claim_line_id)
        self.assertEqual(paid.state, "paid")
        self.assertReceivablesMatchClaims(self.payer)

    def test_denied_line_of_a_paid_claim(self):
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        era = self.era(
            [
                self.era_claim(
                    claim,
                    80,
                    [
                        self.service(first, 80, [("CO", "45", 20)]),
                        self.service(second, 0, [("CO", "97", 200)]),
                    ],
                )
            ]
        )
        remittance, _counts = self.import_era(era)
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.deposit_account, self.payer, 80.0, 0.0),
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.contractual, self.payer, 20.0, 0.0),
            ],
        )
        self.assertEqual(claim.state, "partial")
        self.assertEqual(claim.amount_residual, 200.0)
        self.assertEqual(claim.denial_ids.claim_line_id, second)
        self.assertEqual(claim.denial_ids.reason_code, "97")
        adjustment = remittance.claim_ids.adjustment_ids.filtered(lambda a: a.reason_code == "97")
        self.assertFalse(adjustment.posted)
        self.assertReceivablesMatchClaims(self.payer)

    def test_deductible_only_closes_the_claim(self):
        """Nothing paid, nothing denied, nothing left with the payer: the whole charge is the patient's."""
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        era = self.era(
            [
                self.era_claim(
                    claim,
                    0,
                    [
                        self.service(first, 0, [("PR", "1", 100)], remarks=["N130"]),
                        self.service(second, 0, [("PR", "1", 200)]),
                    ],
                    patient_amount=300,
                )
            ],
            method="NON",
        )
        remittance, _counts = self.import_era(era)
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.payer_ar, self.payer, 0.0, 200.0),
                (self.patient_ar, self.patient, 100.0, 0.0),
                (self.patient_ar, self.patient, 200.0, 0.0),
            ],
        )
        self.assertEqual(claim.state, "closed")
        self.assertFalse(claim.denial_ids)
        first_adjustment = remittance.claim_ids.adjustment_ids.filtered(lambda a: a.amount == 100)
        self.assertEqual(first_adjustment.remark_codes, "N130")

    def test_all_denied_remittance_without_payment(self):
        claim = self.submitted_claim()
        era = self.era(
            [self.era_claim(claim, 0, [], status="4", adjustments=[("CO", "29", 300)])], method="NON"
        )
        remittance, _counts = self.import_era(era)
        self.assertEqual(remittance.state, "posted")
        self.assertFalse(remittance.move_id)
        self.assertEqual(claim.state, "denied")
        self.assertEqual(claim.denial_ids.reason_code, "29")

    # ------------------------------------------------------------------ reversals

    def test_reversal_then_corrected_payment(self):
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        paid = self.era_claim(
            claim,
            200,
            [self.service(first, 80, [("CO", "45", 20)]), self.service(second, 120, [("CO", "45", 80)])],
        )
        original, _counts = self.import_era(self.era([paid], trace="EFT1"))
        self.assertEqual(claim.state, "paid")
        reversal = self.era_claim(
            claim,
            -200,
            [
                self.service(first, -80, [("CO", "45", -20)], charge=-100),
                self.service(second, -120, [("CO", "45", -80)], charge=-200),
            ],
            status="22",
            charge=-300,
        )
        corrected = self.era_claim(
            claim,
            230,
            [self.service(first, 80, [("CO", "45", 20)]), self.service(second, 150, [("CO", "45", 50)])],
        )
        remittance, _counts = self.import_era(self.era([reversal, corrected], trace="EFT2"))
        self.assertNoExceptions(remittance)
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.deposit_account, self.payer, 30.0, 0.0),
                # the reversal: the earlier payment's items with opposite signs
                (self.payer_ar, self.payer, 100.0, 0.0),
                (self.payer_ar, self.payer, 200.0, 0.0),
                (self.contractual, self.payer, 0.0, 20.0),
                (self.contractual, self.payer, 0.0, 80.0),
                # the corrected payment
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.payer_ar, self.payer, 0.0, 200.0),
                (self.contractual, self.payer, 20.0, 0.0),
                (self.contractual, self.payer, 50.0, 0.0),
            ],
        )
        reversal_claim, corrected_claim = remittance.claim_ids.sorted("sequence")
        first_payment = original.claim_ids
        self.assertEqual(reversal_claim.reversed_claim_id, first_payment)
        self.assertEqual(first_payment.reversed_by_id, reversal_claim)
        # Reconciliations undone and redone: the first payment is settled by the reversal, the invoice by the
        # corrected payment.
        first_items = first_payment.move_line_ids.filtered(lambda ln: ln.account_id == self.payer_ar)
        reversal_items = reversal_claim.move_line_ids.filtered(lambda ln: ln.account_id == self.payer_ar)
        self.assertTrue(all(first_items.mapped("reconciled")))
        self.assertEqual(
            first_items.matched_debit_ids.debit_move_id | first_items.matched_credit_ids.credit_move_id,
            reversal_items,
        )
        invoice_item = claim.invoice_id.line_ids.filtered(lambda ln: ln.display_type == "payment_term")
        corrected_items = corrected_claim.move_line_ids.filtered(lambda ln: ln.account_id == self.payer_ar)
        self.assertEqual(invoice_item.matched_credit_ids.credit_move_id, corrected_items)
        self.assertEqual(claim.invoice_id.payment_state, "paid")
        self.assertEqual(claim.state, "paid")
        self.assertEqual(claim.amount_paid, 230.0)
        self.assertEqual(claim.remittance_count, 3)
        self.assertReceivablesMatchClaims(self.payer)

    def test_reversal_alone_reopens_the_claim(self):
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        self.import_era(self.era([self.pay_in_full(claim, [100, 200], [[], []])], trace="EFT1"))
        reversal = self.era_claim(
            claim,
            -300,
            [self.service(first, -100, charge=-100), self.service(second, -200, charge=-200)],
            status="22",
            charge=-300,
        )
        remittance, _counts = self.import_era(self.era([reversal], trace="EFT2"))
        self.assertEqual(remittance.amount, -300.0)
        self.assertEqual(claim.state, "accepted")
        self.assertEqual(claim.amount_residual, 300.0)
        self.assertFalse(claim.date_adjudicated)
        self.assertEqual(claim.amount_paid, 0.0)
        self.assertReceivablesMatchClaims(self.payer)

    # ------------------------------------------------------------------ provider adjustments

    def test_interest_is_income(self):
        claim = self.submitted_claim()
        era = self.era(
            [self.pay_in_full(claim, [100, 200], [[], []])],
            provider_adjustments=[("L6", claim.patient_control_number, -5)],
        )
        remittance, _counts = self.import_era(era)
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.deposit_account, self.payer, 305.0, 0.0),
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.payer_ar, self.payer, 0.0, 200.0),
                (self.practice.medical_interest_account_id, self.payer, 0.0, 5.0),
            ],
        )
        self.assertEqual(remittance.amount_provider_adjustments, -5.0)

    def test_recoupment_against_an_overpaid_claim(self):
        overpaid = self.submitted_claim()
        self.import_era(self.era([self.pay_in_full(overpaid, [100, 200], [[], []])], trace="EFT1"))
        # The payer pays the same claim twice: the second payment is a credit balance on the claim.
        self.import_era(self.era([self.pay_in_full(overpaid, [100, 200], [[], []])], trace="EFT2"))
        self.assertEqual(overpaid.amount_residual, -300.0, "the payer paid 300 too much")
        claim = self.submitted_claim()
        era = self.era(
            [self.pay_in_full(claim, [100, 200], [[], []])],
            provider_adjustments=[("WO", overpaid.patient_control_number, 300)],
            trace="EFT3",
            method="NON",
        )
        remittance, _counts = self.import_era(era)
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.payer_ar, self.payer, 0.0, 200.0),
                (self.payer_ar, self.payer, 300.0, 0.0),
            ],
        )
        self.assertEqual(remittance.provider_adjustment_ids.claim_id, overpaid)
        self.assertEqual(overpaid.amount_residual, 0.0)
        self.assertEqual(claim.amount_residual, 0.0)
        self.assertReceivablesMatchClaims(self.payer)

    def test_authorized_return_and_other_provider_adjustments(self):
        claim = self.submitted_claim()
        era = self.era(
            [self.pay_in_full(claim, [100, 200], [[], []])],
            provider_adjustments=[("72", "REFUND1", 40), ("CV", "CP", -1.27)],
        )
        remittance, _counts = self.import_era(era)
        company = self.practice
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.deposit_account, self.payer, 261.27, 0.0),
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.payer_ar, self.payer, 0.0, 200.0),
                # an authorized return naming no claim of ours: off the payer's credit balance
                (company.medical_payer_credit_account_id, self.payer, 40.0, 0.0),
                # any other provider adjustment: other adjustments
                (company.medical_remit_oa_account_id, self.payer, 0.0, 1.27),
            ],
        )
        self.assertEqual(
            remittance.provider_adjustment_ids.mapped("account_id"),
            company.medical_payer_credit_account_id | company.medical_remit_oa_account_id,
        )

    def test_forwarding_balance_goes_through_the_payer_credit_balance(self):
        credit_account = self.practice.medical_payer_credit_account_id
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        self.import_era(self.era([self.pay_in_full(claim, [100, 200], [[], []])], trace="EFT1"))
        # The payer takes the payment back and more than this remittance pays: the rest is carried forward.
        reversal = self.era_claim(
            claim,
            -300,
            [self.service(first, -100, charge=-100), self.service(second, -200, charge=-200)],
            status="22",
            charge=-300,
        )
        remittance, _counts = self.import_era(
            self.era([reversal], provider_adjustments=[("FB", "", -300)], trace="EFT2", method="NON")
        )
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.payer_ar, self.payer, 100.0, 0.0),
                (self.payer_ar, self.payer, 200.0, 0.0),
                (credit_account, self.payer, 0.0, 300.0),
            ],
        )
        other = self.submitted_claim()
        later, _counts = self.import_era(
            self.era(
                [self.pay_in_full(other, [100, 200], [[], []])],
                provider_adjustments=[("FB", "", 300)],
                trace="EFT3",
            )
        )
        self.assertFalse(later.move_id.line_ids.filtered(lambda ln: ln.account_id == self.deposit_account))
        self.assertMoveLines(
            later.move_id,
            [
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.payer_ar, self.payer, 0.0, 200.0),
                (credit_account, self.payer, 300.0, 0.0),
            ],
        )
        self.assertReceivablesMatchClaims(self.payer)

    # ------------------------------------------------------------------ cancelling

    def test_cancel_reverses_exactly(self):
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        remittance, _counts = self.import_era(
            self.era(
                [
                    self.era_claim(
                        claim,
                        200,
                        [
                            self.service(first, 60, [("CO", "45", 20), ("PR", "3", 20)]),
                            self.service(second, 140, [("CO", "45", 60)]),
                        ],
                    )
                ]
            )
        )
        move = remittance.move_id
        remittance.action_cancel()
        self.assertEqual(remittance.state, "cancel")
        reversal = remittance.reversal_move_id
        self.assertEqual(
            sorted((ln.account_id.id, ln.partner_id.id, ln.debit, ln.credit) for ln in reversal.line_ids),
            sorted((ln.account_id.id, ln.partner_id.id, ln.credit, ln.debit) for ln in move.line_ids),
        )
        self.assertEqual(claim.invoice_id.payment_state, "not_paid")
        self.assertEqual(claim.amount_residual, 300.0)
        self.assertEqual(claim.state, "accepted")
        self.assertEqual(claim.amount_paid, 0.0)
        self.assertReceivablesMatchClaims(self.payer)
