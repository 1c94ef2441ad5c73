# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""End to end through pytest-odoo, on the database of ``make test`` (each test rolls back).

A visit becomes a checked encounter, a claim whose invoice lands in the ledger, an 837P that pyx12 accepts,
and the clearinghouse's 999 and 277CA bring it back accepted, or rejected with its reason for the biller.
"""

from odoo.addons.medical_billing.tests import test_acks as acks
from odoo.addons.medical_billing.tests.edi_common import EdiCommon


class TestRevenueCycle(EdiCommon):
    # the acknowledgement builders of the addon's own tests, written as a clearinghouse would
    envelope = acks.TestAcknowledgements.envelope
    ack_999 = acks.TestAcknowledgements.ack_999
    ack_277 = acks.TestAcknowledgements.ack_277

    def test_visit_to_accepted_claim(self):
        encounter = self.make_encounter(prior_authorization="")
        self.assertEqual(encounter.state, "checked")
        encounter.action_create_claims()
        claim = encounter.claim_ids
        self.assertEqual((encounter.state, claim.state), ("billed", "draft"))

        claim.action_validate()
        self.assertEqual(claim.state, "ready", claim.finding_ids.mapped("message"))
        receivable = self.practice.medical_insurance_receivable_account_id
        self.assertMoveLines(
            claim.invoice_id,
            [
                (receivable, self.payer, 300.0, 0.0),
                (self.income, self.payer, 0.0, 100.0),
                (self.income, self.payer, 0.0, 200.0),
            ],
        )

        batch, _text, segments = self.generate(claim)
        self.assertEqual(claim.state, "submitted")
        clm = self.find(segments, "CLM")
        self.assertEqual([(s.get_value("CLM01"), s.get_value("CLM02")) for s in clm],
                         [(claim.patient_control_number, "300")])  # fmt: skip
        batch.action_mark_sent()

        importer = self.env["medical.importer"]
        importer.import_file("999", self.ack_999(batch), "batch.999")
        self.assertEqual(batch.state, "acknowledged")
        importer.import_file("277ca", self.ack_277([(claim, "A1:19:PR", "WQ", [])]), "claims.277")
        self.assertEqual(claim.state, "accepted")
        # the receivable is still the payer's, waiting for its remittance
        self.assertEqual(claim.invoice_id.amount_residual, 300.0)

    def test_rejected_claim_lands_in_the_work_queue(self):
        claims = self.ready_claims(2)
        batch, _text, _segments = self.generate(claims)
        batch.action_mark_sent()
        importer = self.env["medical.importer"]
        importer.import_file("999", self.ack_999(batch), "batch.999")
        rejected, accepted = claims.sorted("id")
        importer.import_file(
            "277ca",
            self.ack_277([(rejected, "A7:562:85", "U", []), (accepted, "A2:20:PR", "WQ", [])]),
            "claims.277",
        )
        self.assertEqual((rejected.state, accepted.state), ("rejected", "accepted"))
        self.assertTrue(rejected.finding_ids.filtered(lambda f: f.severity == "error"))
        self.assertFalse(accepted.finding_ids.filtered(lambda f: f.severity == "error"))
