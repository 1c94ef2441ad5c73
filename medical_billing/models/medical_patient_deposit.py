# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The daily deposit of the desk payments (``medical.patient.deposit``): the patient payments taken at the
desk on one day in one payment journal (cash, card, check), taken to the bank together, and matched with the
bank statement line of their total.

Each desk payment debits the outstanding receipts account. The deposit's bank statement line, once it
arrives, is matched as an ERA deposit is (see ``medical_remittance_deposit.py``, whose reconciliation helper
does it, with or without OCA ``account_reconcile_oca``): its suspense item moves to the outstanding receipts
account and is reconciled with the outstanding items of all the deposit's payments in one go.

A statement line and a deposit match when: same company, the deposit's bank journal, same amount, and either
the line's label or reference names the deposit's number (as a whole word), or no line names it and the line
(dated on or after the deposit) is the only open line of that amount and journal and the deposit the only
open deposit it could be. Anything else is left alone and the deposit's chatter says why.

When the reconciliation is undone afterwards (the statement line's "undo", journal items unreconciled, the
statement line's entry reset), the deposit goes back to deposited, without its statement line, to be matched
again (``account.partial.reconcile.unlink``).
"""

from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import (
    check_workflow_create,
    check_workflow_write,
    workflow_action,
)

from .medical_remittance_deposit import trace_pattern

DESK_METHODS = [("cash", "Cash"), ("card", "Card"), ("check", "Check")]
# The number too: bank statement lines are matched by it.
WORKFLOW_FIELDS = (
    "state",
    "payment_ids",
    "statement_line_id",
    "date_deposited",
    "journal_id",
    "date",
    "name",
)
# Set by the desk payment wizard when it creates the payment, then fixed (the deposit slip lists them).
PAYMENT_WORKFLOW_FIELDS = ("medical_deposit_id", "medical_desk_method", "medical_desk_reference")


class MedicalPatientDeposit(models.Model):
    _name = "medical.patient.deposit"
    _description = "Daily Deposit of Desk Payments"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Deposit Number", readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    journal_id = fields.Many2one(
        "account.journal",
        string="Payment Journal",
        required=True,
        readonly=True,
        check_company=True,
        help="The journal the desk payments were taken in (the cash drawer, the card terminal's bank...).",
    )
    bank_journal_id = fields.Many2one(
        "account.journal",
        string="Deposited In",
        required=True,
        check_company=True,
        domain="[('type', '=', 'bank')]",
        help="The bank account the deposit goes to: its statement line is matched with the deposit.",
    )
    date = fields.Date(string="Payment Date", required=True, readonly=True, index=True)
    date_deposited = fields.Date(readonly=True)
    payment_ids = fields.One2many("account.payment", "medical_deposit_id", string="Payments", readonly=True)
    payment_count = fields.Integer(compute="_compute_amounts")
    amount_total = fields.Monetary(string="Total", compute="_compute_amount_total", store=True)
    amount_cash = fields.Monetary(string="Cash", compute="_compute_amounts")
    amount_card = fields.Monetary(string="Card", compute="_compute_amounts")
    amount_check = fields.Monetary(string="Checks", compute="_compute_amounts")
    state = fields.Selection(
        [("draft", "Prepared"), ("deposited", "Deposited"), ("matched", "Matched")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        help="Prepared: the slip can be printed. Deposited: taken to the bank. Matched: reconciled with its "
        "bank statement line.",
    )
    statement_line_id = fields.Many2one(
        "account.bank.statement.line",
        string="Bank Statement Line",
        readonly=True,
        copy=False,
        check_company=True,
    )

    @api.depends("payment_ids.amount")
    def _compute_amount_total(self):
        for deposit in self:
            deposit.amount_total = sum(deposit.payment_ids.mapped("amount"))

    @api.depends("payment_ids.amount", "payment_ids.medical_desk_method")
    def _compute_amounts(self):
        for deposit in self:
            payments = deposit.payment_ids
            deposit.payment_count = len(payments)
            for method, _label in DESK_METHODS:
                deposit[f"amount_{method}"] = sum(
                    payments.filtered(lambda p, m=method: p.medical_desk_method == m).mapped("amount")
                )

    @api.model_create_multi
    def create(self, vals_list):
        self = check_workflow_create(self, vals_list, WORKFLOW_FIELDS)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("medical.patient.deposit") or "/"
        return super().create(vals_list)

    def write(self, vals):
        check_workflow_write(self, vals, WORKFLOW_FIELDS)
        if "bank_journal_id" in vals and any(d.state == "matched" for d in self):
            raise UserError(_("A matched deposit stays with its bank statement line."))
        return super().write(vals)

    def unlink(self):
        if any(d.state != "draft" for d in self):
            raise UserError(_("Only a prepared deposit (not yet deposited) can be deleted."))
        return super().unlink()

    # ------------------------------------------------------------------ preparing

    @api.model
    def _desk_payments_to_deposit(self, company, date):
        """The desk payments received on ``date`` in ``company`` not in a deposit yet."""
        return self.env["account.payment"].search(
            [
                ("company_id", "=", company.id),
                ("date", "=", date),
                ("payment_type", "=", "inbound"),
                ("medical_desk_method", "!=", False),
                ("state", "in", ("in_process", "paid")),
                ("medical_deposit_id", "=", False),
            ],
            order="journal_id, id",
        )

    @api.model
    def _prepare_deposits(self, company, date):
        """One deposit per payment journal of the desk payments of ``date`` not deposited yet."""
        self.check_access("create")
        if company not in self.env.companies:
            raise UserError(_("You cannot prepare the deposits of another practice."))
        payments = self._desk_payments_to_deposit(company, date)
        if not payments:
            raise UserError(_("No desk payment of %(date)s is left to deposit.", date=date))
        by_journal = defaultdict(lambda: payments.browse())
        for payment in payments:
            by_journal[payment.journal_id] |= payment
        deposits = self.browse()
        for journal, journal_payments in by_journal.items():
            deposits |= self._create_deposit(company, journal, date, journal_payments)
        deposits.sudo()._match_deposits(deposits=deposits.sudo())
        return deposits

    @api.model
    @workflow_action
    def _create_deposit(self, company, journal, date, payments):
        taken = payments.filtered("medical_deposit_id")
        if taken:
            raise UserError(
                _(
                    "Payment %(payment)s is in deposit %(deposit)s already.",
                    payment=taken[0].name,
                    deposit=taken[0].medical_deposit_id.name,
                )
            )
        bank = journal if journal.type == "bank" else company._medical_deposit_journal()
        if not bank:
            raise UserError(_("The company %(company)s has no bank journal.", company=company.name))
        deposit = self.create(
            {
                "company_id": company.id,
                "journal_id": journal.id,
                "bank_journal_id": bank.id,
                "date": date,
            }
        )
        payments.write({"medical_deposit_id": deposit.id})
        return deposit

    # ------------------------------------------------------------------ actions

    def _check_company_access(self):
        if self.company_id - self.env.companies:
            raise UserError(_("You cannot work on the deposits of another practice."))

    @workflow_action
    def action_deposit(self):
        """Taken to the bank: print the slip."""
        self.check_access("write")
        self._check_company_access()
        if any(d.state != "draft" for d in self):
            raise UserError(_("These deposits were deposited already."))
        self.write({"state": "deposited", "date_deposited": fields.Date.context_today(self)})
        return self.action_print_slip()

    def action_print_slip(self):
        return self.env.ref("medical_billing.action_report_medical_patient_deposit").report_action(self)

    def action_match_bank(self):
        """Match these deposits with their bank statement lines (button)."""
        self.check_access("write")
        self._check_company_access()
        open_ = self.filtered(lambda d: d.state != "matched")
        matched, reasons = self.sudo()._match_deposits(deposits=open_.sudo())
        messages = [_("%(count)s deposit(s) matched with the bank statement.", count=len(matched))]
        messages += [reasons[d] for d in open_.sudo() if d in reasons]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Match deposits"),
                "message": "\n".join(messages),
                "type": "success" if len(matched) == len(open_) else "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_payments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Payments"),
            "res_model": "account.payment",
            "view_mode": "list,form",
            "domain": [("medical_deposit_id", "=", self.id)],
        }

    # ------------------------------------------------------------------ matching

    def _deposit_items(self):
        """The payments' items on the outstanding receipts account, still open."""
        self.ensure_one()
        items = self.env["account.move.line"]
        for payment in self.payment_ids:
            liquidity, _counterpart, _writeoff = payment._seek_for_lines()
            items |= liquidity
        return items.filtered(lambda ln: ln.account_id.reconcile and not ln.reconciled)

    def _money(self, amount):
        return self.currency_id.format(amount).replace("\xa0", " ")

    def _names_it(self, st_line):
        pattern = trace_pattern(self.name)
        return any(pattern.search(text or "") for text in (st_line.payment_ref, st_line.ref))

    @workflow_action
    def _match_deposits(self, deposits=None, statement_lines=None):
        """Match the given open deposits / statement lines with their unique counterpart.

        Called as superuser after the caller's rights were checked. Returns (matched deposits, {deposit:
        why it was left unmatched}); the reasons are written on the deposits' chatter.
        """
        Deposit = self.env["medical.patient.deposit"]
        StLine = self.env["account.bank.statement.line"]
        deposits = (deposits or Deposit).filtered(lambda d: d.state != "matched")
        statement_lines = (statement_lines or StLine).filtered(lambda s: s._medical_is_open())
        if not deposits and not statement_lines:
            return Deposit, {}
        companies = deposits.company_id | statement_lines.company_id
        all_deposits = deposits | Deposit.search(
            [("state", "!=", "matched"), ("company_id", "in", companies.ids)]
        )
        journals = all_deposits.bank_journal_id | statement_lines.journal_id
        all_lines = (
            statement_lines
            | StLine.search(
                [("journal_id", "in", journals.ids), ("is_reconciled", "=", False), ("amount", ">", 0)]
            )
        ).filtered(lambda s: s._medical_is_open() and s.amount > 0)
        named = {s: all_deposits.filtered(lambda d, s=s: d._names_it(s)) for s in all_lines}

        def same(deposit, st_line):
            return st_line.journal_id == deposit.bank_journal_id and not deposit.currency_id.compare_amounts(
                st_line.amount, deposit.amount_total
            )

        def candidates(deposit):
            """The statement lines naming the deposit, else the unnamed ones of its amount and journal."""
            naming = all_lines.filtered(lambda s: deposit in named[s])
            if naming:
                return naming, True
            return all_lines.filtered(
                lambda s: not named[s] and same(deposit, s) and s.date >= deposit.date
            ), False

        concerned = deposits | all_deposits.filtered(
            lambda d: any(same(d, s) or d in named[s] for s in statement_lines)
        )
        matched = Deposit
        reasons = {}
        for deposit in concerned:
            amount = deposit._money(deposit.amount_total)
            lines, by_name = candidates(deposit)
            items = deposit._deposit_items()
            reason = None
            if not lines:
                reason = _(
                    "%(name)s: no open bank statement line of %(amount)s in %(journal)s.",
                    name=deposit.name,
                    amount=amount,
                    journal=deposit.bank_journal_id.name,
                )
            elif len(lines) > 1:
                reason = _(
                    "%(name)s not matched: %(count)s bank statement lines could be it (%(lines)s). Match it "
                    "by hand.",
                    name=deposit.name,
                    count=len(lines),
                    lines=", ".join(lines.move_id.mapped("name")),
                )
            elif by_name and not same(deposit, lines):
                reason = _(
                    "%(name)s not matched: the bank statement line %(line)s names it but is of "
                    "%(line_amount)s, not %(amount)s, or in another journal. Check the deposit.",
                    name=deposit.name,
                    line=lines.move_id.name,
                    line_amount=deposit._money(lines.amount),
                    amount=amount,
                )
            elif not by_name and all_deposits.filtered(
                lambda d, s=lines, mine=deposit: d != mine
                and not named[s]
                and same(d, s)
                and s.date >= d.date
            ):
                reason = _(
                    "%(name)s not matched: the bank statement line %(line)s of %(amount)s could also be "
                    "another deposit. Match it by hand.",
                    name=deposit.name,
                    line=lines.move_id.name,
                    amount=amount,
                )
            elif deposit.currency_id.compare_amounts(sum(items.mapped("balance")), deposit.amount_total):
                reason = _(
                    "%(name)s not matched: some of its payments are reconciled already.", name=deposit.name
                )
            elif len(items.account_id) > 1:
                # One bank statement line has one counterpart item, on one account.
                reason = _(
                    "%(name)s not matched: its payments are on several accounts (%(accounts)s). Match it "
                    "by hand.",
                    name=deposit.name,
                    accounts=", ".join(items.account_id.mapped("code")),
                )
            if reason:
                reasons[deposit] = reason
                deposit.message_post(body=reason)
                continue
            lines._medical_reconcile_deposit(items)
            deposit.write({"state": "matched", "statement_line_id": lines.id})
            deposit.message_post(
                body=_("Deposit matched with the bank statement line %(line)s.", line=lines.move_id.name)
            )
            all_lines -= lines
            matched |= deposit
        return matched, reasons

    @workflow_action
    def _medical_unmatch(self):
        """The reconciliation with the bank statement line was undone (by hand, or the statement line's
        entry reset): these matched deposits are deposited again, to be matched again. Called as superuser
        once Odoo let the user undo the reconciliation."""
        lines = {deposit: deposit.statement_line_id.move_id.name for deposit in self}
        self.write({"state": "deposited", "statement_line_id": False})
        for deposit, line in lines.items():
            deposit.message_post(
                body=_(
                    "The reconciliation with the bank statement line %(line)s was undone: the deposit is "
                    "deposited again, to be matched again.",
                    line=line or "-",
                )
            )


class AccountPayment(models.Model):
    _inherit = "account.payment"  # pylint: disable=consider-merging-classes-inherited

    medical_desk_method = fields.Selection(
        DESK_METHODS, string="Desk Payment Method", readonly=True, copy=False, index=True
    )
    medical_desk_reference = fields.Char(
        string="Terminal Reference / Check Number", readonly=True, copy=False
    )
    medical_deposit_id = fields.Many2one(
        "medical.patient.deposit",
        string="Daily Deposit",
        readonly=True,
        copy=False,
        index=True,
        ondelete="set null",
        check_company=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        self = check_workflow_create(self, vals_list, PAYMENT_WORKFLOW_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_workflow_write(self, vals, PAYMENT_WORKFLOW_FIELDS)
        return super().write(vals)

    def action_draft(self):
        self._medical_leave_deposit()
        return super().action_draft()

    def action_cancel(self):
        self._medical_leave_deposit()
        return super().action_cancel()

    @workflow_action
    def _medical_leave_deposit(self):
        """A payment reset to draft or cancelled: refused once its deposit went to the bank; out of its
        prepared deposit otherwise (the deposit's total follows)."""
        in_deposit = self.filtered("medical_deposit_id")
        if not in_deposit:
            return
        deposits = in_deposit.sudo().medical_deposit_id
        gone = deposits.filtered(lambda d: d.state != "draft")
        if gone:
            payment = in_deposit.filtered(lambda p: p.sudo().medical_deposit_id in gone)[0]
            raise UserError(
                _(
                    "Payment %(payment)s is in deposit %(deposit)s, taken to the bank: it can no longer be "
                    "reset to draft or cancelled. Record a refund instead.",
                    payment=payment.name,
                    deposit=payment.sudo().medical_deposit_id.name,
                )
            )
        left = {
            deposit: in_deposit.filtered(lambda p, d=deposit: p.sudo().medical_deposit_id == d)
            for deposit in deposits
        }
        in_deposit.write({"medical_deposit_id": False})
        for deposit, payments in left.items():
            deposit.message_post(
                body=_(
                    "Payment(s) %(payments)s reset to draft or cancelled: out of the deposit.",
                    payments=", ".join(payments.mapped("name")),
                )
            )


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def button_draft(self):
        # The journal entry of a desk payment reset to draft from the entry itself: as the payment's.
        self.origin_payment_id._medical_leave_deposit()
        return super().button_draft()


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        st_lines = super().create(vals_list)
        # A patient deposit waiting for its bank statement line: matched at once. Matching is a system
        # action (as superuser): it runs after Odoo checked the user's own right to create these lines,
        # and only for the lines of the companies the user works in.
        incoming = st_lines.filtered(lambda s: s.amount > 0 and s.company_id in self.env.companies)
        if incoming and self.env["medical.patient.deposit"].sudo().search_count(
            [("state", "!=", "matched"), ("company_id", "in", incoming.company_id.ids)], limit=1
        ):
            self.env["medical.patient.deposit"].sudo()._match_deposits(statement_lines=incoming.sudo())
        return st_lines


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"  # pylint: disable=consider-merging-classes-inherited

    def unlink(self):
        # Every way of undoing a reconciliation ends here (the statement line's "undo", unreconciling journal
        # items, an entry reset to draft or reversed): a matched deposit whose statement line or payments
        # lose their match is deposited again. One search for the whole batch.
        items = self.debit_move_id | self.credit_move_id
        deposits = self.env["medical.patient.deposit"]
        if items:
            deposits = deposits.sudo().search(
                [
                    ("state", "=", "matched"),
                    "|",
                    ("statement_line_id", "in", items.move_id.statement_line_id.ids),
                    ("payment_ids", "in", items.payment_id.ids),
                ]
            )
        res = super().unlink()
        if deposits:
            deposits._medical_unmatch()
        return res
