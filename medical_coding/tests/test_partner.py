# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import MedicalCodingCase


@tagged("post_install", "-at_install")
class TestPartner(MedicalCodingCase):
    def test_npi_checked_on_providers_facilities_and_company(self):
        Partner = self.env["res.partner"]
        for bad in ("1234567890", "123456789", "12345678AB", "3234567890"):
            with self.subTest(npi=bad), self.assertRaises(ValidationError) as error:
                Partner.create({"name": "Dr Wrong", "is_provider": True, "npi": bad})
            self.assertIn("NPI", str(error.exception))
        with self.assertRaisesRegex(ValidationError, "1234567890 is not a valid NPI: its check digit"):
            self.facility.npi = "1234567890"
        with self.assertRaisesRegex(ValidationError, "Billing NPI of .*: 1234567890 is not a valid NPI"):
            self.company.medical_billing_npi = "1234567890"
        provider = Partner.create({"name": "Dr Right", "is_provider": True, "npi": " 1245319599 "})
        self.assertEqual(provider.npi, "1245319599")
        self.company.medical_billing_npi = "1245319599"

    def test_taxonomy_and_tax_id(self):
        with self.assertRaisesRegex(ValidationError, "207Q0000 is not a provider taxonomy code"):
            self.provider.taxonomy_code = "207Q0000"
        with self.assertRaisesRegex(ValidationError, "ABCDEFGHIJ is not a provider taxonomy code"):
            self.company.medical_taxonomy_code = "ABCDEFGHIJ"
        with self.assertRaisesRegex(ValidationError, "12-345678 is not an employer identification number"):
            self.company.medical_tax_id = "12-345678"
        self.company.medical_tax_id = "987654321"
        self.provider.taxonomy_code = "261QM1300X"

    def test_patient_defaults(self):
        patient = self.env["res.partner"].create({"name": "New Patient", "is_patient": True})
        self.assertEqual(patient.company_id, self.env.company)
        self.assertTrue(patient.medical_record_number.startswith("MRN"))
        self.assertEqual(patient.guarantor_id, patient, "the patient is their own guarantor by default")
        parent = self.env["res.partner"].create({"name": "A Parent"})
        child = self.env["res.partner"].create(
            {"name": "A Child", "is_patient": True, "guarantor_id": parent.id}
        )
        self.assertEqual(child.guarantor_id, parent)
        missing = patient._medical_missing_claim_data()
        self.assertIn("street", missing)
        self.assertIn("birth date", missing)
        self.assertEqual(self.patient._medical_missing_claim_data(), [])

    def test_record_number_unique_per_company(self):
        Partner = self.env["res.partner"]
        other_company = self.env["res.company"].create({"name": "Other Practice"})
        Partner.create({"name": "P1", "is_patient": True, "medical_record_number": "A100"})
        Partner.create(
            {
                "name": "P2",
                "is_patient": True,
                "medical_record_number": "A100",
                "company_id": other_company.id,
            }
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            Partner.create({"name": "P3", "is_patient": True, "medical_record_number": "A100"})

    def test_patient_needs_a_company(self):
        with self.assertRaisesRegex(ValidationError, "A patient belongs to one practice"):
            self.patient.company_id = False
