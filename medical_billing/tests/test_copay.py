# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MedicalBillingCommon


@tagged("post_install", "-at_install")
class TestCopay(MedicalBillingCommon):
    def collect(self, encounter, **values):
        action = encounter.action_collect_copay()
        wizard = self.env["medical.copay.register"].with_context(**action["context"]).create(values)
        result = wizard.action_confirm()
        return wizard, self.env["account.move"].browse(result["res_id"])

    def test_copay_entry_and_payment_reconciled(self):
        encounter = self.make_encounter()
        wizard, invoice = self.collect(encounter)
        self.assertEqual(wizard.amount, 25.0, "the primary coverage's copay")
        self.assertEqual(wizard.partner_id, self.patient)
        cash_journal = wizard.journal_id
        self.assertEqual(cash_journal.type, "cash")
        company = self.practice
        patient_receivable = company.medical_patient_receivable_account_id
        self.assertEqual((invoice.state, invoice.move_type), ("posted", "entry"), "a copay is no sale")
        self.assertEqual(invoice.journal_id.type, "general")
        self.assertEqual(invoice.medical_encounter_id, encounter)
        self.assertMoveLines(
            invoice,
            [
                (patient_receivable, self.patient, 25.0, 0.0),
                (company.medical_copay_account_id, self.patient, 0.0, 25.0),
            ],
        )
        receivable_line = invoice.line_ids.filtered(lambda ln: ln.account_id == patient_receivable)
        self.assertEqual(receivable_line.amount_residual, 0.0)
        self.assertTrue(receivable_line.full_reconcile_id)
        payment_move = (receivable_line.full_reconcile_id.reconciled_line_ids - receivable_line).move_id
        self.assertEqual(payment_move.journal_id, cash_journal)
        # Odoo's outstanding receipts account, cleared when the cash or bank statement is reconciled.
        money_account = payment_move.origin_payment_id.outstanding_account_id
        self.assertTrue(money_account)
        self.assertMoveLines(
            payment_move,
            [
                (money_account, self.patient, 25.0, 0.0),
                (patient_receivable, self.patient, 0.0, 25.0),
            ],
        )
        self.assertEqual(encounter.copay_move_ids, invoice)
        self.assertEqual(encounter.copay_amount_paid, 25.0)
        # The claim still bills the payer the gross charge.
        encounter.action_create_claims()
        encounter.claim_ids.action_validate()
        self.assertEqual(encounter.claim_ids.invoice_id.amount_total, 300.0)
        sales = self.env["account.move"].search([("move_type", "=", "out_invoice")])
        self.assertEqual(sales, encounter.claim_ids.invoice_id, "only the claim is a sale")

    def test_copay_paid_by_guarantor_in_bank(self):
        parent = self.env["res.partner"].create({"name": "Parent Guarantor"})
        child = self._make_patient("Child Patient")
        child.guarantor_id = parent
        self._make_coverage(child, relationship="19", subscriber_id=parent.id, copay_amount=40.0)
        encounter = self.make_encounter(patient=child)
        bank = self.company_data["default_journal_bank"]
        _wizard, invoice = self.collect(encounter, journal_id=bank.id, amount=30.0)
        self.assertEqual(invoice.partner_id, parent)
        self.assertEqual(invoice.amount_total, 30.0)
        self.assertEqual(encounter.copay_amount_paid, 30.0)
        receivable = self.practice.medical_patient_receivable_account_id
        self.assertTrue(invoice.line_ids.filtered(lambda ln: ln.account_id == receivable).reconciled)

    def test_copay_amount_required(self):
        encounter = self.make_encounter()
        with self.assertRaisesRegex(UserError, "copay amount"):
            self.collect(encounter, amount=0.0)

    def test_copay_form(self):
        encounter = self.make_encounter()
        form = Form(self.env["medical.copay.register"].with_context(default_encounter_id=encounter.id))
        self.assertEqual(form.amount, 25.0)
        self.assertTrue(form.payment_method_line_id)


