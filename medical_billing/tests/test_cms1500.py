# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import html

from odoo import Command
from odoo.tests import tagged

from .edi_common import EdiCommon


@tagged("post_install", "-at_install")
class TestCms1500(EdiCommon):
    """The CMS-1500 (02/12) print: the claim's data in the form's boxes (NUCC crosswalk)."""

    def render(self, claims):
        report = self.env.ref("medical_billing.action_report_cms1500")
        content, kind = self.env["ir.actions.report"]._render_qweb_html(report, claims.ids)
        self.assertEqual(kind, "html")
        return html.fromstring(content)

    @staticmethod
    def box(root, number, form=0):
        forms = root.xpath("//div[contains(@class, 'cms1500')]")
        values = forms[form].xpath(f".//*[@data-box='{number}']")
        return " ".join(" ".join(v.text_content().split()) for v in values)

    def test_report_is_a_letter_pdf_on_claims(self):
        report = self.env.ref("medical_billing.action_report_cms1500")
        self.assertEqual(report.model, "medical.claim")
        self.assertEqual(report.report_type, "qweb-pdf")
        self.assertEqual(report.paperformat_id.format, "Letter")
        self.assertEqual(report.binding_model_id.model, "medical.claim")

    def test_boxes_of_a_primary_claim(self):
        claim = self.make_claim()
        claim.prior_authorization = "AUTH-77"
        claim.action_validate()
        root = self.render(claim)
        self.assertEqual(len(root.xpath("//div[contains(@class, 'cms1500')]")), 1)
        self.assertIn("[X] GROUP HEALTH PLAN", self.box(root, "1"))
        self.assertEqual(self.box(root, "1a"), "ACM123456789")
        self.assertEqual(self.box(root, "2"), "ONE, TEST, P")
        self.assertEqual(self.box(root, "3"), "05 17 1970 F")
        self.assertEqual(self.box(root, "4"), "ONE, TEST, P")
        self.assertEqual(self.box(root, "5"), "1 MAIN STREET SACRAMENTO CA 95814")
        self.assertIn("[X] SELF", self.box(root, "6"))
        self.assertEqual(self.box(root, "11"), "GRP001")
        self.assertEqual(self.box(root, "11d"), "NO")
        self.assertEqual(self.box(root, "21-ind"), "0")
        self.assertEqual(self.box(root, "21"), "A. M17.11 B. J20.9")
        self.assertEqual(self.box(root, "22"), "")
        self.assertEqual(self.box(root, "23"), "AUTH-77")
        dos = self.dos.strftime("%m %d %y")
        self.assertEqual(self.box(root, "24A-from"), f"{dos} {dos}")
        self.assertEqual(self.box(root, "24B"), "11 11")
        self.assertEqual(self.box(root, "24D"), "99213 25 20610 RT")
        self.assertEqual(self.box(root, "24E"), "B A")
        self.assertEqual(self.box(root, "24F"), "100.00 200.00")
        self.assertEqual(self.box(root, "24G"), "1 1")
        self.assertEqual(self.box(root, "24I"), "NPI NPI")
        self.assertEqual(self.box(root, "24J"), "1234567893 1234567893")
        self.assertEqual(self.box(root, "25"), "12-3456789 [X] EIN")
        self.assertEqual(self.box(root, "26"), claim.patient_control_number)
        self.assertEqual(self.box(root, "27"), "YES")
        self.assertEqual(self.box(root, "28"), "300.00")
        self.assertEqual(self.box(root, "31"), "PROVIDER, TEST")
        self.assertIn(self.practice.name.upper(), self.box(root, "33"))
        self.assertIn("95814-2001", self.box(root, "33"))
        self.assertEqual(self.box(root, "33a"), self.practice.medical_billing_npi)
        self.assertEqual(self.box(root, "33b"), "ZZ207Q00000X")

    def test_replacement_drug_line_and_more_than_six_lines(self):
        lines = [
            ("cpt_99213", [], 1, "A", 10.0),
            ("cpt_99213", ["mod_25"], 1, "A", 11.0),
            ("cpt_20610", [], 1, "A", 12.0),
            ("cpt_20610", ["mod_rt"], 1, "A", 13.0),
            ("cpt_20610", ["mod_50"], 1, "A", 14.0),
            ("cpt_96372", [], 1, "A", 15.0),
            ("hcpcs_j1100", [], 4, "A", 20.0),
        ]
        claim = self.make_claim(lines=lines, diagnoses=("dx_knee",))
        claim.line_ids.filtered(lambda ln: ln.code_id.code == "J1100").write(
            {"ndc_code": "00009047613", "ndc_quantity": 2.0, "ndc_unit": "ML"}
        )
        claim.action_validate()
        claim.action_submit()
        claim.payer_claim_control_number = "ICN-9"
        replacement = self.env["medical.claim"].browse(claim.action_replace()["res_id"])
        root = self.render(replacement)
        self.assertEqual(len(root.xpath("//div[contains(@class, 'cms1500')]")), 2)
        self.assertEqual(self.box(root, "22", form=0), "7 ICN-9")
        self.assertEqual(self.box(root, "28", form=0), "CONTINUED")
        self.assertEqual(self.box(root, "28", form=1), f"{replacement.amount_total:.2f}")
        self.assertEqual(self.box(root, "24D", form=1), "J1100")
        self.assertEqual(self.box(root, "24-shaded-1", form=1), "N400009047613 ML2")

    def test_secondary_claim_shows_the_other_insurance_and_the_amount_paid(self):
        second_payer = self.env["res.partner"].create(
            {
                "name": "Beta Secondary",
                "is_payer": True,
                "payer_code": "BETA2",
                "claim_filing_indicator": "MB",
            }
        )
        self._make_coverage(
            self.patient, payer=second_payer, priority="secondary", member_id="BETA9", plan_name="Beta Gap"
        )
        primary = self.make_claim()
        primary.action_validate()
        primary.action_submit()
        for line in primary.line_ids:
            line.write(
                {
                    "amount_paid": line.charge_amount - 10.0,
                    "adjustment_ids": [
                        Command.create(
                            {"claim_id": primary.id, "group_code": "PR", "reason_code": "2", "amount": 10.0}
                        )
                    ],
                }
            )
        primary.action_record_adjudication()
        secondary = self.env["medical.claim"].browse(primary.action_create_secondary_claim()["res_id"])
        root = self.render(primary | secondary)
        self.assertEqual(self.box(root, "9", form=0), "ONE, TEST, P")
        self.assertEqual(self.box(root, "9a", form=0), "BETA9")
        self.assertEqual(self.box(root, "9d", form=0), "BETA GAP")
        self.assertEqual(self.box(root, "11d", form=0), "YES")
        self.assertIn("[X] MEDICARE", self.box(root, "1", form=1))
        self.assertEqual(self.box(root, "1a", form=1), "BETA9")
        self.assertEqual(self.box(root, "29", form=1), "280.00")
        self.assertEqual(self.box(root, "9a", form=1), "ACM123456789")
