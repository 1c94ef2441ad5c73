# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a remittance refuses before writing anything, who may read and change it, and two users importing the
same payment at once."""

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.medical_coding.edits.npi import complete_npi

from .remittance_common import RemittanceCommon

GROUP = "medical_coding.medical_coding_group_"


@tagged("post_install", "-at_install")
class TestRemittanceRefusals(RemittanceCommon):
    def nothing_written(self):
        return (
            self.env["medical.remittance"].search_count([]),
            self.env["account.move"].search_count(
                [("journal_id", "=", self.practice.medical_payment_journal_id.id)]
            ),
        )

    def test_unbalanced_file_is_refused_and_kept(self):
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        # The line says 90 paid of 100 with no adjustment: 10 unaccounted for.
        era = self.era([self.era_claim(claim, 290, [self.service(first, 90), self.service(second, 200)])])
        before = self.nothing_written()
        with self.assertRaisesRegex(UserError, r"segment 16 \(SVC\): the line .* does not balance"):
            self.import_era(era, filename="unbalanced.835")
        self.assertEqual(self.nothing_written(), before)
        log = self.env["medical.import.log"].search([("filename", "=", "unbalanced.835")])
        self.assertEqual(log.state, "refused")
        self.assertTrue(log.attachment_id.raw.startswith(b"ISA"))
        self.assertEqual(claim.state, "submitted")

    def test_same_payment_twice_is_refused(self):
        claim = self.submitted_claim()
        era = self.era(
            [self.era_claim(claim, 300, [self.service(ln, ln.charge_amount) for ln in claim.line_ids])],
            trace="CHK777",
        )
        self.import_era(era)
        again = self.era(
            [self.era_claim(claim, 300, [self.service(ln, ln.charge_amount) for ln in claim.line_ids])],
            trace="CHK777",
        )
        before = self.nothing_written()
        with self.assertRaisesRegex(
            UserError, r"segment 3 \(ST 0001\): payment CHK777 from 1999999999 was already imported"
        ):
            self.import_era(again, filename="again.835")
        self.assertEqual(self.nothing_written(), before)

    def test_payee_of_no_practice_is_refused(self):
        claim = self.submitted_claim()
        text = self.era([self.era_claim(claim, 300, [])]).replace(self.npi, complete_npi("987654321"))
        with self.assertRaisesRegex(UserError, "the payee XX .* is none of the practices you may post for"):
            self.import_era(text)
        self.assertFalse(self.env["medical.remittance"].search([]))

    def test_patient_mismatch_names_no_patient(self):
        claim = self.submitted_claim()
        remittance, _counts = self.import_era(
            self.era([self.era_claim(claim, 300, [], patient=("ZEBULON", "QUENTIN"))])
        )
        reason = remittance.claim_ids.exception_reason
        self.assertEqual(
            reason,
            f"The patient of the remittance is not the patient of claim {claim.patient_control_number}.",
        )
        for secret in ("ZEBULON", "QUENTIN", "Test Patient One"):
            self.assertNotIn(secret.upper(), reason.upper())


@tagged("post_install", "-at_install")
class TestRemittanceWalls(RemittanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Second Practice")["company"]
        cls.env.user.company_ids |= cls.company_b
        cls._setup_practice(cls.company_b)
        cls.company_b.medical_billing_npi = complete_npi("155444333")
        cls.biller_a = cls.make_user("era_biller_a", GROUP + "biller", company=cls.practice)
        cls.biller_b = cls.make_user("era_biller_b", GROUP + "biller", company=cls.company_b)
        cls.front_desk = cls.make_user("era_front_desk", GROUP + "front_desk", company=cls.practice)
        cls.coder = cls.make_user("era_coder", GROUP + "coder", company=cls.practice)
        claim = cls.submitted_claim()
        cls.claim = claim
        first, second = claim.line_ids.sorted("sequence")
        text = cls.era(
            cls,
            [
                cls.era_claim(
                    claim, 200, [cls.service(first, 0, [("CO", "50", 100)]), cls.service(second, 200)]
                ),
                cls.era_claim(claim, 0, [], pcn="UNKNOWN9", charge=0),
            ],
        )
        cls.remittance, _counts = cls.import_era(cls, text)

    def test_front_desk_and_coders_read_no_remittance(self):
        for user in (self.front_desk, self.coder):
            for model in (
                "medical.remittance",
                "medical.remittance.claim",
                "medical.remittance.line",
            ):
                with self.subTest(user=user.login, model=model), self.assertRaises(AccessError):
                    self.env[model].with_user(user).search([])
            # Denials: only the eligibility / registration ones assigned to them (issue 13), none here.
            self.assertFalse(self.env["medical.denial"].with_user(user).search([]))

    def test_other_practice_sees_nothing(self):
        Remittance = self.env["medical.remittance"].with_user(self.biller_b)
        self.assertFalse(Remittance.search([]))
        self.assertFalse(self.env["medical.remittance.claim"].with_user(self.biller_b).search([]))
        self.assertFalse(self.env["medical.denial"].with_user(self.biller_b).search([]))
        with self.assertRaises(AccessError):
            self.remittance.with_user(self.biller_b).read(["trace_number"])

    def test_other_practice_cannot_post_our_era(self):
        claim = self.submitted_claim()
        text = self.era([self.era_claim(claim, 300, [])], trace="OTHER1")
        importer = self.env["medical.importer"].with_user(self.biller_b).with_company(self.company_b)
        with self.assertRaisesRegex(UserError, "none of the practices you may post for"):
            importer.import_file("835", text.encode(), "theirs.835")
        self.assertFalse(self.env["medical.remittance"].search([("trace_number", "=", "OTHER1")]))

    def test_biller_cannot_edit_the_payers_data_or_the_workflow(self):
        remittance = self.remittance.with_user(self.biller_a)
        rclaim = remittance.claim_ids.filtered(lambda c: c.match_state == "matched")
        attacks = [
            (remittance, {"state": "cancel"}),
            (remittance, {"move_id": False}),
            (rclaim, {"paid_amount": 9999.0}),
            (rclaim, {"match_state": "exception"}),
            (rclaim, {"is_denial": False}),
            (rclaim.line_ids[:1], {"paid_amount": 1.0}),
            (rclaim.adjustment_ids[:1], {"amount": 0.0}),
        ]
        for record, vals in attacks:
            with (
                self.subTest(model=record._name, vals=vals),
                self.assertRaisesRegex(AccessError, "change only through the workflow buttons"),
            ):
                record.write(vals)
        with self.assertRaisesRegex(UserError, "Only the claim of an exception can be picked by hand"):
            rclaim.claim_id = self.submitted_claim()

    def test_exception_cannot_take_a_claim_of_another_practice(self):
        exception = self.remittance.claim_ids.filtered(lambda c: c.match_state == "exception")
        patient_b = self._make_patient("Bertha Otherpractice", company=self.company_b)
        self._make_coverage(patient_b)
        claim_b = self.make_claim(patient=patient_b)
        with self.assertRaisesRegex(UserError, "These links must stay within the record.s practice"):
            exception.with_user(self.biller_a).write({"claim_id": claim_b.id})

    def test_biller_posts_and_works_the_denial(self):
        denial = self.claim.denial_ids.with_user(self.biller_a)
        self.assertEqual(denial.reason_code, "50")
        self.assertEqual(denial.claim_line_id, self.claim.line_ids.sorted("sequence")[:1])
        self.assertEqual(self.claim.state, "partial")


@tagged("post_install", "-at_install")
class TestRemittanceConcurrency(RemittanceCommon):
    def test_two_users_importing_the_same_payment_post_it_once(self):
        """The trace number is unique in the database: of two transactions creating the same payment at the
        same moment, the second fails (and the importer refuses it) instead of posting it twice."""
        company_id = self.env.ref("base.main_company").id
        partner_id = self.env.ref("base.main_partner").id
        values = {
            "company_id": company_id,
            "payer_id": partner_id,
            "trace_number": "RACE-TRN-1",
            "trace_payer_id": "1999999999",
            "amount": 10.0,
        }
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            # Both users have looked for the payment before either imported it: neither sees it.
            self.assertFalse(env_a["medical.remittance"].search([("trace_number", "=", "RACE-TRN-1")]))
            self.assertFalse(env_b["medical.remittance"].search([("trace_number", "=", "RACE-TRN-1")]))
            first = env_a["medical.remittance"].create(values)
            env_a.flush_all()
            cr_a.commit()
            try:
                refused = "was imported by another user at the same moment"
                with mute_logger("odoo.sql_db"), self.assertRaisesRegex(UserError, refused):
                    env_b["medical.remittance"]._create_remittances(
                        [values], lambda reason: UserError(reason)
                    )
                cr_b.rollback()
                self.assertEqual(
                    env_b["medical.remittance"].search_count([("trace_number", "=", "RACE-TRN-1")]), 1
                )
            finally:
                first.unlink()
                cr_a.commit()
        self.assertTrue(issubclass(psycopg2.errors.UniqueViolation, psycopg2.IntegrityError))
