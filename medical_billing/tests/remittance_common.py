# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the remittance tests: submitted claims, and 835 files paying them (built with the project's
835 writer, ``edi/x12_835_writer.py``)."""

from odoo.addons.medical_billing.edi.x12_835_writer import EraClaim, EraService, era_835, era_835_body
from odoo.addons.medical_billing.tools.person_name import split_person_name

from .common import MedicalBillingCommon


class RemittanceCommon(MedicalBillingCommon):
    interchanges = 800  # ISA13 of the next 835 built (each file is a new interchange)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.practice._medical_check_accounting()
        cls.npi = cls.practice.medical_billing_npi
        cls.deposit_account = cls.practice._medical_deposit_account()
        cls.payer_ar = cls.practice.medical_insurance_receivable_account_id
        cls.patient_ar = cls.practice.medical_patient_receivable_account_id
        cls.contractual = cls.practice.medical_contractual_account_id

    @classmethod
    def submitted_claim(cls, **encounter_values):
        claim = cls.make_claim(**encounter_values)
        claim.action_validate()
        assert claim.state == "ready", claim.finding_ids.mapped("message")
        claim.action_submit()
        return claim

    @staticmethod
    def service(line, paid, adjustments=(), **values):
        """An SVC paying claim line ``line`` (its code, modifiers, charge, date)."""
        values.setdefault("charge", line.charge_amount)
        return EraService(
            code=line.code_id.code,
            paid=paid,
            modifiers=tuple(line._modifiers().mapped("code")),
            date_service=line.claim_id.date_service,
            adjustments=adjustments,
            **values,
        )

    def era(self, claims, trace="EFT0001", **values):
        """An 835 file of one transaction paying ``claims`` (EraClaim), from the test payer to the practice"""
        RemittanceCommon.interchanges += 1
        return era_835(
            [era_835_body(claims, trace=trace, payee_npi=self.npi, **values)], control=self.interchanges
        )

    def import_era(self, text, filename="era.835"):
        counts = self.env["medical.importer"].import_file("835", text.encode(), filename)
        return self.env["medical.remittance"].search([], order="id desc", limit=1), counts

    @staticmethod
    def era_claim(claim, paid, services, **values):
        """A CLP of ``claim`` (its number, charge and patient) paying ``paid``."""
        last, first = split_person_name(claim.patient_id.name)[:2]
        values.setdefault("patient", (last.upper(), first.upper()))
        values.setdefault("charge", claim.amount_total)
        values.setdefault("pcn", claim.patient_control_number)
        return EraClaim(paid=paid, services=services, **values)

    def assertNoExceptions(self, remittance):
        exceptions = remittance.claim_ids.filtered(lambda c: c.match_state != "matched")
        self.assertFalse(exceptions, exceptions.mapped("exception_reason"))
