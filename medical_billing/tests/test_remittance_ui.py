# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The remittance screens as a biller uses them: the form, the import of several 835 files at once with
its summary, the claim's remittances, the EOB print, and who may see or print what."""

import base64
import dataclasses
import shutil
import subprocess
import tempfile
from pathlib import Path

from lxml import html

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools.misc import file_path

from odoo.addons.medical_billing.edi.x12_835_writer import EraClaim, era_835, era_835_body

from .remittance_common import RemittanceCommon


@tagged("post_install", "-at_install")
class TestRemittanceUi(RemittanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biller = cls.make_user("era_biller", "base.group_user,medical_coding.medical_coding_group_biller")
        cls.accountant = cls.make_user("era_accountant", "base.group_user,account.group_account_user")

    def era(self, claims, trace="EFT0001", control=835):
        """An 835 of one transaction paying ``claims``; each file of a test has its own interchange number."""
        return era_835([era_835_body(claims, trace=trace, payee_npi=self.npi)], control=control)

    def paying_era(self, claim, trace="EFT0001", control=835):
        first, second = claim.line_ids.sorted("sequence")
        return self.era(
            [
                self.era_claim(
                    claim,
                    200,
                    [
                        self.service(
                            first, 60, [("CO", "45", 20), ("PR", "3", 20)], allowed=80, remarks=("N130",)
                        ),
                        self.service(second, 140, [("CO", "45", 60)], allowed=140),
                    ],
                    patient_amount=20,
                    member_id="MEMBER-77",
                )
            ],
            trace=trace,
            control=control,
        )

    def attachment(self, name, text):
        # uploaded by the biller, as the wizard's upload field does
        return (
            self.env["ir.attachment"]
            .with_user(self.biller)
            .create({"name": name, "datas": base64.b64encode(text.encode())})
        )

    # ------------------------------------------------------------------ remittance form

    def test_remittance_form_tabs_and_actions(self):
        claim = self.submitted_claim()
        remittance, _counts = self.import_era(self.paying_era(claim))
        self.assertEqual(remittance.state, "posted")
        form = Form(remittance.with_user(self.biller))
        self.assertEqual(form.state, "posted")
        self.assertEqual(form.trace_number, "EFT0001")
        self.assertEqual(form.amount, 200.0)
        self.assertEqual(form.exception_count, 0)
        self.assertEqual(len(form.matched_claim_ids), 1)
        row = form.matched_claim_ids._records[0]
        self.assertEqual(row["patient_control_number"], claim.patient_control_number)
        self.assertEqual(row["claim_id"], claim.id)
        self.assertEqual(row["paid_amount"], 200.0)
        self.assertEqual(row["amount_contractual"], 80.0)
        self.assertEqual(row["patient_amount"], 20.0)
        self.assertFalse(row["is_denial"])
        self.assertEqual(len(form.exception_claim_ids), 0)
        self.assertEqual(form.move_id, remittance.move_id)
        self.assertEqual(form.amount_contractual, 80.0)
        form.save()
        self.assertEqual(
            remittance.with_user(self.biller).action_view_move()["res_id"], remittance.move_id.id
        )

        # the claim shows its remittance
        self.assertEqual(claim.remittance_count, 1)
        action = claim.action_view_remittances()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), remittance.claim_ids)

        # Cancel (posted) then Reset to Draft (cancelled), as the buttons do
        remittance.with_user(self.biller).action_cancel()
        self.assertEqual(remittance.state, "cancel")
        self.assertTrue(remittance.reversal_move_id)
        remittance.with_user(self.biller).action_draft()
        self.assertEqual(remittance.state, "draft")

    def test_exception_tab_lets_the_biller_pick_the_claim(self):
        claim = self.submitted_claim()
        other = self.submitted_claim()
        # the payer names another patient: the claim is an exception, the biller picks the right one
        stranger = self.era_claim(claim, 300, [], patient=("SOMEONE", "ELSE"))
        remittance, counts = self.import_era(self.era([stranger], trace="EFT0002"))
        self.assertEqual(counts["exceptions"], 1)
        self.assertEqual(remittance.exception_count, 1)
        form = Form(remittance.with_user(self.biller))
        self.assertEqual(len(form.exception_claim_ids), 1)
        self.assertEqual(len(form.matched_claim_ids), 0)
        with form.exception_claim_ids.edit(0) as row:
            self.assertEqual(row.patient_control_number, claim.patient_control_number)
            self.assertEqual(
                row.exception_reason,
                f"The patient of the remittance is not the patient of claim {claim.patient_control_number}.",
            )
            row.claim_id = other
        form.save()
        self.assertEqual(remittance.exception_claim_ids.claim_id, other)
        self.assertEqual(remittance.exception_claim_ids.match_state, "exception")
        action = remittance.action_view_exceptions()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]), remittance.exception_claim_ids
        )

    def test_exception_buttons_apply_to_claim_and_keep_as_unapplied_cash(self):
        claim = self.submitted_claim()
        # claim numbers the payer got wrong: the first is the claim's (same patient), the second nobody's
        strangers = [
            dataclasses.replace(self.era_claim(claim, 300, []), pcn="NOTOURS1"),
            EraClaim(pcn="NOTOURS2", charge=40, paid=40),
        ]
        remittance, counts = self.import_era(self.era(strangers, trace="EFT0003"))
        self.assertEqual(counts["exceptions"], 2)
        first, second = remittance.claim_ids.sorted("sequence")
        # the biller picks the claim in the Exceptions tab, then Apply to Claim on the remittance claim
        form = Form(remittance.with_user(self.biller))
        with form.exception_claim_ids.edit(0) as row:
            self.assertEqual(row.patient_control_number, "NOTOURS1")
            row.claim_id = claim
        form.save()
        first.with_user(self.biller).action_apply_match()
        self.assertEqual(first.match_state, "matched")
        unapplied = self.practice.medical_unapplied_cash_account_id
        self.assertMoveLines(
            first.resolution_move_id,
            [(unapplied, self.payer, 300.0, 0.0), (self.payer_ar, self.payer, 0.0, 300.0)],
        )
        self.assertEqual(claim.state, "paid")
        second.with_user(self.biller).action_keep_unapplied()
        self.assertEqual(second.match_state, "unapplied")
        self.assertEqual(remittance.unapplied_claim_ids, second)
        self.assertEqual(remittance.matched_claim_ids, first)
        self.assertFalse(remittance.exception_claim_ids)
        self.assertEqual(remittance.exception_count, 0)

    def test_views_of_the_remittance_models_load(self):
        for model in ("medical.remittance", "medical.remittance.claim", "medical.denial"):
            for view_type in ("list", "form", "search"):
                arch = self.env[model].with_user(self.biller).get_views([(False, view_type)])
                self.assertTrue(arch["views"][view_type]["arch"])
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            settings.medical_unapplied_cash_account_id, self.practice.medical_unapplied_cash_account_id
        )
        journal = self.practice._medical_deposit_journal()
        settings.medical_deposit_journal_id = journal
        settings.execute()
        self.assertEqual(self.practice.medical_deposit_journal_id, journal)

    # ------------------------------------------------------------------ import wizard

    def test_import_wizard_several_files_with_a_refused_one(self):
        paid = self.submitted_claim()
        good = self.attachment("good.835", self.paying_era(paid, trace="CHK1001"))
        broken = self.attachment("broken.835", "ISA*00*not really an interchange~")
        duplicate = self.attachment("again.835", self.paying_era(paid, trace="CHK1001"))
        other = self.submitted_claim()
        stranger = self.attachment(
            "stranger.835",
            self.era(
                [self.era_claim(other, 300, [], patient=("SOMEONE", "ELSE"))], trace="EFT77", control=836
            ),
        )
        form = Form(self.env["medical.remittance.import"].with_user(self.biller))
        for attachment in (good, broken, duplicate, stranger):
            form.attachment_ids.add(attachment)
        wizard = form.save()
        action = wizard.action_import()
        self.assertEqual((action["res_model"], action["res_id"]), (wizard._name, wizard.id))
        self.assertEqual(wizard.state, "done")
        rows = {row.filename: row for row in wizard.file_ids}
        self.assertEqual(rows["good.835"].result, "posted")
        self.assertEqual(rows["good.835"].amount, 200.0)
        self.assertEqual(rows["broken.835"].result, "refused")
        self.assertIn("broken.835 was refused, nothing was changed.", rows["broken.835"].message)
        self.assertEqual(rows["again.835"].result, "refused")
        self.assertIn("again.835 was refused", rows["again.835"].message)
        self.assertEqual(rows["stranger.835"].result, "exceptions", rows["stranger.835"].message)
        self.assertEqual(rows["stranger.835"].exception_count, 1)
        self.assertEqual(rows["stranger.835"].amount, 300.0)
        self.assertEqual((wizard.count_posted, wizard.count_exceptions, wizard.count_refused), (1, 1, 2))
        self.assertEqual(paid.state, "paid")
        # the refused files are kept in the history with their reason
        logs = self.env["medical.import.log"].search([("filename", "in", ("broken.835", "again.835"))])
        self.assertEqual(sorted(logs.mapped("state")), ["refused", "refused"])
        self.assertTrue(all(logs.mapped("attachment_id")))
        remittances = self.env["medical.remittance"].search(wizard.action_view_remittances()["domain"])
        self.assertEqual(sorted(remittances.mapped("trace_number")), ["CHK1001", "EFT77"])

    # ------------------------------------------------------------------ EOB

    def render_eob(self, rclaims, user=None):
        report = self.env.ref("medical_billing.action_report_remittance_eob")
        Report = self.env["ir.actions.report"].with_user(user) if user else self.env["ir.actions.report"]
        content, kind = Report._render_qweb_html(report, rclaims.ids)
        self.assertEqual(kind, "html")
        return html.fromstring(content)

    def test_eob_of_a_remittance_claim(self):
        claim = self.submitted_claim()
        remittance, _counts = self.import_era(self.paying_era(claim, trace="EFT5555"))
        rclaim = remittance.claim_ids
        report = self.env.ref("medical_billing.action_report_remittance_eob")
        self.assertEqual((report.model, report.report_type), ("medical.remittance.claim", "qweb-pdf"))
        self.assertEqual(report.binding_model_id.model, "medical.remittance.claim")
        root = self.render_eob(rclaim, self.biller)

        def value(key):
            return " ".join(" ".join(n.text_content().split()) for n in root.xpath(f"//*[@data-eob='{key}']"))

        self.assertEqual(value("practice"), self.practice.name)
        self.assertEqual(value("payer"), self.payer.name)
        self.assertEqual(value("trace"), "EFT5555")
        self.assertEqual(value("patient"), claim.patient_id.name)
        self.assertEqual(value("member"), "MEMBER-77")
        self.assertEqual(value("claim"), claim.patient_control_number)
        self.assertIn("200.00", value("paid"))
        self.assertIn("300.00", value("charge"))
        self.assertIn("220.00", value("allowed"))
        self.assertIn("20.00", value("patient-responsibility"))
        self.assertIn("N130", value("remarks"))
        lines = root.xpath("//tr[contains(@class, 'eob-line')]")
        self.assertEqual(len(lines), 2)
        first = " ".join(lines[0].text_content().split())
        self.assertIn(claim.line_ids.sorted("sequence")[0].code_id.code, first)
        adjustments = [
            " ".join(n.text_content().split()) for n in lines[0].xpath(".//div[@class='eob-adjustment']")
        ]
        self.assertEqual(len(adjustments), 2)
        self.assertTrue(adjustments[0].startswith("CO-45") and "20.00" in adjustments[0], adjustments)
        self.assertTrue(adjustments[1].startswith("PR-3") and "20.00" in adjustments[1], adjustments)

    def test_remarks_explained_on_the_remittance_and_the_eob(self):
        """MOA remarks of the claim, LQ*HE remarks of a line: each code shown with its description on the
        remittance claim, its lines and adjustments, and on the EOB; a code the list does not know yet is
        shown bare, and gains its description when the remark code list brings it."""
        Remark = self.env["medical.remark.code"]
        ma01, n130, m15 = (Remark.search([("code", "=", code)]) for code in ("MA01", "N130", "M15"))
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        era = self.era(
            [
                self.era_claim(
                    claim,
                    200,
                    [
                        self.service(
                            first,
                            60,
                            [("CO", "45", 20), ("PR", "3", 20)],
                            allowed=80,
                            remarks=("N130", "N777"),
                        ),
                        self.service(second, 140, [("CO", "45", 60)], allowed=140, remarks=("M15",)),
                    ],
                    patient_amount=20,
                    remarks=("MA01",),
                )
            ],
            trace="EFT4242",
        )
        remittance, _counts = self.import_era(era)
        rclaim = remittance.claim_ids
        line_one, line_two = rclaim.line_ids.sorted("sequence")
        self.assertEqual((rclaim.remark_codes, line_one.remark_codes), ("MA01", "N130,N777"))
        self.assertEqual(rclaim.remark_code_ids, ma01)
        self.assertEqual(line_one.remark_code_ids, n130, "N777 is not in the shipped list yet")
        self.assertEqual(line_two.remark_code_ids, m15)
        self.assertEqual(line_one.adjustment_ids.remark_code_ids, n130)
        self.assertEqual(line_one._remark_explanations(), [("N130", n130.description), ("N777", False)])

        # the biller's screen: code and description on the claim and on each line
        form = Form(rclaim.with_user(self.biller))
        # (a long description shortened on the tag; the code's form reads it whole)
        self.assertEqual([r.display_name for r in form.remark_code_ids], [ma01.display_name])
        self.assertTrue(ma01.display_name.startswith("MA01 Alert: you may appeal this decision"))
        rows = form.line_ids._records
        self.assertEqual(
            [Remark.browse(row["remark_code_ids"]).mapped("display_name") for row in rows],
            [[n130.display_name], [m15.display_name]],
        )
        self.assertEqual(n130.display_name, f"N130 {n130.description}")
        # the accountant's read-only screen opens too
        self.assertEqual(rclaim.with_user(self.accountant).remark_code_ids.display_name, ma01.display_name)

        def text(nodes):
            return [" ".join(n.text_content().split()) for n in nodes]

        root = self.render_eob(rclaim, self.biller)
        self.assertEqual(
            text(root.xpath("//div[@class='eob-remark']")),
            [f"MA01 {ma01.description}", f"N130 {n130.description}", "N777", f"M15 {m15.description}"],
        )
        lines = root.xpath("//tr[contains(@class, 'eob-line')]")
        self.assertEqual(
            [text(line.xpath(".//div[@class='eob-line-remark']")) for line in lines],
            [[f"N130 {n130.description}", "N777"], [f"M15 {m15.description}"]],
        )

        # the full list brings N777: the line naming it explains it now
        with open(file_path("medical_billing/tests/data/rarc_codes.tsv"), "rb") as f:
            self.env["medical.importer"].import_file("rarc-codes", f.read(), "rarc.tsv")
        n777 = Remark.search([("code", "=", "N777")])
        self.assertEqual(n777.description, "A remark written for this test list.")
        self.assertEqual(line_one.remark_code_ids, n130 | n777)
        self.assertEqual(line_one.adjustment_ids.remark_code_ids, n130 | n777)
        self.assertEqual(line_two.remark_code_ids, m15)
        root = self.render_eob(rclaim, self.biller)
        self.assertIn(
            "N777 A remark written for this test list.", text(root.xpath("//div[@class='eob-remark']"))
        )

    def test_eob_pdf_text(self):
        """The EOB as the patient file gets it: a PDF (wkhtmltopdf), read back with pdftotext."""
        if not (shutil.which("wkhtmltopdf") and shutil.which("pdftotext")):
            self.skipTest("wkhtmltopdf and pdftotext are installed by make test (tools/test.sh)")
        claim = self.submitted_claim()
        remittance, _counts = self.import_era(self.paying_era(claim, trace="EFT7777"))
        report = self.env.ref("medical_billing.action_report_remittance_eob")
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, remittance.claim_ids.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        for expected in ("EFT7777", claim.patient_control_number, self.payer.name, "200.00", "CO-45", "PR-3"):
            self.assertIn(expected, text)

    def test_eob_only_for_billing_staff(self):
        claim = self.submitted_claim()
        remittance, _counts = self.import_era(self.paying_era(claim, trace="EFT6666"))
        rclaim = remittance.claim_ids
        # the accountant sees the remittance (read-only) but may not print the patient's EOB
        self.assertEqual(rclaim.with_user(self.accountant).paid_amount, 200.0)
        with self.assertRaises(AccessError) as caught:
            self.render_eob(rclaim, self.accountant)
        self.assertEqual(
            caught.exception.args[0], "Only billers and medical managers may print explanations of benefits."
        )
        report = self.env.ref("medical_billing.action_report_remittance_eob")
        self.assertNotIn(self.accountant, report.groups_id.users)

    def test_accountant_reads_the_remittance_and_changes_nothing(self):
        claim = self.submitted_claim()
        remittance, _counts = self.import_era(self.paying_era(claim, trace="EFT7777"))
        as_accountant = remittance.with_user(self.accountant)
        # the screens open read-only, without the links to the claims (patient records) an accountant may
        # not read
        form = Form(as_accountant)
        self.assertEqual((form.amount, form.state, form.move_id), (200.0, "posted", remittance.move_id))
        self.assertEqual(len(form.matched_claim_ids), 1)
        self.assertNotIn("claim_id", form.matched_claim_ids._records[0])
        rform = Form(as_accountant.claim_ids)
        self.assertEqual((rform.paid_amount, rform.amount_contractual), (200.0, 80.0))
        self.assertEqual(
            len(rform.move_line_ids), len(remittance.move_id.line_ids.filtered("medical_remittance_claim_id"))
        )
        arch = as_accountant.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn('name="action_post"', arch)
        self.assertNotIn('name="action_cancel"', arch)
        with self.assertRaises(AccessError):
            as_accountant.write({"payer_name": "Someone else"})
        with self.assertRaises(AccessError):
            as_accountant.action_cancel()
        self.assertEqual(remittance.state, "posted")


