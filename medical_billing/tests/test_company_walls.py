# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Practices are walled off: each attack below is made by a user of practice A on practice B's data."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from . import test_acks
from .edi_common import EdiCommon

GROUP = "medical_coding.medical_coding_group_"
SECRETS = ("Bertha", "BERTHA", "Otherpractice", "OTHERPRACTICE", "Second Practice")


@tagged("post_install", "-at_install")
class TestCompanyWalls(EdiCommon):
    # the acknowledgement builders of the acknowledgement tests
    envelope = test_acks.TestAcknowledgements.envelope
    ack_999 = test_acks.TestAcknowledgements.ack_999
    ack_277 = test_acks.TestAcknowledgements.ack_277

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Second Practice")["company"]
        cls.env.user.company_ids |= cls.company_b
        cls._setup_practice(cls.company_b)
        cls.patient_b = cls._make_patient("Bertha Otherpractice", company=cls.company_b)
        cls.coverage_b = cls._make_coverage(cls.patient_b)
        cls.env["medical.fee.schedule"].create(
            {
                "name": "B charge master",
                "company_id": cls.company_b.id,
                "line_ids": [Command.create({"code_id": cls.codes["cpt_99213"].id, "amount": 111.0})],
            }
        )
        cls.payer_of_b = cls.env["res.partner"].create(
            {"name": "Otherpractice Local Plan", "is_payer": True, "company_id": cls.company_b.id}
        )
        cls.biller_a = cls.make_user("wall_biller_a", GROUP + "biller", company=cls.practice)
        cls.biller_b = cls.make_user("wall_biller_b", GROUP + "biller", company=cls.company_b)
        cls.coder_a = cls.make_user("wall_coder_a", GROUP + "coder", company=cls.practice)

    def assertNamesNothingOfB(self, message):
        for secret in SECRETS:
            self.assertNotIn(secret, message)

    def refusal(self, user, kind, data, filename):
        """The message refusing the file (no assertRaises: its savepoint would drop the refusal record)."""
        try:
            self.env["medical.importer"].with_user(user).import_file(kind, data, filename)
        except UserError as error:
            return error.args[0]
        self.fail("the file was imported")

    def submitted(self, count=1):
        claims = self.ready_claims(count)
        batch, _text, _segments = self.generate(claims)
        batch.action_mark_sent()
        return claims, batch

    # ------------------------------------------------------------------ acknowledgement history

    def test_acknowledgement_history_is_walled(self):
        claims, batch = self.submitted()
        data = self.ack_277([(claims, "A2:20:PR", "WQ", [])])
        Importer = self.env["medical.importer"]
        counts = Importer.with_user(self.biller_a).import_file("277ca", data, "payer-a.277")
        self.assertEqual(claims.state, "accepted")
        log = self.env["medical.import.log"].browse(counts["log_id"])
        self.assertEqual(log.company_id, self.practice)
        self.assertEqual(log.with_user(self.biller_a).file, log.attachment_id.datas)
        # a refused file of practice A is kept in practice A too
        self.refusal(self.biller_a, "277ca", b"hello world", "bad-a.277")
        refused = self.env["medical.import.log"].search([("filename", "=", "bad-a.277")])
        self.assertEqual(refused.company_id, self.practice)

        # practice B's biller: not in the history, not readable, nor its file, nor its attachment
        Log = self.env["medical.import.log"].with_user(self.biller_b)
        self.assertFalse(Log.search([("id", "in", (log | refused).ids)]))
        self.assertFalse(Log.search([("kind", "=", "277ca")]))
        for record in log | refused:
            with self.assertRaises(AccessError):
                record.with_user(self.biller_b).read(["filename", "file"])
            with self.assertRaises(AccessError):
                record.attachment_id.with_user(self.biller_b).read(["raw", "datas"])
        Attachment = self.env["ir.attachment"].with_user(self.biller_b)
        self.assertFalse(Attachment.search([("res_model", "=", "medical.import.log")]))
        with self.assertRaises(AccessError):
            self.env["medical.claim.batch"].browse(batch.id).with_user(self.biller_b).read(["ack_log_ids"])

    def test_duplicate_check_stays_within_the_importing_practice(self):
        claims, _batch = self.submitted()
        data = self.ack_277([(claims, "A2:20:PR", "WQ", [])])
        self.env["medical.importer"].with_user(self.biller_a).import_file("277ca", data, "secret-name-a.277")
        # B's biller uploads the same file: it is not B's, and the refusal tells nothing of A's history
        message = self.refusal(self.biller_b, "277ca", data, "b.277")
        self.assertNotIn("secret-name-a", message)
        self.assertNotIn("already imported", message)
        self.assertNotIn("history #", message)
        self.assertIn("is not one of our claims", message)
        refused = self.env["medical.import.log"].search([("filename", "=", "b.277")])
        self.assertEqual(refused.company_id, self.company_b)
        # within practice A, the second import is still refused as a duplicate
        with self.assertRaisesRegex(UserError, r"this file was already imported .*secret-name-a\.277"):
            self.env["medical.importer"].with_user(self.biller_a).import_file("277ca", data, "again.277")

    def test_file_applies_to_the_importing_practice_only(self):
        claims, batch = self.submitted()
        # a user of both practices, working in B with A selected too, imports A's acknowledgements: the
        # history would be B's, so they are refused there
        Importer = self.env["medical.importer"].with_context(
            allowed_company_ids=[self.company_b.id, self.practice.id]
        )
        with self.assertRaisesRegex(UserError, "is not one of our claims"):
            Importer.import_file("277ca", self.ack_277([(claims, "A2:20:PR", "WQ", [])]), "x.277")
        with self.assertRaisesRegex(UserError, "this 999 is not for us"):
            Importer.import_file("999", self.ack_999(batch), "x.999")
        self.assertEqual(claims.state, "submitted")
        self.assertFalse(batch.ack_status)

    # ------------------------------------------------------------------ links

    def test_coverage_cannot_point_at_another_practice(self):
        coverage = self.coverage.with_user(self.biller_a)
        with self.assertRaises(UserError) as caught:
            coverage.write({"relationship": "01", "subscriber_id": self.patient_b.id})
        self.assertIn("Subscriber belongs to another practice", caught.exception.args[0])
        self.assertNamesNothingOfB(caught.exception.args[0])
        with self.assertRaisesRegex(UserError, "Payer belongs to another practice"):
            coverage.payer_id = self.payer_of_b
        # a payer shared between practices (no company) stays allowed
        shared = self.env["res.partner"].create({"name": "Shared Plan", "is_payer": True})
        coverage.payer_id = shared
        self.assertEqual(coverage.payer_id, shared)

    def test_shared_payer_address_cannot_be_a_patient_of_a_practice(self):
        # the CMS-1500 prints the claims address of the payer: it must not be another practice's patient
        biller = self.make_user("wall_biller_contacts", GROUP + "biller,base.group_partner_manager")
        payer = self.payer.with_user(biller)
        for fname in ("payer_claim_address_id", "payer_remittance_address_id"):
            with (
                self.subTest(fname),
                self.assertRaisesRegex(UserError, "Address belongs to another practice"),
            ):
                payer.write({fname: self.patient_b.id})

    def test_claim_and_authorization_cannot_point_at_another_practice(self):
        claim = self.make_claim().with_user(self.biller_a)
        for fname, value, label in (
            ("payer_id", self.payer_of_b, "Payer"),
            ("billing_provider_id", self.patient_b, "Billing Provider"),
        ):
            with self.subTest(fname), self.assertRaises(UserError) as caught:
                claim.write({fname: value.id})
            self.assertIn(
                f"{claim.patient_control_number}: {label} belongs to another practice",
                caught.exception.args[0],
            )
            self.assertNamesNothingOfB(caught.exception.args[0])
        with self.assertRaisesRegex(UserError, "Payer belongs to another practice"):
            self.env["medical.prior.authorization"].with_user(self.biller_a).create(
                {
                    "name": "AUTH-1",
                    "patient_id": self.patient.id,
                    "payer_id": self.payer_of_b.id,
                    "date_start": self.dos,
                    "date_end": self.dos + timedelta(days=30),
                }
            )

    def test_claim_finding_cannot_point_at_another_practice(self):
        encounter_a = self.make_encounter()
        encounter_a.action_create_claims()
        claim_b = self.make_claim(patient=self.patient_b, lines=[("cpt_99213", [], 1, "A")])
        Finding = self.env["medical.edit.finding"].with_user(self.coder_a)
        for fname, value, label in (
            ("claim_id", claim_b.id, "Claim"),
            ("claim_line_id", claim_b.line_ids[:1].id, "Claim Line"),
        ):
            with self.subTest(fname), self.assertRaises(UserError) as caught:
                Finding.create(
                    {
                        "encounter_id": encounter_a.id,
                        "edit_code": "PATIENT_INCOMPLETE",
                        "severity": "warning",
                        "message": "Planted",
                        fname: value,
                    }
                )
            self.assertIn(f"{label} belongs to another practice", caught.exception.args[0])
            self.assertNotIn(claim_b.patient_control_number, caught.exception.args[0])

    # ------------------------------------------------------------------ CMS-1500 and 837P

    def plant_subscriber_of_b(self, coverage):
        """What the ORM now refuses, put there behind its back (an old database, a script)."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE medical_coverage SET subscriber_id = %s, relationship = '01' WHERE id = %s",
            [self.patient_b.id, coverage.id],
        )
        self.env.invalidate_all()

    def test_cms1500_prints_no_patient_of_another_practice(self):
        claim = self.ready_claims()
        self.plant_subscriber_of_b(claim.coverage_id)
        report = self.env.ref("medical_billing.action_report_cms1500")
        Report = self.env["ir.actions.report"].with_user(self.biller_a)
        with self.assertRaises(UserError) as caught:
            Report._render_qweb_html(report, claim.ids)
        message = caught.exception.args[0]
        self.assertIn(f"- {claim.patient_control_number}: coverage's Subscriber.", message)
        self.assertNamesNothingOfB(message)
        # the billing provider too
        self.env.cr.execute(
            "UPDATE medical_coverage SET subscriber_id = NULL WHERE id = %s", [claim.coverage_id.id]
        )
        self.env.cr.execute(
            "UPDATE medical_claim SET billing_provider_id = %s WHERE id = %s", [self.patient_b.id, claim.id]
        )
        self.env.invalidate_all()
        with self.assertRaisesRegex(UserError, "Billing Provider"):
            Report._render_qweb_html(report, claim.ids)

    def test_837p_carries_no_patient_of_another_practice(self):
        claims = self.ready_claims(2)
        self.plant_subscriber_of_b(claims[1].coverage_id)
        batch = self.env["medical.claim.batch"]._add_claims_to_batches(claims, strict=True)
        with self.assertRaises(UserError) as caught:
            batch.with_user(self.biller_a).action_generate()
        message = caught.exception.args[0]
        self.assertIn(claims[1].patient_control_number, message)
        self.assertNamesNothingOfB(message)
        self.assertEqual(batch.state, "draft")
        self.assertFalse(batch.attachment_id)
