# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A quality data code (MIPS) from the coder's choice to the claim, its invoice, the 837P and the CMS-1500;
and the patient-based prompt that stops once the outcome is on a submitted claim of the same provider."""

from datetime import date

from lxml import html

from odoo import Command
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .edi_common import EdiCommon

EXCERPT = "medical_coding/tests/data/"


@tagged("post_install", "-at_install")
class TestQualityClaim(EdiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        importer = cls.env["medical.importer"]
        year_start = date(cls.dos.year, 1, 1)  # the excerpt's measures, for the year of the tests' visits
        for name in ("qpp-single-source-2026.excerpt.json", "measures-data-2026.excerpt.json"):
            with open(file_path(EXCERPT + name), "rb") as handle:
                importer.import_file("quality", handle.read(), name, year_start)
        cls.bmi = cls.env["medical.quality.measure"].search(
            [("year", "=", cls.dos.year), ("measure_code", "=", "128")]
        )
        cls.bmi_met = cls.bmi.performance_ids.filtered(lambda p: p.kind == "met")
        cls.g8420 = cls.bmi_met.qdc_ids.code_id
        # even when the charge master lists it, a quality data code is billed at 0.00
        cls.charge_master.write({"line_ids": [Command.create({"code_id": cls.g8420.id, "amount": 15.0})]})

    def prompted(self, encounter):
        return encounter.finding_ids.filtered(lambda f: f.edit_code == "QUALITY_MISSING").quality_measure_id

    def test_qdc_line_through_claim_invoice_837p_and_cms1500(self):
        encounter = self.make_encounter()  # 99213-25 pointing to J20.9 (B), 20610-RT; a woman of 56
        self.assertEqual(self.prompted(encounter), self.bmi)
        encounter.action_report_quality_outcome(self.bmi_met)
        self.assertEqual(encounter.state, "checked")
        self.assertFalse(self.prompted(encounter))
        qdc = encounter.procedure_ids.filtered("quality_performance_id")
        self.assertEqual((qdc.code_id.code, qdc.charge_amount, qdc.diagnosis_pointers), ("G8420", 0.0, "B"))
        encounter.action_create_claims()
        claim = encounter.claim_ids
        self.assertEqual(claim.line_ids.mapped("charge_amount"), [100.0, 200.0, 0.0])
        claim.action_validate()
        self.assertEqual(claim.state, "ready", claim.finding_ids.mapped("message"))
        self.assertFalse(claim.finding_ids.filtered(lambda f: f.edit_code == "CLM_NO_CHARGE"))
        self.assertEqual(claim.amount_total, 300.0)
        receivable = self.practice.medical_insurance_receivable_account_id
        self.assertMoveLines(
            claim.invoice_id,
            [
                (receivable, self.payer, 300.0, 0.0),
                (self.income, self.payer, 0.0, 100.0),
                (self.income, self.payer, 0.0, 200.0),
                (self.income, self.payer, 0.0, 0.0),
            ],
        )

        _batch, text, _segments = self.generate(claim)  # pyx12 validates the file
        self.assertIn("CLM*%s*300***11:B:1*Y*A*Y*Y~" % claim.patient_control_number, text)
        self.assertRegex(text, r"LX\*3~SV1\*HC:G8420\*0\*UN\*1\*\*\*2~")

        report = self.env.ref("medical_billing.action_report_cms1500")
        root = html.fromstring(self.env["ir.actions.report"]._render_qweb_html(report, claim.ids)[0])

        def box(number):
            return " ".join(
                " ".join(v.text_content().split()) for v in root.xpath(f"//*[@data-box='{number}']")
            )

        self.assertEqual(box("24D"), "99213 25 20610 RT G8420")
        self.assertEqual(box("24E"), "B A B")
        self.assertEqual(box("24F"), "100.00 200.00 0.00")
        self.assertEqual(box("28"), "300.00")

    def test_patient_based_prompt_stops_once_the_outcome_is_on_a_submitted_claim(self):
        first = self.make_encounter()
        first.action_report_quality_outcome(self.bmi_met)
        first.action_create_claims()
        claim = first.claim_ids
        claim.action_validate()
        # ready, not sent yet: the next visit still asks
        self.assertEqual(self.prompted(self.make_encounter()), self.bmi)
        batch = self.generate(claim)[0]
        batch.action_mark_sent()
        self.assertEqual(claim.state, "submitted")
        self.assertFalse(self.prompted(self.make_encounter()))
        other = self.env["res.partner"].create({"name": "Dr Other", "is_provider": True, "npi": "1245319599"})
        self.assertEqual(self.prompted(self.make_encounter(provider_id=other.id)), self.bmi)
        # an encounter-based measure asks at each visit
        self.bmi.reporting = "encounter"
        self.assertEqual(self.prompted(self.make_encounter()), self.bmi)
