# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from lxml import html

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .edi_common import EdiCommon


@tagged("post_install", "-at_install")
class TestAbn(EdiCommon):
    """Necessity findings for the payer of the claim, the ABN and its modifiers on the claim and the 837P."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Code = cls.env["medical.code"].with_context(active_test=False)
        for code, name in (
            ("GA", "Waiver of liability on file"),
            ("GX", "Voluntary notice"),
            ("GZ", "No ABN"),
        ):
            if not Code.search([("system", "=", "modifier"), ("code", "=", code)]):
                Code.create({"system": "modifier", "code": code, "name": name})
        cls.medicare = cls.env["res.partner"].create(
            {
                "name": "Medicare Part B",
                "is_company": True,
                "is_payer": True,
                "payer_code": "MCRB1",
                "claim_filing_indicator": "MB",
            }
        )
        cls.beneficiary = cls._make_patient("Medicare Patient Two")
        cls._make_coverage(cls.beneficiary, payer=cls.medicare, member_id="1EG4TE5MK73", group_number=False)
        # the knee injection is covered for knee osteoarthritis only (M17*)
        cls.policy = cls.env["medical.coverage.policy"].create(
            {
                "reference": "L-TEST1",
                "title": "Knee injections",
                "kind": "local",
                "rule_ids": [Command.create({"procedure_codes": "20610", "covered_diagnoses": "M17*"})],
            }
        )
        cls.front_desk = cls.make_user("abn_front_desk", "medical_coding.medical_coding_group_front_desk")
        cls.coder = cls.make_user("abn_coder", "medical_coding.medical_coding_group_coder")

    def uncovered_encounter(self, patient=None):
        """An encounter whose 20610 points to bronchitis only: not covered by L-TEST1."""
        encounter = self.make_encounter(
            patient=patient or self.beneficiary,
            lines=[("cpt_99213", ["mod_25"], 1, "B"), ("cpt_20610", ["mod_rt"], 1, "B")],
            check=False,
        )
        encounter.with_user(self.coder).action_check()
        return encounter

    def give_abn(self, encounter, option="1", **values):
        injection = encounter.procedure_ids.filtered(lambda p: p.code_id.code == "20610")
        abn = (
            self.env["medical.abn"]
            .with_user(self.front_desk)
            .create(
                {
                    "patient_id": encounter.patient_id.id,
                    "encounter_id": encounter.id,
                    "reason": "Medicare pays this injection only for knee osteoarthritis.",
                    "line_ids": [Command.create({"procedure_id": injection.id, "estimated_cost": 200.0})],
                    "option": option,
                    "date_signed": self.dos,
                    **values,
                }
            )
        )
        abn.action_sign()
        return abn, injection

    def claim_of(self, encounter):
        encounter.action_create_claims()
        claim = encounter.claim_ids
        claim.action_validate()
        self.assertEqual(claim.state, "ready", claim.finding_ids.mapped("message"))
        return claim

    def test_policy_applies_to_the_medicare_payer_only(self):
        encounter = self.uncovered_encounter()
        self.assertEqual(encounter.state, "coded")
        self.assertEqual(
            encounter.finding_ids.mapped("message"),
            ["Line 2 (20610-RT): L-TEST1 does not cover J20.9 for 20610; covered: M17*."],
        )
        # the commercial payer of the other patient has no such policy
        commercial = self.uncovered_encounter(patient=self.patient)
        self.assertEqual(commercial.state, "checked")

    def test_abn_option_1_bills_with_ga_in_the_837p(self):
        encounter = self.uncovered_encounter()
        abn, injection = self.give_abn(encounter)
        self.assertEqual(abn.state, "signed")
        self.assertRegex(abn.name, r"^ABN\d{6}$")
        self.assertEqual(injection.necessity_resolution, "abn")
        encounter.with_user(self.coder).action_check()
        self.assertEqual(encounter.state, "checked")
        self.assertEqual(encounter.finding_ids.mapped("edit_code"), ["NEC_ABN"])
        claim = self.claim_of(encounter)
        self.assertEqual(claim.line_ids.mapped("modifier_codes"), ["25", "RT,GA"])
        _batch, _text, segs = self.generate(claim)
        self.assertEqual(
            [seg.format() for seg in self.find(segs, "SV1")],
            ["SV1*HC:99213:25*100*UN*1***2~", "SV1*HC:20610:RT:GA*200*UN*1***2~"],
        )

    def test_voluntary_abn_bills_with_gx(self):
        encounter = self.uncovered_encounter()
        _abn, injection = self.give_abn(encounter, voluntary=True)
        self.assertEqual(injection.necessity_resolution, "abn_voluntary")
        encounter.with_user(self.coder).action_check()
        claim = self.claim_of(encounter)
        self.assertEqual(claim.line_ids.mapped("modifier_codes"), ["25", "RT,GX"])
        _batch, _text, segs = self.generate(claim)
        self.assertIn("SV1*HC:20610:RT:GX*200*UN*1***2~", [seg.format() for seg in self.find(segs, "SV1")])

    def test_no_abn_bills_with_gz(self):
        encounter = self.uncovered_encounter()
        injection = encounter.procedure_ids.filtered(lambda p: p.code_id.code == "20610")
        injection.with_user(self.coder).necessity_resolution = "no_abn"
        encounter.with_user(self.coder).action_check()
        self.assertEqual(encounter.finding_ids.mapped("edit_code"), ["NEC_NO_ABN"])
        self.assertIn("never billed to the patient", encounter.finding_ids.message)
        claim = self.claim_of(encounter)
        self.assertEqual(claim.line_ids.mapped("modifier_codes"), ["25", "RT,GZ"])
        _batch, _text, segs = self.generate(claim)
        self.assertIn("SV1*HC:20610:RT:GZ*200*UN*1***2~", [seg.format() for seg in self.find(segs, "SV1")])

    def test_option_2_leaves_the_line_off_the_payers_claim(self):
        encounter = self.uncovered_encounter()
        _abn, injection = self.give_abn(encounter, option="2")
        self.assertEqual(
            (injection.necessity_resolution, injection.self_pay_consent_date), ("self_pay", self.dos)
        )
        encounter.with_user(self.coder).action_check()
        self.assertEqual(encounter.finding_ids.mapped("edit_code"), ["NEC_SELF_PAY"])
        claim = self.claim_of(encounter)
        self.assertEqual(claim.line_ids.code_id.mapped("code"), ["99213"])
        self.assertEqual(claim.amount_total, 100.0)

    def test_signed_notice_is_frozen_and_cancel_undoes_it(self):
        encounter = self.uncovered_encounter()
        abn, injection = self.give_abn(encounter)
        with self.assertRaises(UserError) as caught:
            abn.write({"option": "3"})
        frozen = "A signed notice does not change: cancel it and give a new one."
        self.assertEqual(caught.exception.args[0], frozen)
        # nor through its lines
        with self.assertRaises(UserError) as caught:
            abn.line_ids.with_user(self.front_desk).estimated_cost = 1.0
        self.assertEqual(caught.exception.args[0], frozen)
        with self.assertRaises(UserError) as caught:
            abn.line_ids.with_user(self.front_desk).unlink()
        self.assertEqual(caught.exception.args[0], frozen)
        abn.with_user(self.front_desk).action_cancel()
        self.assertFalse(injection.necessity_resolution)
        self.assertEqual(abn.state, "cancel")

    def test_sign_needs_option_and_date(self):
        encounter = self.uncovered_encounter()
        abn = self.env["medical.abn"].create(
            {"patient_id": encounter.patient_id.id, "reason": "Frequency", "line_ids": []}
        )
        with self.assertRaises(UserError) as caught:
            abn.action_sign()
        self.assertEqual(
            caught.exception.args[0],
            f"Notice {abn.name}: record the option the patient chose and the signature date.",
        )

    def test_other_practice_cannot_see_or_link(self):
        encounter = self.uncovered_encounter()
        abn, injection = self.give_abn(encounter)
        other = self.env["res.company"].create({"name": "Other Practice"})
        outsider = self.make_user(
            "abn_outsider", "medical_coding.medical_coding_group_front_desk", company=other
        )
        with self.assertRaises(AccessError):
            abn.with_user(outsider).read(["reason"])
        other_patient = self._make_patient("Other Practice Patient", company=other)
        with self.assertRaises(UserError):
            self.env["medical.abn"].create(
                {
                    "company_id": other.id,
                    "patient_id": other_patient.id,
                    "reason": "x",
                    "line_ids": [Command.create({"procedure_id": injection.id, "name": "20610"})],
                }
            )

    def test_report_has_the_notices_required_elements(self):
        encounter = self.uncovered_encounter()
        abn, _injection = self.give_abn(encounter)
        report = self.env.ref("medical_billing.action_report_abn")
        self.assertEqual((report.model, report.report_type), ("medical.abn", "qweb-pdf"))
        content, kind = self.env["ir.actions.report"]._render_qweb_html(report, abn.ids)
        self.assertEqual(kind, "html")
        root = html.fromstring(content)

        def box(name):
            return " ".join(
                " ".join(n.text_content().split()) for n in root.xpath(f"//*[@data-box='{name}']")
            )

        self.assertIn(self.practice.name, box("A"))
        self.assertEqual(box("B"), "B. Patient Name: Medicare Patient Two")
        self.assertTrue(box("C").startswith("C. Identification Number:"))
        services = root.xpath("//table[contains(@class, 'abn-services')]//tbody/tr")
        self.assertEqual([row.get("data-code") for row in services], ["20610"])
        cells = [" ".join(td.text_content().split()) for td in services[0].xpath("td")]
        self.assertEqual(cells[1], "Medicare pays this injection only for knee osteoarthritis.")
        self.assertIn("200.00", cells[2])
        options = root.xpath("//*[@data-option]")
        self.assertEqual(
            [(o.get("data-option"), o.get("data-checked")) for o in options],
            [("1", "1"), ("2", "0"), ("3", "0")],
        )
        self.assertTrue(options[0].text_content().strip().startswith("[X] OPTION 1."))
        self.assertIn(self.dos.strftime("%m/%d/%Y"), box("J"))
        self.assertIn("OMB No. 0938-0566", content.decode())

    def test_medicaid_payer_requires_an_ndc_on_drug_lines(self):
        medicaid = self.env["res.partner"].create(
            {"name": "State Medicaid", "is_company": True, "is_payer": True, "claim_filing_indicator": "MC"}
        )
        self.assertTrue(medicaid.requires_ndc)
        self.assertFalse(self.payer.requires_ndc)
        patient = self._make_patient("Medicaid Patient Three")
        self._make_coverage(patient, payer=medicaid)
        lines = [("cpt_96372", [], 1, "A"), ("hcpcs_j1100", [], 4, "A")]
        encounter = self.make_encounter(patient=patient, lines=lines, check=False)
        encounter.with_user(self.coder).action_check()
        self.assertEqual(encounter.finding_ids.mapped("edit_code"), ["NDC_MISSING"])
        self.assertEqual(encounter.finding_ids.procedure_id.code_id.code, "J1100")
        drug = encounter.procedure_ids.filtered(lambda p: p.code_id.code == "J1100")
        drug.with_user(self.coder).write({"ndc_code": "0009-0047-35", "ndc_quantity": 1, "ndc_unit": "ML"})
        self.assertEqual(drug.ndc_code, "00009004735")
        encounter.with_user(self.coder).action_check()
        self.assertEqual(encounter.state, "checked")
        # the same drug line for a commercial payer needs no NDC
        commercial = self.make_encounter(patient=self.patient, lines=lines, check=False)
        commercial.with_user(self.coder).action_check()
        self.assertEqual(commercial.state, "checked")

    def test_state_changes_only_through_the_actions(self):
        encounter = self.uncovered_encounter()
        abn = (
            self.env["medical.abn"]
            .with_user(self.front_desk)
            .create({"patient_id": encounter.patient_id.id, "reason": "Frequency"})
        )
        message = "A notice changes state through its buttons: Record Signature, Cancel, Reset to Draft."
        with self.assertRaises(UserError) as caught:
            abn.write({"state": "signed"})
        self.assertEqual(caught.exception.args[0], message)
        with self.assertRaises(UserError) as caught:
            abn.create({"patient_id": encounter.patient_id.id, "reason": "x", "state": "signed"})
        self.assertEqual(caught.exception.args[0], message)
        self.assertEqual(abn.state, "draft")

    def test_notice_cannot_resolve_another_patients_line(self):
        encounter = self.uncovered_encounter()
        injection = encounter.procedure_ids.filtered(lambda p: p.code_id.code == "20610")
        abn = (
            self.env["medical.abn"]
            .with_user(self.front_desk)
            .create(
                {
                    "patient_id": self.patient.id,
                    "reason": "Frequency",
                    "option": "1",
                    "date_signed": self.dos,
                    "line_ids": [Command.create({"procedure_id": injection.id})],
                }
            )
        )
        with self.assertRaises(UserError) as caught:
            abn.action_sign()
        self.assertEqual(caught.exception.args[0], f"Notice {abn.name} lists a service of another patient.")
        self.assertFalse(injection.necessity_resolution)
        self.assertEqual(abn.state, "draft")

    def test_frequency_counts_claims_submitted_or_paid(self):
        self.env["medical.coverage.policy"].create(
            {
                "reference": "AWV-TEST",
                "title": "Once a year",
                "rule_ids": [
                    Command.create(
                        {
                            "procedure_codes": "99213",
                            "frequency_units": 1,
                            "frequency_window": 12,
                            "frequency_period": "months",
                        }
                    )
                ],
            }
        )
        lines = [("cpt_99213", [], 1, "A")]
        earlier = self.make_encounter(
            patient=self.beneficiary, lines=lines, date_service=self.dos - timedelta(days=40)
        )
        claim = self.claim_of(earlier)
        encounter = self.make_encounter(patient=self.beneficiary, lines=lines, check=False)
        # a claim not yet at the payer is no history
        encounter.with_user(self.coder).action_check()
        self.assertEqual(encounter.state, "checked")
        claim.action_submit()
        encounter.with_user(self.coder).action_check()
        self.assertEqual(encounter.finding_ids.mapped("edit_code"), ["NEC_FREQUENCY"])
        self.assertIn(f"on {earlier.date_service.isoformat()} ", encounter.finding_ids.message)