@tagged("post_install", "-at_install")
class TestCopayApplied(MedicalBillingCommon):
    """The copay collected at the visit is applied once the adjudication states the patient's share."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.practice
        cls.patient_receivable = company.medical_patient_receivable_account_id
        cls.insurance_receivable = company.medical_insurance_receivable_account_id
        cls.copay_account = company.medical_copay_account_id

    def adjudicated_visit(self, patient_share):
        """A visit (100 + 200) whose 25 copay was collected, adjudicated with ``patient_share`` of PR."""
        encounter = self.make_encounter()
        action = encounter.action_collect_copay()
        self.env["medical.copay.register"].with_context(**action["context"]).create({}).action_confirm()
        encounter.action_create_claims()
        claim = encounter.claim_ids
        claim.action_validate()
        claim.action_submit()
        claim.action_accept()
        line_99213, line_20610 = claim.line_ids.sorted("sequence")
        line_99213.write(
            {
                "amount_paid": 100.0 - 27.5 - patient_share,
                "adjustment_ids": [
                    Command.create({"group_code": "CO", "reason_code": "45", "amount": 27.5}),
                    Command.create({"group_code": "PR", "reason_code": "3", "amount": patient_share}),
                ],
            }
        )
        line_20610.write(
            {
                "amount_paid": 150.0,
                "adjustment_ids": [Command.create({"group_code": "CO", "reason_code": "45", "amount": 50.0})],
            }
        )
        claim.action_record_adjudication()
        return claim

    def balance(self, account, partner):
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", account.id),
                ("partner_id", "=", partner.id),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("balance")), sum(lines.mapped("amount_residual"))

    def assertApplied(self, claim, applied, excess):
        move = claim.copay_move_id
        self.assertEqual((move.move_type, move.state), ("entry", "posted"))
        self.assertMoveLines(
            move,
            [
                (self.patient_receivable, self.patient, applied, 0.0),
                (self.insurance_receivable, self.payer, 0.0, applied),
                (self.copay_account, self.patient, 25.0, 0.0),
                (self.patient_receivable, self.patient, 0.0, 25.0),
            ],
        )
        # Copays Received is relieved; the payer's invoice no longer carries the share the copay settled.
        self.assertEqual(self.balance(self.copay_account, self.patient)[0], 0.0)
        self.assertEqual(claim.invoice_id.amount_residual, 300.0 - applied)
        self.assertEqual(claim.amount_residual, 300.0 - applied)
        # What the copay exceeds is an open credit of the patient, to refund or apply.
        self.assertEqual(self.balance(self.patient_receivable, self.patient), (-excess, -excess))
        self.assertReceivablesMatchClaims(self.payer)

    def test_copay_less_than_patient_share(self):
        claim = self.adjudicated_visit(40.0)
        self.assertApplied(claim, applied=25.0, excess=0.0)

    def test_copay_equal_to_patient_share(self):
        claim = self.adjudicated_visit(25.0)
        self.assertApplied(claim, applied=25.0, excess=0.0)
        # Recording the adjudication again applies nothing twice.
        claim.action_record_adjudication()
        self.assertEqual(len(self.env["account.move"].search([("medical_claim_id", "=", claim.id)])), 2)
        # A void puts the copay back in Copays Received and the payer owes nothing.
        claim.payer_claim_control_number = "PAYER-9"
        claim.action_void()
        self.assertEqual(self.balance(self.copay_account, self.patient)[0], -25.0)
        self.assertEqual(self.balance(self.insurance_receivable, self.payer), (0.0, 0.0))
        self.assertEqual(self.balance(self.patient_receivable, self.patient), (0.0, 0.0))

    def test_copay_more_than_patient_share(self):
        claim = self.adjudicated_visit(10.0)
        self.assertApplied(claim, applied=10.0, excess=15.0)

    def test_copay_waits_for_the_last_payer(self):
        second_payer = self.env["res.partner"].create(
            {"name": "Beta Secondary", "is_company": True, "is_payer": True, "payer_code": "BETA2"}
        )
        self._make_coverage(self.patient, payer=second_payer, priority="secondary", member_id="B1")
        claim = self.adjudicated_visit(40.0)
        self.assertFalse(claim.copay_move_id, "the next payer may still pay the patient's share")
        self.assertEqual(self.balance(self.copay_account, self.patient)[0], -25.0)
