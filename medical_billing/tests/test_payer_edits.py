# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import MedicalBillingCommon


@tagged("post_install", "-at_install")
class TestPayerEdits(MedicalBillingCommon):
    """Each payer edit: a case that fires it (claim stays draft, no invoice) and one that must not."""

    def validate(self, claim):
        claim.action_validate()
        return set(claim.finding_ids.mapped("edit_code"))

    def assertFires(self, claim, edit_code):
        codes = self.validate(claim)
        self.assertIn(edit_code, codes)
        self.assertEqual(claim.state, "draft")
        self.assertFalse(claim.invoice_id)
        finding = claim.finding_ids.filtered(lambda f: f.edit_code == edit_code)[:1]
        self.assertEqual(finding.severity, "error")
        self.assertEqual(finding.encounter_id, claim.encounter_id)
        self.assertNotIn(self.patient.name, finding.message, "no patient data in edit messages")

    def assertClean(self, claim):
        codes = self.validate(claim)
        self.assertFalse(codes, claim.finding_ids.mapped("message"))
        self.assertEqual(claim.state, "ready")

    def test_subscriber_missing(self):
        claim = self.make_claim()
        claim.coverage_id.write({"relationship": "01", "subscriber_id": False})
        self.assertFires(claim, "CLM_SUBSCRIBER_MISSING")
        spouse = self.env["res.partner"].create({"name": "Spouse Subscriber"})
        claim.coverage_id.subscriber_id = spouse
        self.assertClean(claim)

    def test_member_id_missing(self):
        claim = self.make_claim()
        claim.coverage_id.member_id = "  "
        self.assertFires(claim, "CLM_MEMBER_ID_MISSING")
        claim.coverage_id.member_id = "ACM1"
        self.assertClean(claim)

    def test_coverage_not_in_force(self):
        claim = self.make_claim()
        claim.coverage_id.date_end = self.dos - timedelta(days=1)
        self.assertFires(claim, "CLM_COVERAGE_NOT_IN_FORCE")
        claim.coverage_id.date_end = self.dos  # last day of coverage still covers the visit
        self.assertClean(claim)

    def test_coverage_starting_after_the_visit(self):
        claim = self.make_claim()
        claim.coverage_id.date_start = self.dos + timedelta(days=1)
        self.assertFires(claim, "CLM_COVERAGE_NOT_IN_FORCE")
        claim.coverage_id.date_start = self.dos
        self.assertClean(claim)

    def test_payer_id_missing(self):
        claim = self.make_claim()
        self.payer.payer_code = False
        self.assertFires(claim, "CLM_PAYER_ID_MISSING")
        self.payer.payer_code = "ACME1"
        self.assertClean(claim)

    def _auth(self, **values):
        return self.env["medical.prior.authorization"].create(
            {
                "name": "AUTH-1",
                "patient_id": self.patient.id,
                "payer_id": self.payer.id,
                "code_ids": [Command.set(self.codes["cpt_20610"].ids)],
                "date_start": self.dos - timedelta(days=30),
                "date_end": self.dos + timedelta(days=30),
                "units_authorized": 2,
                **values,
            }
        )

    def test_prior_authorization_missing(self):
        self.payer.prior_auth_code_ids = self.codes["cpt_20610"]
        claim = self.make_claim()
        self.assertFires(claim, "CLM_AUTH_MISSING")
        finding = claim.finding_ids.filtered(lambda f: f.edit_code == "CLM_AUTH_MISSING")
        self.assertEqual(finding.claim_line_id.code_id, self.codes["cpt_20610"])
        self.assertEqual(finding.procedure_id, finding.claim_line_id.encounter_procedure_id)
        claim.prior_authorization_id = self._auth()
        self.assertEqual(claim.prior_authorization, "AUTH-1")
        self.assertClean(claim)

    def test_prior_authorization_found_at_claim_creation(self):
        self.payer.prior_auth_code_ids = self.codes["cpt_20610"]
        auth = self._auth()
        claim = self.make_claim()
        self.assertEqual(claim.prior_authorization_id, auth)
        self.assertClean(claim)

    def test_prior_authorization_quoted_on_encounter(self):
        auth = self._auth(name="Q-77", date_start=self.dos + timedelta(days=5))
        claim = self.make_claim(prior_authorization="Q-77")
        self.assertEqual(claim.prior_authorization_id, auth)
        # The payer does not require one for these codes: an authorization out of its dates does not matter.
        self.assertClean(claim)

    def test_prior_authorization_not_covering_the_code(self):
        self.payer.prior_auth_code_ids = self.codes["cpt_20610"]
        claim = self.make_claim()
        claim.prior_authorization_id = self._auth(code_ids=[Command.set(self.codes["cpt_96372"].ids)])
        self.assertFires(claim, "CLM_AUTH_MISSING")

    def test_prior_authorization_expired(self):
        self.payer.prior_auth_code_ids = self.codes["cpt_20610"]
        claim = self.make_claim()
        auth = self._auth(date_start=self.dos - timedelta(days=60), date_end=self.dos - timedelta(days=1))
        claim.prior_authorization_id = auth
        self.assertFires(claim, "CLM_AUTH_EXPIRED")
        auth.date_end = self.dos
        self.assertClean(claim)

    def test_prior_authorization_used_up(self):
        self.payer.prior_auth_code_ids = self.codes["cpt_20610"]
        auth = self._auth(units_authorized=1)
        first = self.make_claim()
        self.assertEqual(first.prior_authorization_id, auth)
        self.assertClean(first)
        self.assertEqual(auth.units_used, 1)
        self.assertEqual(auth.units_remaining, 0)
        second = self.make_claim()
        self.assertFires(second, "CLM_AUTH_EXHAUSTED")
        auth.units_authorized = 2
        self.assertClean(second)
        self.assertEqual(auth.units_used, 2)

    def test_prior_authorization_used_up_within_one_batch(self):
        self.payer.prior_auth_code_ids = self.codes["cpt_20610"]
        self._auth(units_authorized=1)
        encounters = self.make_encounter() | self.make_encounter()
        encounters.action_create_claims()
        claims = encounters.claim_ids.sorted("id")
        claims.action_validate()
        self.assertEqual(claims.mapped("state"), ["ready", "draft"])
        self.assertEqual(claims[1].finding_ids.edit_code, "CLM_AUTH_EXHAUSTED")

    def test_prior_authorization_cancelled_claim_frees_units(self):
        self.payer.prior_auth_code_ids = self.codes["cpt_20610"]
        auth = self._auth(units_authorized=1)
        first = self.make_claim()
        self.assertClean(first)
        first.action_cancel()
        self.assertEqual(auth.units_used, 0)
        self.assertClean(self.make_claim())

    def test_billing_npi_missing(self):
        claim = self.make_claim()
        npi = self.practice.medical_billing_npi
        self.practice.medical_billing_npi = False
        self.assertFires(claim, "CLM_BILLING_NPI")
        self.practice.medical_billing_npi = npi
        self.assertClean(claim)

    def test_tax_id_missing(self):
        claim = self.make_claim()
        self.practice.medical_tax_id = False
        self.assertFires(claim, "CLM_TAX_ID")
        self.practice.medical_tax_id = "98-7654321"
        self.assertClean(claim)

    def test_billing_address_incomplete(self):
        claim = self.make_claim()
        self.practice.zip = False
        self.assertFires(claim, "CLM_BILLING_ADDRESS")
        self.practice.zip = "95814"
        self.assertClean(claim)

    def test_billing_address_po_box(self):
        claim = self.make_claim()
        self.practice.street = "P.O. Box 123"
        self.assertFires(claim, "CLM_BILLING_ADDRESS")
        self.practice.street = "123 Boxwood Avenue"
        self.assertClean(claim)

    def test_billing_address_lock_box(self):
        """The payer edit applies the 837P writer's rule (edi/address.py): a lock box is refused at
        validation, not only when the batch is written."""
        claim = self.make_claim()
        self.practice.street = "Lock Box 4567"
        self.assertFires(claim, "CLM_BILLING_ADDRESS")
        self.assertEqual(
            claim.finding_ids.message,
            "The billing provider address must be a street address, not a post office box.",
        )
        self.practice.street = "45 Lockwood Street"
        self.assertClean(claim)

    def test_patient_address_incomplete(self):
        claim = self.make_claim()
        self.patient.city = False
        self.assertFires(claim, "CLM_PATIENT_ADDRESS")
        self.patient.city = "Sacramento"
        self.assertClean(claim)

    def test_rendering_npi_missing(self):
        provider = self.env["res.partner"].create({"name": "Dr Without NPI", "is_provider": True})
        claim = self.make_claim(provider_id=provider.id)
        self.assertFires(claim, "CLM_RENDERING_NPI")
        provider.npi = "1234567893"
        self.assertClean(claim)

    def test_timely_filing_passed(self):
        self.payer.timely_filing_days = 5
        claim = self.make_claim()
        self.assertEqual(claim.date_filing_deadline, self.dos + timedelta(days=5))
        self.assertFires(claim, "CLM_TIMELY_FILING")
        self.payer.timely_filing_days = 10  # deadline today: still in time
        self.assertEqual(claim.date_filing_deadline, self.today)
        self.assertClean(claim)

    def test_no_charge(self):
        claim = self.make_claim()
        claim.line_ids[0].charge_amount = 0.0
        self.assertFires(claim, "CLM_NO_CHARGE")
        claim.line_ids[0].charge_amount = 100.0
        self.assertClean(claim)

    def test_replacement_without_payer_claim_number(self):
        claim = self.make_claim()
        self.assertClean(claim)
        claim.action_submit()
        claim.payer_claim_control_number = "PCCN-1"
        replacement = self.env["medical.claim"].browse(claim.action_replace()["res_id"])
        replacement.payer_claim_control_number = False
        self.assertFires(replacement, "CLM_PAYER_CLAIM_NUMBER")
        replacement.payer_claim_control_number = "PCCN-1"
        self.assertClean(replacement)

    def test_findings_are_replaced_at_each_validation(self):
        claim = self.make_claim()
        claim.coverage_id.member_id = False
        self.payer.payer_code = False
        self.assertEqual(self.validate(claim), {"CLM_MEMBER_ID_MISSING", "CLM_PAYER_ID_MISSING"})
        self.payer.payer_code = "ACME1"
        self.assertEqual(self.validate(claim), {"CLM_MEMBER_ID_MISSING"})
        self.assertEqual(claim.error_count, 1)
