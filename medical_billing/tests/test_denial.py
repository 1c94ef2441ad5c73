# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Denials (issue 13): reason codes and their categories, deadline and priority, the workflow, the walls."""

import csv
import shutil
import subprocess
from datetime import timedelta

from lxml import html

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.misc import file_path

from .remittance_common import RemittanceCommon

N115 = "Decided by a Local Coverage Determination (LCD), the contractor's coverage policy for the service."


@tagged("post_install", "-at_install")
class TestDenial(RemittanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biller = cls.make_user("denial_biller", "medical_coding.medical_coding_group_biller")
        cls.front_desk = cls.make_user("denial_front", "medical_coding.medical_coding_group_front_desk")

    def denied(self, reason="50", group="CO", trace="DEN0001"):
        """A claim denied whole by an 835 with ``group``-``reason``; its denial."""
        claim = self.submitted_claim()
        era = self.era(
            [self.era_claim(claim, 0, [], status="4", adjustments=[(group, reason, claim.amount_total)])],
            trace=trace,
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        self.assertEqual(len(claim.denial_ids), 1)
        return claim.denial_ids

    # ------------------------------------------------------------------ reason codes

    def test_every_shipped_carc_has_a_category(self):
        categories = dict(self.env["medical.adjustment.reason"]._fields["category"].selection)
        with open(file_path("medical_billing/data/medical.adjustment.reason.csv"), encoding="utf-8") as f:
            shipped = [row["code"] for row in csv.DictReader(f)]
        self.assertGreater(len(shipped), 80)
        reasons = self.env["medical.adjustment.reason"].search([("code", "in", shipped)])
        self.assertEqual(sorted(reasons.mapped("code")), sorted(shipped), "every shipped code is loaded")
        for reason in reasons:
            self.assertIn(reason.category, categories, reason.code)
        by_code = {r.code: r.category for r in reasons}
        self.assertEqual(
            [by_code[c] for c in ("50", "29", "18", "197", "97", "31", "16", "96")],
            [
                "medical_necessity",
                "timely_filing",
                "duplicate",
                "authorization",
                "coding",
                "eligibility",
                "missing_info",
                "non_covered",
            ],
        )

    def test_carc_import_updates_descriptions_keeps_categories(self):
        data = b"carc\tdescription\n50\tNot medically necessary (new wording)\n999\tA brand new reason\n"
        counts = self.env["medical.importer"].import_file("carc-codes", data, "carc.tsv")
        self.assertEqual((counts["created"], counts["updated"]), (1, 1))
        Reason = self.env["medical.adjustment.reason"]
        fifty = Reason.search([("code", "=", "50")])
        self.assertEqual(fifty.name, "Not medically necessary (new wording)")
        self.assertEqual(fifty.category, "medical_necessity", "the manager's mapping is kept")
        self.assertEqual(Reason.search([("code", "=", "999")]).category, "other")

    def test_carc_import_refuses_a_bad_file_naming_the_line(self):
        data = b"carc\tdescription\n50\tFine\n5x!\tBad code\n"
        with self.assertRaises(UserError) as caught:
            self.env["medical.importer"].import_file("carc-codes", data, "carc.tsv")
        self.assertEqual(
            caught.exception.args[0],
            "carc.tsv was not imported, nothing was changed.\n"
            "Line 3: a code (1-3 letters or digits) and a description are needed.",
        )
        self.assertNotEqual(self.env["medical.adjustment.reason"].search([("code", "=", "50")]).name, "Fine")

    def test_carc_import_is_for_managers(self):
        data = b"carc\tdescription\n50\tChanged\n"
        with self.assertRaises(AccessError) as caught:
            self.env["medical.importer"].with_user(self.biller).import_file("carc-codes", data, "carc.tsv")
        self.assertEqual(caught.exception.args[0], "Only a Medical Manager may import code lists.")

    # ------------------------------------------------------------------ remark codes (RARC)

    def rarc_file(self):
        with open(file_path("medical_billing/tests/data/rarc_codes.tsv"), "rb") as f:
            return f.read()

    def test_remarks_explained_on_the_denial_and_updated_by_import(self):
        Remark = self.env["medical.remark.code"]
        self.assertGreaterEqual(Remark.search_count([]), 40, "the common remark codes are shipped")
        self.assertEqual(
            Remark.search([("code", "=", "N115")]).description,
            N115,
        )
        claim = self.submitted_claim()
        era = self.era(
            [
                self.era_claim(
                    claim,
                    0,
                    [],
                    status="4",
                    adjustments=[("CO", "50", claim.amount_total)],
                    remarks=["N115", "M25", "N777"],
                )
            ],
            trace="RARC01",
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        denial = claim.denial_ids
        self.assertEqual(denial.remark_codes, "N115,M25,N777")
        self.assertEqual(sorted(denial.remark_code_ids.mapped("code")), ["M25", "N115"])
        # The biller's form lists each remark with its description.
        form = Form(denial.with_user(self.biller))
        self.assertEqual(
            sorted((r.code, r.description) for r in form.remark_code_ids),
            [
                ("M25", "The records do not support the level of service billed."),
                ("N115", N115),
            ],
        )
        # The CMS list (here a small one written for the test): descriptions updated, MA01 deactivated,
        # N777 new, and the denial naming N777 now explains it.
        counts = self.env["medical.importer"].import_file("rarc-codes", self.rarc_file(), "rarc.tsv")
        self.assertEqual(
            {key: counts[key] for key in ("total", "created", "updated", "ended", "unchanged")},
            {"total": 4, "created": 1, "updated": 3, "ended": 1, "unchanged": 0},
        )
        m25 = Remark.search([("code", "=", "M25")])
        self.assertEqual(
            m25.description, "The records do not support the level of service billed (test wording)."
        )
        self.assertEqual(str(m25.date_modified), "2026-03-01")
        ma01 = Remark.search([("code", "=", "MA01")])
        self.assertEqual(str(ma01.date_end), "2025-06-30")
        self.assertTrue(ma01.active, "a deactivated code stays readable on the old remittances")
        self.assertEqual(sorted(denial.remark_code_ids.mapped("code")), ["M25", "N115", "N777"])
        self.assertEqual(
            denial._remark_explanations(),
            [
                ("N115", "Decided by a Local Coverage Determination (test list)."),
                ("M25", "The records do not support the level of service billed (test wording)."),
                ("N777", "A remark written for this test list."),
            ],
        )
        again = self.env["medical.importer"].import_file("rarc-codes", self.rarc_file(), "rarc.tsv")
        self.assertEqual((again["created"], again["updated"], again["unchanged"]), (0, 0, 4))

    def test_rarc_import_refuses_a_bad_file_naming_the_line(self):
        header = b"code\tdescription\teffective_date\tdeactivation_date\tlast_modified_date\tnotes\n"
        cases = [
            (
                header + b"N115\tChanged\t\t\t\t\nN1!\tBad code\t\t\t\t\n",
                "Line 3: a code (M, MA or N and digits) and a description are needed.",
            ),
            (
                header + b"N115\tChanged\t02/30/2002\t\t\t\n",
                "Line 2: effective_date '02/30/2002' is not a date MM/DD/YYYY.",
            ),
            (header + b"N115\tChanged\t\t\t\t\nN115\tAgain\t\t\t\t\n", "Line 3: code N115 is listed twice."),
            (header + b"N115\tChanged\n", "Line 2: 2 columns, 6 expected."),
            (
                b"carc\tdescription\n50\tx\n",
                "Line 1: this is not a RARC list: the header must be code description effective_date "
                "deactivation_date last_modified_date notes.",
            ),
        ]
        before = self.env["medical.remark.code"].search([("code", "=", "N115")]).description
        for data, problem in cases:
            with self.subTest(problem=problem), self.assertRaises(UserError) as caught:
                self.env["medical.importer"].import_file("rarc-codes", data, "rarc.tsv")
            self.assertEqual(
                caught.exception.args[0], f"rarc.tsv was not imported, nothing was changed.\n{problem}"
            )
        self.assertEqual(self.env["medical.remark.code"].search([("code", "=", "N115")]).description, before)

    def test_rarc_import_is_for_managers(self):
        with self.assertRaises(AccessError) as caught:
            self.env["medical.importer"].with_user(self.biller).import_file(
                "rarc-codes", self.rarc_file(), "rarc.tsv"
            )
        self.assertEqual(caught.exception.args[0], "Only a Medical Manager may import code lists.")
        with self.assertRaises(AccessError):
            self.env["medical.remark.code"].with_user(self.biller).search([], limit=1).description = "x"
        self.assertIn(
            ("rarc-codes", "Remittance advice remark codes (RARC list, TSV)"),
            self.env["medical.importer"]._import_kinds(),
        )

    # ------------------------------------------------------------------ the denial

    def test_denial_from_an_835_has_category_deadline_priority(self):
        denial = self.denied("50")
        self.assertEqual(denial.reason_id.code, "50")
        self.assertIn("medical necessity", denial.reason_description)
        self.assertEqual(denial.category, "medical_necessity")
        self.assertEqual(denial.date_appeal_deadline, denial.date_denied + timedelta(days=120))
        days_left = (denial.date_appeal_deadline - self.today).days
        self.assertEqual(denial.days_left, days_left)
        self.assertAlmostEqual(denial.priority, round(denial.amount / max(days_left, 1), 2), places=2)
        self.assertEqual(denial.state, "new")

    def test_appeal_limit_per_payer_and_queue_by_priority(self):
        self.payer.denial_appeal_days = 30
        small = self.denied("16", trace="DEN0002")
        self.assertEqual(small.date_appeal_deadline, small.date_denied + timedelta(days=30))
        self.assertEqual(small.category, "missing_info")
        big = self.denied("29", trace="DEN0003")
        self.env.cr.execute("UPDATE medical_denial SET amount = amount * 10 WHERE id = %s", [big.id])
        big.invalidate_recordset(["amount"])
        self.env.add_to_compute(big._fields["priority"], big)
        big._recompute_recordset(["priority"])
        queue = self.env["medical.denial"].search([("id", "in", (small | big).ids)])
        self.assertEqual(queue.ids, [big.id, small.id], "the queue puts the bigger amount per day left first")

    def step(self):
        """End of a request: the chatter tracks the changes made since the last one."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_priorities_recomputed_every_day(self):
        denial = self.denied("16", trace="DEN0011")
        expected = denial.priority
        self.env.cr.execute("UPDATE medical_denial SET priority = 0 WHERE id = %s", [denial.id])
        denial.invalidate_recordset(["priority"])
        self.env.ref("medical_billing.ir_cron_medical_denial_priority").method_direct_trigger()
        denial.invalidate_recordset(["priority"])
        self.assertEqual(denial.priority, expected)
        self.assertGreater(expected, 0)

    def test_workflow_in_the_chatter_and_not_by_editing(self):
        denial = self.denied("50")
        self.step()
        denial = denial.with_user(self.biller).with_context(tracking_disable=False, mail_notrack=False)
        with self.assertRaises(AccessError) as caught:
            denial.write({"state": "won"})
        self.assertIn("change only through the workflow buttons", caught.exception.args[0])
        denial.action_start()
        self.assertEqual((denial.state, denial.user_id), ("in_progress", self.biller))
        self.step()
        denial.action_resubmit()
        self.assertEqual(denial.state, "resubmitted")
        self.assertGreater(denial.priority, 0)
        self.step()
        denial.action_won()
        self.assertEqual((denial.state, denial.date_closed, denial.priority), ("won", self.today, 0.0))
        self.step()
        with self.assertRaises(UserError) as caught:
            denial.action_close("done")
        self.assertEqual(
            caught.exception.args[0],
            f"This denial is already closed: the denial of {denial.claim_id.display_name} is Won.",
        )
        denial = denial.sudo()
        denial.invalidate_recordset(["message_ids"])
        tracked = denial.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertEqual(sorted(tracked.mapped("new_value_char")), ["In Progress", "Resubmitted", "Won"])

    def test_the_appeal_deadline_moves_the_activity(self):
        denial = self.denied("16", trace="DEN0009").with_user(self.biller)
        denial.action_start()
        activity = denial.activity_ids
        self.assertEqual(activity.summary, "Work the denial before the appeal deadline")
        self.assertEqual(
            (activity.date_deadline, activity.user_id), (denial.date_appeal_deadline, self.biller)
        )
        self.payer.denial_appeal_days = 90
        self.assertEqual(denial.date_appeal_deadline, denial.date_denied + timedelta(days=90))
        self.assertEqual(activity.date_deadline, denial.date_appeal_deadline)

    def test_the_deadline_and_priority_are_not_edited(self):
        """A biller cannot buy time or jump the queue: the deadline follows the payer's limit only."""
        denial = self.denied("16", trace="DEN0012")
        deadline, priority = denial.date_appeal_deadline, denial.priority
        mine = denial.with_user(self.biller)
        for values in (
            {"date_appeal_deadline": deadline + timedelta(days=365)},
            {"priority": 99999.0},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError) as caught:
                mine.write(values)
            self.assertIn("change only through the workflow buttons", caught.exception.args[0])
        with self.assertRaises(AccessError):
            self.env["medical.denial"].with_user(self.biller).create(
                {
                    "claim_id": denial.claim_id.id,
                    "reason_code": "16",
                    "amount": 10.0,
                    "date_appeal_deadline": deadline + timedelta(days=365),
                }
            )
        self.assertEqual((denial.date_appeal_deadline, denial.priority), (deadline, priority))
        # the payer's appeal limit still moves it
        self.payer.denial_appeal_days = 60
        self.assertEqual(denial.date_appeal_deadline, denial.date_denied + timedelta(days=60))

    def test_close_needs_a_reason(self):
        denial = self.denied("96").with_user(self.biller)
        with self.assertRaises(UserError) as caught:
            denial.action_close(" ")
        self.assertEqual(caught.exception.args[0], "Say why the denial is closed.")
        denial.action_close("Patient signed no waiver; practice policy")
        self.assertEqual(denial.state, "closed")
        self.assertEqual(denial.close_reason, "Patient signed no waiver; practice policy")

    def test_front_desk_sees_only_its_eligibility_denials(self):
        eligibility = self.denied("31", trace="DEN0004")
        coding = self.denied("97", trace="DEN0005")
        unassigned = self.denied("27", trace="DEN0006")
        (eligibility | coding).write({"user_id": self.front_desk.id})
        Denial = self.env["medical.denial"].with_user(self.front_desk)
        seen = Denial.search([("id", "in", (eligibility | coding | unassigned).ids)])
        self.assertEqual(seen, eligibility)
        with self.assertRaises(AccessError):
            coding.with_user(self.front_desk).read(["amount"])
        eligibility.with_user(self.front_desk).action_start()
        self.assertEqual(eligibility.state, "in_progress")
        biller_sees = (
            self.env["medical.denial"]
            .with_user(self.biller)
            .search([("id", "in", (eligibility | coding | unassigned).ids)])
        )
        self.assertEqual(len(biller_sees), 3)

    def test_front_desk_cannot_work_the_books_or_the_payers_data(self):
        denial = self.denied("31", trace="DEN0010")
        denial.user_id = self.front_desk
        mine = denial.with_user(self.front_desk)
        for action in (
            mine.action_write_off,
            mine.action_transfer_to_patient,
            mine.action_corrected_claim,
            mine.action_appeal,
            mine.action_resubmit,
            lambda: mine.action_close("not needed"),
        ):
            with self.subTest(action=action), self.assertRaises(AccessError) as caught:
                action()
            self.assertEqual(caught.exception.args[0], "Only a biller may do this with a denial.")
        for values in ({"amount": 1.0}, {"reason_code": "45"}, {"claim_id": self.submitted_claim().id}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                denial.with_user(self.biller).write(values)
        self.assertEqual((denial.state, denial.amount, denial.reason_code), ("new", 300.0, "31"))
        self.assertFalse(denial.move_id)
        mine.action_start()
        self.assertEqual(denial.state, "in_progress")
        denial.with_user(self.biller).action_resubmit()
        self.assertEqual((denial.state, denial.claim_id.state), ("resubmitted", "ready"))

    def test_the_assignee_works_for_the_denials_company(self):
        denial = self.denied("16", trace="DEN0013")
        other = self.env["res.company"].create({"name": "Other Practice"})
        stranger = self.env["res.users"].create(
            {
                "name": "Other Biller",
                "login": "denial_other_biller",
                "company_id": other.id,
                "company_ids": [(6, 0, other.ids)],
            }
        )
        with self.assertRaises(UserError) as caught:
            denial.write({"user_id": stranger.id})
        self.assertEqual(
            caught.exception.args[0],
            "These links must stay within the record's practice:\n"
            f"- Denial #{denial.id}: Assigned To belongs to another practice.",
        )
        self.assertFalse(denial.user_id)

    def test_a_denial_entered_by_hand(self):
        """A 277CA rejection or a phone call: the biller enters the denial on the claim."""
        claim = self.submitted_claim()
        form = Form(self.env["medical.denial"].with_user(self.biller))
        form.claim_id = claim
        self.assertEqual((form.payer_id, form.amount), (self.payer, 300.0))
        form.group_code = "CO"
        form.reason_code = "197"
        denial = form.save()
        self.assertEqual(
            (denial.category, denial.state, denial.remittance_claim_id.id), ("authorization", "new", False)
        )
        self.assertEqual(claim.denial_ids, denial)
        with self.assertRaises(AccessError):
            denial.with_user(self.biller).write({"amount": 10.0})

    def test_front_desk_opens_its_denial_without_the_claim(self):
        denial = self.denied("31", trace="DEN0007")
        denial.user_id = self.front_desk
        form = Form(denial.with_user(self.front_desk))
        self.assertEqual(form.claim_number, denial.claim_id.patient_control_number)
        self.assertEqual(form.patient_id, denial.claim_id.patient_id)
        self.assertEqual(form.category, "eligibility")
        self.assertNotIn("claim_id", form._view["fields"], "the claim (and its diagnoses) stays hidden")
        with self.assertRaises(AccessError):
            denial.claim_id.with_user(self.front_desk).read(["patient_control_number"])

    def test_biller_works_the_queue_views(self):
        denial = self.denied("50", trace="DEN0008")
        form = Form(denial.with_user(self.biller))
        self.assertEqual(form.claim_id, denial.claim_id)
        self.assertEqual(form.reason_description, denial.reason_id.name)
        form.user_id = self.biller
        form.root_cause = "coding"
        form.save()
        self.assertEqual((denial.user_id, denial.root_cause), (self.biller, "coding"))
        Denial = self.env["medical.denial"].with_user(self.biller)
        for view_type in ("list", "kanban", "search", "pivot", "graph"):
            self.assertTrue(Denial.get_views([(False, view_type)])["views"][view_type]["arch"])
        groups = Denial.read_group([("id", "=", denial.id)], ["amount:sum"], ["category", "payer_id"])
        self.assertEqual(groups[0]["amount"], denial.amount)
        groups = Denial.read_group([("id", "=", denial.id)], ["amount:sum"], ["provider_id"], lazy=False)
        self.assertEqual(groups[0]["provider_id"][0], denial.claim_id.rendering_provider_id.id)


@tagged("post_install", "-at_install")
class TestDenialLedger(RemittanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biller = cls.make_user("denial_ledger_biller", "medical_coding.medical_coding_group_biller")
        cls.manager = cls.make_user("denial_manager_one", "medical_coding.medical_coding_group_manager")
        cls.manager_two = cls.make_user("denial_manager_two", "medical_coding.medical_coding_group_manager")
        cls.admin_writeoff = cls.practice.medical_denial_writeoff_account_id
        cls.bad_debt = cls.practice.medical_bad_debt_account_id

    def denied(self, reason, trace, group="CO"):
        claim = self.submitted_claim()
        era = self.era(
            [self.era_claim(claim, 0, [], status="4", adjustments=[(group, reason, claim.amount_total)])],
            trace=trace,
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        self.assertEqual(claim.amount_residual, 300.0)
        return claim.denial_ids

    def test_the_accounts_exist(self):
        self.assertTrue(self.admin_writeoff)
        self.assertTrue(self.bad_debt)
        self.assertEqual(self.practice.medical_denial_writeoff_approval_amount, 100.0)

    def test_write_off_below_the_limit_posts_to_the_category_account(self):
        self.practice.medical_denial_writeoff_approval_amount = 500.0
        administrative = self.denied("16", "WO0001").with_user(self.biller)
        self.assertEqual(administrative.writeoff_type, "administrative")
        administrative.action_write_off()
        self.assertEqual(administrative.state, "written_off")
        self.assertMoveLines(
            administrative.move_id,
            [(self.admin_writeoff, self.payer, 300.0, 0.0), (self.payer_ar, self.payer, 0.0, 300.0)],
        )
        self.assertEqual(administrative.move_id.state, "posted")
        self.assertEqual(administrative.claim_id.amount_residual, 0.0)

        contractual = self.denied("50", "WO0002").with_user(self.biller)
        self.assertEqual(contractual.writeoff_type, "contractual")
        contractual.action_write_off()
        self.assertMoveLines(
            contractual.move_id,
            [(self.contractual, self.payer, 300.0, 0.0), (self.payer_ar, self.payer, 0.0, 300.0)],
        )
        bad_debt = self.denied("96", "WO0003").with_user(self.biller)
        bad_debt.writeoff_type = "bad_debt"
        bad_debt.action_write_off()
        self.assertMoveLines(
            bad_debt.move_id,
            [(self.bad_debt, self.payer, 300.0, 0.0), (self.payer_ar, self.payer, 0.0, 300.0)],
        )
        self.assertReceivablesMatchClaims(self.payer)

    def test_write_off_above_the_limit_needs_a_second_manager(self):
        denial = self.denied("29", "WO0004")
        asked = denial.with_user(self.manager)
        asked.action_write_off()
        self.assertEqual(denial.state, "new")
        self.assertFalse(denial.move_id, "nothing posted before the approval")
        self.assertEqual(denial.writeoff_requested_by_id, self.manager)
        with self.assertRaises(AccessError) as caught:
            asked.action_approve_write_off()
        self.assertEqual(
            caught.exception.args[0],
            f"You asked for the write-off of the denial of {denial.claim_id.display_name}: another billing "
            "manager approves it.",
        )
        with self.assertRaises(AccessError) as caught:
            denial.with_user(self.biller).action_approve_write_off()
        self.assertEqual(caught.exception.args[0], "Only a billing manager may approve a write-off.")
        with self.assertRaises(AccessError):
            denial.with_user(self.biller).write({"writeoff_approved_by_id": self.biller.id})
        self.assertFalse(denial.move_id)
        denial.with_user(self.manager_two).action_approve_write_off()
        self.assertEqual((denial.state, denial.writeoff_approved_by_id), ("written_off", self.manager_two))
        self.assertMoveLines(
            denial.move_id,
            [(self.admin_writeoff, self.payer, 300.0, 0.0), (self.payer_ar, self.payer, 0.0, 300.0)],
        )
        self.assertEqual(denial.claim_id.amount_residual, 0.0)

    def test_a_refused_write_off_goes_back_to_the_queue_in_the_chatter(self):
        denial = self.denied("29", "WO0006")
        with self.assertRaises(UserError) as caught:
            denial.with_user(self.manager_two).action_refuse_write_off()
        self.assertEqual(
            caught.exception.args[0],
            f"Nobody asked to write off the denial of {denial.claim_id.display_name}.",
        )
        denial.with_user(self.manager).action_write_off()
        denial.with_user(self.manager_two).action_refuse_write_off()
        self.assertEqual(
            (denial.state, denial.writeoff_requested_by_id.id, denial.move_id.id), ("new", False, False)
        )
        self.assertIn(
            f"<p>Write-off of 300.0 asked by {self.manager.name} refused by {self.manager_two.name}: "
            "back to the queue.</p>",
            denial.message_ids.mapped("body"),
        )
        denial.with_user(self.biller).action_close("Payer policy")
        with self.assertRaises(UserError) as caught:
            denial.with_user(self.manager_two).action_refuse_write_off()
        self.assertEqual(
            caught.exception.args[0],
            "Only a denial being worked can have its write-off refused: the denial of "
            f"{denial.claim_id.display_name} is Closed.",
        )

    def test_a_biller_cannot_approve_by_asking_twice(self):
        denial = self.denied("29", "WO0005").with_user(self.biller)
        denial.action_write_off()
        with self.assertRaises(UserError) as caught:
            denial.action_write_off()
        self.assertEqual(
            caught.exception.args[0],
            f"The write-off of the denial of {denial.claim_id.display_name} already waits for a billing "
            "manager's approval.",
        )
        self.assertFalse(denial.move_id)

    def test_write_off_small_balances_in_mass(self):
        small = self.denied("16", "SB0001")
        big = self.denied("16", "SB0002")
        self.env.cr.execute("UPDATE medical_denial SET amount = 8.0 WHERE id = %s", [small.id])
        small.invalidate_recordset(["amount"])
        Denial = self.env["medical.denial"].with_user(self.biller)
        action = Denial.action_write_off_small_balances()
        self.assertEqual(action["params"]["message"], "1 small denials written off (or sent for approval).")
        self.assertEqual((small.state, big.state), ("written_off", "new"))
        self.assertMoveLines(
            small.move_id,
            [(self.admin_writeoff, self.payer, 8.0, 0.0), (self.payer_ar, self.payer, 0.0, 8.0)],
        )
        self.assertEqual(small.claim_id.amount_residual, 292.0)
        # Assign and set the category in mass (the list's multi-edit).
        (small | big).with_user(self.biller).write({"user_id": self.biller.id, "category": "coding"})
        self.assertEqual((small | big).mapped("category"), ["coding", "coding"])

    def test_transfer_to_patient_moves_receivables_never_revenue(self):
        denial = self.denied("96", "TP0001", group="PR").with_user(self.biller)
        denial.action_transfer_to_patient()
        self.assertEqual(denial.state, "transferred")
        patient = denial.claim_id.patient_id
        self.assertMoveLines(
            denial.move_id,
            [(self.patient_ar, patient, 300.0, 0.0), (self.payer_ar, self.payer, 0.0, 300.0)],
        )
        self.assertFalse(
            denial.move_id.line_ids.filtered(lambda ln: ln.account_id.internal_group in ("income", "expense"))
        )
        self.assertEqual(denial.claim_id.amount_residual, 0.0, "the payer owes nothing more")
        patient_items = self.env["account.move.line"].search(
            [
                ("partner_id", "=", patient.id),
                ("account_id", "=", self.patient_ar.id),
                ("reconciled", "=", False),
            ]
        )
        self.assertEqual(sum(patient_items.mapped("amount_residual")), 300.0)
        with self.assertRaises(UserError):
            denial.action_write_off()

    def test_a_contractual_denial_is_not_the_patients(self):
        """CO: the contract forbids billing the patient, unless a signed waiver (GA) was on the line."""
        denial = self.denied("96", "TP0002").with_user(self.biller)
        with self.assertRaises(UserError) as caught:
            denial.action_transfer_to_patient()
        self.assertEqual(
            caught.exception.args[0],
            f"The denial of {denial.claim_id.display_name} is CO-96: only a patient-responsibility (PR) "
            "denial or a non-covered service billed with a signed waiver (GA / GX) moves to the patient.",
        )
        self.assertEqual((denial.state, denial.move_id.id), ("new", False))
        self.assertEqual(denial.claim_id.amount_residual, 300.0)

    def test_a_non_covered_line_with_a_signed_waiver_moves_to_the_patient(self):
        ga = self.env["medical.code"].search([("system", "=", "modifier"), ("code", "=", "GA")], limit=1)
        ga = ga or self.env["medical.code"].create(
            {"system": "modifier", "code": "GA", "name": "Waiver of liability on file"}
        )
        claim = self.make_claim()
        injection = claim.line_ids.sorted("sequence")[1]
        injection.modifier3_id = ga  # what a signed ABN (option 1) puts on the line
        claim.action_validate()
        claim.action_submit()
        first = claim.line_ids.sorted("sequence")[0]
        era = self.era(
            [
                self.era_claim(
                    claim, 100, [self.service(first, 100), self.service(injection, 0, [("CO", "50", 200)])]
                )
            ],
            trace="TP0003",
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        denial = claim.denial_ids.with_user(self.biller)
        self.assertEqual((denial.claim_line_id, denial.group_code), (injection, "CO"))
        denial.action_transfer_to_patient()
        self.assertEqual(denial.state, "transferred")
        self.assertMoveLines(
            denial.move_id,
            [(self.patient_ar, claim.patient_id, 200.0, 0.0), (self.payer_ar, self.payer, 0.0, 200.0)],
        )
        self.assertEqual(claim.amount_residual, 0.0)


@tagged("post_install", "-at_install")
class TestDenialResubmission(RemittanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biller = cls.make_user("denial_resubmit_biller", "medical_coding.medical_coding_group_biller")

    def denied(self, reason, trace):
        claim = self.submitted_claim()
        era = self.era(
            [
                self.era_claim(
                    claim,
                    0,
                    [],
                    status="4",
                    adjustments=[("CO", reason, claim.amount_total)],
                    payer_claim_number=f"ICN{trace}",
                )
            ],
            trace=trace,
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        return claim.denial_ids

    def pay(self, claim, trace):
        lines = claim.line_ids.sorted("sequence")
        services = [self.service(line, line.charge_amount) for line in lines]
        remittance, _counts = self.import_era(
            self.era([self.era_claim(claim, claim.amount_total, services)], trace)
        )
        self.assertNoExceptions(remittance)
        return remittance

    def test_corrected_claim_replaces_the_denied_one_and_wins_when_paid(self):
        denial = self.denied("4", "CC0001").with_user(self.biller)
        original = denial.claim_id
        action = denial.action_corrected_claim()
        replacement = denial.replacement_claim_id
        self.assertEqual(action["res_id"], replacement.id)
        self.assertEqual(denial.state, "resubmitted")
        self.assertEqual(
            (replacement.frequency, replacement.original_claim_id, replacement.payer_claim_control_number),
            ("7", original, "ICNCC0001"),
        )
        self.assertEqual(replacement.line_ids.mapped("code_id"), original.line_ids.mapped("code_id"))
        replacement = replacement.with_user(self.biller)
        replacement.action_validate()
        self.assertEqual(replacement.state, "ready", replacement.finding_ids.mapped("message"))
        self.assertEqual(original.state, "replaced")
        # The denied charges are reversed, the corrected ones invoiced: the payer owes them once.
        self.assertEqual(original.amount_residual, 0.0)
        reversal = original.reversal_move_id
        self.assertEqual((reversal.move_type, reversal.state), ("out_refund", "posted"))
        self.assertMoveLines(
            reversal,
            [
                (self.payer_ar, self.payer, 0.0, 300.0),
                (self.income, self.payer, 100.0, 0.0),
                (self.income, self.payer, 200.0, 0.0),
            ],
        )
        settled = original.invoice_id.line_ids.filtered(lambda ln: ln.account_id == self.payer_ar)
        self.assertTrue(settled.full_reconcile_id, "the original's receivable is settled by its reversal")
        self.assertEqual(
            settled.full_reconcile_id,
            reversal.line_ids.filtered(lambda ln: ln.account_id == self.payer_ar).full_reconcile_id,
        )
        self.assertMoveLines(
            replacement.invoice_id,
            [
                (self.payer_ar, self.payer, 300.0, 0.0),
                (self.income, self.payer, 0.0, 100.0),
                (self.income, self.payer, 0.0, 200.0),
            ],
        )
        replacement.action_submit()
        remittance = self.pay(replacement, "CC0002")
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.deposit_account, self.payer, 300.0, 0.0),
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.payer_ar, self.payer, 0.0, 200.0),
            ],
        )
        self.assertEqual(replacement.state, "paid")
        self.assertEqual((denial.state, denial.date_closed), ("won", self.today))
        self.assertReceivablesMatchClaims(self.payer)

    def test_resubmitted_as_is_wins_when_the_claim_is_paid(self):
        denial = self.denied("16", "RS0001").with_user(self.biller)
        denial.action_start()
        denial.action_resubmit()
        self.assertFalse(denial.move_id, "resubmitting posts nothing")
        claim = denial.claim_id
        self.assertEqual(claim.state, "ready", "collected by the next 837P batch")
        self.assertIn(
            "<p>Resubmitted as is after the payer's denial: ready for the next batch.</p>",
            claim.message_ids.mapped("body"),
        )
        self.assertEqual(claim.amount_residual, 300.0, "the invoice stays: the payer still owes it")
        with self.assertRaises(UserError) as caught:
            claim.action_resubmit_as_is()
        self.assertEqual(
            caught.exception.args[0], "Only a denied or partially paid claim is resubmitted as is."
        )
        claim.action_submit()
        remittance = self.pay(denial.claim_id, "RS0002")
        self.assertMoveLines(
            remittance.move_id,
            [
                (self.deposit_account, self.payer, 300.0, 0.0),
                (self.payer_ar, self.payer, 0.0, 100.0),
                (self.payer_ar, self.payer, 0.0, 200.0),
            ],
        )
        self.assertEqual(
            denial.claim_id.state, "paid", "the latest remittance is the claim's adjudication, not the denial"
        )
        self.assertEqual(denial.state, "won")


@tagged("post_install", "-at_install")
class TestDenialAppeal(RemittanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biller = cls.make_user("denial_appeal_biller", "medical_coding.medical_coding_group_biller")
        cls.front_desk = cls.make_user(
            "denial_appeal_front", "medical_coding.medical_coding_group_front_desk"
        )

    def test_appeal_letter_from_the_category_template(self):
        claim = self.submitted_claim()
        era = self.era(
            [
                self.era_claim(
                    claim,
                    0,
                    [],
                    status="4",
                    adjustments=[("CO", "50", 300)],
                    remarks=["N115", "N999"],
                    payer_claim_number="ICN77",
                )
            ],
            trace="AP0001",
            paid_on=self.today,
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        denial = claim.denial_ids.with_user(self.biller)
        template = self.env.ref("medical_billing.denial_appeal_template_medical_necessity")
        self.assertEqual(denial.appeal_template_id, template)
        self.assertIn("medically necessary", denial.appeal_argument)
        denial.appeal_argument = "<p>The knee injection followed three months of failed therapy.</p>"
        self.env["ir.attachment"].create(
            {"name": "visit-note.pdf", "raw": b"%PDF-1.4", "res_model": "medical.denial", "res_id": denial.id}
        )
        action = denial.action_appeal()
        # The letter is kept on the denial and downloaded (Odoo's test mode renders HTML, not a PDF).
        letter = denial._appeal_letters()
        self.assertEqual(letter.name, f"Appeal-{claim.patient_control_number}-level-1.html")
        self.assertEqual(action["url"], f"/web/content/{letter.id}?download=true")
        self.assertEqual(
            (denial.state, denial.appeal_level, denial.date_appealed), ("appealed", 1, self.today)
        )
        self.assertFalse(denial.move_id, "an appeal posts nothing")
        activity = denial.activity_ids
        self.assertEqual(activity.date_deadline, self.today + timedelta(days=60))
        self.assertEqual(activity.summary, "Appeal level 1: record the payer's answer")

        report = self.env.ref("medical_billing.action_report_denial_appeal")
        content, kind = (
            self.env["ir.actions.report"].with_user(self.biller)._render_qweb_html(report, denial.ids)
        )
        self.assertEqual(kind, "html")
        root = html.fromstring(content)
        letter = root.xpath("//div[contains(@class, 'denial-appeal')]")[0]
        self.assertEqual(letter.get("data-claim"), claim.patient_control_number)
        text = " ".join(letter.text_content().split())
        self.assertIn("Request for Reconsideration (first appeal)", text)
        self.assertIn("ICN77", text)
        self.assertIn(self.payer.name, text)
        self.assertIn("CO-50", text)
        self.assertIn("not deemed a medical necessity", text)
        self.assertIn("Remarks: N115, N999", text)
        # each code explained in words
        self.assertIn(
            "CO-50 (reason code 50): Non-covered: not deemed a medical necessity by the payer", text
        )
        self.assertIn(f"N115: {N115}", text)
        self.assertIn("N999: not in our list of remark codes", text)
        self.assertIn("three months of failed therapy", text)
        self.assertIn("visit-note.pdf", text)
        codes = [row.xpath("./td")[0].text_content() for row in letter.xpath(".//tr[@class='appeal-line']")]
        self.assertEqual(codes, claim.line_ids.sorted("sequence").mapped("code_id.code"))

        # The payer upholds it: lost; a second-level appeal follows.
        denial.action_lost()
        denial.action_appeal()
        self.assertEqual((denial.state, denial.appeal_level), ("appealed", 2))
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(report, denial.ids)
        self.assertIn("Appeal, level 2", " ".join(html.fromstring(content).text_content().split()))
        denial.action_won()
        self.assertEqual(denial.state, "won")

    def pdf_text(self, attachment):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=attachment.raw, capture_output=True, check=True
        ).stdout.decode()
        return " ".join(text.split())

    def test_appeal_letters_kept_as_pdfs_on_the_denial(self):
        """Each appeal keeps its letter (a real PDF, read back with pdftotext) on the denial, one per level,
        and says so in the chatter."""
        if not (shutil.which("wkhtmltopdf") and shutil.which("pdftotext")):
            self.skipTest("wkhtmltopdf and pdftotext are installed by make test (tools/test.sh)")
        claim = self.submitted_claim()
        era = self.era(
            [
                self.era_claim(
                    claim,
                    0,
                    [],
                    status="4",
                    adjustments=[("CO", "50", 300)],
                    remarks=["N115"],
                    payer_claim_number="ICN88",
                )
            ],
            trace="AP0003",
            paid_on=self.today,
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        denial = claim.denial_ids.with_user(self.biller).with_context(force_report_rendering=True)
        self.env["ir.attachment"].create(
            {"name": "visit-note.pdf", "raw": b"%PDF-1.4", "res_model": "medical.denial", "res_id": denial.id}
        )
        action = denial.action_appeal()
        first = denial._appeal_letters()
        number = claim.patient_control_number
        self.assertEqual(first.name, f"Appeal-{number}-level-1.pdf")
        self.assertEqual((first.mimetype, first.raw[:4]), ("application/pdf", b"%PDF"))
        self.assertEqual(
            action,
            {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{first.id}?download=true",
                "target": "download",
            },
        )
        text = self.pdf_text(first)
        for expected in (
            self.payer.name,
            number,
            "ICN88",
            "Request for Reconsideration (first appeal)",
            "CO-50 (reason code 50): Non-covered: not deemed a medical necessity by the payer",
            f"N115: {N115}",
            "visit-note.pdf",
        ):
            self.assertIn(expected, text)
        self.assertEqual((first.res_model, first.res_id), ("medical.claim", claim.id))
        self.assertIn(
            f"<p>Appeal letter, level 1, saved as Appeal-{number}-level-1.pdf.</p>",
            denial.message_ids.mapped("body"),
        )
        self.assertIn(first, claim.message_ids.attachment_ids, "the letter is in the claim's chatter")

        # The payer upholds it; the second-level letter is kept beside the first.
        denial.action_lost()
        denial.action_appeal()
        letters = denial._appeal_letters()
        self.assertEqual(
            letters.mapped("name"), [f"Appeal-{number}-level-1.pdf", f"Appeal-{number}-level-2.pdf"]
        )
        self.assertEqual(letters[0], first, "the first letter is kept as it was")
        second = self.pdf_text(letters[1])
        self.assertIn("Appeal, level 2", second)
        self.assertNotIn("Request for Reconsideration", second)
        self.assertNotIn(first.name, second, "a letter does not enclose the earlier letters")
        self.assertIn(
            f"<p>Appeal letter, level 2, saved as Appeal-{number}-level-2.pdf.</p>",
            denial.message_ids.mapped("body"),
        )

    def test_front_desk_cannot_read_the_appeal_letter_of_its_denial(self):
        """The front desk reads its eligibility denials, not the letter: it names the claim and its lines."""
        claim = self.submitted_claim()
        era = self.era(
            [self.era_claim(claim, 0, [], status="4", adjustments=[("CO", "31", 300)])],
            trace="AP0004",
            paid_on=self.today,
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        denial = claim.denial_ids
        denial.user_id = self.front_desk
        denial.with_user(self.biller).action_appeal()
        letter = denial.with_user(self.biller)._appeal_letters()
        self.assertEqual(len(letter), 1)
        self.assertEqual(denial.with_user(self.front_desk).state, "appealed", "the denial stays readable")
        with self.assertRaises(AccessError):
            letter.with_user(self.front_desk).read(["raw"])
        self.assertFalse(
            self.env["ir.attachment"].with_user(self.front_desk).search([("id", "=", letter.id)])
        )
        with self.assertRaises(AccessError):
            denial.with_user(self.front_desk).read(["appeal_letter_ids"])

    def test_no_appeal_after_the_deadline(self):
        claim = self.submitted_claim()
        era = self.era(
            [self.era_claim(claim, 0, [], status="4", adjustments=[("CO", "50", 300)])], trace="AP0002"
        )
        self.import_era(era)
        denial = claim.denial_ids.with_user(self.biller)
        self.assertLess(denial.date_appeal_deadline, self.today)
        with self.assertRaises(UserError) as caught:
            denial.action_appeal()
        self.assertEqual(
            caught.exception.args[0],
            f"The appeal deadline of the denial of {claim.patient_control_number} was "
            f"{denial.date_appeal_deadline}.",
        )
        self.assertEqual(denial.state, "new")


@tagged("post_install", "-at_install")
class TestDenialLearning(RemittanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payer.denial_appeal_days = 5000  # the 835s are dated 2025: keep the appeals open

    def paid(self, claim):
        lines = claim.line_ids.sorted("sequence")
        return self.era_claim(
            claim, claim.amount_total, [self.service(line, line.charge_amount) for line in lines]
        )

    def test_kpis_on_a_seeded_history(self):
        paid_one, paid_two, won, lost, part = (self.submitted_claim() for _i in range(5))
        first, second = part.line_ids.sorted("sequence")
        era = self.era(
            [
                self.paid(paid_one),
                self.paid(paid_two),
                self.era_claim(won, 0, [], status="4", adjustments=[("CO", "50", 300)]),
                self.era_claim(lost, 0, [], status="4", adjustments=[("CO", "16", 300)]),
                self.era_claim(
                    part, 100, [self.service(first, 100), self.service(second, 0, [("CO", "97", 200)])]
                ),
            ],
            trace="KPI001",
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        won.denial_ids.action_appeal()
        won.denial_ids.action_won()
        lost.denial_ids.action_appeal()
        lost.denial_ids.action_lost()
        self.assertEqual(part.denial_ids.amount, 200.0)
        kpis = self.env["medical.denial"]._denial_kpis(remittance.date_payment, remittance.date_payment)
        days = (self.today - remittance.date_payment).days
        # By line (10 lines: 99213 + 25 at $100, 20610 + RT at $200 on each claim): a whole-claim denial
        # denies both lines. A CARC's rate: its denied lines of the 10 adjudicated ($ of the $1,500).
        self.assertEqual(
            kpis.pop("by_carc"),
            {
                "50": {"denied": 2, "rate": 20.0, "amount": 300.0, "rate_amount": 20.0},
                "16": {"denied": 2, "rate": 20.0, "amount": 300.0, "rate_amount": 20.0},
                "97": {"denied": 1, "rate": 10.0, "amount": 200.0, "rate_amount": 13.33},
            },
        )
        self.assertEqual(
            {code.code: figures for code, figures in kpis.pop("by_procedure").items()},
            {
                "99213": {
                    "adjudicated": 5,
                    "denied": 2,
                    "rate": 40.0,
                    "charges": 500.0,
                    "amount": 200.0,
                    "rate_amount": 40.0,
                },
                "20610": {
                    "adjudicated": 5,
                    "denied": 3,
                    "rate": 60.0,
                    "charges": 1000.0,
                    "amount": 600.0,
                    "rate_amount": 60.0,
                },
            },
        )
        self.assertEqual(
            kpis,
            {
                "adjudicated": 5,
                "adjudicated_lines": 10,
                "denied": 3,
                "denial_rate": 60.0,
                "denial_rate_amount": 53.33,  # (300 + 300 + 200) / 1500
                "first_pass_rate": 40.0,
                "overturn_rate": 50.0,
                "days_to_resolve": float(days),
            },
        )
        # The same figures in the analysis (pivot: the denial rate is the average of 0 / 100 per claim).
        Report = self.env["medical.denial.rate.report"].with_user(
            self.make_user("kpi_biller", "medical_coding.medical_coding_group_biller")
        )
        claims = paid_one | paid_two | won | lost | part
        totals = Report.read_group(
            [("claim_id", "in", claims.ids)],
            [
                "denial_rate:avg",
                "first_pass_rate:avg",
                "claim_count:sum",
                "amount_denied:sum",
                "amount_charges:sum",
            ],
            ["payer_id"],
        )[0]
        self.assertEqual(
            (totals["claim_count"], totals["denial_rate"], totals["first_pass_rate"]), (5, 60.0, 40.0)
        )
        self.assertEqual((totals["amount_denied"], totals["amount_charges"]), (800.0, 1500.0))
        other = self.env["medical.denial"]._denial_kpis(self.today, self.today)
        self.assertEqual((other["adjudicated"], other["denial_rate"]), (0, 0.0))
        self.assertEqual((other["by_carc"], other["by_procedure"]), ({}, {}))

        # The line analysis the biller pivots: the average of the 0 / 100 flags by procedure code (and
        # modifiers) is its denial rate.
        Lines = self.env["medical.denial.line.report"].with_user(Report.env.user)
        rows = Lines.read_group(
            [("claim_id", "in", claims.ids)],
            ["denial_rate:avg", "line_count:sum", "amount_denied:sum", "amount_charge:sum"],
            ["code_id", "modifiers"],
            lazy=False,
        )
        self.assertEqual(
            sorted(
                (
                    self.env["medical.code"].browse(row["code_id"][0]).code,
                    row["modifiers"],
                    row["line_count"],
                    row["denial_rate"],
                    row["amount_denied"],
                    row["amount_charge"],
                )
                for row in rows
            ),
            [("20610", "RT", 5, 60.0, 600.0, 1000.0), ("99213", "25", 5, 40.0, 200.0, 500.0)],
        )
        by_reason = Lines.read_group(
            [("claim_id", "in", claims.ids), ("denied_count", "=", 1)], ["amount_denied:sum"], ["reason_code"]
        )
        self.assertEqual(
            sorted((row["reason_code"], row["reason_code_count"], row["amount_denied"]) for row in by_reason),
            [("16", 2, 300.0), ("50", 2, 300.0), ("97", 1, 200.0)],
        )
        for view_type in ("pivot", "graph", "list", "search"):
            self.assertTrue(Lines.get_views([(False, view_type)])["views"][view_type]["arch"])

        # Billing / Denial Rates, as the biller opens it for the day of the remittance.
        rates = (
            self.env["medical.denial.rates"]
            .with_user(Report.env.user)
            .create({"date_from": remittance.date_payment, "date_to": remittance.date_payment})
        )
        self.assertEqual(
            (rates.adjudicated, rates.denied, rates.denial_rate, rates.denial_rate_amount),
            (5, 3, 60.0, 53.33),
        )
        self.assertEqual(
            [
                (line.code, line.denied, line.adjudicated, line.rate, line.amount, line.rate_amount)
                for line in rates.carc_line_ids
            ],
            [
                ("16", 2, 10, 20.0, 300.0, 20.0),
                ("50", 2, 10, 20.0, 300.0, 20.0),
                ("97", 1, 10, 10.0, 200.0, 13.33),
            ],
        )
        self.assertEqual(
            rates.carc_line_ids[1].description, "Non-covered: not deemed a medical necessity by the payer"
        )
        self.assertEqual(
            [(line.code, line.denied, line.adjudicated, line.rate) for line in rates.procedure_line_ids],
            [("20610", 3, 5, 60.0), ("99213", 2, 5, 40.0)],
        )
        self.assertEqual(
            rates.procedure_line_ids.code_id, won.line_ids.code_id, "keyed by the code, not its text"
        )
        rates.date_from = rates.date_to = self.today
        rates.action_show_rates()
        self.assertEqual((rates.adjudicated, len(rates.line_ids)), (0, 0))
        self.assertTrue(Form(self.env["medical.denial.rates"].with_user(Report.env.user)).date_from)

    def seeded_chains(self):
        """A line denied twice (CARC 16, then 97), a denial of a cancelled remittance (the claim then
        paid), a denied claim paid by its corrected claim (frequency 7), a paid claim with a denial
        entered by hand. Returns (first day, claims)."""
        start = self.today - timedelta(days=20)
        twice = self.submitted_claim(lines=[("cpt_99213", [], 1, "A", 100.0)])
        cancelled, corrected, by_hand = (self.submitted_claim() for _i in range(3))

        def remit(claims, trace, days):
            remittance, _counts = self.import_era(
                self.era(claims, trace=trace, paid_on=start + timedelta(days=days))
            )
            self.assertNoExceptions(remittance)
            return remittance

        def denial(claim, reason):
            return self.era_claim(claim, 0, [], status="4", adjustments=[("CO", reason, claim.amount_total)])

        remit([denial(twice, "16"), denial(corrected, "4"), self.paid(by_hand)], "CH0001", 0)
        remit([denial(twice, "97")], "CH0002", 1)
        remit([denial(cancelled, "50")], "CH0003", 0).action_cancel()
        remit([self.paid(cancelled)], "CH0004", 2)
        corrected.denial_ids.action_corrected_claim()
        replacement = corrected.denial_ids.replacement_claim_id
        replacement.action_validate()
        replacement.action_submit()
        remit([self.paid(replacement)], "CH0005", 3)
        self.env["medical.denial"].create(
            {
                "claim_id": by_hand.id,
                "payer_id": self.payer.id,
                "group_code": "CO",
                "reason_code": "197",
                "amount": 300.0,
                "date_denied": start,
            }
        )
        self.assertEqual(len(twice.denial_ids), 2)
        self.assertEqual(corrected.denial_ids.state, "won")
        return start, twice | cancelled | corrected | by_hand | replacement

    def test_each_denied_service_counts_once(self):
        start, claims = self.seeded_chains()
        # 4 adjudicated claims (the replacement is its original's chain): 2 denied, $400 of $1,000.
        Report = self.env["medical.denial.rate.report"]
        [(count, denied, amount, charges)] = Report._read_group(
            [("claim_id", "in", claims.ids)],
            [],
            ["claim_count:sum", "denied_count:sum", "amount_denied:sum", "amount_charges:sum"],
        )
        self.assertEqual((count, denied, amount, charges), (4, 2, 400.0, 1000.0))
        kpis = self.env["medical.denial"]._denial_kpis(start, self.today)
        # 7 lines: the twice-denied 99213 ($100) once for 16 and once for 97; the corrected claim's two.
        self.assertEqual(
            kpis["by_carc"],
            {
                "16": {"denied": 1, "rate": 14.29, "amount": 100.0, "rate_amount": 10.0},
                "97": {"denied": 1, "rate": 14.29, "amount": 100.0, "rate_amount": 10.0},
                "4": {"denied": 2, "rate": 28.57, "amount": 300.0, "rate_amount": 30.0},
            },
        )
        self.assertEqual(
            {code.code: figures for code, figures in kpis["by_procedure"].items()},
            {
                "99213": {
                    "adjudicated": 4,
                    "denied": 2,
                    "rate": 50.0,
                    "charges": 400.0,
                    "amount": 200.0,
                    "rate_amount": 50.0,
                },
                "20610": {
                    "adjudicated": 3,
                    "denied": 1,
                    "rate": 33.33,
                    "charges": 600.0,
                    "amount": 200.0,
                    "rate_amount": 33.33,
                },
            },
        )

    def test_the_headline_agrees_with_its_tables_and_the_overview(self):
        """A claim is adjudicated on its first remittance: denied 120 days ago and paid 10 days ago, it is
        out of the last 90 days, in the wizard's headline as in its tables and on the overview."""
        old, recent = self.submitted_claim(), self.submitted_claim()
        for claims, trace, days in (
            ([self.era_claim(old, 0, [], status="4", adjustments=[("CO", "16", 300)])], "HL0001", 120),
            ([self.paid(old)], "HL0002", 10),
            ([self.paid(recent)], "HL0003", 5),
        ):
            remittance, _counts = self.import_era(
                self.era(claims, trace=trace, paid_on=self.today - timedelta(days=days))
            )
            self.assertNoExceptions(remittance)
        rates = self.env["medical.denial.rates"].create(
            {"date_from": self.today - timedelta(days=90), "date_to": self.today}
        )
        self.assertEqual((rates.adjudicated, rates.denied, rates.denial_rate), (1, 0, 0.0))
        self.assertEqual(sum(rates.procedure_line_ids.mapped("adjudicated")), 2, "the recent claim's lines")
        self.assertFalse(rates.carc_line_ids)
        card = self.env.company
        card.invalidate_recordset()
        self.assertEqual(
            (card.medical_dash_adjudicated, card.medical_dash_denied, card.medical_dash_denial_rate),
            (rates.adjudicated, rates.denied, rates.denial_rate),
        )

    def test_denial_risk_warning_from_the_payers_history(self):
        history = [self.submitted_claim() for _i in range(5)]
        era = self.era(
            [
                self.era_claim(history[0], 0, [], status="4", adjustments=[("CO", "97", 300)]),
                self.era_claim(history[1], 0, [], status="4", adjustments=[("CO", "97", 300)]),
                *(self.paid(claim) for claim in history[2:]),
            ],
            trace="RISK01",
            paid_on=self.today,
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        claim = self.make_claim()
        claim.action_validate()
        self.assertEqual(claim.state, "ready", "a warning does not block the claim")
        risks = claim.finding_ids.filtered(lambda f: f.edit_code == "CLM_DENIAL_RISK")
        self.assertEqual(
            sorted(risks.mapped("message")),
            [
                "Acme Health denied 20610 + RT in 2 of 5 claims: CARC 97",
                "Acme Health denied 99213 + 25 in 2 of 5 claims: CARC 97",
            ],
        )
        self.assertEqual(set(risks.mapped("severity")), {"warning"})
        # Above the rate set by the company: no flag.
        self.practice.medical_denial_risk_rate = 50.0
        claim.action_reset_draft()
        claim.action_validate()
        self.assertFalse(claim.finding_ids.filtered(lambda f: f.edit_code == "CLM_DENIAL_RISK"))

    def test_denial_risk_by_code_and_diagnosis(self):
        knee = [self.submitted_claim(lines=[("cpt_99213", [], 1, "A", 100.0)]) for _i in range(5)]
        chest = [self.submitted_claim(lines=[("cpt_99213", [], 1, "B", 100.0)]) for _i in range(5)]
        era = self.era(
            [
                self.era_claim(knee[0], 0, [], status="4", adjustments=[("CO", "11", 100)]),
                self.era_claim(knee[1], 0, [], status="4", adjustments=[("CO", "11", 100)]),
                *(self.paid(claim) for claim in knee[2:] + chest),
            ],
            trace="RISK02",
            paid_on=self.today,
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        claim = self.make_claim(lines=[("cpt_99213", [], 1, "A", 100.0)])
        claim.action_validate()
        risks = claim.finding_ids.filtered(lambda f: f.edit_code == "CLM_DENIAL_RISK")
        knee_code = claim.diagnosis_ids.filtered(lambda d: d.letter == "A").code_id.code
        # 2 of 5 with the knee diagnosis; 2 of 10 for the code alone stays under the 25% rate.
        self.assertEqual(
            risks.mapped("message"), [f"Acme Health denied 99213 + {knee_code} in 2 of 5 claims: CARC 11"]
        )
        other = self.make_claim(lines=[("cpt_99213", [], 1, "B", 100.0)])
        other.action_validate()
        self.assertFalse(other.finding_ids.filtered(lambda f: f.edit_code == "CLM_DENIAL_RISK"))


@tagged("post_install", "-at_install")
class TestBillingOverview(RemittanceCommon):
    """Billing / Overview: the practice's card as the biller reads it each morning."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biller = cls.make_user("overview_biller", "medical_coding.medical_coding_group_biller")
        cls.front_desk = cls.make_user("overview_front", "medical_coding.medical_coding_group_front_desk")

    def card(self):
        company = self.env.company.with_user(self.biller)
        company.invalidate_recordset()
        return company

    def open(self, figure):
        """The records of the list a click on ``figure`` opens, as the biller."""
        action = self.card().with_context(medical_figure=figure).action_medical_dash_open()
        return self.env[action["res_model"]].with_user(self.biller).search(action["domain"])

    def test_the_figures_of_the_morning(self):
        paid, denied, part = (self.submitted_claim() for _i in range(3))
        first, second = part.line_ids.sorted("sequence")
        today_era = self.era(
            [
                self.era_claim(paid, 300, [self.service(ln, ln.charge_amount) for ln in paid.line_ids]),
                self.era_claim(denied, 0, [], status="4", adjustments=[("CO", "50", 300)]),
                self.era_claim(
                    part, 100, [self.service(first, 100), self.service(second, 0, [("CO", "97", 200)])]
                ),
                self.era_claim(self.submitted_claim(), 300, [], pcn="NOTOURS1"),
            ],
            trace="DASH01",
            paid_on=self.today,
        )
        remittance, counts = self.import_era(today_era)
        self.assertEqual(counts["exceptions"], 1)
        # An old denial (an 835 of 2025): past its appeal deadline, out of the 90 days' rate.
        old = self.submitted_claim()
        self.import_era(self.era([self.era_claim(old, 0, [], status="4", adjustments=[("CO", "16", 300)])]))
        # One entered by hand 110 days ago: 10 days left to appeal.
        soon = self.submitted_claim()
        self.env["medical.denial"].create(
            {
                "claim_id": soon.id,
                "payer_id": self.payer.id,
                "group_code": "CO",
                "reason_code": "197",
                "amount": 300.0,
                "date_denied": self.today - timedelta(days=110),
            }
        )
        ready = self.make_claim()
        ready.action_validate()
        self.assertEqual(ready.state, "ready")

        card = self.card()
        self.assertEqual(
            (card.medical_dash_adjudicated, card.medical_dash_denied), (3, 2), "claims adjudicated in 90 days"
        )
        self.assertEqual(card.medical_dash_denial_rate, 66.67)  # 2 of 3 claims
        self.assertEqual(card.medical_dash_denial_rate_amount, 55.56)  # $500 of $900
        self.assertEqual((card.medical_dash_denials_open, card.medical_dash_denials_open_amount), (4, 1100.0))
        self.assertEqual((card.medical_dash_denials_late, card.medical_dash_denials_due), (1, 1))
        self.assertEqual((card.medical_dash_claims_ready, card.medical_dash_claims_ready_amount), (1, 300.0))
        self.assertEqual((card.medical_dash_exceptions, card.medical_dash_exceptions_amount), (1, 300.0))

        # Each figure opens its list.
        self.assertEqual(self.open("denials_late").claim_id, old)
        self.assertEqual(self.open("denials_due").claim_id, soon)
        self.assertEqual(len(self.open("denials_open")), 4)
        self.assertEqual(self.open("claims_ready"), ready)
        self.assertEqual(
            self.open("exceptions"), remittance.claim_ids.filtered(lambda c: c.match_state == "exception")
        )
        self.assertEqual(self.open("denial_rate").claim_id, paid | denied | part)

        # Worked: the soon-due denial appealed, the old one closed; the card follows.
        denial = soon.denial_ids.with_user(self.biller)
        denial.action_appeal()
        old.denial_ids.with_user(self.biller).action_close("Past the payer's limit: written off by policy")
        card = self.card()
        self.assertEqual((card.medical_dash_denials_late, card.medical_dash_denials_due), (0, 0))
        self.assertEqual((card.medical_dash_denials_open, card.medical_dash_denials_open_amount), (3, 800.0))

        # The overview opens on the practices of the company switcher, with these cards.
        action = self.env["res.company"].with_user(self.biller)._medical_billing_overview_action()
        self.assertEqual((action["res_model"], action["domain"]), ("res.company", [("id", "in", card.ids)]))
        arch = card.get_views([(action["view_id"][0], "kanban")])["views"]["kanban"]["arch"]
        self.assertIn("medical_dash_denial_rate", arch)
        self.assertEqual(
            self.env.ref("medical_billing.medical_billing_overview_menu").parent_id.child_id.sorted(
                "sequence"
            )[0],
            self.env.ref("medical_billing.medical_billing_overview_menu"),
            "the overview is the first item of the Billing menu",
        )

    def test_front_desk_cannot_read_the_figures(self):
        company = self.env.company.with_user(self.front_desk)
        for field in (
            "medical_dash_denial_rate",
            "medical_dash_denials_open_amount",
            "medical_dash_claims_ready",
        ):
            with self.subTest(field=field), self.assertRaises(AccessError):
                company.read([field])
        with self.assertRaises(AccessError) as caught:
            company.with_context(medical_figure="denials_open").action_medical_dash_open()
        self.assertEqual(caught.exception.args[0], "Only billers open the billing overview.")
        menu = self.env.ref("medical_billing.medical_billing_overview_menu")
        self.assertNotIn(
            menu, self.env["ir.ui.menu"].with_user(self.front_desk).search([("id", "=", menu.id)])
        )
