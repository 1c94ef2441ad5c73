# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import shutil
import subprocess
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import html

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools.misc import format_date

from .remittance_common import RemittanceCommon


@tagged("post_install", "-at_install")
class TestStatementPreferences(RemittanceCommon):
    def test_hold_needs_a_reason(self):
        with self.assertRaisesRegex(
            ValidationError, f"Guarantor #{self.patient.id}: give the reason statements are held."
        ):
            self.patient.write({"statement_hold": True})
        self.patient.write({"statement_hold": True, "statement_hold_reason": "Appeal pending"})
        self.assertTrue(self.patient.statement_hold)

    def test_email_delivery_needs_address_and_consent(self):
        message = (
            f"Guarantor #{self.patient.id}: statements by e-mail or portal need an e-mail address and "
            "the consent to e-mail."
        )
        with self.assertRaisesRegex(ValidationError, message):
            self.patient.write({"statement_delivery": "email", "email": "one@example.com"})
        with self.assertRaisesRegex(ValidationError, message):
            self.patient.write(
                {"statement_delivery": "portal", "statement_consent_email": True, "email": False}
            )
        self.patient.write(
            {"statement_delivery": "email", "statement_consent_email": True, "email": "one@example.com"}
        )
        self.assertEqual(self.patient.statement_delivery, "email")

    def test_cycle_day(self):
        self.assertEqual(self.patient.statement_delivery, "paper", "paper by default")
        self.assertEqual(self.patient._statement_cycle_day(), ord("T") - ord("A") + 1, "alphabet cycle")
        self.patient.statement_cycle_day = 15
        self.assertEqual(self.patient._statement_cycle_day(), 15)
        with self.assertRaisesRegex(ValidationError, "the statement cycle day is between 1 and 28"):
            self.patient.statement_cycle_day = 31


class StatementCommon(RemittanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The document layout is chosen: printing gives the report, not the layout configurator.
        cls.practice.external_report_layout_id = cls.env.ref("web.external_layout_standard")

    def remit_with_patient_share(self, patient=None, paid_on=None):
        """An ERA paying a claim of ``patient`` on ``paid_on`` (today): 200 paid, 80 contractual, 20 copay
        (PR 3)."""
        claim = self.submitted_claim(patient=patient)
        first, second = claim.line_ids.sorted("sequence")
        era = self.era(
            [
                self.era_claim(
                    claim,
                    200,
                    [
                        self.service(first, 60, [("CO", "45", 20), ("PR", "3", 20)], allowed=80),
                        self.service(second, 140, [("CO", "45", 60)], allowed=140),
                    ],
                    patient_amount=20,
                )
            ],
            trace=f"EFT{claim.id}",
            paid_on=paid_on or self.today,
        )
        remittance, _counts = self.import_era(era)
        self.assertEqual(remittance.state, "posted")
        self.assertNoExceptions(remittance)
        return claim

    def run_statements(self, **values):
        wizard = self.env["medical.statement.run"].create(values)
        action = wizard.action_run()
        return self.env["medical.statement"].search(action["domain"])

    def receivable_at(self, partner, date):
        items = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.patient_ar.id),
                ("partner_id", "=", partner.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", date),
            ]
        )
        return sum(items.mapped("balance"))


