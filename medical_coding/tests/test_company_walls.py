# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import MedicalCodingCase


@tagged("post_install", "-at_install")
class TestCompanyWalls(MedicalCodingCase):
    """A coder of one practice cannot link its records to another practice's, nor learn their names."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Practice B"})
        cls.manager_b = new_test_user(
            cls.env,
            "mc_walls_manager_b",
            groups="medical_coding.medical_coding_group_manager",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.encounter_a = cls.make_encounter(["dx_bronchitis"], [("cpt_99213", [], 1, "A")])
        cls.patient_b = (
            cls.env["res.partner"]
            .with_company(cls.company_b)
            .create({"name": "Bertha Otherpractice", "is_patient": True})
        )
        cls.encounter_b = cls.make_encounter(
            ["dx_diabetes"],
            [("cpt_99214", [], 1, "A")],
            patient_id=cls.patient_b.id,
            company_id=cls.company_b.id,
            facility_id=False,
        )

    def finding_values(self, **values):
        return {
            "encounter_id": self.encounter_a.id,
            "company_id": self.company.id,
            "edit_code": "PATIENT_INCOMPLETE",
            "severity": "warning",
            "message": "Planted",
            **values,
        }

    def test_finding_cannot_point_at_another_practice(self):
        Finding = self.env["medical.edit.finding"].with_user(self.user_coder)
        cases = [
            ("diagnosis_id", self.encounter_b.diagnosis_ids.id, "Diagnosis"),
            ("procedure_id", self.encounter_b.procedure_ids.id, "Procedure Line"),
            ("encounter_id", self.encounter_b.id, "Encounter"),
        ]
        for fname, value, label in cases:
            with self.subTest(fname), self.assertRaises(UserError) as caught:
                Finding.create(self.finding_values(**{fname: value}))
            message = caught.exception.args[0]
            self.assertIn(f"{label} belongs to another practice", message)
            for secret in ("Bertha", "E119", "E11.9", "99214", self.encounter_b.name, "Practice B"):
                self.assertNotIn(secret, message)
        # the finding's own practice's lines are fine
        finding = Finding.create(self.finding_values(diagnosis_id=self.encounter_a.diagnosis_ids.id))
        self.assertEqual(finding.company_id, self.company)
        # moving a finding into the other practice while it points at this one's encounter is refused
        manager_finding = finding.with_user(self.user_manager)
        with self.assertRaisesRegex(UserError, "Encounter belongs to another practice"):
            manager_finding.company_id = self.company_b

    def test_batch_of_findings_checked_like_one(self):
        """Many findings at once (the check's batch) are company-checked per practice and field, not per
        record: one foreign link among clean ones is still refused, and named."""
        Finding = self.env["medical.edit.finding"].with_user(self.user_coder)
        clean = [
            self.finding_values(diagnosis_id=self.encounter_a.diagnosis_ids.id),
            self.finding_values(procedure_id=self.encounter_a.procedure_ids.id),
        ]
        self.assertEqual(len(Finding.create(clean)), 2)
        for fname, value, label in (
            ("procedure_id", self.encounter_b.procedure_ids.id, "Procedure Line"),
            ("diagnosis_id", self.encounter_b.diagnosis_ids.id, "Diagnosis"),
        ):
            with self.subTest(fname), self.assertRaises(UserError) as caught:
                Finding.create([*clean, self.finding_values(**{fname: value})])
            message = caught.exception.args[0]
            self.assertIn(f"{label} belongs to another practice", message)
            self.assertNotIn("Bertha", message)
        # a batch moved into the other practice while pointing at this one's encounter is refused
        findings = Finding.create(clean).with_user(self.user_manager)
        with self.assertRaisesRegex(UserError, "Encounter belongs to another practice"):
            findings.write({"company_id": self.company_b.id})

    def test_encounter_refusal_names_no_patient_of_another_practice(self):
        encounter = self.encounter_a.with_user(self.user_coder)
        with self.assertRaises(UserError) as caught:
            encounter.patient_id = self.patient_b
        message = caught.exception.args[0]
        self.assertIn(f"{self.encounter_a.name}: Patient belongs to another practice", message)
        self.assertNotIn("Bertha", message)
        self.assertNotIn("Practice B", message)

    def test_guarantor_of_another_practice_refused(self):
        front_desk = new_test_user(
            self.env,
            "mc_walls_front_desk",
            groups="medical_coding.medical_coding_group_front_desk,base.group_partner_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        patient = self.patient.with_user(front_desk)
        with self.assertRaises(UserError) as caught:
            patient.guarantor_id = self.patient_b
        self.assertEqual(caught.exception.args[0], "Guarantor belongs to another practice.")
        contact = self.env["res.partner"].create({"name": "Shared Contact"})
        patient.guarantor_id = contact
        self.assertEqual(patient.guarantor_id, contact)

    def test_code_set_history_is_shared_reference_data(self):
        counts = (
            self.env["medical.importer"]
            .with_user(self.user_manager)
            .import_file("pos", b"11\tOffice\n12\tHome\n", "pos.tsv")
        )
        log = self.env["medical.import.log"].browse(counts["log_id"])
        self.assertFalse(log.company_id, "code sets are shared between practices")
        seen_by_b = log.with_user(self.manager_b)
        self.assertEqual(seen_by_b.read(["filename"])[0]["filename"], "pos.tsv")
        self.assertTrue(seen_by_b.file)
