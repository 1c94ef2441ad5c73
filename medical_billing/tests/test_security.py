# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import MedicalBillingCommon

GROUP = "medical_coding.medical_coding_group_"


@tagged("post_install", "-at_install")
class TestSecurity(MedicalBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biller = cls.make_user("mb_biller", GROUP + "biller")
        cls.front_desk = cls.make_user("mb_front_desk", GROUP + "front_desk")

    def test_biller_works_claims(self):
        encounter = self.make_encounter()
        encounter.with_user(self.biller).action_create_claims()
        claim = encounter.claim_ids.with_user(self.biller)
        claim.action_validate()
        self.assertEqual(claim.state, "ready")
        self.assertEqual(claim.invoice_id.state, "posted")
        claim.action_submit()
        with self.assertRaises(AccessError):
            claim.unlink()

    def test_biller_reads_but_does_not_configure_fee_schedules(self):
        schedule = self.charge_master.with_user(self.biller)
        self.assertTrue(schedule.line_ids)
        with self.assertRaises(AccessError):
            schedule.write({"name": "Changed"})

    def test_front_desk_registers_coverage_but_sees_no_claim(self):
        claim = self.make_claim()
        coverage = (
            self.env["medical.coverage"]
            .with_user(self.front_desk)
            .create(
                {
                    "patient_id": self._make_patient("Walk-in").id,
                    "payer_id": self.payer.id,
                    "member_id": "W1",
                }
            )
        )
        coverage.eligibility_ids = [(0, 0, {"result": "active", "notes": "Checked by phone"})]
        self.assertEqual(coverage.eligibility_result, "active")
        self.assertEqual(coverage.eligibility_ids.user_id, self.front_desk)
        with self.assertRaises(AccessError):
            claim.with_user(self.front_desk).read(["patient_control_number"])
