# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Patient statements: what a guarantor owes the practice on its patient receivable at a date, line by
visit, with the period's activity, aging and dunning level (issue 14)."""

from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

from odoo.addons.medical_coding.models.workflow import (
    check_workflow_create,
    check_workflow_write,
    workflow_action,
)

from .res_partner_statement import STATEMENT_DELIVERY

# A statement is what was sent: its state, guarantor and figures change only through its actions.
WORKFLOW_FIELDS = (
    "state",
    "date_sent",
    "partner_id",
    "date",
    "date_from",
    "date_due",
    "line_ids",
    "previous_balance",
    "new_charges",
    "payments",
    "balance_due",
    "amount_due",
    "aging_current",
    "aging_31_60",
    "aging_61_90",
    "aging_90_plus",
    "dunning_level",
    "dunning_level_id",
    "dunning_message",
    "plan_id",
    "delivery_channel",
)

AGING_BUCKETS = ("aging_current", "aging_31_60", "aging_61_90", "aging_90_plus")
# CARC reason codes of the patient responsibility (group PR), in plain words on the statement.
PATIENT_SHARE_KINDS = {"1": "deductible", "2": "coinsurance", "3": "copay"}
# The dunning level of a statement, whatever the practice's levels (see medical_dunning_level.py): "1" its
# first level, "2" the levels between, "3" the final notice (after which an account goes to collections).
DUNNING_LEVELS = [
    ("0", "Statement"),
    ("1", "Reminder"),
    ("2", "Further notice"),
    ("3", "Final notice"),
]


def _bucket(days):
    """The aging bucket of an item ``days`` old (0-30 current, then 31-60, 61-90, over 90)."""
    if days <= 30:
        return 0
    if days <= 60:
        return 1
    if days <= 90:
        return 2
    return 3


