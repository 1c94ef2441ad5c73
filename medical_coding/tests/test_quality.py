# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""MIPS claims quality measures: import of the hand-written excerpt (tests/data), evaluation at coding time,
the coder's choice of outcome, the rates per provider and the walls around them."""

from datetime import date
from pathlib import Path

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import MedicalCodingCase

DATA = Path(__file__).parent / "data"
FILES = (
    "qpp-single-source-2026.excerpt.json",
    "measures-data-2026.excerpt.json",
    "benchmarks-2026.excerpt.json",
)


class QualityCase(MedicalCodingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Code = cls.env["medical.code"]
        for key, system, code, name in (
            ("dx_osteo_fracture", "icd10cm", "M8008XA", "Age-related osteoporosis with fracture, initial"),
            ("pos_02", "pos", "02", "Telehealth"),
            ("pos_23", "pos", "23", "Emergency Room - Hospital"),
            ("mod_gt", "modifier", "GT", "Via interactive audio and video telecommunication"),
        ):
            cls.codes[key] = Code.search([("system", "=", system), ("code", "=", code)]) or Code.create(
                {"system": system, "code": code, "name": name}
            )
        cls.counts = [
            cls.env["medical.importer"].import_file("quality", (DATA / name).read_bytes(), name)
            for name in FILES
        ]
        cls.Measure = cls.env["medical.quality.measure"]
        cls.measures = {m.measure_code: m for m in cls.Measure.search([("year", "=", 2026)])}
        cls.provider2 = cls.env["res.partner"].create(
            {"name": "Dr Second Provider", "is_provider": True, "npi": "1245319599"}
        )

    @classmethod
    def patient_of(cls, birthdate, gender, name="Quality Patient"):
        return cls.env["res.partner"].create(
            {"name": name, "is_patient": True, "birthdate": birthdate, "gender": gender}
        )

    def visit(self, patient=None, diagnoses=("dx_diabetes",), lines=(("cpt_99213", [], 1, "A"),), **values):
        encounter = self.make_encounter(
            list(diagnoses), list(lines), patient_id=(patient or self.patient).id, **values
        )
        encounter.with_user(self.user_coder).action_check()
        return encounter

    def prompted(self, encounter):
        return sorted(
            f.quality_measure_id.measure_code
            for f in encounter.finding_ids
            if f.edit_code == "QUALITY_MISSING"
        )

    def eligible(self, encounter):
        return sorted(encounter.quality_result_ids.mapped("measure_id.measure_code"))


@tagged("post_install", "-at_install")
class TestQualityImport(QualityCase):
    def test_excerpt_imports_each_part(self):
        single, data, benchmarks = self.counts
        self.assertEqual((single["total"], single["created"], single["year"]), (5, 5, 2026))
        self.assertEqual((data["created"], data["updated"]), (0, 5))
        self.assertEqual((benchmarks["total"], benchmarks["updated"]), (2, 2))  # the registry row is not read
        m001, m128, m236 = self.measures["001"], self.measures["128"], self.measures["236"]
        self.assertEqual(m001.title, "Diabetes: Glycemic Status Assessment Greater Than 9%")
        self.assertTrue(m001.inverse and m001.high_priority)
        self.assertEqual(m001.reporting, "patient")  # the files do not say: patient-based by default
        self.assertEqual((m128.percentile_10, m128.percentile_90, m128.benchmark_average), (20.0, 90.0, 61.2))
        self.assertFalse(self.measures["039"].has_benchmark)
        option = m001.eligibility_ids
        self.assertEqual((option.min_age, option.max_age, option.sex), (18.0, 75.0, False))
        self.assertEqual(option.diagnosis_ids.mapped("display_code"), ["E10.9", "E11.65", "E11.9"])
        # the dot is the JSON's spelling: linked to our dotless code
        self.assertEqual(
            option.diagnosis_ids.filtered(lambda d: d.code == "E119").code_id, self.codes["dx_diabetes"]
        )
        excluded = self.measures["039"].eligibility_ids.exclusion_ids
        self.assertEqual(excluded.mapped("code"), ["M8000XA", "M8008XA"])
        procedure = m128.eligibility_ids.procedure_ids.filtered(lambda p: p.code == "99213")
        self.assertEqual(
            (procedure.pos_exclusions, procedure.modifier_exclusions), ("02,10,12", "GQ,GT,FQ,93")
        )
        self.assertEqual(procedure.code_id, self.codes["cpt_99213"])
        met = m236.performance_ids.filtered(lambda p: p.kind == "met")
        self.assertEqual(met.qdc_ids.mapped("code"), ["G8752", "G8754"])
        not_met = self.measures["047"].performance_ids.filtered(lambda p: p.kind == "not_met")
        self.assertEqual((not_met.qdc_ids.code, not_met.qdc_ids.modifiers), ("1123F", "8P"))
        # quality data codes the code sets lacked are created, so that a line can carry them
        self.assertEqual(not_met.qdc_ids.code_id.system, "cpt")
        self.assertEqual(met.qdc_ids.code_id.mapped("system"), ["hcpcs", "hcpcs"])
        self.assertEqual(len(self.measures["128"].performance_ids), 4)

    def test_reimport_changes_nothing_and_a_later_year_imports_beside(self):
        name = FILES[0]
        before = self.measures["128"].eligibility_ids.ids
        again = self.env["medical.importer"].import_file("quality", (DATA / name).read_bytes(), name)
        self.assertEqual((again["created"], again["updated"], again["unchanged"]), (0, 0, 5))
        self.assertEqual(self.measures["128"].eligibility_ids.ids, before)
        log = self.env["medical.import.log"].browse(again["log_id"])
        self.assertEqual(log.state, "unchanged")
        # the same criteria for 2027 (year given as --year / the form does): beside 2026, not over it
        later = self.env["medical.importer"].import_file(
            "quality",
            (DATA / name).read_bytes().replace(b'"128"', b'"999"'),
            "single-source.json",
            "2027-01-01",
        )
        self.assertEqual(later["created"], 5)
        self.assertEqual(len(self.Measure.search([("year", "=", 2026)])), 5)
        self.assertFalse(self.Measure.search([("year", "=", 2027), ("measure_code", "=", "128")]))
        self.assertTrue(self.Measure.search([("year", "=", 2026), ("measure_code", "=", "128")]))

    def test_bad_files_are_refused_with_their_place(self):
        importer = self.env["medical.importer"]
        with self.assertRaisesRegex(UserError, "give the performance year"):
            importer.import_file("quality", b"{}", "measures.json")
        bad = (DATA / FILES[0]).read_bytes().replace(b'"sexCode": "F"', b'"sexCode": "X"')
        with self.assertRaises(UserError) as caught:
            importer.import_file("quality", bad, "qpp-single-source-2026.json")
        self.assertIn(
            "measure 039, eligibility option 1: sexCode 'X' is neither M nor F", caught.exception.args[0]
        )
        with self.assertRaises(UserError) as caught:
            importer.import_file("quality", b'{"001": [', "qpp-single-source-2026.json")
        self.assertIn("Line 1: the file is not valid JSON", caught.exception.args[0])
        wrong_year = (DATA / FILES[2]).read_bytes()
        with self.assertRaises(UserError) as caught:
            importer.import_file("quality", wrong_year, "benchmarks.json", "2025-01-01")
        self.assertIn("The benchmark of measure 001 is for 2026, not 2025", caught.exception.args[0])
        with self.assertRaisesRegex(AccessError, "Only a Medical Manager may import quality measures"):
            importer.with_user(self.user_coder).import_file(
                "quality", (DATA / FILES[0]).read_bytes(), FILES[0]
            )

    def test_wizard_year(self):
        wizard = self.env["medical.code.import"].create(
            {
                "kind": "quality",
                "year": 2028,
                "file": __import__("base64").b64encode((DATA / FILES[1]).read_bytes()),
                "filename": "measures.json",
            }
        )
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(len(self.Measure.search([("year", "=", 2028)])), 5)
        self.assertEqual(wizard.job_id.effective, date(2028, 1, 1))


@tagged("post_install", "-at_install")
class TestQualityEngine(QualityCase):
    """Evaluation at check time on hand-built encounters (the test patient is a woman born 1970-05-17:
    55 on the date of service)."""

    def test_age_and_sex_bounds(self):
        encounter = self.visit()
        self.assertEqual(self.eligible(encounter), ["001", "128"])
        self.assertEqual(self.prompted(encounter), ["001", "128"])
        self.assertEqual(encounter.state, "checked")  # warnings: the claim is not blocked
        # 65 on the day (born 1961-03-10): 039 (women 65-85) and 047 (65 and over) apply
        woman = self.patient_of(date(1961, 3, 10), "f")
        self.assertEqual(self.eligible(self.visit(woman)), ["001", "039", "047", "128"])
        # one day short of 65
        younger = self.patient_of(date(1961, 3, 11), "f")
        self.assertEqual(self.eligible(self.visit(younger)), ["001", "128"])
        man = self.patient_of(date(1950, 1, 1), "m")
        self.assertEqual(self.eligible(self.visit(man)), ["047", "128"])  # 76: over 001's 75, never in 039
        child = self.patient_of(date(2010, 1, 1), "m")
        self.assertEqual(self.eligible(self.visit(child)), [])

    def test_diagnosis_inclusion_and_exclusion(self):
        woman = self.patient_of(date(1955, 1, 1), "f")
        self.assertEqual(
            self.eligible(self.visit(woman, diagnoses=("dx_hypertension",))), ["039", "047", "128", "236"]
        )
        excluded = self.visit(woman, diagnoses=("dx_hypertension", "dx_osteo_fracture"))
        self.assertEqual(self.eligible(excluded), ["047", "128", "236"])

    def test_place_of_service_and_modifier_exclusions(self):
        telehealth = self.visit(place_of_service_id=self.codes["pos_02"].id)
        self.assertEqual(self.eligible(telehealth), ["001"])
        video = self.visit(lines=(("cpt_99213", ["mod_gt"], 1, "A"),))
        self.assertEqual(self.eligible(video), ["001"])
        older = self.patient_of(date(1950, 1, 1), "f")
        emergency = self.visit(older, place_of_service_id=self.codes["pos_23"].id)
        self.assertNotIn("047", self.eligible(emergency))
        self.assertIn("047", self.eligible(self.visit(older)))

    def test_prompt_names_the_options_and_the_coder_picks_one(self):
        encounter = self.visit(diagnoses=("dx_bronchitis", "dx_hypertension"))
        self.assertEqual(self.prompted(encounter), ["128", "236"])
        finding = encounter.finding_ids.filtered(lambda f: f.quality_measure_id == self.measures["236"])
        self.assertEqual(finding.severity, "warning")
        self.assertIn("Quality measure 236 (Controlling High Blood Pressure) applies", finding.message)
        self.assertIn("performance met: G8752", finding.message)
        action = finding.with_user(self.user_coder).action_report_quality()
        wizard = (
            self.env["medical.quality.outcome"]
            .with_user(self.user_coder)
            .with_context(**action["context"])
            .create(
                {
                    "performance_id": self.measures["236"]
                    .performance_ids.filtered(lambda p: p.kind == "met")
                    .id
                }
            )
        )
        wizard.action_apply()
        lines = encounter.procedure_ids.filtered("quality_performance_id")
        self.assertEqual(lines.mapped("code_id.code"), ["G8752", "G8754"])
        self.assertEqual(lines.mapped("charge_amount"), [0.0, 0.0])
        # 236 is reported against its diagnosis: hypertension, B
        self.assertEqual(lines.mapped("diagnosis_pointers"), ["B", "B"])
        self.assertEqual(self.prompted(encounter), ["128"])
        self.assertEqual(encounter.state, "checked")
        result = encounter.quality_result_ids.filtered(lambda r: r.measure_id == self.measures["236"])
        self.assertEqual(result.outcome, "met")
        # a measure without diagnosis criteria points to the encounter line's diagnosis; modifiers follow
        not_met = self.measures["128"].performance_ids.filtered(lambda p: p.kind == "not_met")
        encounter.with_user(self.user_coder).action_report_quality_outcome(not_met)
        line = encounter.procedure_ids.filtered(lambda p: p.code_id.code == "G8421")
        self.assertEqual((line.diagnosis_pointers, line.charge_amount), ("A", 0.0))
        self.assertEqual(self.prompted(encounter), [])
        older = self.patient_of(date(1950, 1, 1), "f")
        encounter = self.visit(older, diagnoses=("dx_bronchitis",))
        option = self.measures["047"].performance_ids.filtered(lambda p: p.kind == "not_met")
        encounter.with_user(self.user_coder).action_report_quality_outcome(option)
        line = encounter.procedure_ids.filtered("quality_performance_id")
        self.assertEqual((line.code_id.code, line.modifier1_id.code), ("1123F", "8P"))
        self.assertEqual(
            encounter.quality_result_ids.filtered(lambda r: r.measure_id.measure_code == "047").outcome,
            "not_met",
        )

    def test_outcome_of_a_measure_not_eligible_is_refused(self):
        encounter = self.visit()
        option = self.measures["039"].performance_ids[:1]
        with self.assertRaisesRegex(
            UserError, f"Encounter {encounter.name} is not eligible for this quality measure"
        ):
            encounter.with_user(self.user_coder).action_report_quality_outcome(option)
        with self.assertRaises(AccessError):
            encounter.with_user(self.user_front_desk).action_report_quality_outcome(option)

    def test_stray_quality_code_is_flagged(self):
        self.codes["g8400"] = self.env["medical.code"].search([("code", "=", "G8400")])
        encounter = self.visit(lines=(("cpt_99213", [], 1, "A"), ("g8400", [], 1, "A")))
        stray = encounter.finding_ids.filtered(lambda f: f.edit_code == "QUALITY_STRAY")
        self.assertEqual(stray.procedure_id.code_id.code, "G8400")
        self.assertEqual(stray.severity, "warning")
        self.assertIn(
            "Quality data code G8400 reports a measure this visit is not eligible for", stray.message
        )
        # a QDC of a measure the visit is eligible for is no stray
        self.codes["g8420"] = self.env["medical.code"].search([("code", "=", "G8420")])
        encounter = self.visit(lines=(("cpt_99213", [], 1, "A"), ("g8420", [], 1, "A")))
        self.assertFalse(encounter.finding_ids.filtered(lambda f: f.edit_code == "QUALITY_STRAY"))
        self.assertEqual(self.prompted(encounter), ["001"])

    def test_patient_based_measure_stops_after_a_submitted_claim_of_the_same_provider(self):
        first = self.visit(date_service=date(2026, 2, 1))
        met = self.measures["128"].performance_ids.filtered(lambda p: p.kind == "met")
        first.with_user(self.user_coder).action_report_quality_outcome(met)
        # reported but not on a claim yet: the next visit still asks
        self.assertIn("128", self.prompted(self.visit()))
        first.sudo().action_mark_billed()
        if "medical.claim" in self.env:
            # medical_billing waits for a submitted claim (its TestQualityClaim): billed is not enough
            self.assertIn("128", self.prompted(self.visit()))
            return
        self.assertNotIn("128", self.prompted(self.visit()))
        self.assertIn("001", self.prompted(self.visit()))  # another measure: still asked
        self.assertIn("128", self.prompted(self.visit(provider_id=self.provider2.id)))  # another provider
        self.assertEqual(self.prompted(self.visit(date_service=date(2027, 1, 5))), [])  # no 2027 measures
        # encounter-based: each visit
        self.measures["128"].reporting = "encounter"
        self.assertIn("128", self.prompted(self.visit()))


@tagged("post_install", "-at_install")
class TestQualityReport(QualityCase):
    def seed(self):
        """A year of provider 1 on measure 128 (encounter-based) and 001 (patient-based, inverse)."""
        self.measures["128"].reporting = "encounter"
        perf = {
            (code, kind): self.measures[code].performance_ids.filtered(lambda p, k=kind: p.kind == k)
            for code in ("128", "001")
            for kind in ("met", "not_met", "exception", "exclusion")
        }
        outcomes_128 = ["met"] * 5 + ["not_met"] * 2 + ["exception", "exclusion"] + [None] * 3
        patients = [self.patient_of(date(1960, 1, 1), "m", f"Quality Seed {i}") for i in range(4)]
        for index, outcome in enumerate(outcomes_128):
            encounter = self.visit(
                patients[index % 4], diagnoses=("dx_bronchitis",), date_service=date(2026, 1 + index % 12, 3)
            )
            if outcome:
                encounter.with_user(self.user_coder).action_report_quality_outcome(perf["128", outcome])
        # 001, patient-based: patient 0 met twice, patient 1 not met then met (met counts before not met),
        # patient 2 not met, patient 3 nothing
        for patient, outcome in (
            (0, "met"),
            (0, "met"),
            (1, "not_met"),
            (1, "met"),
            (2, "not_met"),
            (3, None),
        ):
            encounter = self.visit(
                patients[patient], diagnoses=("dx_diabetes",), date_service=date(2026, 6, 1)
            )
            if outcome:
                encounter.with_user(self.user_coder).action_report_quality_outcome(perf["001", outcome])
        # another provider's visit and a cancelled one do not count
        self.visit(patients[0], provider_id=self.provider2.id)
        self.visit(patients[0]).action_cancel()

    def test_rates_worked_out_by_hand(self):
        self.seed()
        Report = self.env["medical.quality.report"]
        row = Report.search(
            [("provider_id", "=", self.provider.id), ("measure_code", "=", "128"), ("year", "=", 2026)]
        )
        # 12 visits + the 6 of 001 (they are eligible for 128 too, unreported): 18 eligible
        self.assertEqual(
            (
                row.eligible,
                row.exclusions,
                row.exceptions,
                row.met,
                row.not_met,
                row.not_reported,
                row.reported,
            ),
            (18, 1, 1, 5, 2, 9, 8),
        )
        # completeness 8 / (18 - 1) = 47.06 %; performance 5 / 7 = 71.43 %: at or above p70 (70), below p80
        self.assertEqual((row.data_completeness, row.performance_rate, row.decile), (47.06, 71.43, 8))
        self.assertFalse(row.completeness_met)
        row = Report.search([("provider_id", "=", self.provider.id), ("measure_code", "=", "001")])
        # 4 patients: met (0, 1), not met (2), not reported (3)
        self.assertEqual((row.eligible, row.met, row.not_met, row.not_reported), (4, 2, 1, 1))
        # completeness 3 / 4 = 75 %: CMS's threshold; rate 2 / 3 = 66.67 %, inverse: above p90 (60): decile 1
        self.assertEqual((row.data_completeness, row.performance_rate, row.decile), (75.0, 66.67, 1))
        self.assertTrue(row.completeness_met and row.inverse)
        other = Report.search([("provider_id", "=", self.provider2.id)])
        self.assertEqual(sorted(other.mapped("measure_code")), ["001", "047", "128"])
        self.assertEqual(set(other.mapped("eligible")), {1})
        # the scorecard PDF of provider 1
        rows = Report.search([("provider_id", "=", self.provider.id)])
        html = self.env["ir.actions.report"]._render_qweb_html(
            "medical_coding.report_quality_scorecard", rows.ids
        )[0]
        self.assertIn(b"Quality scorecard 2026", html)
        self.assertIn(b"71.43 %", html)
        self.assertIn(b"decile 8", html)
        self.assertNotIn(b"Quality Seed", html)  # no patient on the scorecard

    def test_walls(self):
        self.seed()
        rows = self.env["medical.quality.report"].with_user(self.user_coder).search([])
        self.assertTrue(rows)
        self.assertTrue(self.env["medical.quality.report"].with_user(self.user_manager).search([]))
        self.assertTrue(self.env["medical.quality.measure"].with_user(self.user_biller).search([]))
        with self.assertRaises(AccessError):
            self.env["medical.quality.report"].with_user(self.user_front_desk).search([])
        with self.assertRaises(AccessError):
            self.env["medical.quality.measure"].with_user(self.user_front_desk).search([])
        encounter = self.visit()
        with self.assertRaises(AccessError):
            encounter.with_user(self.user_front_desk).read(["quality_result_ids"])
        with self.assertRaises(AccessError):
            encounter.with_user(self.user_front_desk).read(["quality_missing_count"])
        self.assertEqual(encounter.with_user(self.user_coder).quality_missing_count, 2)
        with self.assertRaises(AccessError):
            self.measures["128"].with_user(self.user_coder).write({"reporting": "encounter"})
        other_company = self.env["res.company"].create({"name": "Other Practice"})
        outsider = new_test_user(
            self.env,
            "mc_other_coder",
            groups="medical_coding.medical_coding_group_coder",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        self.assertFalse(self.env["medical.quality.report"].with_user(outsider).search([]))
