# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The claim's workflow fields change only through its actions, whatever the role or the RPC context."""

from xmlrpc.client import Fault

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import MedicalBillingCommon

GROUP = "medical_coding.medical_coding_group_"
REFUSED = "change only through the workflow buttons"
# Context keys an attacker would guess to pass for an action.
GUESSED_CONTEXT = {
    "medical_workflow_action": True,
    "workflow_action": True,
    "medical_workflow": True,
    "_medical_workflow": True,
    "in_action": True,
}


@tagged("post_install", "-at_install")
class TestClaimWorkflowFields(MedicalBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biller = cls.make_user("mbw_biller", GROUP + "biller")
        cls.manager = cls.make_user("mbw_manager", GROUP + "manager")
        cls.claim = cls.make_claim()
        cls.other_claim = cls.make_claim()
        cls.other_claim.action_validate()

    def test_biller_cannot_skip_validation_by_writing(self):
        claim = self.claim.with_user(self.biller)
        for vals in (
            {"state": "ready"},
            {"state": "paid"},
            {"invoice_id": self.other_claim.invoice_id.id},
            {"date_submitted": self.today},
            {"note": "<p>ok</p>", "state": "submitted"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, REFUSED) as caught:
                claim.write(vals)
            self.assertIn(self.claim.patient_control_number, str(caught.exception))
        with self.assertRaisesRegex(AccessError, REFUSED):
            self.claim.with_user(self.manager).write({"state": "ready"})
        with self.assertRaisesRegex(AccessError, REFUSED):
            claim.with_context(**GUESSED_CONTEXT).write({"state": "ready"})
        self.assertEqual(self.claim.state, "draft")
        self.assertFalse(self.claim.invoice_id)
        # other fields stay editable, and the actions do the job
        claim.note = "<p>Called the payer</p>"
        claim.action_validate()
        self.assertEqual(claim.state, "ready")
        self.assertEqual(claim.invoice_id.state, "posted")
        claim.action_submit()
        self.assertEqual((claim.state, claim.date_submitted), ("submitted", self.today))
        with self.assertRaisesRegex(AccessError, REFUSED):
            claim.write({"state": "ready", "date_submitted": False})

    def test_claim_created_or_copied_in_draft(self):
        Claim = self.env["medical.claim"].with_user(self.biller)
        values = {"patient_id": self.patient.id, "coverage_id": self.coverage.id, "date_service": self.dos}
        for vals in ({"state": "paid"}, {"invoice_id": self.other_claim.invoice_id.id}):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, REFUSED):
                Claim.create({**values, **vals})
        claim = Claim.with_context(default_state="paid", default_date_submitted=self.today).create(values)
        self.assertEqual((claim.state, claim.date_submitted), ("draft", False))
        with self.assertRaisesRegex(AccessError, REFUSED):
            self.other_claim.with_user(self.biller).copy({"state": "ready"})
        # an action creating claims does not take a state from the caller's context either
        other = self.other_claim.with_user(self.biller)
        other.action_submit()
        other.payer_claim_control_number = "PCN-1"
        action = other.with_context(
            default_state="paid", default_invoice_id=other.invoice_id.id
        ).action_replace()
        replacement = self.env["medical.claim"].browse(action["res_id"])
        self.assertEqual((replacement.state, replacement.invoice_id.id), ("draft", False))
        # (a state would also reach the credit note's own state: Odoo refuses it there)
        voids = other.with_context(default_date_submitted=self.today).action_void()
        void = self.env["medical.claim"].browse(voids["res_id"])
        self.assertFalse(void.date_submitted)
        self.assertEqual((void.state, other.state), ("ready", "voided"))


@tagged("post_install", "-at_install")
class TestClaimWorkflowRpc(MedicalBillingCommon, HttpCase):
    """The same wall through the external API, where the caller chooses the whole context."""

    def test_xmlrpc_write_with_a_guessed_context_key(self):
        biller = self.make_user("mbw_rpc_biller", GROUP + "biller")
        claim = self.make_claim()
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, biller.login, biller.login, {})
        self.assertEqual(uid, biller.id)
        self.xmlrpc_object.execute_kw(
            db, uid, biller.login, "medical.claim", "write", [[claim.id], {"note": "<p>Called</p>"}]
        )
        for vals in ({"state": "ready"}, {"date_submitted": str(self.today)}):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(Fault, REFUSED),
                self.assertLogs("odoo.http", "WARNING"),
            ):
                self.xmlrpc_object.execute_kw(
                    db,
                    uid,
                    biller.login,
                    "medical.claim",
                    "write",
                    [[claim.id], vals],
                    {"context": GUESSED_CONTEXT},
                )
        claim.invalidate_recordset()
        self.assertEqual((claim.state, claim.date_submitted), ("draft", False))
        self.assertIn("Called", claim.note)
        # the action itself, through the same API, works
        self.xmlrpc_object.execute_kw(db, uid, biller.login, "medical.claim", "action_validate", [[claim.id]])
        claim.invalidate_recordset()
        self.assertEqual(claim.state, "ready")