class MedicalStatement(models.Model):
    _name = "medical.statement"
    _description = "Patient Statement"
    _inherit = ["portal.mixin", "mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Guarantor",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
        help="Who receives the statement and owes its balance.",
    )
    date = fields.Date(string="Statement Date", required=True, readonly=True, index=True)
    date_from = fields.Date(string="Period From", readonly=True, help="The day after the previous statement.")
    date_due = fields.Date(string="Due Date", readonly=True)
    line_ids = fields.One2many("medical.statement.line", "statement_id", string="Lines", readonly=True)
    previous_balance = fields.Monetary(readonly=True, help="The balance at the end of the previous period.")
    new_charges = fields.Monetary(readonly=True, help="Patient responsibility billed during the period.")
    payments = fields.Monetary(
        string="Payments and Credits", readonly=True, help="Payments, credits and write-offs of the period."
    )
    balance_due = fields.Monetary(
        readonly=True,
        help="The guarantor's patient receivable at the statement date: previous balance plus "
        "new charges less payments and credits.",
    )
    aging_current = fields.Monetary(string="Current", readonly=True)
    aging_31_60 = fields.Monetary(string="31-60 Days", readonly=True)
    aging_61_90 = fields.Monetary(string="61-90 Days", readonly=True)
    aging_90_plus = fields.Monetary(string="Over 90 Days", readonly=True)
    dunning_level = fields.Selection(DUNNING_LEVELS, default="0", readonly=True)
    dunning_level_id = fields.Many2one(
        "medical.dunning.level",
        string="Dunning Notice",
        readonly=True,
        check_company=True,
        help="The practice's dunning level of the statement's oldest open charge (none with a payment plan).",
    )
    dunning_message = fields.Text(readonly=True)
    plan_id = fields.Many2one(
        "medical.payment.plan",
        string="Payment Plan",
        readonly=True,
        check_company=True,
        help="The guarantor's active payment plan: the statement asks for the instalment due, no dunning.",
    )
    amount_due = fields.Monetary(
        string="Amount Due Now",
        readonly=True,
        help="The balance due, or with a payment plan the instalments due by the due date not paid yet.",
    )
    delivery_channel = fields.Selection(
        STATEMENT_DELIVERY, readonly=True, help="How the statement goes to the guarantor (its preference)."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    date_sent = fields.Datetime(readonly=True, copy=False)
    amount_residual = fields.Monetary(
        string="Still Open",
        compute="_compute_amount_residual",
        help="What is still open today of the journal items the statement lists.",
    )
    is_paid = fields.Boolean(compute="_compute_amount_residual")

    @api.depends("line_ids.move_line_ids.amount_residual")
    def _compute_amount_residual(self):
        for statement in self:
            residual = sum(statement.line_ids.move_line_ids.mapped("amount_residual"))
            statement.amount_residual = residual
            statement.is_paid = statement.currency_id.compare_amounts(residual, 0.0) <= 0

    @api.model_create_multi
    def create(self, vals_list):
        self = check_workflow_create(self, vals_list, WORKFLOW_FIELDS)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("medical.statement") or "/"
        return super().create(vals_list)

    def write(self, vals):
        check_workflow_write(self, vals, WORKFLOW_FIELDS)
        return super().write(vals)

    # ------------------------------------------------------------------ building

    @api.model
    def _statement_candidates(self, company, date, min_balance):
        """The guarantors of ``company`` owing more than ``min_balance`` on the patient receivable at
        ``date``, not on hold and not refusing statements."""
        account = company.medical_patient_receivable_account_id
        if not account:
            raise UserError(
                _("Set the patient receivable account of %(company)s first.", company=company.name)
            )
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", company.id),
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", date),
                ("partner_id", "!=", False),
            ],
            ["partner_id"],
            ["balance:sum"],
        )
        rounding = company.currency_id
        partners = self.env["res.partner"].browse(
            partner.id for partner, balance in groups if rounding.compare_amounts(balance, min_balance) > 0
        )
        return partners.filtered(
            lambda p: not p.statement_hold
            and p.statement_delivery != "none"
            and not p.medical_collection_state
        )

    @api.model
    @workflow_action
    def _create_statements(self, company, guarantors, date):
        """One statement per guarantor at ``date``, from its journal items on the company's patient
        receivable (one search for all of them)."""
        self._apply_patient_credits(company, guarantors)
        account = company.medical_patient_receivable_account_id
        items = self.env["account.move.line"].search(
            [
                ("company_id", "=", company.id),
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", date),
                ("partner_id", "in", guarantors.ids),
            ],
            order="date, id",
        )
        by_partner = defaultdict(lambda: items.browse())
        for item in items:
            by_partner[item.partner_id] |= item
        previous = dict(
            self._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", guarantors.ids),
                    ("state", "!=", "cancel"),
                    ("date", "<", date),
                ],
                ["partner_id"],
                ["date:max"],
            )
        )
        due_days = company.medical_statement_due_days
        plans = {
            plan.partner_id: plan
            for plan in self.env["medical.payment.plan"].search(
                [("partner_id", "in", guarantors.ids), ("state", "=", "active")]
            )
        }
        levels = company._medical_dunning_levels()
        notes = {}
        vals_list = []
        for guarantor in guarantors:
            partner_items = by_partner[guarantor]
            last = previous.get(guarantor)
            date_from = last + timedelta(days=1) if last else (partner_items[:1].date or date)
            vals, oldest_days = self._statement_values(partner_items, date, date_from)
            vals.update(
                company_id=company.id,
                partner_id=guarantor.id,
                date=date,
                date_from=date_from,
                date_due=date + timedelta(days=due_days),
                delivery_channel=guarantor.statement_delivery,
            )
            vals["amount_due"] = max(vals["balance_due"], 0.0)
            plan = plans.get(guarantor)
            if not plan:
                dunning, notes[len(vals_list)] = self._dunning_values(levels, guarantor, oldest_days)
                vals.update(dunning)
            else:
                amount = plan._amount_due(vals["date_due"])
                vals.update(
                    plan_id=plan.id,
                    amount_due=amount,
                    dunning_level="0",
                    dunning_level_id=False,
                    dunning_message=_(
                        "Payment plan: %(amount)s due by %(date)s.",
                        amount=company.currency_id.format(amount).replace("\xa0", " "),
                        date=vals["date_due"],
                    ),
                )
            vals_list.append(vals)
        statements = self.create(vals_list)
        for index, note in notes.items():
            if note:
                statements[index].message_post(body=note)
                statements[index].partner_id.message_post(body=note)
        return statements

    @api.model
    def _statement_values(self, items, date, date_from):
        """Totals, aging and lines of a statement of ``items`` (one guarantor's receivable items up to
        ``date``), and the age in days of its oldest open charge (its dunning level)."""
        currency = items.company_id.currency_id or self.env.company.currency_id
        before = items.filtered(lambda i: i.date < date_from)
        period = items - before
        vals = {
            "previous_balance": sum(before.mapped("balance")),
            "new_charges": sum(period.mapped("debit")),
            "payments": sum(period.mapped("credit")),
            "balance_due": sum(items.mapped("balance")),
        }
        groups = defaultdict(lambda: items.browse())
        for item in items:
            groups[item.medical_claim_id or item.move_id] |= item
        aging = [0.0] * 4
        oldest_days = 0
        lines = []
        for key, group in groups.items():
            residual = sum(group.mapped("amount_residual"))
            if float_is_zero(residual, precision_rounding=currency.rounding):
                continue
            debits = group.filtered(lambda i: i.balance > 0)
            days = (date - min(debits.mapped("date"))).days if debits and residual > 0 else 0
            aging[_bucket(days)] += residual
            oldest_days = max(oldest_days, days)
            lines.append((0, 0, self.env["medical.statement.line"]._line_values(key, group, residual)))
        vals.update(dict(zip(AGING_BUCKETS, aging, strict=True)), line_ids=lines)
        return vals, oldest_days

    @api.model
    def _dunning_values(self, levels, guarantor, oldest_days):
        """The dunning level, message and delivery channel of a statement of ``guarantor`` whose oldest
        open charge is ``oldest_days`` old, with the company's ``levels`` (by days past due); and the note
        to log when the level's channel cannot be used."""
        level = levels.filtered(lambda lv: lv.days_past_due < oldest_days)[-1:]
        channel = guarantor.statement_delivery
        note = None
        if level and level.channel != "preference":
            channel = level.channel
            if channel in ("email", "portal") and not (guarantor.email and guarantor.statement_consent_email):
                channel = "paper"
                note = _(
                    "Dunning level %(level)s goes by %(channel)s, but %(partner)s has no e-mail address or "
                    "no consent to e-mail: the statement goes on paper.",
                    level=level.name,
                    channel=dict(level._fields["channel"]._description_selection(self.env))[level.channel],
                    partner=guarantor._statement_reference(),
                )
        rank = "0"
        if level:
            rank = "3" if level.final_notice else ("1" if level == levels[:1] else "2")
        vals = {
            "dunning_level": rank,
            "dunning_level_id": level.id,
            "dunning_message": level.with_context(lang=guarantor.lang or self.env.lang).message or "",
            "delivery_channel": channel,
        }
        return vals, note

    # ------------------------------------------------------------------ cron

    @api.model
    def _cron_statement_run(self):
        """The monthly cycle: every day, the guarantors whose cycle day it is (their own day or their
        initial's) get a statement, unless they got one in the last 20 days."""
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search(
            [("medical_patient_receivable_account_id", "!=", False)]
        ):
            self.with_company(company)._run_cycle(company, today)

    @api.model
    def _run_cycle(self, company, date):
        candidates = self._statement_candidates(company, date, company.medical_statement_min_balance)
        day = min(date.day, 28)
        candidates = candidates.filtered(lambda p: p._statement_cycle_day() == day)
        recent = self.search(
            [
                ("partner_id", "in", candidates.ids),
                ("state", "!=", "cancel"),
                ("date", ">", date - timedelta(days=20)),
            ]
        )
        return self._create_statements(company, candidates - recent.partner_id, date)