@tagged("post_install", "-at_install")
class TestRemittanceDrop(RemittanceCommon):
    """The clearinghouse drops the payers' 835 files in the inbox the polling cron reads (local folders)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        root = Path(tempfile.mkdtemp(prefix="medical-era-drop-"))
        cls.addClassCleanup(shutil.rmtree, root, True)
        cls.inbox = root / "in"
        cls.inbox.mkdir()
        (root / "out").mkdir()
        cls.receiver = cls.env["medical.edi.receiver"].create(
            {
                "name": "Acme Clearinghouse",
                "company_id": cls.practice.id,
                "receiver_code": "ACMECH",
                "sender_code": "PRACTICE01",
                "receiver_interchange_code": "ACMECH",
                "submitter_name": "Test Practice Billing",
                "submitter_code": "SUB123",
                "contact_name": "Billing Office",
                "contact_phone": "916-555-0100",
                "folder_ids": [
                    Command.create(
                        {
                            "transaction_set": "270",
                            "outbox_path": str(root / "out"),
                            "inbox_path": str(cls.inbox),
                        }
                    )
                ],
            }
        )

    def test_cron_posts_the_dropped_835_and_moves_the_files(self):
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        paid = self.era(
            [
                self.era_claim(
                    claim,
                    200,
                    [
                        self.service(first, 60, [("CO", "45", 20), ("PR", "3", 20)]),
                        self.service(second, 140, [("CO", "45", 60)]),
                    ],
                    patient_amount=20,
                )
            ],
            trace="EFT4242",
        )
        (self.inbox / "a-era.txt").write_text(paid)
        (self.inbox / "b-again.835").write_text(paid)  # the same payment twice: refused
        outcomes = self.env["medical.edi.receiver.folder"]._cron_pick_up()
        self.assertEqual(outcomes["a-era.txt"]["posted"], 1)
        self.assertIn("b-again.835 was refused, nothing was changed.", outcomes["b-again.835"])
        remittance = self.env["medical.remittance"].search([("trace_number", "=", "EFT4242")])
        self.assertEqual(remittance.state, "posted")
        self.assertEqual(remittance.import_log_id.filename, "a-era.txt")
        self.assertEqual(claim.state, "paid")
        self.assertTrue((self.inbox / "processed" / "a-era.txt").is_file())
        self.assertTrue((self.inbox / "refused" / "b-again.835").is_file())
        self.assertFalse([p for p in self.inbox.iterdir() if p.is_file()])
