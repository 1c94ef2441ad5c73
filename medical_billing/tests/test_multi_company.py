# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import MedicalBillingCommon


@tagged("post_install", "-at_install")
class TestMultiCompany(MedicalBillingCommon):
    """Each practice is a company with its own accounts; claims never cross companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Second Practice")["company"]
        cls.env.user.company_ids |= cls.company_b
        cls._setup_practice(cls.company_b)
        cls.patient_b = cls._make_patient("Patient B", company=cls.company_b)
        cls.coverage_b = cls._make_coverage(cls.patient_b)
        cls.env["medical.fee.schedule"].create(
            {
                "name": "B charge master",
                "company_id": cls.company_b.id,
                "line_ids": [(0, 0, {"code_id": cls.codes["cpt_99213"].id, "amount": 111.0})],
            }
        )

    def test_each_company_posts_to_its_own_books(self):
        encounter_a = self.make_encounter()
        encounter_b = self.make_encounter(patient=self.patient_b, lines=[("cpt_99213", [], 1, "A")])
        self.assertEqual(encounter_b.procedure_ids.charge_amount, 111.0, "company B's charge master")
        encounters = encounter_a | encounter_b
        encounters.action_create_claims()
        claims = encounters.claim_ids
        claims.action_validate()
        claim_a = encounter_a.claim_ids
        claim_b = encounter_b.claim_ids
        self.assertEqual(claim_a.company_id, self.practice)
        self.assertEqual(claim_b.company_id, self.company_b)
        self.assertEqual(claim_b.coverage_id, self.coverage_b)
        self.assertEqual(claim_b.billing_provider_id, self.company_b.partner_id)
        invoice_b = claim_b.invoice_id
        self.assertEqual(invoice_b.company_id, self.company_b)
        self.assertEqual(invoice_b.journal_id, self.company_b.medical_claim_journal_id)
        self.assertNotEqual(self.company_b.medical_claim_journal_id, self.practice.medical_claim_journal_id)
        self.assertNotEqual(
            self.company_b.medical_insurance_receivable_account_id,
            self.practice.medical_insurance_receivable_account_id,
        )
        self.assertMoveLines(
            invoice_b,
            [
                (self.company_b.medical_insurance_receivable_account_id, self.payer, 111.0, 0.0),
                (self.company_b._medical_income_account(), self.payer, 0.0, 111.0),
            ],
        )
        self.assertEqual(claim_a.invoice_id.company_id, self.practice)
        # The coverage of the other practice is never picked.
        self.assertNotEqual(claim_a.coverage_id.company_id, self.company_b)

    def test_shared_payer_defaults_to_each_practice_receivable(self):
        # The payer has no company: each practice books its claims on its own insurance receivable.
        self.assertFalse(self.payer.company_id)
        for company in (self.practice, self.company_b):
            self.assertEqual(
                self.payer.with_company(company).property_account_receivable_id,
                company.medical_insurance_receivable_account_id,
                company.name,
            )
        self.assertEqual(
            self.patient_b.with_company(self.company_b).property_account_receivable_id,
            self.company_b.medical_patient_receivable_account_id,
        )
        # A practice changing its setting moves its own default only.
        new_b = self.company_b.medical_insurance_receivable_account_id.copy({"code": "121995"})
        self.company_b.medical_insurance_receivable_account_id = new_b
        self.assertEqual(self.payer.with_company(self.company_b).property_account_receivable_id, new_b)
        self.assertEqual(
            self.payer.with_company(self.practice).property_account_receivable_id,
            self.practice.medical_insurance_receivable_account_id,
        )

    def test_line_control_numbers_per_company(self):
        claim_a = self.make_claim()
        claim_b = self.make_claim(patient=self.patient_b)
        # Unique within a practice (see test_claim), free across practices.
        claim_b.line_ids[0].line_control_number = claim_a.line_ids[0].line_control_number
        self.env.flush_all()
        self.assertEqual(claim_b.line_ids[0].line_control_number, claim_a.line_ids[0].line_control_number)

    def test_claim_cannot_mix_companies(self):
        claim_b = self.make_claim(patient=self.patient_b)
        # The coverage of practice A with its own patient: the patient constraint holds, the wall refuses.
        with self.assertRaises(UserError) as caught:
            claim_b.write({"patient_id": self.patient.id, "coverage_id": self.coverage.id})
        self.assertIn("Coverage belongs to another practice", str(caught.exception))
        # Alone, the coverage of another patient is refused first by the patient rule.
        with self.assertRaises(UserError) as caught:
            claim_b.coverage_id = self.coverage
        self.assertIn("A claim bills a coverage of its own patient", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            self.env["medical.claim"].create(
                {
                    "company_id": self.practice.id,
                    "patient_id": self.patient_b.id,
                    "coverage_id": self.coverage_b.id,
                    "date_service": self.dos,
                }
            )
        self.assertIn("Patient belongs to another practice", str(caught.exception))

    def test_coverage_follows_patient_company(self):
        with self.assertRaises(UserError) as caught:
            self._make_coverage(self.patient_b, company_id=self.practice.id)
        self.assertIn("Patient belongs to another practice", str(caught.exception))

    def test_record_rules(self):
        claim_a = self.make_claim()
        claim_b = self.make_claim(patient=self.patient_b)
        biller_a = self.make_user(
            "biller_a", "medical_coding.medical_coding_group_biller", company=self.practice
        )
        Claim = self.env["medical.claim"].with_user(biller_a)
        self.assertEqual(Claim.search([("id", "in", (claim_a | claim_b).ids)]), claim_a)
        with self.assertRaises(AccessError):
            claim_b.with_user(biller_a).read(["patient_control_number"])
        Coverage = self.env["medical.coverage"].with_user(biller_a)
        self.assertFalse(Coverage.search([("id", "=", self.coverage_b.id)]))
        Schedule = self.env["medical.fee.schedule"].with_user(biller_a)
        self.assertEqual(Schedule.search([]).company_id, self.practice)

    def test_company_without_chart_refused(self):
        company_c = self.env["res.company"].create({"name": "No Books Practice"})
        self.env.user.company_ids |= company_c
        patient_c = self._make_patient("Patient C", company=company_c)
        self._make_coverage(patient_c)
        encounter = self.make_encounter(patient=patient_c)
        with self.assertRaisesRegex(UserError, "no chart of accounts"):
            encounter.action_create_claims()
