# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import DOS, MedicalCodingCase

HEADER = (
    b"reference,title,kind,payer_class,date_start,procedures,covered,covered_pairs,non_covered,"
    b"age_min,age_max,sex,frequency_units,frequency_window,frequency_period,modifiers,documentation\n"
)
POLICY_CSV = (
    HEADER
    + b"""NCD 999.1,Colorectal cancer screening,national,medicare,2020-01-01,G0121,,,,45,,,1,120,months,,
L99999,Venipuncture for diabetes,local,medicare,,36415,E11*,I10+E11.9,Z00.00-Z00.01,,,,,,,,
L99999,Venipuncture for diabetes,local,medicare,,96372,E11.9,,,,,,,,,KX,cmn
"""
)


@tagged("post_install", "-at_install")
class TestCoveragePolicy(MedicalCodingCase):
    """Policies: CSV import, access, and the necessity findings of action_check with their resolutions."""

    def import_policies(self, data, user=None, filename="policies.csv"):
        importer = self.env["medical.importer"].with_user(user or self.user_manager)
        return importer.import_file("policy", data, filename)

    def policy(self, reference, **rule):
        return self.env["medical.coverage.policy"].create(
            {"reference": reference, "title": reference, "rule_ids": [(0, 0, rule)]}
        )

    def check(self, encounter):
        encounter.with_user(self.user_coder).action_check()
        return self.edit_codes(encounter)

    # ------------------------------------------------------------------ import

    def test_import_creates_then_replaces_by_reference(self):
        counts = self.import_policies(POLICY_CSV)
        self.assertEqual(
            (counts["total"], counts["created"], counts["updated"], counts["rules"]), (2, 2, 0, 3)
        )
        policy = self.env["medical.coverage.policy"].search([("reference", "=", "L99999")])
        self.assertEqual(policy.kind, "local")
        self.assertFalse(policy.company_id, "imported policies are shared by every practice")
        rule, kx_rule = policy.rule_ids
        self.assertEqual((rule.covered_diagnoses, rule.covered_pairs), ("E11*", "I10+E11.9"))
        self.assertEqual(rule.non_covered_diagnoses, "Z00.00-Z00.01")
        self.assertEqual((kx_rule.required_modifiers, kx_rule.requires_cmn), ("KX", True))
        colonoscopy = self.env["medical.coverage.policy"].search([("reference", "=", "NCD 999.1")])
        self.assertRecordValues(
            colonoscopy.rule_ids,
            [{"age_min": 45, "frequency_units": 1, "frequency_window": 120, "frequency_period": "months"}],
        )
        self.assertEqual(colonoscopy.date_start, date(2020, 1, 1))
        log = self.env["medical.import.log"].browse(counts["log_id"])
        self.assertEqual(log.kind, "policy")
        # a new release replaces the rules of the same reference
        counts = self.import_policies(
            b"reference,title,procedures,covered\nL99999,Venipuncture,36415,E10* E11*\n"
        )
        self.assertEqual((counts["created"], counts["updated"]), (0, 1))
        self.assertEqual(policy.rule_ids.covered_diagnoses, "E10* E11*")

    def test_import_refuses_a_bad_line_and_writes_nothing(self):
        bad = POLICY_CSV.replace(b"I10+E11.9", b"I10")
        with self.assertRaises(UserError) as caught:
            self.import_policies(bad)
        self.assertEqual(
            caught.exception.args[0],
            "policies.csv was not imported, nothing was changed.\n"
            "Line 3: I10 is not a pair of diagnoses written A+B",
        )
        self.assertFalse(
            self.env["medical.coverage.policy"].search([("reference", "in", ("NCD 999.1", "L99999"))])
        )
        with self.assertRaises(UserError) as caught:
            self.import_policies(POLICY_CSV.replace(b"national,medicare,2020", b"nationwide,medicare,2020"))
        self.assertIn(
            "Line 2: kind is one of national, local, payer, not nationwide", caught.exception.args[0]
        )

    def test_form_refuses_a_rule_it_cannot_read(self):
        with self.assertRaises(ValidationError) as caught:
            self.policy("L1", procedure_codes="36415", covered_diagnoses="E11.9-E10")
        self.assertEqual(
            caught.exception.args[0], "Policy L1, rule 36415: the range E11.9-E10 ends before it starts"
        )

    def test_access_managers_edit_coders_and_billers_read_front_desk_none(self):
        policy = self.policy("L2", procedure_codes="36415", covered_diagnoses="E11*")
        for user in (self.user_coder, self.user_biller):
            self.assertEqual(policy.with_user(user).rule_ids.covered_diagnoses, "E11*")
            with self.assertRaises(AccessError):
                policy.with_user(user).write({"title": "changed"})
            with self.assertRaises(AccessError):
                self.import_policies(POLICY_CSV, user=user)
        with self.assertRaises(AccessError):
            policy.with_user(self.user_front_desk).read(["reference"])
        policy.with_user(self.user_manager).rule_ids.covered_diagnoses = "E10*"
        # a practice's own policy is invisible to the other practices
        other = self.env["res.company"].create({"name": "Other Practice"})
        private = self.env["medical.coverage.policy"].create(
            {"reference": "P-OTHER", "title": "Private", "kind": "payer", "company_id": other.id}
        )
        visible = self.env["medical.coverage.policy"].with_user(self.user_manager).search([])
        self.assertIn(policy, visible)
        self.assertNotIn(private, visible)

    # ------------------------------------------------------------------ coding edits

    def test_not_covered_diagnosis_then_fixed_coding(self):
        self.policy("L99999", procedure_codes="36415", covered_diagnoses="E11*")
        encounter = self.make_encounter(["dx_bronchitis", "dx_diabetes"], [("cpt_36415", [], 1, "A")])
        self.assertEqual(self.check(encounter), ["NEC_DX_NOT_COVERED"])
        self.assertEqual(encounter.state, "coded")
        finding = encounter.finding_ids
        self.assertEqual(
            finding.message, "Line 1 (36415): L99999 does not cover J20.9 for 36415; covered: E11*."
        )
        self.assertEqual(finding.related_code, "L99999")
        self.assertEqual(finding.procedure_id, encounter.procedure_ids)
        self.assertEqual(finding.diagnosis_id, encounter.diagnosis_ids[0])
        # resolution 1: fix the coding (the line points to the diagnosis that justifies it)
        encounter.procedure_ids.with_user(self.user_coder).diagnosis_pointers = "B"
        self.assertEqual(self.check(encounter), [])
        self.assertEqual(encounter.state, "checked")

    def test_abn_resolution_passes_with_a_warning(self):
        self.policy("L99999", procedure_codes="36415", covered_diagnoses="E11*")
        encounter = self.make_encounter(["dx_bronchitis"], [("cpt_36415", [], 1, "A")])
        self.assertEqual(self.check(encounter), ["NEC_DX_NOT_COVERED"])
        encounter.procedure_ids.with_user(self.user_coder).necessity_resolution = "abn"
        self.assertEqual(self.check(encounter), ["NEC_ABN"])
        self.assertEqual(encounter.state, "checked")
        self.assertEqual(encounter.finding_ids.severity, "warning")
        self.assertTrue(encounter.finding_ids.message.endswith("billed with modifier GA."))

    def test_self_pay_resolution_needs_the_patients_consent(self):
        self.policy("L99999", procedure_codes="36415", covered_diagnoses="E11*")
        encounter = self.make_encounter(["dx_bronchitis"], [("cpt_36415", [], 1, "A")])
        line = encounter.procedure_ids.with_user(self.user_coder)
        with self.assertRaises(ValidationError) as caught:
            line.necessity_resolution = "self_pay"
        self.assertEqual(
            caught.exception.args[0],
            f"Encounter {encounter.name}: a line billed to the patient instead of the payer needs the date "
            "of the patient's consent.",
        )
        line.write({"necessity_resolution": "self_pay", "self_pay_consent_date": DOS})
        self.assertEqual(self.check(encounter), ["NEC_SELF_PAY"])
        self.assertEqual(encounter.state, "checked")

    def test_age_and_sex_limits(self):
        # the patient is a woman born 1970-05-17: 55 on the date of service
        self.policy("NCD-AGE", procedure_codes="36415", age_min=65)
        encounter = self.make_encounter(["dx_diabetes"], [("cpt_36415", [], 1, "A")])
        self.assertEqual(self.check(encounter), ["NEC_AGE"])
        self.assertEqual(
            encounter.finding_ids.message,
            "Line 1 (36415): NCD-AGE covers 36415 for ages 65 and over: "
            "the patient is 55 on the date of service.",
        )
        self.env["medical.coverage.policy"].search([("reference", "=", "NCD-AGE")]).active = False
        self.policy("NCD-SEX", procedure_codes="36415", sex="male")
        self.assertEqual(self.check(encounter), ["NEC_SEX"])

    def test_frequency_from_billed_history(self):
        self.policy(
            "AWV", procedure_codes="G0008", frequency_units=1, frequency_window=12, frequency_period="months"
        )
        earlier = self.make_encounter(
            ["dx_diabetes"], [("hcpcs_g0008", [], 1, "A")], date_service=date(2025, 6, 20)
        )
        self.assertEqual(self.check(earlier), [])
        # not yet billed: a checked encounter is no history
        encounter = self.make_encounter(["dx_diabetes"], [("hcpcs_g0008", [], 1, "A")])
        self.assertEqual(self.check(encounter), [])
        earlier.action_mark_billed()
        self.assertEqual(self.check(encounter), ["NEC_FREQUENCY"])
        self.assertEqual(
            encounter.finding_ids.message,
            "Line 1 (G0008): G0008 was billed for this patient on 2025-06-20 "
            "(at most 1 per 12 calendar months under AWV): covered again from 2026-06-01.",
        )
        later = self.make_encounter(
            ["dx_diabetes"], [("hcpcs_g0008", [], 1, "A")], date_service=date(2026, 6, 1)
        )
        self.assertEqual(self.check(later), [])

    def test_modifier_and_documentation(self):
        self.import_policies(POLICY_CSV)
        encounter = self.make_encounter(["dx_diabetes"], [("cpt_96372", [], 1, "A")])
        self.assertEqual(self.check(encounter), ["NEC_DOCUMENTATION", "NEC_MODIFIER"])
        self.assertIn(
            "L99999 requires modifier KX on 96372",
            encounter.finding_ids[0].message + encounter.finding_ids[1].message,
        )

    def test_policy_out_of_dates_or_archived_is_ignored(self):
        policy = self.policy("L3", procedure_codes="36415", covered_diagnoses="E11*")
        policy.date_start = date(2026, 4, 1)
        encounter = self.make_encounter(["dx_bronchitis"], [("cpt_36415", [], 1, "A")])
        self.assertEqual(self.check(encounter), [])
        policy.write({"date_start": False, "active": False})
        self.assertEqual(self.check(encounter), [])
        policy.active = True
        self.assertEqual(self.check(encounter), ["NEC_DX_NOT_COVERED"])

    def test_equipment_rental_modifiers_and_capped_rental_month(self):
        Code = self.env["medical.code"]
        for key, system, code in (
            ("hcpcs_e0601", "hcpcs", "E0601"),
            ("mod_rr", "modifier", "RR"),
            ("mod_kh", "modifier", "KH"),
            ("mod_ki", "modifier", "KI"),
        ):
            self.codes[key] = Code.search([("system", "=", system), ("code", "=", code)]) or Code.create(
                {"system": system, "code": code, "name": code}
            )
        self.import_policies(b"reference,title,procedures,capped_rental\nCPAP,CPAP device,E0601,1\n")
        bought = self.make_encounter(["dx_diabetes"], [("hcpcs_e0601", [], 1, "A")])
        self.assertEqual(self.check(bought), ["DME_MODIFIER"])
        first = self.make_encounter(
            ["dx_diabetes"], [("hcpcs_e0601", ["mod_rr", "mod_kh"], 1, "A")], date_service=date(2026, 2, 10)
        )
        self.assertEqual(self.check(first), [])
        first.action_mark_billed()
        second = self.make_encounter(["dx_diabetes"], [("hcpcs_e0601", ["mod_rr", "mod_kh"], 1, "A")])
        self.assertEqual(self.check(second), ["DME_RENTAL_MONTH"])
        self.assertEqual(
            second.finding_ids.message,
            "Line 1 (E0601-RR-KH): rental month 2 of E0601 under CPAP: bill it with KI "
            "(KH month 1, KI months 2-3, KJ months 4-13).",
        )
        second.procedure_ids.with_user(self.user_coder).modifier2_id = self.codes["mod_ki"]
        self.assertEqual(self.check(second), [])
