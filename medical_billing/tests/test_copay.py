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

    def test_copay_invoice_and_payment_reconciled(self):
        encounter = self.make_encounter()
        wizard, invoice = self.collect(encounter)
        self.assertEqual(wizard.amount, 25.0, "the primary coverage's copay")
        self.assertEqual(wizard.partner_id, self.patient)
        cash_journal = wizard.journal_id
        self.assertEqual(cash_journal.type, "cash")
        company = self.practice
        patient_receivable = company.medical_patient_receivable_account_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.journal_id, company.medical_patient_journal_id)
        self.assertEqual(invoice.medical_encounter_id, encounter)
        self.assertMoveLines(
            invoice,
            [
                (patient_receivable, self.patient, 25.0, 0.0),
                (company.medical_copay_account_id, self.patient, 0.0, 25.0),
            ],
        )
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.amount_residual, 0.0)
        receivable_line = invoice.line_ids.filtered(lambda ln: ln.account_id == patient_receivable)
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
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_copay_amount_required(self):
        encounter = self.make_encounter()
        with self.assertRaisesRegex(UserError, "copay amount"):
            self.collect(encounter, amount=0.0)

    def test_copay_form(self):
        encounter = self.make_encounter()
        form = Form(self.env["medical.copay.register"].with_context(default_encounter_id=encounter.id))
        self.assertEqual(form.amount, 25.0)
        self.assertTrue(form.payment_method_line_id)
