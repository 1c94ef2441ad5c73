# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The claim from encounter to adjudication: its flow and workflow, its ledger links, and two users
validating it at once.

Over 500 lines: each test follows one claim through the flow and asserts its journal items to the cent,
which takes room; the three classes share the billing fixtures of ``common.py`` and one subject.
"""

import re
from datetime import date, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import MedicalBillingCommon


@tagged("post_install", "-at_install")
class TestClaimFlow(MedicalBillingCommon):
    def test_visit_to_posted_claim_invoice(self):
        encounter = self.make_encounter(prior_authorization="")
        procedures = encounter.procedure_ids.sorted("sequence")
        # The charge master priced the lines: 99213 at 100, 20610 at 200.
        self.assertEqual(procedures.mapped("charge_amount"), [100.0, 200.0])
        action = encounter.action_create_claims()
        claim = encounter.claim_ids
        self.assertEqual(len(claim), 1)
        self.assertEqual(action["res_id"], claim.id)
        self.assertEqual(encounter.state, "billed")
        self.assertEqual(claim.state, "draft")
        self.assertEqual(claim.frequency, "1")
        self.assertRegex(claim.patient_control_number, r"^[A-Z0-9]{1,20}$")
        self.assertEqual(
            (claim.patient_id, claim.coverage_id, claim.payer_id, claim.subscriber_id),
            (self.patient, self.coverage, self.payer, self.patient),
        )
        self.assertEqual(claim.billing_provider_id, self.practice.partner_id)
        self.assertEqual(claim.rendering_provider_id, self.provider)
        self.assertEqual(claim.place_of_service_id, self.codes["pos_11"])
        self.assertEqual(claim.date_service, self.dos)
        self.assertEqual(claim.date_filing_deadline, self.dos + timedelta(days=180))
        self.assertEqual(claim.diagnosis_ids.mapped("letter"), ["A", "B"])
        self.assertEqual(
            claim.diagnosis_ids.mapped("code_id"), self.codes["dx_knee"] | self.codes["dx_bronchitis"]
        )
        lines = claim.line_ids
        self.assertEqual(lines.mapped("code_id.code"), ["99213", "20610"])
        self.assertEqual(lines.mapped("modifier_codes"), ["25", "RT"])
        self.assertEqual(lines.mapped("diagnosis_pointers"), ["B", "A"])
        self.assertEqual(lines.mapped("charge_amount"), [100.0, 200.0])
        self.assertEqual(lines.mapped("expected_amount"), [72.5, 150.0])
        self.assertEqual(
            lines.mapped("line_control_number"),
            [f"{claim.patient_control_number}-1", f"{claim.patient_control_number}-2"],
        )
        self.assertEqual(claim.amount_total, 300.0)
        self.assertEqual(claim.amount_expected, 222.5)

        # Validation happens in a later transaction than the creation (whose records are not tracked).
        self.env.flush_all()
        self.env.cr.precommit.run()
        claim = claim.with_context(tracking_disable=False, mail_notrack=False)
        claim.action_validate()
        self.assertFalse(claim.finding_ids, claim.finding_ids.mapped("message"))
        self.assertEqual(claim.state, "ready")
        invoice = claim.invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.journal_id, self.practice.medical_claim_journal_id)
        self.assertEqual(invoice.partner_id, self.payer)
        self.assertEqual(invoice.medical_claim_id, claim)
        self.assertEqual(invoice.ref, claim.patient_control_number)
        self.assertEqual(invoice.amount_total, 300.0)
        self.assertEqual(invoice.amount_tax, 0.0)
        products = lines.code_id._get_service_products()
        self.assertEqual(
            invoice.invoice_line_ids.mapped("product_id"),
            products[self.codes["cpt_99213"]] | products[self.codes["cpt_20610"]],
        )
        receivable = self.practice.medical_insurance_receivable_account_id
        self.assertMoveLines(
            invoice,
            [
                (receivable, self.payer, 300.0, 0.0),
                (self.income, self.payer, 0.0, 100.0),
                (self.income, self.payer, 0.0, 200.0),
            ],
        )
        # Every transition is in the chatter.
        self.env.flush_all()
        self.env.cr.precommit.run()
        claim.invalidate_recordset(["message_ids"])
        tracked = claim.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertIn("Ready", tracked.mapped("new_value_char"))

    def test_units_and_modifier_pricing(self):
        encounter = self.make_encounter(
            lines=[("cpt_20610", ["mod_50"], 1, "A"), ("hcpcs_j1100", [], 4, "A"), ("cpt_96372", [], 1, "A")]
        )
        self.assertEqual(
            encounter.procedure_ids.sorted("sequence").mapped("charge_amount"), [300.0, 20.0, 40.0]
        )
        procedure = encounter.procedure_ids.filtered(lambda p: p.code_id == self.codes["hcpcs_j1100"])
        self.assertEqual(procedure._get_default_charge(), 20.0)
        encounter.action_create_claims()
        claim = encounter.claim_ids
        claim.action_validate()
        line = claim.invoice_id.invoice_line_ids.filtered(lambda ln: ln.product_id.default_code == "J1100")
        self.assertEqual((line.quantity, line.price_unit, line.price_subtotal), (4.0, 5.0, 20.0))
        self.assertEqual(claim.invoice_id.amount_total, 360.0)

    def test_uneven_charge_billed_exactly(self):
        claim = self.make_claim(lines=[("hcpcs_j1100", [], 3, "A", 10.0)])
        claim.action_validate()
        self.assertEqual(claim.invoice_id.amount_total, 10.0)

    def test_payer_receivable_account(self):
        own = self.practice.medical_insurance_receivable_account_id.copy({"code": "121999"})
        self.payer.with_company(self.practice).payer_receivable_account_id = own
        claim = self.make_claim()
        claim.action_validate()
        term = claim.invoice_id.line_ids.filtered(lambda ln: ln.display_type == "payment_term")
        self.assertEqual(term.account_id, own)

    def test_batch_create_and_validate(self):
        other = self._make_patient("Second Patient")
        other_coverage = self._make_coverage(other)
        encounters = self.make_encounter() | self.make_encounter(patient=other) | self.make_encounter()
        encounters.action_create_claims()
        claims = encounters.claim_ids.sorted("id")
        self.assertEqual(len(claims), 3)
        self.assertEqual(len(set(claims.mapped("patient_control_number"))), 3)
        other_coverage.member_id = False  # the second claim is blocked, the others go through
        claims.action_validate()
        self.assertEqual(claims.mapped("state"), ["ready", "draft", "ready"])
        self.assertFalse(claims[1].invoice_id)
        self.assertEqual(claims[1].finding_ids.edit_code, "CLM_MEMBER_ID_MISSING")
        other_coverage.member_id = "ACM999"
        claims[1].action_validate()
        self.assertEqual(set(claims.mapped("state")), {"ready"})
        self.assertEqual(len(claims.invoice_id), 3)
        self.assertEqual(set(claims.invoice_id.mapped("state")), {"posted"})

    def test_only_checked_encounters(self):
        encounter = self.make_encounter(check=False)
        with self.assertRaisesRegex(UserError, "Only checked encounters"):
            encounter.action_create_claims()

    def test_no_coverage(self):
        patient = self._make_patient("Uninsured Patient")
        encounter = self.make_encounter(patient=patient)
        with self.assertRaisesRegex(UserError, "No primary coverage"):
            encounter.action_create_claims()
        self.assertEqual(encounter.state, "checked")

    def test_primary_coverage_in_force_is_chosen(self):
        old_payer = self.payer.copy({"name": "Old Payer"})
        self.coverage.date_start = self.dos - timedelta(days=30)
        self._make_coverage(
            self.patient,
            payer=old_payer,
            date_start=self.dos - timedelta(days=400),
            date_end=self.dos - timedelta(days=31),
        )
        secondary = self._make_coverage(self.patient, priority="secondary", payer=old_payer)
        claim = self.make_claim()
        self.assertEqual(claim.coverage_id, self.coverage)
        self.assertNotEqual(claim.coverage_id, secondary)

    def test_reset_to_draft_and_validate_again(self):
        claim = self.make_claim()
        claim.action_validate()
        invoice = claim.invoice_id
        claim.action_reset_draft()
        self.assertEqual(claim.state, "draft")
        self.assertEqual(invoice.state, "draft")
        claim.line_ids[0].charge_amount = 110.0
        claim.action_validate()
        self.assertEqual(claim.invoice_id, invoice)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 310.0)
        self.assertEqual(len(invoice.invoice_line_ids), 2)

    def test_invoice_dated_on_the_date_of_service(self):
        """Revenue in the period of service; due when the payer's contract says it pays."""
        claim = self.make_claim()
        claim.action_validate()
        invoice = claim.invoice_id
        self.assertEqual((invoice.invoice_date, invoice.date), (self.dos, self.dos))
        self.assertEqual(invoice.invoice_date_due, self.dos + timedelta(days=30))
        self.payer.payer_payment_days = 45
        later = self.make_claim()
        later.action_validate()
        self.assertEqual(later.invoice_id.invoice_date_due, self.dos + timedelta(days=45))

    def test_accounting_date_follows_the_lock_date(self):
        self.practice.sudo().sale_lock_date = self.dos
        claim = self.make_claim()
        claim.action_validate()
        invoice = claim.invoice_id
        self.assertEqual(invoice.invoice_date, self.dos)
        self.assertGreater(invoice.date, self.dos, "Odoo moved the accounting date past the lock date")
        self.assertEqual(invoice.state, "posted")

    def test_reset_to_draft_across_year_end_keeps_the_dates(self):
        """Bug 6: revalidation rewrote the invoice date to today and broke the sequence across a year end."""
        year = self.today.year - 1
        dos = date(year, 12, 20)
        self.coverage.date_start = date(year - 1, 1, 1)
        with freeze_time(f"{year}-12-28"):
            claim = self.make_claim(date_service=dos)
            claim.action_validate()
        invoice = claim.invoice_id
        name = invoice.name
        self.assertEqual((invoice.invoice_date, invoice.date), (dos, dos))
        with freeze_time(f"{year + 1}-01-05"):
            claim.action_reset_draft()
            claim.line_ids[0].charge_amount = 110.0
            claim.action_validate()
        self.assertEqual(claim.state, "ready")
        self.assertEqual(claim.invoice_id, invoice)
        self.assertEqual((invoice.state, invoice.name), ("posted", name))
        self.assertEqual((invoice.invoice_date, invoice.date), (dos, dos))
        receivable = self.practice.medical_insurance_receivable_account_id
        self.assertMoveLines(
            invoice,
            [
                (receivable, self.payer, 310.0, 0.0),
                (self.income, self.payer, 0.0, 110.0),
                (self.income, self.payer, 0.0, 200.0),
            ],
        )

    def test_cancel_releases_encounter(self):
        claim = self.make_claim()
        claim.action_validate()
        invoice = claim.invoice_id
        claim.action_cancel()
        self.assertEqual(claim.state, "cancel")
        self.assertEqual(invoice.state, "cancel")
        self.assertReceivablesMatchClaims(self.payer)
        self.assertEqual(claim.encounter_id.state, "checked")
        claim.encounter_id.action_create_claims()
        self.assertEqual(len(claim.encounter_id.claim_ids), 2)

    def test_locked_after_validation(self):
        claim = self.make_claim()
        claim.action_validate()
        with self.assertRaisesRegex(UserError, "Only draft claims"):
            claim.date_service = self.dos - timedelta(days=1)
        with self.assertRaisesRegex(UserError, "cannot change"):
            claim.line_ids[0].units = 2
        with self.assertRaises(UserError) as caught:
            claim.unlink()
        self.assertIn("Only draft or cancelled claims can be deleted", str(caught.exception))

    def test_workflow_and_adjudication(self):
        claim = self.make_claim()
        claim.action_validate()
        claim.action_submit()
        self.assertEqual(claim.state, "submitted")
        self.assertEqual(claim.date_submitted, self.today)
        claim.action_accept()
        claim.payer_claim_control_number = "PAYER-0001"
        line_99213, line_20610 = claim.line_ids
        # 99213: charge 100, allowed 72.50: CO-45 27.50, PR-3 copay 25 -> paid 47.50.
        line_99213.write(
            {
                "amount_paid": 47.5,
                "adjustment_ids": [
                    Command.create({"group_code": "CO", "reason_code": "45", "amount": 27.5}),
                    Command.create({"group_code": "PR", "reason_code": "3", "amount": 25.0}),
                ],
            }
        )
        # 20610 denied: CO-197 (no authorization), nothing paid.
        line_20610.write(
            {"adjustment_ids": [Command.create({"group_code": "CO", "reason_code": "197", "amount": 200.0})]}
        )
        claim.action_record_adjudication()
        self.assertEqual(claim.state, "partial")
        self.assertEqual(
            (claim.amount_paid, claim.amount_patient, claim.amount_adjusted), (47.5, 25.0, 252.5)
        )
        self.assertEqual(claim.adjustment_ids.claim_id, claim)
        self.assertEqual(len(claim.adjustment_ids), 3)
        self.assertEqual(claim.date_adjudicated, self.today)
        line_20610.write({"amount_paid": 150.0, "adjustment_ids": [Command.clear()]})
        line_20610.write(
            {"adjustment_ids": [Command.create({"group_code": "CO", "reason_code": "45", "amount": 50.0})]}
        )
        claim.action_record_adjudication()
        self.assertEqual(claim.state, "paid")
        claim.action_close()
        self.assertEqual(claim.state, "closed")

    def test_adjudication_must_balance(self):
        claim = self.make_claim()
        claim.action_validate()
        claim.action_submit()
        claim.line_ids[0].amount_paid = 90.0
        with self.assertRaisesRegex(UserError, "does not balance"):
            claim.action_record_adjudication()

    def test_denied(self):
        claim = self.make_claim()
        claim.action_validate()
        claim.action_submit()
        for line in claim.line_ids:
            line.adjustment_ids = [
                Command.create({"group_code": "CO", "reason_code": "29", "amount": line.charge_amount})
            ]
        claim.action_record_adjudication()
        self.assertEqual(claim.state, "denied")

    def test_reject_then_correct_and_resend(self):
        claim = self.make_claim()
        claim.action_validate()
        claim.action_submit()
        claim.action_reject()
        self.assertEqual(claim.state, "rejected")
        claim.action_reset_draft()
        claim.action_validate()
        self.assertEqual(claim.state, "ready")
        self.assertEqual(claim.invoice_id.amount_total, 300.0)

    def test_patient_control_number_rules(self):
        claim = self.make_claim()
        with self.assertRaises(ValidationError) as caught:
            claim.patient_control_number = "BAD*NUMBER"
        self.assertIn("BAD*NUMBER is not usable in an electronic claim", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            claim.patient_control_number = "X" * 21
        self.assertIn("at most 20 letters, digits or dashes", str(caught.exception))
        self.assertTrue(re.match(r"^CLM\d{8}$", claim.patient_control_number))

    def test_coverage_of_another_patient_refused(self):
        claim = self.make_claim()
        other = self._make_patient("Other Patient")
        other_coverage = self._make_coverage(other)
        with self.assertRaises(ValidationError) as caught:
            claim.coverage_id = other_coverage
        self.assertIn("A claim bills a coverage of its own patient", str(caught.exception))


@tagged("post_install", "-at_install")
class TestClaimLedgerLinks(MedicalBillingCommon):
    """Journal items know their claim line and patient; payers and patients default to the medical
    receivables; entries that cannot go back to draft say so."""

    def test_invoice_lines_carry_claim_lines_and_patient(self):
        claim = self.make_claim()
        claim.action_validate()
        invoice = claim.invoice_id
        line_99213, line_20610 = claim.line_ids.sorted("sequence")
        receivable = self.practice.medical_insurance_receivable_account_id
        self.assertEqual(
            sorted(
                (ln.account_id.id, ln.debit, ln.credit, ln.medical_claim_line_id.id, ln.medical_patient_id.id)
                for ln in invoice.line_ids
            ),
            sorted(
                [
                    (receivable.id, 300.0, 0.0, False, self.patient.id),
                    (self.income.id, 0.0, 100.0, line_99213.id, self.patient.id),
                    (self.income.id, 0.0, 200.0, line_20610.id, self.patient.id),
                ]
            ),
        )
        # Reports group the revenue by procedure code and rendering provider.
        Line = self.env["account.move.line"]
        by_code = dict(
            Line._read_group(
                [("move_id", "=", invoice.id), ("medical_code_id", "!=", False)],
                ["medical_code_id"],
                ["credit:sum"],
            )
        )
        self.assertEqual(by_code, {self.codes["cpt_99213"]: 100.0, self.codes["cpt_20610"]: 200.0})
        self.assertEqual(
            invoice.invoice_line_ids.medical_provider_id, self.provider, "the rendering provider"
        )
        # The patient ledger: the payer's open balance of this patient.
        ledger = Line.search(
            [("medical_patient_id", "=", self.patient.id), ("account_id", "=", receivable.id)]
        )
        self.assertEqual(sum(ledger.mapped("amount_residual")), 300.0)

        # A void's credit note keeps the links, so it is matched line by line too.
        claim.action_submit()
        claim.payer_claim_control_number = "PAYER-LINKS"
        claim.action_void()
        credit_note = claim.reversal_move_id
        self.assertEqual(
            sorted((ln.debit, ln.medical_claim_line_id.id) for ln in credit_note.invoice_line_ids),
            [(100.0, line_99213.id), (200.0, line_20610.id)],
        )
        self.assertEqual(credit_note.line_ids.medical_patient_id, self.patient)

    def test_copay_items_carry_the_patient(self):
        guarantor = self.env["res.partner"].create({"name": "Parent Guarantor"})
        self.patient.guarantor_id = guarantor
        encounter = self.make_encounter()
        wizard = self.env["medical.copay.register"].create({"encounter_id": encounter.id, "amount": 25.0})
        invoice = self.env["account.move"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual(invoice.partner_id, guarantor)
        self.assertEqual(invoice.line_ids.medical_patient_id, self.patient)

    def test_line_control_number_unique_per_company(self):
        first = self.make_claim()
        second = self.make_claim()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            second.line_ids[0].line_control_number = first.line_ids[0].line_control_number
            self.env.flush_all()

    def test_payers_and_patients_default_to_medical_receivables(self):
        insurance = self.practice.medical_insurance_receivable_account_id
        patients = self.practice.medical_patient_receivable_account_id
        guarantor = self.env["res.partner"].create({"name": "Guarantor Parent"})
        self.patient.guarantor_id = guarantor
        for partner, account in ((self.payer, insurance), (self.patient, patients), (guarantor, patients)):
            self.assertEqual(
                partner.with_company(self.practice).property_account_receivable_id, account, partner.name
            )
        # A payment entered by hand in Accounting lands on the receivable of the claim invoices it pays.
        claim = self.make_claim()
        claim.action_validate()
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.payer.id,
                "amount": 300.0,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        self.assertEqual(payment.destination_account_id, insurance)
        to_match = (payment.move_id.line_ids | claim.invoice_id.line_ids).filtered(
            lambda ln: ln.account_id == insurance
        )
        to_match.reconcile()
        self.assertEqual(
            claim.invoice_id.payment_state, self.env["account.move"]._get_invoice_in_payment_state()
        )
        # A payer with its own claims receivable defaults to it.
        own = insurance.copy({"code": "121998"})
        self.payer.with_company(self.practice).payer_receivable_account_id = own
        self.assertEqual(self.payer.with_company(self.practice).property_account_receivable_id, own)
        self.payer.with_company(self.practice).payer_receivable_account_id = False
        # New settings move the defaults along.
        new_insurance = insurance.copy({"code": "121997"})
        new_patients = patients.copy({"code": "121996"})
        self.practice.write(
            {
                "medical_insurance_receivable_account_id": new_insurance.id,
                "medical_patient_receivable_account_id": new_patients.id,
            }
        )
        self.assertEqual(self.payer.with_company(self.practice).property_account_receivable_id, new_insurance)
        self.assertEqual(
            self.patient.with_company(self.practice).property_account_receivable_id, new_patients
        )
        self.assertEqual(guarantor.with_company(self.practice).property_account_receivable_id, new_patients)
        # A partner becoming a payer or a patient gets them too.
        later_payer = self.env["res.partner"].create({"name": "Later Payer"})
        later_payer.is_payer = True
        self.assertEqual(
            later_payer.with_company(self.practice).property_account_receivable_id, new_insurance
        )

    def _hash_locked_claim(self):
        self.practice.medical_claim_journal_id.restrict_mode_hash_table = True
        claim = self.make_claim()
        claim.action_validate()
        self.assertTrue(claim.invoice_id.inalterable_hash, "posted in a hash-locked journal")
        return claim

    def test_reset_and_cancel_on_hash_locked_journal(self):
        claim = self._hash_locked_claim()
        expected = (
            rf"Claim {re.escape(claim.patient_control_number)} cannot go back to draft or be cancelled: its "
            rf"journal entry {re.escape(claim.invoice_id.name)} is secured by the hash chain of the "
            rf"{re.escape(self.practice.medical_claim_journal_id.name)} journal"
        )
        with self.assertRaisesRegex(UserError, expected):
            claim.action_reset_draft()
        with self.assertRaisesRegex(UserError, expected):
            claim.action_cancel()
        self.assertEqual((claim.state, claim.invoice_id.state), ("ready", "posted"))

    def test_reset_in_locked_period(self):
        claim = self.make_claim()
        claim.action_validate()
        self.practice.fiscalyear_lock_date = self.today
        with self.assertRaisesRegex(
            UserError,
            rf"Claim {re.escape(claim.patient_control_number)} cannot go back to draft .* is dated in a "
            r"locked period",
        ):
            claim.action_reset_draft()
        self.assertEqual((claim.state, claim.invoice_id.state), ("ready", "posted"))


@tagged("post_install", "-at_install")
class TestClaimConcurrency(TransactionCase):
    """Two users on two database connections at once. The claims are committed (then deleted) so that
    both connections see them, as Odoo's own concurrency tests do."""

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.company
            payers = env["res.partner"].create(
                [{"name": f"Concurrency Payer {n}", "is_payer": True} for n in (1, 2)]
            )
            patients = env["res.partner"].create(
                [
                    {"name": f"Concurrency Patient {n}", "is_patient": True, "company_id": company.id}
                    for n in (1, 2)
                ]
            )
            coverages = env["medical.coverage"].create(
                [
                    {"patient_id": patients[0].id, "payer_id": payers[0].id, "company_id": company.id},
                    {
                        "patient_id": patients[0].id,
                        "payer_id": payers[1].id,
                        "company_id": company.id,
                        "priority": "secondary",
                    },
                    {"patient_id": patients[1].id, "payer_id": payers[0].id, "company_id": company.id},
                ]
            )
            claims = env["medical.claim"].create(
                [
                    {
                        "company_id": company.id,
                        "patient_id": coverage.patient_id.id,
                        "coverage_id": coverage.id,
                        "date_service": fields.Date.today(),
                    }
                    for coverage in coverages[0] | coverages[2]
                ]
            )
            # The first claim was adjudicated by its payer (set directly: this test is about locks).
            env.flush_all()
            cr.execute(
                "UPDATE medical_claim SET state = 'denied', date_adjudicated = date_service WHERE id = %s",
                [claims[0].id],
            )
            # A second connection must see the claims.
            cr.commit()  # pylint: disable=invalid-commit
            self.records = {
                "medical.claim": claims.ids,
                "medical.coverage": coverages.ids,
                "res.partner": [*patients.ids, *payers.ids],
            }
        self.envs = []
        self.addCleanup(self._delete_committed)

    def _env(self):
        env = api.Environment(self.env.registry.cursor(), SUPERUSER_ID, {})
        # Should a lock ever wait, the test fails instead of hanging.
        env.cr.execute("SET statement_timeout = '10s'")
        self.envs.append(env)
        return env

    def _delete_committed(self):
        for env in self.envs:
            env.cr.rollback()
            env.cr.execute("RESET statement_timeout")
            env.cr.close()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cr.execute(
                "UPDATE medical_claim SET state = 'draft' WHERE id IN %s",
                [tuple(self.records["medical.claim"])],
            )
            for model, ids in self.records.items():
                env[model].browse(ids).exists().unlink()
            # Removes what setUp committed.
            cr.commit()  # pylint: disable=invalid-commit

    def test_second_user_fails_fast_with_the_claim_number(self):
        first, second = self._env(), self._env()
        adjudicated_id, draft_id = self.records["medical.claim"]
        # The first user is billing the next payer of the adjudicated claim, not committed yet.
        first["medical.claim"].browse(adjudicated_id).action_create_secondary_claim()
        # The second user does the same (it would bill the same balance twice), or validates or cancels
        # claims among which that one: refused at once, naming it.
        adjudicated = second["medical.claim"].browse(adjudicated_id)
        draft = second["medical.claim"].browse(draft_id)
        message = (
            rf"Claim {re.escape(adjudicated.patient_control_number)} is being validated, corrected or "
            r"billed to the next payer by another user right now: try again in a moment\."
        )
        for action in (
            adjudicated.action_create_secondary_claim,
            (adjudicated | draft).action_validate,
            adjudicated.action_cancel,
        ):
            with self.assertRaisesRegex(UserError, message):
                action()
            second.cr.rollback()
        # The other claim is free: nothing blocks it.
        draft.action_cancel()
        self.assertEqual(draft.state, "cancel")