class MedicalStatementLine(models.Model):
    _name = "medical.statement.line"
    _description = "Patient Statement Line"
    _order = "date_service, id"

    statement_id = fields.Many2one("medical.statement", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="statement_id.company_id", store=True)
    currency_id = fields.Many2one(related="statement_id.currency_id")
    claim_id = fields.Many2one("medical.claim", readonly=True)
    date_service = fields.Date(string="Date of Service", readonly=True)
    patient_id = fields.Many2one("res.partner", readonly=True)
    provider_id = fields.Many2one("res.partner", readonly=True)
    description = fields.Char(string="Service", readonly=True, help="The procedures, in plain words.")
    charge_amount = fields.Monetary(string="Charge", readonly=True)
    insurance_paid = fields.Monetary(readonly=True)
    adjustment_amount = fields.Monetary(
        string="Adjustments", readonly=True, help="Insurance discounts and other adjustments."
    )
    patient_amount = fields.Monetary(string="Your Share", readonly=True)
    payment_amount = fields.Monetary(string="Payments Made", readonly=True)
    balance = fields.Monetary(readonly=True)
    explanation = fields.Char(readonly=True, help="The line in plain language.")
    move_line_ids = fields.Many2many("account.move.line", string="Journal Items", readonly=True)

    @api.model
    def _line_values(self, key, items, residual):
        """A statement line of the receivable items ``items`` of one claim or entry (``key``)."""
        share = sum(items.filtered(lambda i: i.balance > 0).mapped("balance"))
        vals = {
            "move_line_ids": [(6, 0, items.ids)],
            "patient_id": items.medical_patient_id[:1].id,
            "patient_amount": share,
            "payment_amount": share - residual,
            "balance": residual,
            "date_service": min(items.mapped("date")),
        }
        if key._name == "medical.claim":
            claim = key
            paid = claim.amount_paid
            vals.update(
                claim_id=claim.id,
                date_service=claim.date_service,
                patient_id=claim.patient_id.id,
                provider_id=claim.rendering_provider_id.id,
                description=", ".join(
                    claim.line_ids.sorted("sequence").mapped(
                        lambda line: (
                            line.code_id.patient_description or line.code_id.name or line.code_id.code
                        )
                    )
                ),
                charge_amount=claim.amount_total,
                insurance_paid=paid,
                adjustment_amount=claim.amount_total - paid - share,
            )
        else:
            vals.update(description=items[:1].name or key.name, charge_amount=share)
        currency = items.company_id.currency_id or self.env.company.currency_id
        shares = self._patient_share_parts(key, share, currency)
        vals["explanation"] = self._explain(vals, currency, shares)
        return vals

    @api.model
    def _patient_share_parts(self, key, share, currency):
        """[(what, amount)]: the patient's share of a claim by kind (deductible, coinsurance, copay), from
        the payer's PR adjustments when they add up to it; else one part, the share."""
        if key._name == "medical.claim":
            parts = {}
            for adjustment in key.adjustment_ids.filtered(lambda a: a.group_code == "PR"):
                what = PATIENT_SHARE_KINDS.get(adjustment.reason_code, "share")
                parts[what] = parts.get(what, 0.0) + adjustment.amount
            if parts and currency.compare_amounts(sum(parts.values()), share) == 0:
                return list(parts.items())
        return [("share", share)]

    @api.model
    def _explain(self, vals, currency, shares):
        def money(amount):
            return currency.format(amount).replace("\xa0", " ")

        if vals["balance"] < 0:
            return _("A credit of %(amount)s is on your account.", amount=money(-vals["balance"]))
        parts = []
        if vals.get("claim_id"):
            parts.append(_("Your insurance paid %(amount)s", amount=money(vals["insurance_paid"])))
            if vals["adjustment_amount"]:
                parts.append(
                    _(
                        "%(amount)s was taken off by your insurance's discount",
                        amount=money(vals["adjustment_amount"]),
                    )
                )
        labels = {
            "deductible": _("%(amount)s is your deductible"),
            "coinsurance": _("%(amount)s is your coinsurance"),
            "copay": _("%(amount)s is your copay"),
            "share": _("%(amount)s is your share"),
        }
        parts += [labels[what] % {"amount": money(amount)} for what, amount in shares]
        if vals["payment_amount"]:
            parts.append(_("you paid %(amount)s", amount=money(vals["payment_amount"])))
        parts.append(_("%(amount)s is due", amount=money(vals["balance"])))
        return "; ".join(parts) + "."
