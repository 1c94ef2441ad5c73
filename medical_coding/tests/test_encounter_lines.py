# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import DOS, MedicalCodingCase


@tagged("post_install", "-at_install")
class TestEncounterLines(MedicalCodingCase):
    def test_letters_follow_the_order(self):
        encounter = self.make_encounter(["dx_bronchitis", "dx_diabetes", "dx_hypertension"])
        self.assertEqual(encounter.diagnosis_ids.mapped("letter"), ["A", "B", "C"])
        encounter.diagnosis_ids[2].sequence = 0
        encounter.invalidate_recordset()
        by_code = {d.code_id.code: d.letter for d in encounter.diagnosis_ids}
        self.assertEqual(by_code, {"I10": "A", "J209": "B", "E119": "C"})
        self.assertEqual(encounter.diagnosis_summary, "A I10, B J20.9, C E11.9")

    def test_modifiers_keep_their_order(self):
        encounter = self.make_encounter(["dx_bronchitis"], [("cpt_20610", ["mod_rt", "mod_59"], 1, "A")])
        line = encounter.procedure_ids
        self.assertEqual(line.modifier_ids.mapped("code"), ["RT", "59"])
        self.assertEqual(line.modifier_codes, "RT,59")
        mods = self.codes
        line.modifier_ids = [(6, 0, [mods["mod_xs"].id, mods["mod_lt"].id, mods["mod_25"].id])]
        self.assertEqual(
            (line.modifier1_id | line.modifier2_id | line.modifier3_id).mapped("code"), ["XS", "LT", "25"]
        )
        self.assertFalse(line.modifier4_id)
        self.assertEqual(line.modifier_codes, "XS,LT,25")
        five = [mods[k].id for k in ("mod_xs", "mod_lt", "mod_25", "mod_59", "mod_rt")]
        with self.assertRaisesRegex(ValidationError, "A procedure line carries at most 4 modifiers"):
            line.modifier_ids = [(6, 0, five)]
        with self.assertRaisesRegex(ValidationError, "Fill the modifiers from the first position on"):
            line.write({"modifier1_id": False, "modifier2_id": mods["mod_59"].id})

    def test_pointers_are_normalised_and_checked(self):
        encounter = self.make_encounter(
            ["dx_bronchitis", "dx_diabetes", "dx_hypertension"], [("cpt_99213", [], 1, "a, c")]
        )
        line = encounter.procedure_ids
        self.assertEqual(line.diagnosis_pointers, "AC")
        line.diagnosis_pointers = "2:1"
        self.assertEqual(line.diagnosis_pointers, "BA")
        for bad in ("AA", "ABCDE", "AZ", "13"):
            with (
                self.subTest(pointers=bad),
                self.assertRaisesRegex(
                    ValidationError, "Diagnosis pointers are one to four different letters"
                ),
            ):
                line.diagnosis_pointers = bad

    def test_ndc_forms(self):
        encounter = self.make_encounter(["dx_bronchitis"], [("hcpcs_j1100", [], 1, "A")])
        line = encounter.procedure_ids
        for given, stored in (
            ("0009-0047-35", "00009004735"),
            ("12345-678-90", "12345067890"),
            ("12345-6789-1", "12345678901"),
            ("12345678901", "12345678901"),
        ):
            line.ndc_code = given
            self.assertEqual(line.ndc_code, stored)
        with self.assertRaisesRegex(ValidationError, "An NDC has 11 digits in the 5-4-2 form"):
            line.ndc_code = "1234-5678"

    def test_place_of_service_from_facility(self):
        encounter = self.make_encounter()
        self.assertEqual(encounter.place_of_service_id, self.codes["pos_11"])
        self.assertTrue(encounter.name.startswith("ENC/"))

    def test_coding_changes_are_tracked_in_the_chatter(self):
        encounter = self.make_encounter(["dx_bronchitis"], [("cpt_99213", [], 1, "A")])
        self.env.flush_all()
        self.cr.flush()
        coder_env = encounter.with_user(self.user_coder)
        coder_env.diagnosis_ids = [(0, 0, {"code_id": self.codes["dx_diabetes"].id, "sequence": 5})]
        coder_env.procedure_ids.write({"units": 2, "modifier1_id": self.codes["mod_25"].id})
        self.env.flush_all()
        self.cr.flush()
        trackings = encounter.message_ids.tracking_value_ids
        changes = {t.field_id.name: (t.old_value_char, t.new_value_char) for t in trackings}
        self.assertEqual(changes["diagnosis_summary"], ("A J20.9", "A J20.9, B E11.9"))
        self.assertEqual(changes["procedure_summary"], ("99213 x1 A", "99213-25 x2 A"))
        # the front desk does not see these tracking values
        front = trackings.with_user(self.user_front_desk)._filter_has_field_access(
            self.env(user=self.user_front_desk)
        )
        self.assertFalse(front.filtered(lambda t: t.field_id.name.endswith("_summary")))

    def test_form_onchange_charge_hook(self):
        encounter = self.make_encounter(["dx_bronchitis"])
        with Form(encounter.with_user(self.user_coder)) as form:
            with form.procedure_ids.new() as line:
                line.code_id = self.codes["cpt_99213"]
                line.diagnosis_pointers = "A"
                line.charge_amount = 95
                line.units = 2
                self.assertEqual(line.charge_amount, 95, "the default hook keeps the entered charge")
        self.assertEqual(encounter.procedure_ids.charge_amount, 95)
        self.assertEqual(encounter.date_service, DOS)
