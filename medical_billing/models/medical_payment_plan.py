# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payment plans: a guarantor's balance split into monthly instalments. Its payments (patient payments
posted since the plan started) cover the instalments in order; an instalment left unpaid past the grace
days puts the plan in default and notifies the biller. While a plan is active, statements ask for the
instalment due and dunning stops."""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.medical_coding.models.workflow import (
    check_workflow_create,
    check_workflow_write,
    workflow_action,
)

GRACE_DAYS = 10


class MedicalPaymentPlan(models.Model):
    _name = "medical.payment.plan"
    _description = "Patient Payment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Guarantor", required=True, check_company=True, index=True
    )
    amount_total = fields.Monetary(string="Balance Financed", required=True)
    instalment_count = fields.Integer(string="Instalments", required=True, default=3)
    day_of_month = fields.Integer(string="Due Day", required=True, default=1)
    date_start = fields.Date(required=True, default=fields.Date.context_today)
    instalment_ids = fields.One2many("medical.payment.plan.instalment", "plan_id", readonly=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("done", "Paid"),
            ("default", "In Default"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    amount_paid = fields.Monetary(compute="_compute_amount_paid")

    @api.depends("partner_id", "amount_total")
    def _compute_name(self):
        for plan in self:
            plan.name = _("Plan of %(partner)s", partner=plan.partner_id.name or "")

    @api.constrains("instalment_count", "day_of_month", "amount_total")
    def _check_terms(self):
        for plan in self:
            if plan.instalment_count < 1 or not 1 <= plan.day_of_month <= 28 or plan.amount_total <= 0:
                raise ValidationError(
                    _(
                        "A payment plan needs an amount, at least one instalment and a due day between 1 "
                        "and 28."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self = check_workflow_create(self, vals_list, ["state"])
        return super().create(vals_list)

    def write(self, vals):
        check_workflow_write(self, vals, ["state"])
        return super().write(vals)

    def _payments(self, until=None):
        """What the guarantor paid since the plan started (patient payments, refunds deducted)."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("partner_id", "=", self.partner_id.id),
            ("state", "in", ("in_process", "paid")),
            ("date", ">=", self.date_start),
            ("destination_account_id", "=", self.company_id.medical_patient_receivable_account_id.id),
        ]
        if until:
            domain.append(("date", "<=", until))
        payments = self.env["account.payment"].search(domain)
        return sum(p.amount if p.payment_type == "inbound" else -p.amount for p in payments)

    def _compute_amount_paid(self):
        for plan in self:
            plan.amount_paid = plan._payments() if plan.partner_id and plan.date_start else 0.0

    @workflow_action
    def action_activate(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(_("Only a draft plan starts."))
            others = self.search([("partner_id", "=", plan.partner_id.id), ("state", "=", "active")])
            if others:
                raise UserError(
                    _(
                        "%(partner)s has an active payment plan already.",
                        partner=plan.partner_id._statement_reference(),
                    )
                )
            currency = plan.currency_id
            share = currency.round(plan.amount_total / plan.instalment_count)
            first = plan.date_start.replace(day=plan.day_of_month)
            if first < plan.date_start:
                first += relativedelta(months=1)
            lines = []
            for index in range(plan.instalment_count):
                amount = share if index < plan.instalment_count - 1 else plan.amount_total - share * index
                lines.append(
                    (
                        0,
                        0,
                        {
                            "sequence": index + 1,
                            "date_due": first + relativedelta(months=index),
                            "amount": amount,
                        },
                    )
                )
            plan.write({"instalment_ids": lines, "state": "active"})
            plan.partner_id.message_post(
                body=_(
                    "Payment plan: %(amount)s in %(count)s instalments, due on day %(day)s.",
                    amount=currency.format(plan.amount_total),
                    count=plan.instalment_count,
                    day=plan.day_of_month,
                )
            )

    @workflow_action
    def action_cancel(self):
        self.write({"state": "cancel"})

    def _amount_due(self, date):
        """What the plan asks by ``date``: the instalments due by then less what was paid."""
        self.ensure_one()
        due = sum(self.instalment_ids.filtered(lambda i: i.date_due <= date).mapped("amount"))
        return max(due - self._payments(), 0.0)

    def _next_instalment(self, date):
        self.ensure_one()
        return self.instalment_ids.filtered(lambda i: i.date_due >= date).sorted("date_due")[:1]

    @workflow_action
    def _check_default(self, date):
        """Plans paid in full become done; plans with an instalment unpaid ``GRACE_DAYS`` after its due
        date go to default, with an activity for the biller who set them up."""
        for plan in self.filtered(lambda p: p.state == "active"):
            currency = plan.currency_id
            paid = plan._payments()
            if currency.compare_amounts(paid, plan.amount_total) >= 0:
                plan.state = "done"
                continue
            late = date - relativedelta(days=GRACE_DAYS)
            owed = sum(plan.instalment_ids.filtered(lambda i, d=late: i.date_due <= d).mapped("amount"))
            if currency.compare_amounts(plan._payments(until=date), owed) < 0:
                plan.state = "default"
                note = _(
                    "Payment plan in default: %(owed)s was due, %(paid)s paid.",
                    owed=currency.format(owed),
                    paid=currency.format(paid),
                )
                plan.message_post(body=note)
                plan.partner_id.message_post(body=note)
                plan.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("Payment plan in default"),
                    note=note,
                    user_id=plan.create_uid.id,
                )

    @api.model
    def _cron_check_defaults(self):
        self.search([("state", "=", "active")])._check_default(fields.Date.context_today(self))


class MedicalPaymentPlanInstalment(models.Model):
    _name = "medical.payment.plan.instalment"
    _description = "Payment Plan Instalment"
    _order = "plan_id, sequence"

    plan_id = fields.Many2one("medical.payment.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer()
    date_due = fields.Date(required=True)
    amount = fields.Monetary(required=True)
