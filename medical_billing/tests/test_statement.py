# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
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
