# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The encounter's workflow fields change only through its actions, whatever the role or the RPC context."""

from xmlrpc.client import Fault

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import DOS, MedicalCodingCase

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
class TestEncounterWorkflowFields(MedicalCodingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.encounter = cls.make_encounter(["dx_bronchitis"], [("cpt_99213", [], 1, "A")])

    def test_front_desk_cannot_check_by_writing(self):
        encounter = self.encounter.with_user(self.user_front_desk)
        for vals in (
            {"state": "checked"},
            {"state": "billed"},
            {"checked_by_id": self.user_coder.id},
            {"date_checked": fields.Datetime.now()},
            {"notes": "ok", "state": "coded"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, REFUSED) as caught:
                encounter.write(vals)
            self.assertIn(self.encounter.name, str(caught.exception))
        with self.assertRaisesRegex(AccessError, REFUSED):
            encounter.with_context(**GUESSED_CONTEXT).write({"state": "checked"})
        self.assertEqual(self.encounter.state, "draft")
        self.assertFalse(self.encounter.checked_by_id)
        # the other fields stay editable
        encounter.notes = "Came early"
        self.assertEqual(self.encounter.notes, "Came early")

    def test_coder_and_manager_go_through_the_actions(self):
        for user in (self.user_coder, self.user_biller, self.user_manager):
            with self.subTest(user=user.login), self.assertRaisesRegex(AccessError, REFUSED):
                self.encounter.with_user(user).write({"state": "checked", "checked_by_id": user.id})
        encounter = self.encounter.with_user(self.user_coder)
        encounter.action_mark_coded()
        self.assertEqual(encounter.state, "coded")
        encounter.action_check()
        self.assertEqual(encounter.state, "checked")
        self.assertEqual(encounter.checked_by_id, self.user_coder)
        self.assertTrue(encounter.date_checked)
        # an internal step changes the state for the front desk: a new date of service asks for a new check
        self.encounter.with_user(self.user_front_desk).date_service = fields.Date.add(DOS, days=1)
        self.assertEqual(encounter.state, "coded")
        # and so does a coding change made by the coder
        encounter.action_check()
        encounter.procedure_ids.units = 2
        self.assertEqual(encounter.state, "coded")
        # the front desk's own actions
        front_desk = self.encounter.with_user(self.user_front_desk)
        front_desk.action_cancel()
        self.assertEqual(encounter.state, "cancel")
        front_desk.action_draft()
        self.assertEqual(encounter.state, "draft")

    def test_create_starts_in_draft(self):
        Encounter = self.env["medical.encounter"].with_user(self.user_front_desk)
        values = {"patient_id": self.patient.id, "provider_id": self.provider.id}
        for vals in ({"state": "checked"}, {"checked_by_id": self.user_coder.id}):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, REFUSED):
                Encounter.create({**values, **vals})
        # what the form sends for a new visit
        self.assertEqual(Encounter.create({**values, "state": "draft"}).state, "draft")
        # a default from the context (a kanban column grouped by state) does not apply to the workflow
        visit = Encounter.with_context(
            default_state="checked", default_checked_by_id=self.user_coder.id
        ).create(values)
        self.assertEqual(visit.state, "draft")
        self.assertFalse(visit.checked_by_id)
        with self.assertRaisesRegex(AccessError, REFUSED):
            self.encounter.with_user(self.user_coder).copy({"state": "checked"})

    def test_only_a_biller_marks_billed(self):
        self.encounter.with_user(self.user_coder).action_check()
        self.assertEqual(self.encounter.state, "checked")
        for user in (self.user_front_desk, self.user_coder):
            with self.subTest(user=user.login), self.assertRaisesRegex(AccessError, "Only billers"):
                self.encounter.with_user(user).action_mark_billed()
        self.assertEqual(self.encounter.state, "checked")
        self.encounter.with_user(self.user_biller).action_mark_billed()
        self.assertEqual(self.encounter.state, "billed")


@tagged("post_install", "-at_install")
class TestEncounterWorkflowRpc(MedicalCodingCase, HttpCase):
    """The same wall through the external API, where the caller chooses the whole context."""

    def test_xmlrpc_write_with_a_guessed_context_key(self):
        encounter = self.make_encounter(["dx_bronchitis"], [("cpt_99213", [], 1, "A")])
        db = self.env.cr.dbname
        login = self.user_front_desk.login
        uid = self.xmlrpc_common.authenticate(db, login, login, {})
        self.assertEqual(uid, self.user_front_desk.id)
        # the API works for this user
        self.xmlrpc_object.execute_kw(
            db, uid, login, "medical.encounter", "write", [[encounter.id], {"notes": "By phone"}]
        )
        self.assertEqual(encounter.notes, "By phone")
        for vals in ({"state": "checked"}, {"checked_by_id": uid, "date_checked": "2026-03-10 10:00:00"}):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(Fault, REFUSED),
                self.assertLogs("odoo.http", "WARNING"),
            ):
                self.xmlrpc_object.execute_kw(
                    db,
                    uid,
                    login,
                    "medical.encounter",
                    "write",
                    [[encounter.id], vals],
                    {"context": GUESSED_CONTEXT},
                )
        encounter.invalidate_recordset()
        self.assertEqual(encounter.state, "draft")
        self.assertFalse(encounter.checked_by_id)
