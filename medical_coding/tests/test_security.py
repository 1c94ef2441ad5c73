# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import MedicalCodingCase


@tagged("post_install", "-at_install")
class TestRoles(MedicalCodingCase):
    """Minimum necessary: the front desk never reads diagnoses, procedures or findings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.add_ptp("20610", "96372", "0")
        cls.encounter = cls.make_encounter(
            ["dx_bronchitis"], [("cpt_20610", [], 1, "A"), ("cpt_96372", [], 1, "A")]
        )
        cls.encounter.with_user(cls.user_coder).action_check()

    def test_front_desk(self):
        encounter = self.encounter.with_user(self.user_front_desk)
        encounter.invalidate_recordset()
        self.assertEqual(encounter.read(["patient_id", "date_service", "state"])[0]["state"], "coded")
        for fname in ("diagnosis_ids", "procedure_ids", "finding_ids", "diagnosis_summary", "error_count"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                encounter.read([fname])
        for model in ("medical.encounter.diagnosis", "medical.encounter.procedure", "medical.edit.finding"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.user_front_desk).search_read([], ["id"])
        with self.assertRaises(AccessError):
            encounter.action_check()
        # nor infer diagnoses through a search
        with self.assertRaises(AccessError):
            self.env["medical.encounter"].with_user(self.user_front_desk).search(
                [("diagnosis_ids.code_id.code", "=", "J209")]
            )
        # the form view the front desk gets has no coding at all
        views = encounter.get_views([(False, "form"), (False, "list")])["views"]
        for view in ("form", "list"):
            self.assertNotIn("diagnosis", views[view]["arch"])
            self.assertNotIn("finding_ids", views[view]["arch"])
            self.assertNotIn("error_count", views[view]["arch"])
        # but the front desk registers visits
        visit = (
            self.env["medical.encounter"]
            .with_user(self.user_front_desk)
            .create({"patient_id": self.patient.id, "provider_id": self.provider.id})
        )
        visit.facility_id = self.facility
        with self.assertRaises(AccessError):
            visit.write({"diagnosis_ids": [(0, 0, {"code_id": self.codes["dx_bronchitis"].id})]})

    def test_coder(self):
        encounter = self.encounter.with_user(self.user_coder)
        arch = encounter.get_views([(False, "form")])["views"]["form"]["arch"]
        for fname in ("diagnosis_ids", "procedure_ids", "finding_ids", "action_check"):
            self.assertIn(fname, arch)
        self.assertEqual(len(encounter.diagnosis_ids), 1)
        self.assertEqual(encounter.finding_ids.edit_code, "NCCI_PTP")
        encounter.procedure_ids[1].unlink()
        encounter.action_check()
        self.assertEqual(encounter.state, "checked")
        with self.assertRaises(AccessError):
            self.env["medical.ncci.edit"].with_user(self.user_coder).create(
                {
                    "column1_code": "11111",
                    "column2_code": "22222",
                    "date_start": "2020-01-01",
                    "modifier_indicator": "0",
                }
            )
        with self.assertRaises(AccessError):
            self.env["medical.importer"].with_user(self.user_coder).import_file(
                "mue", b"96372,1,1 Line Edit,x\r\n", "MUE_Eff_01-01-2026.csv"
            )

    def test_biller_reads_coding_but_does_not_change_it(self):
        encounter = self.encounter.with_user(self.user_biller)
        arch = encounter.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("diagnosis_ids", arch)
        self.assertNotIn("action_check", arch)
        self.assertEqual(encounter.diagnosis_ids.code_id.code, "J209")
        self.assertTrue(encounter.finding_ids)
        self.assertEqual(encounter.error_count, 1)
        with self.assertRaises(AccessError):
            encounter.diagnosis_ids.write({"sequence": 3})
        with self.assertRaises(AccessError):
            encounter.procedure_ids[0].unlink()
        with self.assertRaises(AccessError):
            encounter.finding_ids.unlink()
        with self.assertRaises(AccessError):
            encounter.action_check()

    def test_manager(self):
        findings = self.env["medical.edit.finding"].with_user(self.user_manager)
        groups = findings.read_group([], ["edit_code"], ["edit_code", "coder_id", "provider_id"], lazy=False)
        self.assertEqual(groups[0]["edit_code"], "NCCI_PTP")
        self.assertEqual(groups[0]["coder_id"][0], self.user_coder.id)
        self.assertEqual(groups[0]["provider_id"][0], self.provider.id)
        self.env["medical.ncci.edit"].with_user(self.user_manager).create(
            {
                "column1_code": "11111",
                "column2_code": "22222",
                "date_start": "2020-01-01",
                "modifier_indicator": "0",
            }
        )

    def test_no_patient_data_in_the_log(self):
        """The check logs nothing that names the patient or a diagnosis, even at DEBUG."""
        records = []

        class Collect(logging.Handler):
            def emit(self, record):
                # odoo.sql_db at DEBUG echoes every query with its values: a framework switch for
                # debugging, off in production; everything else, ours first, is checked.
                if record.name != "odoo.sql_db":
                    records.append(f"{record.name}: {record.getMessage()}")

        handler = Collect(level=logging.DEBUG)
        root = logging.getLogger("odoo")
        old_level = root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        # positive control: a DEBUG record of the addon's own logger reaches the handler
        ours = logging.getLogger("odoo.addons.medical_coding.models.medical_encounter")
        try:
            encounter = self.make_encounter(["dx_bronchitis_header"], [("cpt_99213", [], 1, "A")])
            ours.debug("positive control: checking %s", encounter.name)
            encounter.with_user(self.user_coder).action_check()
            encounter.with_user(self.user_coder).diagnosis_ids.code_id = self.codes["dx_bronchitis"]
            encounter.with_user(self.user_coder).action_check()
            self.env.flush_all()
        finally:
            root.removeHandler(handler)
            root.setLevel(old_level)
        text = "\n".join(records)
        self.assertIn(f"{ours.name}: positive control: checking {encounter.name}", text)
        for secret in (self.patient.name, "J20", "J209", "J20.9", self.patient.medical_record_number):
            self.assertNotIn(secret, text)


@tagged("post_install", "-at_install")
class TestMultiCompany(MedicalCodingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Practice B"})
        cls.coder_b = new_test_user(
            cls.env,
            "mc_coder_b",
            groups="medical_coding.medical_coding_group_coder",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.encounter_a = cls.make_encounter(["dx_bronchitis_header"], [("cpt_99213", [], 1, "A")])
        cls.encounter_a.with_user(cls.user_coder).action_check()
        cls.patient_b = (
            cls.env["res.partner"]
            .with_company(cls.company_b)
            .create(
                {
                    "name": "Patient B",
                    "is_patient": True,
                    "medical_record_number": cls.patient.medical_record_number,
                }
            )
        )

    def test_practices_are_kept_apart(self):
        self.assertEqual(self.patient_b.company_id, self.company_b)
        env_b = self.env(user=self.coder_b)
        self.assertFalse(env_b["medical.encounter"].search([]))
        self.assertFalse(env_b["medical.edit.finding"].search([]))
        self.assertFalse(env_b["medical.encounter.diagnosis"].search([]))
        self.assertFalse(env_b["medical.encounter.procedure"].search([]))
        self.assertNotIn(self.patient, env_b["res.partner"].search([("is_patient", "=", True)]))
        with self.assertRaises(AccessError):
            self.encounter_a.with_user(self.coder_b).read(["name"])
        with self.assertRaises(AccessError):
            self.encounter_a.finding_ids.with_user(self.coder_b).read(["message"])
        with self.assertRaises(AccessError):
            self.encounter_a.with_user(self.coder_b).action_check()
        # practice B works on its own patients
        encounter_b = env_b["medical.encounter"].create(
            {
                "patient_id": self.patient_b.id,
                "date_service": self.encounter_a.date_service,
                "provider_id": self.provider.id,
                "place_of_service_id": self.codes["pos_11"].id,
                "diagnosis_ids": [(0, 0, {"code_id": self.codes["dx_bronchitis"].id})],
                "procedure_ids": [(0, 0, {"code_id": self.codes["cpt_99213"].id, "diagnosis_pointers": "A"})],
            }
        )
        self.assertEqual(encounter_b.company_id, self.company_b)
        encounter_b.action_check()
        self.assertEqual(encounter_b.finding_ids.mapped("edit_code"), ["PATIENT_INCOMPLETE"])
        self.assertEqual(encounter_b.finding_ids.company_id, self.company_b)
        self.assertEqual(self.encounter_a.finding_ids.company_id, self.env.company)

    def test_encounter_refuses_a_patient_of_another_practice(self):
        from odoo.exceptions import UserError

        with self.assertRaisesRegex(UserError, "These links must stay within the record's practice"):
            self.env["medical.encounter"].create(
                {"patient_id": self.patient_b.id, "company_id": self.env.company.id}
            )