@tagged("post_install", "-at_install")
class TestStatementRun(StatementCommon):
    def test_statement_ties_to_the_patient_receivable(self):
        claim = self.remit_with_patient_share()
        statement = self.run_statements()
        self.assertEqual(statement.partner_id, self.patient)
        self.assertEqual(statement.balance_due, 20.0)
        self.assertEqual(statement.balance_due, self.receivable_at(self.patient, statement.date))
        self.assertEqual(
            statement.previous_balance + statement.new_charges - statement.payments, statement.balance_due
        )
        self.assertEqual(sum(statement.line_ids.mapped("balance")), statement.balance_due)
        self.assertEqual(
            statement.aging_current + statement.aging_31_60 + statement.aging_61_90 + statement.aging_90_plus,
            statement.balance_due,
        )
        self.assertEqual(statement.aging_current, 20.0)
        self.assertEqual((statement.dunning_level, statement.delivery_channel), ("0", "paper"))
        self.assertEqual(statement.date_due, statement.date + timedelta(days=21))
        line = statement.line_ids
        self.assertRecordValues(
            line,
            [
                {
                    "claim_id": claim.id,
                    "date_service": self.dos,
                    "patient_id": self.patient.id,
                    "provider_id": self.provider.id,
                    "charge_amount": 300.0,
                    "insurance_paid": 200.0,
                    "adjustment_amount": 80.0,
                    "patient_amount": 20.0,
                    "payment_amount": 0.0,
                    "balance": 20.0,
                }
            ],
        )
        self.assertEqual(
            line.explanation,
            "Your insurance paid $ 200.00; $ 80.00 was taken off by your insurance's discount; "
            "$ 20.00 is your copay; $ 20.00 is due.",
        )
        self.assertFalse(statement.is_paid)
        self.assertTrue(statement.name.startswith("STMT"))

    def test_services_in_the_practices_own_words(self):
        """The statement names each service as the practice wrote it for patients; the code's short
        description where it wrote nothing."""
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        first.code_id.patient_description = "Office visit"
        second.code_id.patient_description = False
        era = self.era(
            [
                self.era_claim(
                    claim,
                    180,
                    [
                        self.service(first, 40, [("CO", "45", 20), ("PR", "1", 40)]),
                        self.service(second, 140, [("CO", "45", 60)]),
                    ],
                    patient_amount=40,
                )
            ],
            trace="EFTWORDS1",
            paid_on=self.today,
        )
        self.import_era(era)
        statement = self.run_statements()
        self.assertEqual(statement.line_ids.description, f"Office visit, {second.code_id.name}")

    def test_deductible_and_coinsurance_in_plain_words(self):
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        era = self.era(
            [
                self.era_claim(
                    claim,
                    180,
                    [
                        self.service(first, 40, [("CO", "45", 20), ("PR", "1", 30), ("PR", "2", 10)]),
                        self.service(second, 140, [("CO", "45", 60)]),
                    ],
                    patient_amount=40,
                )
            ],
            trace="EFTDED1",
            paid_on=self.today,
        )
        remittance, _counts = self.import_era(era)
        self.assertNoExceptions(remittance)
        statement = self.run_statements()
        self.assertEqual(statement.balance_due, 40.0)
        self.assertEqual(statement.balance_due, self.receivable_at(self.patient, statement.date))
        self.assertEqual(
            statement.line_ids.explanation,
            "Your insurance paid $ 180.00; $ 80.00 was taken off by your insurance's discount; "
            "$ 30.00 is your deductible; $ 10.00 is your coinsurance; $ 40.00 is due.",
        )

    def test_aging_and_dunning_level(self):
        self.remit_with_patient_share(paid_on=self.today - timedelta(days=95))
        self.remit_with_patient_share(paid_on=self.today - timedelta(days=45))
        self.remit_with_patient_share()
        statement = self.run_statements()
        self.assertRecordValues(
            statement,
            [
                {
                    "balance_due": 60.0,
                    "aging_current": 20.0,
                    "aging_31_60": 20.0,
                    "aging_61_90": 0.0,
                    "aging_90_plus": 20.0,
                    "dunning_level": "3",
                }
            ],
        )
        self.assertIn("Final notice", statement.dunning_message)
        self.assertEqual(statement.balance_due, self.receivable_at(self.patient, statement.date))

    def test_hold_threshold_and_none_are_skipped(self):
        held = self._make_patient("Held Patient")
        self._make_coverage(held)
        none = self._make_patient("Collections Patient")
        self._make_coverage(none)
        for patient in (self.patient, held, none):
            self.remit_with_patient_share(patient)
        held.write({"statement_hold": True, "statement_hold_reason": "Appeal pending"})
        none.statement_delivery = "none"
        statements = self.run_statements()
        self.assertEqual(statements.partner_id, self.patient)
        with self.assertRaisesRegex(UserError, "No guarantor of this cycle owes more than the threshold."):
            self.run_statements(min_balance=20.0)

    def test_guarantor_gets_the_statement_of_a_minor(self):
        parent = self.env["res.partner"].create({"name": "Parent Guarantor", "company_id": self.practice.id})
        child = self._make_patient("Minor Child")
        child.guarantor_id = parent
        self._make_coverage(child)
        self.remit_with_patient_share(child)
        statement = self.run_statements(cycle="alpha", letter_from="P", letter_to="P")
        self.assertEqual(statement.partner_id, parent)
        self.assertEqual(statement.line_ids.patient_id, child)
        self.assertEqual(statement.balance_due, self.receivable_at(parent, statement.date))

    def test_cron_cycle_day(self):
        self.remit_with_patient_share()
        today = fields.Date.context_today(self.env["medical.statement"])
        self.patient.statement_cycle_day = min(today.day, 28) % 28 + 1  # not today
        Statement = self.env["medical.statement"]
        self.assertFalse(Statement._run_cycle(self.practice, today))
        self.patient.statement_cycle_day = min(today.day, 28)
        statement = Statement._run_cycle(self.practice, today)
        self.assertEqual(statement.partner_id, self.patient)
        self.assertFalse(Statement._run_cycle(self.practice, today), "one statement a cycle")


