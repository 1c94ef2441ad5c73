# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .remittance_common import RemittanceCommon


@tagged("post_install", "-at_install")
class TestStatementPreferences(RemittanceCommon):
    def test_hold_needs_a_reason(self):
        with self.assertRaisesRegex(
            ValidationError, "Test Patient One: give the reason statements are held."
        ):
            self.patient.write({"statement_hold": True})
        self.patient.write({"statement_hold": True, "statement_hold_reason": "Appeal pending"})
        self.assertTrue(self.patient.statement_hold)

    def test_email_delivery_needs_address_and_consent(self):
        message = (
            "Test Patient One: statements by e-mail or portal need an e-mail address and the consent "
            "to e-mail."
        )
        with self.assertRaisesRegex(ValidationError, message):
            self.patient.write({"statement_delivery": "email", "email": "one@example.com"})
        with self.assertRaisesRegex(ValidationError, message):
            self.patient.write(
                {"statement_delivery": "portal", "statement_consent_email": True, "email": False}
            )
        self.patient.write(
            {"statement_delivery": "email", "statement_consent_email": True, "email": "one@example.com"}
        )
        self.assertEqual(self.patient.statement_delivery, "email")

    def test_cycle_day(self):
        self.assertEqual(self.patient.statement_delivery, "paper", "paper by default")
        self.assertEqual(self.patient._statement_cycle_day(), ord("T") - ord("A") + 1, "alphabet cycle")
        self.patient.statement_cycle_day = 15
        self.assertEqual(self.patient._statement_cycle_day(), 15)
        with self.assertRaisesRegex(ValidationError, "the statement cycle day is between 1 and 28"):
            self.patient.statement_cycle_day = 31


@tagged("post_install", "-at_install")
class TestStatementRun(RemittanceCommon):
    def remit_with_patient_share(self, patient=None, paid_on=None):
        """An ERA paying a claim of ``patient`` on ``paid_on`` (today): 200 paid, 80 contractual, 20 copay
        (PR 3)."""
        claim = self.submitted_claim(patient=patient)
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
            ],
            trace=f"EFT{claim.id}",
            paid_on=paid_on or self.today,
        )
        remittance, _counts = self.import_era(era)
        self.assertEqual(remittance.state, "posted")
        self.assertNoExceptions(remittance)
        return claim

    def run_statements(self, **values):
        wizard = self.env["medical.statement.run"].create(values)
        action = wizard.action_run()
        return self.env["medical.statement"].search(action["domain"])

    def receivable_at(self, partner, date):
        items = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.patient_ar.id),
                ("partner_id", "=", partner.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", date),
            ]
        )
        return sum(items.mapped("balance"))

    def test_statement_ties_to_the_patient_receivable(self):
        claim = self.remit_with_patient_share()
        statement = self.run_statements()
        self.assertEqual(statement.partner_id, self.patient)
        self.assertEqual(statement.balance_due, 20.0)
        self.assertEqual(statement.balance_due, self.receivable_at(self.patient, statement.date))
        self.assertEqual(
            statement.previous_balance + statement.new_charges - statement.payments, statement.balance_due
        )
        self.assertEqual(sum(statement.line_ids.mapped("balance")), statement.balance_due)
        self.assertEqual(
            statement.aging_current + statement.aging_31_60 + statement.aging_61_90 + statement.aging_90_plus,
            statement.balance_due,
        )
        self.assertEqual(statement.aging_current, 20.0)
        self.assertEqual((statement.dunning_level, statement.delivery_channel), ("0", "paper"))
        self.assertEqual(statement.date_due, statement.date + timedelta(days=21))
        line = statement.line_ids
        self.assertRecordValues(
            line,
            [
                {
                    "claim_id": claim.id,
                    "date_service": self.dos,
                    "patient_id": self.patient.id,
                    "provider_id": self.provider.id,
                    "charge_amount": 300.0,
                    "insurance_paid": 200.0,
                    "adjustment_amount": 80.0,
                    "patient_amount": 20.0,
                    "payment_amount": 0.0,
                    "balance": 20.0,
                }
            ],
        )
        self.assertEqual(
            line.explanation,
            "Your insurance paid $ 200.00; $ 80.00 was taken off by your insurance's discount; "
            "$ 20.00 is your share; $ 20.00 is due.",
        )
        self.assertFalse(statement.is_paid)
        self.assertTrue(statement.name.startswith("STMT"))

    def test_aging_and_dunning_level(self):
        self.remit_with_patient_share(paid_on=self.today - timedelta(days=95))
        self.remit_with_patient_share(paid_on=self.today - timedelta(days=45))
        self.remit_with_patient_share()
        statement = self.run_statements()
        self.assertRecordValues(
            statement,
            [
                {
                    "balance_due": 60.0,
                    "aging_current": 20.0,
                    "aging_31_60": 20.0,
                    "aging_61_90": 0.0,
                    "aging_90_plus": 20.0,
                    "dunning_level": "3",
                }
            ],
        )
        self.assertIn("Final notice", statement.dunning_message)
        self.assertEqual(statement.balance_due, self.receivable_at(self.patient, statement.date))

    def test_hold_threshold_and_none_are_skipped(self):
        held = self._make_patient("Held Patient")
        self._make_coverage(held)
        none = self._make_patient("Collections Patient")
        self._make_coverage(none)
        for patient in (self.patient, held, none):
            self.remit_with_patient_share(patient)
        held.write({"statement_hold": True, "statement_hold_reason": "Appeal pending"})
        none.statement_delivery = "none"
        statements = self.run_statements()
        self.assertEqual(statements.partner_id, self.patient)
        with self.assertRaisesRegex(UserError, "No guarantor of this cycle owes more than the threshold."):
            self.run_statements(min_balance=20.0)

    def test_guarantor_gets_the_statement_of_a_minor(self):
        parent = self.env["res.partner"].create({"name": "Parent Guarantor", "company_id": self.practice.id})
        child = self._make_patient("Minor Child")
        child.guarantor_id = parent
        self._make_coverage(child)
        self.remit_with_patient_share(child)
        statement = self.run_statements(cycle="alpha", letter_from="P", letter_to="P")
        self.assertEqual(statement.partner_id, parent)
        self.assertEqual(statement.line_ids.patient_id, child)
        self.assertEqual(statement.balance_due, self.receivable_at(parent, statement.date))

    def test_cron_cycle_day(self):
        self.remit_with_patient_share()
        today = fields.Date.context_today(self.env["medical.statement"])
        self.patient.statement_cycle_day = min(today.day, 28) % 28 + 1  # not today
        Statement = self.env["medical.statement"]
        self.assertFalse(Statement._run_cycle(self.practice, today))
        self.patient.statement_cycle_day = min(today.day, 28)
        statement = Statement._run_cycle(self.practice, today)
        self.assertEqual(statement.partner_id, self.patient)
        self.assertFalse(Statement._run_cycle(self.practice, today), "one statement a cycle")
