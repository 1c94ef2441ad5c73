# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Denials (issue 13): reason codes and their categories, deadline and priority, the workflow, the walls."""

import csv
from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .remittance_common import RemittanceCommon


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