@tagged("post_install", "-at_install")
class TestStatementDelivery(StatementCommon):
    """Without wkhtmltopdf on the machine, the statement is checked in its HTML rendering (the PDF is the
    same QWeb page); in test mode Odoo attaches that rendering to the e-mails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.practice.write(
            {
                "email": "billing@practice.example",
                "medical_statement_phone": "(916) 555-0100",
            }
        )

    def render(self, statements):
        report = self.env.ref("medical_billing.action_report_medical_statement")
        content, kind = self.env["ir.actions.report"]._render_qweb_html(report, statements.ids)
        self.assertEqual(kind, "html")
        return html.fromstring(content)

    @staticmethod
    def text(root, key):
        return [" ".join(node.text_content().split()) for node in root.xpath(f"//*[@data-st='{key}']")]

    def test_statement_page(self):
        self.remit_with_patient_share()
        statement = self.run_statements()
        root = self.render(statement)
        self.assertEqual(self.text(root, "number"), [statement.name])
        self.assertEqual(self.text(root, "balance"), ["$ 20.00"])
        self.assertEqual(self.text(root, "slip-balance"), ["$ 20.00"], "the tear-off slip")
        self.assertEqual(
            self.text(root, "explanation"),
            [
                "Your insurance paid $ 200.00; $ 80.00 was taken off by your insurance's discount; "
                "$ 20.00 is your copay; $ 20.00 is due."
            ],
        )
        how = self.text(root, "how-to-pay")[0]
        self.assertIn(f"/my/statements/{statement.id}?access_token={statement.access_token}", how)
        self.assertIn("By phone: (916) 555-0100", how)
        self.assertIn("10 Practice Way", how)
        self.assertTrue(root.xpath("//img[contains(@src, 'barcode_type=QR')]"), "the QR code of the link")
        self.assertIn("financial assistance", self.text(root, "assistance")[0])

    def test_each_channel_is_delivered_and_logged(self):
        by_email = self.patient
        by_email.write(
            {"email": "one@example.com", "statement_consent_email": True, "statement_delivery": "email"}
        )
        by_portal = self._make_patient("Portal Patient")
        by_portal.write(
            {"email": "portal@example.com", "statement_consent_email": True, "statement_delivery": "portal"}
        )
        on_paper = self._make_patient("Paper Patient")
        on_paper_first = self._make_patient("Another Paper Patient")
        on_paper_first.zip = "90001"
        for patient in (by_portal, on_paper, on_paper_first):
            self._make_coverage(patient)
        for patient in (by_email, by_portal, on_paper, on_paper_first):
            self.remit_with_patient_share(patient)
        statements = self.run_statements()
        self.assertEqual(len(statements), 4)
        action = statements.action_send()
        self.assertEqual(set(statements.mapped("state")), {"sent"})
        # E-mail: the PDF and the signed link.
        email = statements.filtered(lambda s: s.partner_id == by_email)
        mail = self.env["mail.mail"].search([("model", "=", "medical.statement"), ("res_id", "=", email.id)])
        self.assertEqual(mail.recipient_ids, by_email)
        # In test mode, Odoo renders the report's HTML in place of the PDF (.html instead of .pdf).
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertTrue(mail.attachment_ids.name.startswith(f"Statement-{email.name}."))
        self.assertIn(b"$ 20.00 is your copay", mail.attachment_ids.raw)
        self.assertIn(f"/my/statements/{email.id}?access_token={email.access_token}", mail.body_html)
        # Portal: a notice with the link, no attachment.
        portal = statements.filtered(lambda s: s.partner_id == by_portal)
        notice = self.env["mail.mail"].search(
            [("model", "=", "medical.statement"), ("res_id", "=", portal.id)]
        )
        self.assertEqual(notice.recipient_ids, by_portal)
        self.assertFalse(notice.attachment_ids)
        self.assertIn(f"/my/statements/{portal.id}?access_token={portal.access_token}", notice.body_html)
        # Paper: one batch, sorted by ZIP code for mailing.
        paper = statements.filtered(lambda s: s.delivery_channel == "paper")
        self.assertEqual(action["report_name"], "medical_billing.report_medical_statement")
        self.assertEqual(
            action["context"]["active_ids"],
            [
                paper.filtered(lambda s: s.partner_id == on_paper_first).id,
                paper.filtered(lambda s: s.partner_id == on_paper).id,
            ],
        )
        # Every delivery is logged on the guarantor.
        for partner, how in (
            (by_email, "sent by e-mail"),
            (by_portal, "published in the portal"),
            (on_paper, "printed for mailing"),
        ):
            bodies = " ".join(partner.message_ids.mapped("body"))
            self.assertIn(how, bodies)
        with self.assertRaisesRegex(UserError, "These statements were sent already."):
            statements.action_send()

    def test_state_changes_only_through_actions(self):
        self.remit_with_patient_share()
        statement = self.run_statements()
        biller = self.make_user("statement_biller", "medical_coding.medical_coding_group_biller")
        with self.assertRaises(UserError):
            statement.with_user(biller).write({"state": "sent"})
        self.assertEqual(statement.state, "draft")


@tagged("post_install", "-at_install")
class TestPatientPayment(StatementCommon):
    def pay(self, **values):
        values.setdefault("partner_id", self.patient.id)
        wizard = self.env["medical.patient.payment"].create(values)
        action = wizard.action_confirm()
        payment = self.env["account.payment"].search(
            [("partner_id", "=", values["partner_id"])], order="id desc", limit=1
        )
        return wizard, payment, action

    def test_desk_payments_reconcile_oldest_first_and_pay_the_statement(self):
        old_claim = self.remit_with_patient_share(paid_on=self.today - timedelta(days=95))
        new_claim = self.remit_with_patient_share()
        statement = self.run_statements()
        self.assertEqual(statement.balance_due, 40.0)
        wizard = self.env["medical.patient.payment"].create(
            {"partner_id": self.patient.id, "method": "check"}
        )
        self.assertEqual(wizard.amount, 40.0, "the open balance by default")
        with self.assertRaisesRegex(UserError, "Enter the check number."):
            wizard.write({"amount": 30.0})
            wizard.action_confirm()
        wizard, payment, action = self.pay(
            method="check", reference="1234", amount=30.0, statement_id=statement.id
        )
        self.assertEqual(action["report_name"], "account.report_payment_receipt")
        self.assertEqual(payment.state, "in_process")
        self.assertEqual(payment.journal_id.type, "bank")
        self.assertIn("1234", payment.memo)
        self.assertMoveLines(
            payment.move_id,
            [
                (payment.outstanding_account_id, self.patient, 30.0, 0.0),
                (self.patient_ar, self.patient, 0.0, 30.0),
            ],
        )
        items = statement.line_ids.move_line_ids
        old_item = items.filtered(lambda i: i.medical_claim_id == old_claim)
        new_item = items.filtered(lambda i: i.medical_claim_id == new_claim)
        self.assertEqual((old_item.amount_residual, new_item.amount_residual), (0.0, 10.0), "oldest first")
        self.assertEqual(statement.amount_residual, 10.0)
        self.assertFalse(statement.is_paid)
        with self.assertRaisesRegex(UserError, "Enter the card terminal's reference."):
            self.pay(method="card", amount=10.0)
        _wizard, cash, _action = self.pay(method="cash", amount=15.0)
        self.assertEqual(cash.journal_id.type, "cash")
        self.assertTrue(statement.is_paid)
        report = self.env.ref("medical_billing.action_report_medical_statement")
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(report, statement.ids)
        paid = html.fromstring(content).xpath("//*[@data-st='paid']")
        self.assertEqual(
            [" ".join(n.text_content().split()) for n in paid], ["This statement is paid. Thank you!"]
        )
        # The 5.00 overpaid stays a credit of the guarantor, shown on the next statement.
        self.assertEqual(self.receivable_at(self.patient, self.today), -5.0)
        self.assertIn(
            "30.00 received at the desk (Check)",
            " ".join(self.patient.message_ids.mapped("body")),
        )

    def test_credit_applied_to_the_next_charge_then_refunded(self):
        self.remit_with_patient_share()
        self.pay(method="cash", amount=50.0)
        self.assertEqual(self.receivable_at(self.patient, self.today), -30.0, "a credit of 30.00")
        new_claim = self.remit_with_patient_share()
        statement = self.run_statements(min_balance=-100.0)
        new_item = statement.line_ids.move_line_ids.filtered(lambda i: i.medical_claim_id == new_claim)
        self.assertFalse(new_item, "the new charge was paid by the credit")
        self.assertEqual(statement.balance_due, -10.0)
        self.assertEqual(statement.line_ids.explanation, "A credit of $ 10.00 is on your account.")
        with self.assertRaisesRegex(
            UserError, rf"Guarantor #{self.patient.id} has a credit of \$.10\.00 only\."
        ):
            self.pay(method="check", reference="R1", amount=12.0, direction="outbound")
        wizard, refund, _action = self.pay(method="check", reference="R1", direction="outbound")
        self.assertEqual(wizard.amount, 10.0, "the credit by default")
        self.assertEqual(refund.payment_type, "outbound")
        self.assertMoveLines(
            refund.move_id,
            [
                (refund.outstanding_account_id, self.patient, 0.0, 10.0),
                (self.patient_ar, self.patient, 10.0, 0.0),
            ],
        )
        self.assertEqual(self.receivable_at(self.patient, self.today), 0.0)
        open_items = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.patient_ar.id),
                ("partner_id", "=", self.patient.id),
                ("reconciled", "=", False),
            ]
        )
        self.assertFalse(open_items.filtered("amount_residual"))

    def test_small_balances_written_off(self):
        self.remit_with_patient_share()
        other = self._make_patient("Other Patient")
        self._make_coverage(other)
        self.remit_with_patient_share(other)
        self.pay(method="cash", amount=17.0)  # 3.00 left
        writeoff = self.practice.medical_patient_writeoff_account_id
        statements = self.run_statements(write_off_below=5.0)
        self.assertEqual(statements.partner_id, other, "the small balance is written off, not billed")
        move = self.env["account.move"].search([("line_ids.account_id", "=", writeoff.id)])
        self.assertMoveLines(
            move, [(self.patient_ar, self.patient, 0.0, 3.0), (writeoff, self.patient, 3.0, 0.0)]
        )
        self.assertEqual(self.receivable_at(self.patient, self.today), 0.0)
        self.assertIn("written off as a small balance", " ".join(self.patient.message_ids.mapped("body")))


@tagged("post_install", "-at_install")
class TestPaymentPlan(StatementCommon):
    def test_instalments_on_statements_then_default(self):
        for _index in range(3):
            self.remit_with_patient_share()
        plan = self.env["medical.payment.plan"].create(
            {"partner_id": self.patient.id, "amount_total": 60.0, "instalment_count": 3, "day_of_month": 1}
        )
        with self.assertRaises(UserError):
            plan.write({"state": "active"})
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        instalments = plan.instalment_ids
        self.assertEqual(instalments.mapped("amount"), [20.0, 20.0, 20.0])
        first, second, third = instalments.mapped("date_due")
        self.assertGreaterEqual(first, self.today)
        self.assertEqual(
            (first.day, second, third), (1, first + relativedelta(months=1), first + relativedelta(months=2))
        )
        with self.assertRaisesRegex(
            UserError, f"Guarantor #{self.patient.id} has an active payment plan already."
        ):
            self.env["medical.payment.plan"].create(
                {
                    "partner_id": self.patient.id,
                    "amount_total": 10.0,
                    "instalment_count": 1,
                    "day_of_month": 1,
                }
            ).action_activate()
        # The statement asks for the instalment due, without dunning; its balance still ties.
        statement = self.env["medical.statement"]._create_statements(self.practice, self.patient, self.today)
        due = sum(instalments.filtered(lambda i: i.date_due <= statement.date_due).mapped("amount"))
        self.assertEqual(
            (statement.plan_id, statement.amount_due, statement.balance_due, statement.dunning_level),
            (plan, due, 60.0, "0"),
        )
        self.assertIn("Payment plan:", statement.dunning_message)
        # The first instalment is paid: the plan stays active past its due date.
        self.env["medical.patient.payment"].create(
            {"partner_id": self.patient.id, "method": "cash", "amount": 20.0}
        ).action_confirm()
        plan._check_default(first + relativedelta(days=11))
        self.assertEqual(plan.state, "active")
        # The second is missed: default, and the biller gets an activity.
        plan._check_default(second + relativedelta(days=11))
        self.assertEqual(plan.state, "default")
        self.assertEqual(plan.activity_ids.summary, "Payment plan in default")
        self.assertEqual(plan.activity_ids.user_id, self.env.user)
        self.assertIn("Payment plan in default", " ".join(self.patient.message_ids.mapped("body")))

    def test_plan_paid_in_full_is_done(self):
        self.remit_with_patient_share()
        plan = self.env["medical.payment.plan"].create(
            {"partner_id": self.patient.id, "amount_total": 20.0, "instalment_count": 2, "day_of_month": 15}
        )
        plan.action_activate()
        self.assertEqual(plan.instalment_ids.mapped("amount"), [10.0, 10.0])
        self.env["medical.patient.payment"].create(
            {"partner_id": self.patient.id, "method": "cash", "amount": 20.0}
        ).action_confirm()
        plan._check_default(self.today)
        self.assertEqual((plan.state, plan.amount_paid), ("done", 20.0))

    def test_plan_terms_are_checked(self):
        with self.assertRaisesRegex(
            ValidationError, "A payment plan needs an amount, at least one instalment"
        ):
            self.env["medical.payment.plan"].create(
                {
                    "partner_id": self.patient.id,
                    "amount_total": 20.0,
                    "instalment_count": 2,
                    "day_of_month": 30,
                }
            )


@tagged("post_install", "-at_install")
class TestCollections(StatementCommon):
    def test_final_notice_handed_over_to_collections(self):
        self.remit_with_patient_share(paid_on=self.today - timedelta(days=95))
        statement = self.run_statements()
        self.assertEqual(statement.dunning_level, "3")
        with self.assertRaisesRegex(UserError, "only a final notice already sent goes to collections."):
            statement.action_send_to_collections()
        statement.action_send()
        action = statement.action_send_to_collections()
        self.assertEqual(action["report_name"], "medical_billing.report_medical_collection")
        self.assertEqual(self.patient.medical_collection_state, "collections")
        self.assertEqual(self.patient.medical_collection_date, self.today)
        self.assertIn(
            "handed over to the collection agency", " ".join(self.patient.message_ids.mapped("body"))
        )
        report = self.env.ref("medical_billing.action_report_medical_collection")
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(report, statement.ids)
        root = html.fromstring(content)
        self.assertEqual(
            [" ".join(n.text_content().split()) for n in root.xpath("//*[@data-col='guarantor']")],
            ["Test Patient One"],
        )
        self.assertEqual(
            [" ".join(n.text_content().split()) for n in root.xpath("//*[@data-col='amount']")], ["$ 20.00"]
        )
        # No more statements to an account in collections.
        with self.assertRaisesRegex(UserError, "No guarantor of this cycle owes more than the threshold."):
            self.run_statements()

    def test_no_collections_during_a_payment_plan(self):
        self.remit_with_patient_share(paid_on=self.today - timedelta(days=95))
        statement = self.run_statements()
        statement.action_send()
        self.env["medical.payment.plan"].create(
            {"partner_id": self.patient.id, "amount_total": 20.0, "instalment_count": 2, "day_of_month": 1}
        ).action_activate()
        with self.assertRaisesRegex(UserError, "the guarantor pays through an active payment plan."):
            statement.action_send_to_collections()
        self.assertFalse(self.patient.medical_collection_state)


@tagged("post_install", "-at_install")
class TestStatementPortal(StatementCommon, HttpCase):
    def test_signed_link_opens_the_statement_without_account(self):
        self.remit_with_patient_share()
        statement = self.run_statements()
        response = self.url_open(statement.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(statement.name, response.text)
        self.assertIn("is your copay", response.text)
        # A wrong token shows nothing of the statement.
        response = self.url_open(f"/my/statements/{statement.id}?access_token=wrong")
        self.assertNotIn(statement.name, response.text)
        self.assertIn("/web/login", response.url)


@tagged("post_install", "-at_install")
class TestStatementWalls(StatementCommon):
    def test_roles_and_companies(self):
        self.remit_with_patient_share()
        statement = self.run_statements()
        front_desk = self.make_user("stmt_front_desk", "medical_coding.medical_coding_group_front_desk")
        self.assertEqual(statement.with_user(front_desk).balance_due, 20.0, "the desk reads statements")
        with self.assertRaises(AccessError):
            statement.with_user(front_desk).write({"balance_due": 0.0})
        with self.assertRaises(AccessError):
            self.env["medical.statement"].with_user(front_desk).create(
                {"partner_id": self.patient.id, "date": self.today}
            )
        biller = self.make_user("stmt_biller", "medical_coding.medical_coding_group_biller")
        with self.assertRaises(UserError):
            statement.with_user(biller).write({"balance_due": 0.0})
        with self.assertRaises(UserError):
            self.env["medical.statement"].with_user(biller).create(
                {"partner_id": self.patient.id, "date": self.today, "balance_due": 1.0}
            )
        self.assertEqual(statement.balance_due, 20.0)
        outsider = self.make_user("stmt_outsider", "base.group_user")
        with self.assertRaises(AccessError):
            statement.with_user(outsider).read(["balance_due"])
        other = self.setup_other_company(name="Other Practice")["company"]
        biller_b = self.make_user(
            "stmt_biller_b", "medical_coding.medical_coding_group_biller", company=other
        )
        self.assertFalse(self.env["medical.statement"].with_user(biller_b).search([]))
        with self.assertRaises(AccessError):
            statement.with_user(biller_b).read(["balance_due"])


@tagged("post_install", "-at_install")
class TestDunningLevels(StatementCommon):
    def levels(self):
        return self.env["medical.dunning.level"].search([("company_id", "=", self.practice.id)])

    def test_every_company_has_the_default_levels(self):
        self.assertRecordValues(
            self.levels(),
            [
                {"days_past_due": 30, "name": "Reminder", "channel": "preference", "final_notice": False},
                {
                    "days_past_due": 60,
                    "name": "Second notice",
                    "channel": "preference",
                    "final_notice": False,
                },
                {"days_past_due": 90, "name": "Final notice", "channel": "preference", "final_notice": True},
            ],
        )
        other = self.env["res.company"].create({"name": "New Practice"})
        self.assertEqual(other.medical_dunning_level_ids.mapped("days_past_due"), [30, 60, 90])
        with self.assertRaisesRegex(ValidationError, "another level starts at 60 days"):
            self.levels()[0].days_past_due = 60

    def test_level_message_and_channel(self):
        reminder = self.levels()[0]
        reminder.write({"message": "We have not received your payment yet.", "channel": "email"})
        self.patient.write({"email": "one@example.com", "statement_consent_email": True})
        self.assertEqual(self.patient.statement_delivery, "paper")
        no_email = self._make_patient("Paper Only Patient")
        self._make_coverage(no_email)
        for patient in (self.patient, no_email):
            self.remit_with_patient_share(patient, paid_on=self.today - timedelta(days=45))
        statements = self.run_statements()
        statement = statements.filtered(lambda s: s.partner_id == self.patient)
        self.assertRecordValues(
            statement,
            [
                {
                    "dunning_level": "1",
                    "dunning_level_id": reminder.id,
                    "dunning_message": "We have not received your payment yet.",
                    "delivery_channel": "email",
                }
            ],
        )
        # No e-mail address: the level's e-mail goes on paper, and the statement says why.
        fallback = statements - statement
        self.assertEqual((fallback.dunning_level_id, fallback.delivery_channel), (reminder, "paper"))
        note = (
            f"Dunning level Reminder goes by E-mail, but Guarantor #{no_email.id} has no e-mail address or "
            "no consent to e-mail: the statement goes on paper."
        )
        self.assertIn(note, " ".join(fallback.message_ids.mapped("body")))
        self.assertIn(note, " ".join(no_email.message_ids.mapped("body")))
        action = statements.action_send()
        mail = self.env["mail.mail"].search(
            [("model", "=", "medical.statement"), ("res_id", "=", statement.id)]
        )
        self.assertEqual(mail.recipient_ids, self.patient)
        self.assertIn(b"We have not received your payment yet.", mail.attachment_ids.raw)
        self.assertEqual(action["context"]["active_ids"], fallback.ids, "the print batch")

    def test_final_notice_on_paper_even_to_an_email_guarantor(self):
        final = self.levels().filtered("final_notice")
        final.write({"channel": "paper", "message": "Last call before collections."})
        self.patient.write(
            {"email": "one@example.com", "statement_consent_email": True, "statement_delivery": "email"}
        )
        self.remit_with_patient_share(paid_on=self.today - timedelta(days=95))
        statement = self.run_statements()
        self.assertRecordValues(
            statement,
            [
                {
                    "dunning_level": "3",
                    "dunning_level_id": final.id,
                    "dunning_message": "Last call before collections.",
                    "delivery_channel": "paper",
                }
            ],
        )
        action = statement.action_send()
        self.assertEqual(action["context"]["active_ids"], statement.ids)
        self.assertFalse(
            self.env["mail.mail"].search([("model", "=", "medical.statement"), ("res_id", "=", statement.id)])
        )
        statement.action_send_to_collections()
        self.assertEqual(self.patient.medical_collection_state, "collections")

    def test_custom_levels_decide_the_final_notice(self):
        """A practice with two levels: 45 days, then a final notice at 75 days."""
        first, second, third = self.levels()
        third.active = False
        first.write({"days_past_due": 45, "name": "Friendly reminder", "message": "Friendly reminder."})
        second.write({"days_past_due": 75, "final_notice": True, "message": "Final: 75 days."})
        self.remit_with_patient_share(paid_on=self.today - timedelta(days=50))
        statement = self.run_statements()
        self.assertEqual((statement.dunning_level, statement.dunning_message), ("1", "Friendly reminder."))
        other = self._make_patient("Older Patient")
        self._make_coverage(other)
        self.remit_with_patient_share(other, paid_on=self.today - timedelta(days=80))
        statement = self.env["medical.statement"]._create_statements(self.practice, other, self.today)
        self.assertEqual(
            (statement.dunning_level, statement.dunning_level_id, statement.dunning_message),
            ("3", second, "Final: 75 days."),
        )

    def test_no_dunning_during_a_plan_or_once_paid(self):
        final = self.levels().filtered("final_notice")
        final.channel = "paper"
        self.patient.write(
            {"email": "one@example.com", "statement_consent_email": True, "statement_delivery": "portal"}
        )
        self.remit_with_patient_share(paid_on=self.today - timedelta(days=95))
        plan = self.env["medical.payment.plan"].create(
            {"partner_id": self.patient.id, "amount_total": 20.0, "instalment_count": 2, "day_of_month": 1}
        )
        plan.action_activate()
        statement = self.run_statements()
        self.assertRecordValues(
            statement,
            [
                {
                    "dunning_level": "0",
                    "dunning_level_id": False,
                    "delivery_channel": "portal",
                    "plan_id": plan.id,
                }
            ],
        )
        self.assertNotIn("Final notice", statement.dunning_message)
        # The plan ends; the guarantor pays the old charge at the desk; a new charge is billed: no dunning.
        plan.action_cancel()
        self.env["medical.patient.payment"].create(
            {"partner_id": self.patient.id, "method": "cash", "amount": 20.0}
        ).action_confirm()
        self.remit_with_patient_share()
        statement = self.env["medical.statement"]._create_statements(
            self.practice, self.patient, self.today + timedelta(days=1)
        )
        self.assertRecordValues(
            statement,
            [
                {
                    "balance_due": 20.0,
                    "dunning_level": "0",
                    "dunning_level_id": False,
                    "dunning_message": "",
                    "delivery_channel": "portal",
                }
            ],
        )
        # Paid in full: no statement at all.
        self.env["medical.patient.payment"].create(
            {"partner_id": self.patient.id, "method": "cash", "amount": 20.0}
        ).action_confirm()
        self.assertFalse(
            self.env["medical.statement"]._statement_candidates(self.practice, self.today, 0.0) & self.patient
        )

    def test_only_the_manager_edits_the_levels(self):
        level = self.levels()[0]
        biller = self.make_user("dunning_biller", "medical_coding.medical_coding_group_biller")
        self.assertEqual(level.with_user(biller).days_past_due, 30, "billers read the levels")
        with self.assertRaises(AccessError):
            level.with_user(biller).write({"message": "Pay now."})
        with self.assertRaises(AccessError):
            self.env["medical.dunning.level"].with_user(biller).create(
                {"name": "Extra", "days_past_due": 120}
            )
        manager = self.make_user("dunning_manager", "medical_coding.medical_coding_group_manager")
        level.with_user(manager).write({"message": "Pay now."})
        self.assertEqual(level.message, "Pay now.")
        other = self.setup_other_company(name="Other Practice")["company"]
        manager_b = self.make_user(
            "dunning_manager_b", "medical_coding.medical_coding_group_manager", company=other
        )
        with self.assertRaises(AccessError):
            level.with_user(manager_b).write({"message": "Not mine."})


@tagged("post_install", "-at_install")
class TestStatementPdf(StatementCommon):
    """The statements, the paper batch and the desk receipt as PDF (wkhtmltopdf), read back with pdftotext.
    wkhtmltopdf is pointed to no server: the text is printed in the system's fonts, without the styles and
    the web fonts (which pdftotext may not read back), and no other Odoo running here answers."""

    def setUp(self):
        super().setUp()
        if not (shutil.which("wkhtmltopdf") and shutil.which("pdftotext")):
            self.skipTest("wkhtmltopdf and pdftotext are installed by make test (tools/test.sh)")
        self.practice.medical_statement_phone = "(916) 555-0100"
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")

    def pdf_pages(self, xmlid, ids):
        """The PDF of report ``xmlid`` for ``ids``, as the text of its pages (whitespace collapsed)."""
        report = self.env.ref(xmlid)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        return [" ".join(page.split()) for page in text.split("\f") if page.strip()]

    def test_statement_pdf_text(self):
        self.remit_with_patient_share(paid_on=self.today - timedelta(days=95))
        statement = self.run_statements()
        statement._portal_ensure_token()
        pages = self.pdf_pages("medical_billing.action_report_medical_statement", statement.ids)
        text = " ".join(pages)
        for expected in (
            self.practice.name,  # the practice's header
            "10 Practice Way",
            "Patient Statement",
            statement.name,
            "Your insurance paid $ 200.00; $ 80.00 was taken off by your insurance's discount; "
            "$ 20.00 is your copay; $ 20.00 is due.",
            "Amount due: $ 20.00",
            f"Please pay by: {format_date(self.env, statement.date_due)}",
            "Final notice: your balance is over 90 days past due.",
            "By phone: (916) 555-0100",
            "Detach and return this part with your payment",  # the tear-off slip
            "Amount enclosed:",
            "you may qualify for financial assistance",
        ):
            self.assertIn(expected, text)
        link = f"/my/statements/{statement.id}?access_token={statement.access_token}"
        self.assertIn(link, text.replace(" ", ""), "the portal link")

    def test_paper_batch_is_one_pdf_in_mailing_order(self):
        late = self._make_patient("Zed Paper Patient")
        late.zip = "99999"
        first = self._make_patient("Amy Paper Patient")
        first.zip = "10001"
        for patient in (late, first):
            self._make_coverage(patient)
        for patient in (self.patient, late, first):
            self.remit_with_patient_share(patient)
        statements = self.run_statements()
        action = statements.action_print_batch()
        pages = self.pdf_pages(
            "medical_billing.action_report_medical_statement", action["context"]["active_ids"]
        )
        text = " ".join(pages)
        self.assertEqual(text.count("Detach and return this part with your payment"), 3, "three statements")
        order = [s.partner_id for s in sorted(statements, key=lambda s: text.index(s.name))]
        self.assertEqual(order, [first, self.patient, late], "sorted by ZIP code for mailing")
        self.assertEqual(set(statements.mapped("state")), {"sent"})

    def test_desk_receipt_pdf(self):
        self.remit_with_patient_share()
        wizard = self.env["medical.patient.payment"].create(
            {"partner_id": self.patient.id, "method": "card", "reference": "TERM-4242", "amount": 20.0}
        )
        action = wizard.action_confirm()
        self.assertEqual(action["report_name"], "account.report_payment_receipt")
        payment = self.env["account.payment"].search([("partner_id", "=", self.patient.id)], limit=1)
        text = " ".join(self.pdf_pages("account.action_report_payment_receipt", payment.ids))
        for expected in ("Payment Receipt", payment.name, "$ 20.00", "TERM-4242"):
            self.assertIn(expected, text)

    def test_deposit_slips_pdf(self):
        """The day's deposit slips in one PDF: payments by method, the check number, the totals."""
        Payment = self.env["medical.patient.payment"]
        Payment.create({"partner_id": self.patient.id, "method": "cash", "amount": 20.0}).action_confirm()
        Payment.create(
            {"partner_id": self.patient.id, "method": "check", "amount": 50.0, "reference": "1001"}
        ).action_confirm()
        deposits = self.env["medical.patient.deposit"]._prepare_deposits(self.practice, self.today)
        self.assertEqual(len(deposits), 2)
        text = " ".join(self.pdf_pages("medical_billing.action_report_medical_patient_deposit", deposits.ids))
        for deposit in deposits:
            self.assertIn(f"Deposit Slip {deposit.name}", text)
        for expected in ("Total Cash $ 20.00", "Check Number", "1001 $ 50.00", "Deposit total: $ 50.00"):
            self.assertIn(expected, text)
        self.assertNotIn("Test Patient One", text)
