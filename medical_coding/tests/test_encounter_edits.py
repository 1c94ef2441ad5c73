# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DOS, MedicalCodingCase


@tagged("post_install", "-at_install")
class TestEncounterEdits(MedicalCodingCase):
    """action_check end to end: lines read in one batch, engine run, findings stored, states set."""

    def check(self, encounter):
        encounter.with_user(self.user_coder).action_check()
        return self.edit_codes(encounter)

    def test_clean_encounter_is_checked(self):
        encounter = self.make_encounter(
            ["dx_bronchitis", "dx_hypertension"], [("cpt_99213", [], 1, "AB"), ("cpt_36415", [], 1, "A")]
        )
        self.assertEqual(self.check(encounter), [])
        self.assertEqual(encounter.state, "checked")
        self.assertEqual(encounter.checked_by_id, self.user_coder)
        self.assertIn("0 error(s)", encounter.message_ids[0].body)

    def test_error_keeps_encounter_coded(self):
        encounter = self.make_encounter(["dx_bronchitis_header"], [("cpt_99213", [], 1, "A")])
        self.assertEqual(self.check(encounter), ["DX_NOT_BILLABLE"])
        self.assertEqual(encounter.state, "coded")
        finding = encounter.finding_ids
        self.assertEqual(finding.severity, "error")
        self.assertEqual(finding.diagnosis_id, encounter.diagnosis_ids)
        self.assertEqual(finding.code_id, self.codes["dx_bronchitis_header"])
        self.assertEqual(finding.coder_id, self.user_coder)
        self.assertEqual(finding.provider_id, self.provider)
        self.assertEqual(finding.company_id, self.company)
        self.assertIn("J20", finding.message)
        self.assertEqual(encounter.diagnosis_ids.error_count, 1)
        # Fixing the line and checking again replaces the findings.
        encounter.diagnosis_ids.code_id = self.codes["dx_bronchitis"]
        self.assertEqual(self.check(encounter), [])
        self.assertEqual(encounter.state, "checked")

    def test_heading_block_is_never_a_diagnosis(self):
        """A range heading the release counts as a leaf (C00-C96: nothing filed under it) is not billed."""
        heading = self.env["medical.code"].create(
            {"system": "icd10cm", "code": "C00-C96", "name": "Malignant neoplasms", "level": "block"}
        )
        self.assertTrue(heading.billable)
        self.codes["dx_heading"] = heading
        encounter = self.make_encounter(["dx_heading"], [("cpt_99213", [], 1, "A")])
        self.assertEqual(self.check(encounter), ["DX_NOT_BILLABLE"])
        self.assertEqual(encounter.state, "coded")
        pickable = (
            self.env["medical.encounter.diagnosis"]
            ._fields["code_id"]
            .get_domain_list(self.env["medical.encounter.diagnosis"])
        )
        self.assertFalse(self.env["medical.code"].search([*pickable, ("id", "=", heading.id)]))

    def test_warning_does_not_block(self):
        encounter = self.make_encounter(["dx_bronchitis"], [("cpt_99213", ["mod_ga", "mod_ga"], 1, "A")])
        self.assertEqual(self.check(encounter), ["MOD_DUPLICATE"])
        self.assertEqual(encounter.state, "checked")

    def test_code_dates(self):
        old = self.make_encounter(["dx_old"], [("cpt_99213", [], 1, "A")])
        self.assertEqual(self.check(old), ["DX_NOT_EFFECTIVE"])
        before = self.make_encounter(["dx_old"], [("cpt_99213", [], 1, "A")], date_service=date(2021, 9, 30))
        self.assertEqual(self.check(before), [])
        future_code = self.make_encounter(["dx_bronchitis"], [("cpt_new", [], 1, "A")])
        self.assertEqual(self.check(future_code), ["PROC_NOT_EFFECTIVE"])
        retired_modifier = self.make_encounter(["dx_bronchitis"], [("cpt_99213", ["mod_old"], 1, "A")])
        self.assertEqual(self.check(retired_modifier), ["MOD_NOT_EFFECTIVE"])
        archived = self.codes["cpt_36415"]
        encounter = self.make_encounter(["dx_bronchitis"], [("cpt_36415", [], 1, "A")])
        archived.active = False
        self.assertEqual(self.check(encounter), ["PROC_UNKNOWN"])

    def test_wrong_system_codes(self):
        encounter = self.make_encounter(
            ["dx_bronchitis"], [{"code": "cpt_99213", "modifiers": ["pos_11"], "diagnosis_pointers": "A"}]
        )
        self.assertEqual(self.check(encounter), ["MOD_UNKNOWN"])
        encounter = self.make_encounter(["cpt_99213"], [("cpt_99214", [], 1, "A")])
        self.assertEqual(self.check(encounter), ["DX_NOT_ICD10CM"])

    def test_pointers_and_counts(self):
        encounter = self.make_encounter(
            ["dx_bronchitis"], [("cpt_99213", [], 1, False), ("cpt_36415", [], 1, "AC")]
        )
        self.assertEqual(self.check(encounter), ["PTR_INVALID", "PTR_MISSING"])
        by_code = {f.edit_code: f for f in encounter.finding_ids}
        self.assertEqual(by_code["PTR_MISSING"].procedure_id.code_id, self.codes["cpt_99213"])
        self.assertIn("C", by_code["PTR_INVALID"].message)
        nothing = self.make_encounter()
        self.assertEqual(self.check(nothing), ["DX_MISSING", "PROC_MISSING"])

    def test_more_than_12_diagnoses(self):
        Code = self.env["medical.code"]
        many = [
            Code.create({"system": "icd10cm", "code": f"Z{n:04d}", "name": f"Test {n}"}) for n in range(13)
        ]
        encounter = self.make_encounter([], [("cpt_99213", [], 1, "A")])
        encounter.diagnosis_ids = [(0, 0, {"code_id": c.id, "sequence": i}) for i, c in enumerate(many)]
        self.assertEqual(self.check(encounter), ["DX_TOO_MANY"])
        self.assertEqual(encounter.finding_ids.diagnosis_id.code_id, many[12])
        encounter.diagnosis_ids.filtered(lambda d: d.code_id == many[12]).unlink()
        self.assertEqual(self.check(encounter), [])

    def test_duplicates(self):
        encounter = self.make_encounter(
            ["dx_bronchitis", "dx_bronchitis"], [("cpt_36415", [], 1, "A"), ("cpt_36415", [], 1, "A")]
        )
        self.assertEqual(self.check(encounter), ["DX_DUPLICATE", "LINE_DUPLICATE"])
        encounter.procedure_ids[1].modifier1_id = self.codes["mod_59"]
        encounter.diagnosis_ids[1].code_id = self.codes["dx_diabetes"]
        self.assertEqual(self.check(encounter), [])

    def test_required_data(self):
        encounter = self.make_encounter(
            ["dx_bronchitis"], [("cpt_99213", [], 1, "A")], provider_id=False, facility_id=False
        )
        self.assertEqual(self.check(encounter), ["POS_MISSING", "PROVIDER_MISSING"])
        self.patient.street = False
        encounter.write({"provider_id": self.provider.id, "place_of_service_id": self.codes["pos_22"].id})
        self.assertEqual(self.check(encounter), ["PATIENT_INCOMPLETE"])
        self.assertNotIn(self.patient.name, encounter.finding_ids.message)

    def test_ndc(self):
        line = {"code": "hcpcs_j1100", "diagnosis_pointers": "A", "units": 4, "ndc_code": "00009-0047-35"}
        encounter = self.make_encounter(["dx_bronchitis"], [line])
        self.assertEqual(encounter.procedure_ids.ndc_code, "00009004735")
        self.assertEqual(self.check(encounter), ["NDC_INCOMPLETE"])
        encounter.procedure_ids.write({"ndc_quantity": 1, "ndc_unit": "ML"})
        self.assertEqual(self.check(encounter), [])

    def test_units(self):
        encounter = self.make_encounter(["dx_bronchitis"], [("cpt_99213", [], 0, "A")])
        self.assertEqual(self.check(encounter), ["UNITS_INVALID"])

    def test_ncci_indicator_0(self):
        self.add_ptp("20610", "96372", "0")
        encounter = self.make_encounter(
            ["dx_bronchitis"], [("cpt_20610", [], 1, "A"), ("cpt_96372", ["mod_59"], 1, "A")]
        )
        self.assertEqual(self.check(encounter), ["NCCI_PTP"])
        finding = encounter.finding_ids
        self.assertEqual(finding.procedure_id.code_id, self.codes["cpt_96372"])
        self.assertEqual(finding.related_code, "20610")

    def test_ncci_indicator_1_and_modifiers(self):
        self.add_ptp("20610", "99213", "1")
        without = self.make_encounter(
            ["dx_bronchitis"], [("cpt_20610", [], 1, "A"), ("cpt_99213", [], 1, "A")]
        )
        self.assertEqual(self.check(without), ["NCCI_PTP"])
        for modifier in ("mod_25", "mod_59", "mod_xs", "mod_lt"):
            with self.subTest(modifier=modifier):
                with_mod = self.make_encounter(
                    ["dx_bronchitis"], [("cpt_20610", [], 1, "A"), ("cpt_99213", [modifier], 1, "A")]
                )
                self.assertEqual(self.check(with_mod), ["NCCI_PTP_BYPASSED"])
                self.assertEqual(with_mod.state, "checked")
        not_ncci_modifier = self.make_encounter(
            ["dx_bronchitis"], [("cpt_20610", [], 1, "A"), ("cpt_99213", ["mod_ga"], 1, "A")]
        )
        self.assertEqual(self.check(not_ncci_modifier), ["NCCI_PTP"])

    def test_ncci_dates_and_indicator_9(self):
        self.add_ptp("20610", "99213", "0", date_start=date(2026, 4, 1))
        self.add_ptp("20610", "36415", "0", date_end=date(2026, 3, 9))
        self.add_ptp("20610", "96372", "9")
        encounter = self.make_encounter(
            ["dx_bronchitis"],
            [
                ("cpt_20610", [], 1, "A"),
                ("cpt_99213", [], 1, "A"),
                ("cpt_36415", [], 1, "A"),
                ("cpt_96372", [], 1, "A"),
            ],
        )
        self.assertEqual(self.check(encounter), [])
        self.add_ptp("20610", "36415", "0", date_start=date(2026, 3, 10))
        self.assertEqual(self.check(encounter), ["NCCI_PTP"])

    def test_ncci_across_encounters_of_the_day(self):
        self.add_ptp("20610", "96372", "0")
        first = self.make_encounter(["dx_bronchitis"], [("cpt_20610", [], 1, "A")])
        second = self.make_encounter(["dx_bronchitis"], [("cpt_96372", [], 1, "A")])
        self.assertEqual(self.check(second), ["NCCI_PTP"])
        self.assertEqual(first.state, "draft", "the other encounter of the day is context, not checked")
        other_day = self.make_encounter(
            ["dx_bronchitis"], [("cpt_96372", [], 1, "A")], date_service=date(2026, 3, 11)
        )
        self.assertEqual(self.check(other_day), [])
        first.action_cancel()
        self.assertEqual(self.check(second), [])

    def test_mue_per_line_and_per_day(self):
        self.add_mue("96372", 2, "1")
        self.add_mue("36415", 1, "3")
        line_ok = self.make_encounter(
            ["dx_bronchitis"], [("cpt_96372", [], 2, "A"), ("cpt_96372", ["mod_59"], 2, "A")]
        )
        self.assertEqual(self.check(line_ok), [])
        line_over = self.make_encounter(["dx_bronchitis"], [("cpt_96372", [], 3, "A")])
        self.assertEqual(self.check(line_over), ["MUE"])
        day_one = self.make_encounter(["dx_bronchitis"], [("cpt_36415", [], 1, "A")])
        self.assertEqual(self.check(day_one), [])
        day_two = self.make_encounter(["dx_bronchitis"], [("cpt_36415", [], 1, "A")])
        self.assertEqual(self.check(day_two), ["MUE"])
        self.assertIn("2 units", day_two.finding_ids.message)

    def test_mue_uses_the_table_in_force(self):
        self.add_mue("96372", 1, "2", date_start=date(2025, 1, 1))
        self.add_mue("96372", 3, "2", date_start=date(2026, 1, 1))
        self.add_mue("96372", 1, "2", date_start=date(2026, 7, 1))
        encounter = self.make_encounter(["dx_bronchitis"], [("cpt_96372", [], 3, "A")])
        self.assertEqual(self.check(encounter), [])
        encounter.date_service = date(2026, 7, 2)
        self.assertEqual(self.check(encounter), ["MUE"])

    def test_batch_check(self):
        self.add_ptp("20610", "96372", "0")
        clean = self.make_encounter(["dx_bronchitis"], [("cpt_99213", [], 1, "A")])
        bad = self.make_encounter(["dx_bronchitis"], [("cpt_20610", [], 1, "A"), ("cpt_96372", [], 1, "A")])
        header = self.make_encounter(["dx_bronchitis_header"], [("cpt_99213", [], 1, "A")])
        encounters = clean | bad | header
        encounters.with_user(self.user_coder).action_check()
        self.assertEqual(encounters.mapped("state"), ["checked", "coded", "coded"])
        self.assertEqual(self.edit_codes(bad), ["NCCI_PTP"])

    def test_batch_check_query_count_does_not_grow(self):
        """No query per encounter: checking 4 or 16 encounters costs the same number of queries."""
        self.add_ptp("20610", "96372", "0")
        self.add_mue("36415", 1, "3")

        def batch(size, day):
            encounters = self.env["medical.encounter"]
            for n in range(size):
                encounters |= self.make_encounter(
                    ["dx_bronchitis", "dx_bronchitis_header"],
                    [("cpt_20610", [], 1, "A"), ("cpt_96372", [], 1, "A"), ("cpt_36415", [], 2, "B")],
                    date_service=date(2026, 1, day) if n % 2 else date(2026, 2, day),
                )
            return encounters.with_user(self.user_coder)

        counts = []
        for size, day in ((2, 3), (4, 1), (16, 2)):  # the first batch warms the caches up
            encounters = batch(size, day)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            encounters.action_check()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(set(encounters.mapped("state")), {"coded"})
        self.assertEqual(counts[1], counts[2], counts)

    def test_state_flow(self):
        encounter = self.make_encounter(["dx_bronchitis"], [("cpt_99213", [], 1, "A")])
        encounter.with_user(self.user_coder).action_mark_coded()
        self.assertEqual(encounter.state, "coded")
        self.check(encounter)
        self.assertEqual(encounter.state, "checked")
        # any coding change asks for a new check
        encounter.procedure_ids.units = 2
        self.assertEqual(encounter.state, "coded")
        self.check(encounter)
        # a charge (billing) is not a coding change
        encounter.procedure_ids.charge_amount = 120
        self.assertEqual(encounter.state, "checked")
        encounter.date_service = date(2026, 3, 11)
        self.assertEqual(encounter.state, "coded")
        self.check(encounter)
        encounter.action_mark_billed()
        self.assertEqual(encounter.state, "billed")
        with self.assertRaisesRegex(UserError, "The coding of a billed or cancelled encounter cannot change"):
            encounter.procedure_ids.units = 3
        with self.assertRaisesRegex(UserError, "The coding of a billed or cancelled encounter cannot change"):
            encounter.diagnosis_ids.unlink()
        with self.assertRaisesRegex(UserError, "A billed encounter keeps its patient, dates, providers"):
            encounter.date_service = DOS
        with self.assertRaisesRegex(UserError, "Billed and cancelled encounters are not checked again"):
            encounter.action_check()
        with self.assertRaisesRegex(UserError, "A billed encounter is cancelled by voiding its claim"):
            encounter.action_cancel()
        with self.assertRaisesRegex(UserError, "A billed encounter cannot be deleted"):
            encounter.unlink()

    def test_mark_billed_needs_checked(self):
        encounter = self.make_encounter(["dx_bronchitis_header"], [("cpt_99213", [], 1, "A")])
        self.check(encounter)
        with self.assertRaisesRegex(
            UserError, r"Only checked encounters \(no blocking finding\) can be billed"
        ):
            encounter.action_mark_billed()
        empty = self.make_encounter()
        with self.assertRaisesRegex(UserError, "Code at least one diagnosis and one procedure line first"):
            empty.action_mark_coded()

    def test_finding_made_elsewhere_takes_the_encounter_data(self):
        encounter = self.make_encounter(["dx_bronchitis"], [("cpt_99213", [], 1, "A")])
        finding = self.env["medical.edit.finding"].create(
            {"encounter_id": encounter.id, "edit_code": "MUE", "severity": "error", "message": "Made by hand"}
        )
        self.assertEqual(finding.company_id, encounter.company_id)
        self.assertEqual(finding.provider_id, self.provider)
        self.assertEqual(finding.date_service, DOS)
        # a new check replaces the coding findings
        encounter.with_user(self.user_coder).action_check()
        self.assertFalse(finding.exists())
