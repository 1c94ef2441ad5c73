# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MedicalBillingCommon

GROUP = "medical_coding.medical_coding_group_"


@tagged("post_install", "-at_install")
class TestSelfPay(MedicalBillingCommon):
    """The third resolution of a necessity finding: services not billed to the payer are invoiced to the
    patient (or guarantor) on the patient journal, once, and frozen once invoiced."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.medicare = cls.env["res.partner"].create(
            {
                "name": "Medicare Part B",
                "is_company": True,
                "is_payer": True,
                "payer_code": "MCRB1",
                "claim_filing_indicator": "MB",
            }
        )
        cls.beneficiary = cls._make_patient("Medicare Patient Three")
        cls._make_coverage(cls.beneficiary, payer=cls.medicare, member_id="1EG4TE5MK74", group_number=False)
        # the knee injection is covered for knee osteoarthritis only (M17*)
        cls.env["medical.coverage.policy"].create(
            {
                "reference": "L-TEST2",
                "title": "Knee injections",
                "kind": "local",
                "rule_ids": [Command.create({"procedure_codes": "20610", "covered_diagnoses": "M17*"})],
            }
        )
        cls.front_desk = cls.make_user("sp_front_desk", GROUP + "front_desk")
        cls.coder = cls.make_user("sp_coder", GROUP + "coder")
        cls.biller = cls.make_user("sp_biller", GROUP + "biller")
        cls.receivable = cls.practice.medical_patient_receivable_account_id

    def self_pay_encounter(self, patient=None):
        """99213 for the payer; the uncovered 20610 (200.00) moved to the patient by an ABN option 2, and
        three units of J1100 (3 x 5.00) the patient agreed to pay."""
        encounter = self.make_encounter(
            patient=patient or self.beneficiary,
            lines=[
                ("cpt_99213", ["mod_25"], 1, "B"),
                ("cpt_20610", ["mod_rt"], 1, "B"),
                ("hcpcs_j1100", [], 3, "B"),
            ],
            check=False,
        )
        injection, drug = encounter.procedure_ids[1:]
        drug.with_user(self.coder).write(
            {"necessity_resolution": "self_pay", "self_pay_consent_date": self.dos}
        )
        abn = (
            self.env["medical.abn"]
            .with_user(self.front_desk)
            .create(
                {
                    "patient_id": encounter.patient_id.id,
                    "encounter_id": encounter.id,
                    "reason": "Medicare pays this injection only for knee osteoarthritis.",
                    "line_ids": [Command.create({"procedure_id": injection.id, "estimated_cost": 200.0})],
                    "option": "2",
                    "date_signed": self.dos,
                }
            )
        )
        abn.action_sign()
        encounter.with_user(self.coder).action_check()
        self.assertEqual(encounter.state, "checked", encounter.finding_ids.mapped("message"))
        return encounter, abn, injection, drug

    def open_patient_receivable(self, partner):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", partner.id),
                ("account_id", "=", self.receivable.id),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("amount_residual"))

    def refusal(self, encounter, code, invoice):
        return (
            f"Encounter {encounter.name}: the self-pay service {code} is invoiced to the patient "
            f"({invoice.name}); reverse the invoice with a credit note before changing or removing it."
        )

    def test_self_pay_services_are_invoiced_to_the_patient(self):
        encounter, _abn, injection, drug = self.self_pay_encounter()
        encounter.with_user(self.biller).action_create_claims()
        self.assertEqual(encounter.state, "billed")
        claim = encounter.claim_ids
        claim.action_validate()
        self.assertEqual(claim.state, "ready", claim.finding_ids.mapped("message"))
        # the payer's claim excludes the self-pay lines
        self.assertEqual(claim.line_ids.code_id.mapped("code"), ["99213"])
        self.assertEqual(claim.invoice_id.amount_total, 100.0)
        invoice = encounter.self_pay_invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(
            (invoice.move_type, invoice.state, invoice.journal_id, invoice.partner_id, invoice.ref),
            (
                "out_invoice",
                "posted",
                self.practice.medical_patient_journal_id,
                self.beneficiary,
                encounter.name,
            ),
        )
        # a sale to the patient: debit patient receivable, credit the services' income, at the charges
        self.assertMoveLines(
            invoice,
            [
                (self.receivable, self.beneficiary, 215.0, 0.0),
                (self.income, self.beneficiary, 0.0, 200.0),
                (self.income, self.beneficiary, 0.0, 15.0),
            ],
        )
        product_lines = invoice.invoice_line_ids.sorted("id")
        self.assertEqual(product_lines.medical_encounter_procedure_id, injection | drug)
        self.assertEqual([(ln.quantity, ln.price_unit) for ln in product_lines], [(1.0, 200.0), (3.0, 5.0)])
        self.assertEqual(product_lines[1].name, f"{encounter.name} J1100 x3 DOS {self.dos} (self-pay)")
        self.assertEqual(invoice.line_ids.medical_patient_id, self.beneficiary)
        self.assertEqual(invoice.medical_encounter_id, encounter)
        # the patient's open receivable is the open self-pay amount
        self.assertAlmostEqual(self.open_patient_receivable(self.beneficiary), 215.0, places=2)
        self.assertEqual(invoice.amount_residual, 215.0)
        # not counted as a copay
        self.assertEqual(encounter.copay_amount_paid, 0.0)
        self.assertEqual(encounter.self_pay_invoice_count, 1)
        action = encounter.action_view_self_pay_invoices()
        self.assertEqual((action["res_model"], action["res_id"]), ("account.move", invoice.id))

    def test_all_self_pay_encounter_bills_the_guarantor_without_a_claim(self):
        parent = self.env["res.partner"].create({"name": "Guarantor Parent"})
        child = self._make_patient("Uninsured Child")
        child.guarantor_id = parent
        encounter = self.make_encounter(patient=child, lines=[("cpt_99213", [], 1, "B")], check=False)
        encounter.procedure_ids.with_user(self.coder).write(
            {"necessity_resolution": "self_pay", "self_pay_consent_date": self.dos}
        )
        encounter.with_user(self.coder).action_check()
        self.assertEqual(encounter.state, "checked", encounter.finding_ids.mapped("message"))
        action = encounter.action_create_claims()
        self.assertEqual(encounter.state, "billed")
        self.assertFalse(encounter.claim_ids)
        invoice = encounter.self_pay_invoice_ids
        self.assertEqual(action["res_id"], invoice.id)
        self.assertMoveLines(
            invoice, [(self.receivable, parent, 100.0, 0.0), (self.income, parent, 0.0, 100.0)]
        )
        # the guarantor pays, the items stay the child's
        self.assertEqual(invoice.line_ids.medical_patient_id, child)
        self.assertAlmostEqual(self.open_patient_receivable(parent), 100.0, places=2)

    def test_billing_again_does_not_bill_twice(self):
        encounter, _abn, _injection, _drug = self.self_pay_encounter()
        encounter.action_create_claims()
        invoice = encounter.self_pay_invoice_ids
        # the claim is cancelled before submission: the encounter can be billed again
        encounter.claim_ids.action_cancel()
        self.assertEqual(encounter.state, "checked")
        encounter.action_create_claims()
        self.assertEqual(len(encounter.claim_ids), 2)
        self.assertEqual(encounter.self_pay_invoice_ids, invoice)
        self.assertFalse(encounter._bill_self_pay())
        self.assertAlmostEqual(self.open_patient_receivable(self.beneficiary), 215.0, places=2)

    def test_unmarked_before_billing_goes_to_the_payer(self):
        encounter = self.make_encounter(
            patient=self.beneficiary,
            lines=[("cpt_99213", ["mod_25"], 1, "B"), ("hcpcs_j1100", [], 3, "B")],
            check=False,
        )
        drug = encounter.procedure_ids[1]
        drug.with_user(self.coder).write(
            {"necessity_resolution": "self_pay", "self_pay_consent_date": self.dos}
        )
        drug.with_user(self.coder).write({"necessity_resolution": False, "self_pay_consent_date": False})
        encounter.with_user(self.coder).action_check()
        encounter.action_create_claims()
        self.assertFalse(encounter.self_pay_invoice_ids)
        self.assertEqual(encounter.claim_ids.line_ids.code_id.mapped("code"), ["99213", "J1100"])
        self.assertAlmostEqual(self.open_patient_receivable(self.beneficiary), 0.0, places=2)

    def test_invoiced_self_pay_line_is_frozen(self):
        encounter, abn, injection, drug = self.self_pay_encounter()
        encounter.action_create_claims()
        invoice = encounter.self_pay_invoice_ids
        encounter.claim_ids.action_cancel()
        # the encounter is open again (checked), but what the patient was invoiced does not change
        self.assertEqual(encounter.state, "checked")
        with self.assertRaises(UserError) as caught:
            drug.with_user(self.coder).write({"necessity_resolution": False})
        self.assertEqual(caught.exception.args[0], self.refusal(encounter, "J1100", invoice))
        with self.assertRaises(UserError) as caught:
            drug.with_user(self.coder).charge_amount = 1.0
        self.assertEqual(caught.exception.args[0], self.refusal(encounter, "J1100", invoice))
        with self.assertRaises(UserError) as caught:
            drug.with_user(self.coder).unlink()
        self.assertEqual(caught.exception.args[0], self.refusal(encounter, "J1100", invoice))
        # nor by cancelling the notice that moved the injection to the patient
        with self.assertRaises(UserError) as caught:
            abn.with_user(self.front_desk).action_cancel()
        self.assertEqual(caught.exception.args[0], self.refusal(encounter, "20610", invoice))
        self.assertEqual(
            (injection.necessity_resolution, drug.necessity_resolution), ("self_pay", "self_pay")
        )
        # once the invoice is reversed by a credit note, the line can go to the payer
        invoice._reverse_moves([{"date": self.today}], cancel=True)
        self.assertEqual(invoice.payment_state, "reversed")
        drug.with_user(self.coder).write({"necessity_resolution": False, "self_pay_consent_date": False})
        self.assertFalse(drug.necessity_resolution)
        self.assertAlmostEqual(self.open_patient_receivable(self.beneficiary), 0.0, places=2)

    def test_front_desk_cannot_flip_self_pay_after_billing(self):
        encounter, _abn, injection, _drug = self.self_pay_encounter()
        encounter.action_create_claims()
        invoice = encounter.self_pay_invoice_ids
        for values in (
            {"necessity_resolution": False},
            {"necessity_resolution": "abn"},
            {"self_pay_consent_date": False},
        ):
            with self.assertRaises(UserError) as caught:
                injection.with_user(self.front_desk).write(values)
            self.assertEqual(caught.exception.args[0], self.refusal(encounter, "20610", invoice))
        self.assertEqual(injection.necessity_resolution, "self_pay")
        self.assertEqual(invoice.state, "posted")
        self.assertNotIn(self.beneficiary.name, caught.exception.args[0])
