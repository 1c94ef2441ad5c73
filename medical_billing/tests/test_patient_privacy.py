# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who sees patients and what claims let through: internal users without a medical or accounting role see
no patient; the prior authorization's units are the billers'; claim invoice labels carry no diagnosis."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import MedicalBillingCommon

GROUP = "medical_coding.medical_coding_group_"


@tagged("post_install", "-at_install")
class TestPatientVisibility(MedicalBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # both may edit contacts (Extra Rights / Contact Creation): only the record rules tell them apart
        cls.internal = cls.make_user("mbp_sales", "base.group_user,base.group_partner_manager")
        cls.front_desk = cls.make_user("mbp_front_desk", GROUP + "front_desk,base.group_partner_manager")
        cls.accountant = cls.make_user("mbp_accountant", "account.group_account_invoice")
        cls.auditor = cls.make_user("mbp_auditor", "account.group_account_readonly")

    def test_internal_user_without_medical_role_sees_no_patient(self):
        Partner = self.env["res.partner"].with_user(self.internal)
        self.assertFalse(Partner.search([("is_patient", "=", True)]))
        self.assertFalse(Partner.search([("id", "=", self.patient.id)]))
        self.assertNotIn(self.patient.id, [row[0] for row in Partner.name_search(self.patient.name)])
        self.assertFalse(Partner.search_count([("name", "=", self.patient.name)]))
        with self.assertRaises(AccessError):
            self.patient.with_user(self.internal).read(["name"])
        with self.assertRaises(AccessError):
            self.patient.with_user(self.internal).write({"phone": "555"})
        with self.assertRaises(AccessError):
            Partner.create({"name": "Sneaky", "is_patient": True})
        # the rest of the address book is still theirs
        self.assertEqual(Partner.search([("id", "=", self.payer.id)]), self.payer)
        self.assertEqual(self.payer.with_user(self.internal).read(["name"])[0]["name"], "Acme Health")

    def test_front_desk_keeps_the_patient_file(self):
        Partner = self.env["res.partner"].with_user(self.front_desk)
        self.assertIn(self.patient, Partner.search([("is_patient", "=", True)]))
        with Form(self.patient.with_user(self.front_desk)) as form:
            form.phone = "555-0100"
        self.assertEqual(self.patient.phone, "555-0100")
        new = Partner.create({"name": "Walk-in Patient", "is_patient": True})
        self.assertTrue(new.is_patient)
        message = self.patient.with_user(self.front_desk).message_post(
            body="Insurance card copied", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.assertIn(message, self.patient.with_user(self.front_desk).message_ids)

    def test_accounting_users_invoice_patients(self):
        for user in (self.accountant, self.auditor):
            with self.subTest(user=user.login):
                Partner = self.env["res.partner"].with_user(user)
                self.assertIn(self.patient, Partner.search([("is_patient", "=", True)]))
                self.assertEqual(self.patient.with_user(user).read(["name"])[0]["name"], self.patient.name)
        # reads, does not keep the file
        with self.assertRaises(AccessError):
            self.patient.with_user(self.accountant).write({"phone": "555"})
        invoice = (
            self.env["account.move"]
            .with_user(self.accountant)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.patient.id,
                    "invoice_line_ids": [
                        Command.create({"name": "Copy of records", "quantity": 1, "price_unit": 15.0})
                    ],
                }
            )
        )
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_residual, 15.0)
        self.assertIn(self.patient, invoice.message_partner_ids)
        invoice.message_post(body="Statement sent", message_type="comment", subtype_xmlid="mail.mt_note")
        with Form(invoice) as form:
            form.ref = "Statement 1"
        self.assertEqual(invoice.ref, "Statement 1")
        payment = (
            self.env["account.payment.register"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
            ._create_payments()
        )
        self.assertEqual(payment.partner_id, self.patient)
        self.assertIn(invoice.payment_state, ("in_payment", "paid"))


@tagged("post_install", "-at_install")
class TestClaimDataKeptToBillers(MedicalBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.front_desk = cls.make_user("mbp_fd_auth", GROUP + "front_desk")
        cls.biller = cls.make_user("mbp_biller_auth", GROUP + "biller")
        cls.accountant = cls.make_user("mbp_acc_labels", "account.group_account_invoice")
        cls.payer.prior_auth_code_ids = cls.codes["cpt_20610"]
        cls.auth = cls.env["medical.prior.authorization"].create(
            {
                "name": "AUTH-77",
                "patient_id": cls.patient.id,
                "payer_id": cls.payer.id,
                "code_ids": [Command.set(cls.codes["cpt_20610"].ids)],
                "date_start": cls.dos - timedelta(days=30),
                "date_end": cls.dos + timedelta(days=30),
                "units_authorized": 6,
            }
        )
        cls.claim = cls.make_claim()
        cls.claim.action_validate()

    def test_front_desk_does_not_read_units_used_on_claims(self):
        self.assertEqual(self.claim.prior_authorization_id, self.auth)
        auth = self.auth.with_user(self.front_desk)
        # the front desk keeps the authorization...
        self.assertEqual(auth.read(["name", "units_authorized"])[0]["units_authorized"], 6)
        auth.write({"date_end": self.dos + timedelta(days=60)})
        # ...but what the claims used of it comes from claim lines it cannot read
        for fname in ("units_used", "units_remaining"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                auth.read([fname])
        # probing the codes billed, one code at a time, does not work either
        auth.code_ids = self.codes["cpt_99213"]
        with self.assertRaises(AccessError):
            auth.read(["units_used"])
        with self.assertRaises(AccessError):
            auth._get_units_used()
        arch = auth.get_views([(False, "form"), (False, "list")])["views"]
        self.assertNotIn("units_used", arch["form"]["arch"] + arch["list"]["arch"])
        # the biller sees them
        auth.sudo().code_ids = self.codes["cpt_20610"]
        billed = self.auth.with_user(self.biller)
        self.assertEqual((billed.units_used, billed.units_remaining), (1, 5))

    def test_claim_invoice_labels_carry_no_diagnosis(self):
        invoice = self.claim.invoice_id.with_user(self.accountant)
        number = self.claim.patient_control_number
        labels = invoice.invoice_line_ids.mapped("name")
        self.assertEqual(
            labels,
            [f"{number} 99213-25 x1 DOS {self.dos}", f"{number} 20610-RT x1 DOS {self.dos}"],
        )
        texts = [
            *invoice.line_ids.mapped("name"),
            invoice.ref or "",
            invoice.payment_reference or "",
            invoice.invoice_origin or "",
            str(invoice.narration or ""),
        ]
        for diagnosis in self.claim.diagnosis_ids.code_id:
            for secret in (diagnosis.code, diagnosis.display_code, diagnosis.name):
                with self.subTest(secret=secret):
                    self.assertFalse([text for text in texts if secret and secret in text])
