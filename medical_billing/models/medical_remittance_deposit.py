# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bank deposit of a remittance (``medical.remittance``) matched with the bank statement.

A posted remittance debits the outstanding receipts account for BPR02 (its *deposit line*, "ERA payment
<TRN>", partner the payer). The money reaches the bank as a statement line whose journal entry holds the bank
(liquidity) item and a suspense item. Matching, as Odoo itself does when a statement line is created with a
counterpart account (``counterpart_account_id``, e.g. the point of sale) or when its reconciliation is
undone: the statement line's suspense item moves to the outstanding receipts account (partner the payer),
and is reconciled with the deposit line. Both sides are then reconciled: the deposit line, and the statement
line (``is_reconciled``). With OCA ``account_reconcile_oca`` installed, its own API does the statement side
(``_add_account_move_line`` then ``reconcile_bank_line``), so its widget shows the match as its own.

A statement line and a remittance match when: same company, same amount (BPR02 = the statement amount), the
statement line's label or reference contains the trace number (TRN02) as a whole word, the deposit is still
open and the statement line still in suspense, and neither has another candidate. Ambiguous cases are left
alone and the remittance's chatter says why (statement line names and counts only, no patient data).

Matching runs when statement lines are created (imported), when a remittance is posted (the statement may
come first), from the "Match ERA deposits" action of statement lines and from the remittance's button.
Cancelling a matched remittance reverses its entry (see ``medical_remittance_posting.py``), which undoes the
reconciliation; its statement line goes back to suspense, to be matched again (by the remittance posted again,
or by hand).
"""

import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError

DEPOSIT_STATES = [("none", "No Deposit"), ("open", "Not Matched"), ("matched", "Matched")]


def trace_pattern(trace):
    """The trace number as a whole word (not inside a longer number), case-insensitive."""
    return re.compile(r"(?<![0-9A-Za-z])" + re.escape(trace.strip()) + r"(?![0-9A-Za-z])", re.IGNORECASE)


def _oca_reconcile(env):
    """Whether OCA account_reconcile_oca (its statement line API) is installed."""
    return "account.reconcile.abstract" in env and hasattr(
        env["account.bank.statement.line"], "reconcile_bank_line"
    )


class MedicalRemittance(models.Model):
    # One file per concern of the remittance (see medical_remittance.py), merged by Odoo into one model.
    _inherit = "medical.remittance"  # pylint: disable=consider-merging-classes-inherited

    deposit_line_id = fields.Many2one(
        "account.move.line",
        string="Deposit Item",
        compute="_compute_deposit",
        help="The journal item of the payment on the outstanding receipts account (BPR02).",
    )
    deposit_state = fields.Selection(
        DEPOSIT_STATES,
        string="Deposit",
        compute="_compute_deposit",
        help="No Deposit: not posted, no payment (NON) or zero. Not Matched: no bank statement line matched "
        "yet. Matched: reconciled with its bank statement line.",
    )
    statement_line_id = fields.Many2one(
        "account.bank.statement.line",
        string="Bank Statement Line",
        compute="_compute_deposit",
        help="The bank statement line the deposit is reconciled with.",
    )

    @api.depends(
        "state",
        "move_id.line_ids.reconciled",
        "move_id.line_ids.matched_debit_ids",
        "move_id.line_ids.matched_credit_ids",
    )
    def _compute_deposit(self):
        for remittance in self:
            line = remittance._deposit_line()
            st_line = line._medical_statement_lines()[:1]
            remittance.deposit_line_id = line
            remittance.statement_line_id = st_line
            remittance.deposit_state = "matched" if st_line else ("open" if line else "none")

    def _deposit_line(self):
        """The deposit item of a posted remittance (read as superuser: the remittance was readable)."""
        self.ensure_one()
        AccountMoveLine = self.env["account.move.line"]
        move = self.sudo().move_id
        if self.state != "posted" or not move:
            return AccountMoveLine
        account = self.company_id.sudo()._medical_deposit_account()
        return move.line_ids.filtered(
            lambda ln: ln.account_id == account and ln.partner_id == self.payer_id and ln.balance
        )[:1]

    # ------------------------------------------------------------------ actions

    def action_match_deposit(self):
        """Match the deposits of these posted remittances with their bank statement lines (button)."""
        self.check_access("write")
        self._check_company_access()
        if any(r.state != "posted" for r in self):
            raise UserError(
                _("Only the deposit of a posted remittance can be matched with the bank statement.")
            )
        no_deposit = self.filtered(lambda r: r.deposit_state == "none")
        if no_deposit:
            raise UserError(
                _(
                    "Remittance %(name)s has no deposit to match (no payment, or a zero amount).",
                    name=no_deposit[0].name,
                )
            )
        open_ = self.filtered(lambda r: r.deposit_state == "open")
        matched, reasons = self.sudo()._match_deposits(remittances=open_.sudo())
        messages = [_("%(count)s deposit(s) matched with the bank statement.", count=len(matched))]
        messages += [reasons[r] for r in open_.sudo() if r in reasons]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Match ERA deposits"),
                "message": "\n".join(messages),
                "type": "success" if len(matched) == len(open_) else "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _check_company_access(self):
        """The user works for the companies of these remittances (the record rules let them read them)."""
        allowed = self.env.companies
        if self.company_id - allowed:
            raise UserError(_("You cannot match the deposits of another practice."))

    def action_view_statement_line(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.bank.statement.line",
            "res_id": self.statement_line_id.id,
            "view_mode": "form",
        }

    def action_post(self):
        result = super().action_post()
        # The bank statement may have been imported before the ERA.
        posted = self.filtered(lambda r: r.state == "posted" and r.deposit_state == "open")
        if posted:
            self.sudo()._match_deposits(remittances=posted.sudo())
        return result

    def action_cancel(self):
        """Cancelling reverses the entry (and so undoes the deposit's reconciliation): the matched bank
        statement lines go back to suspense, to be matched again."""
        matched = {r: r.statement_line_id for r in self if r.deposit_state == "matched"}
        result = super().action_cancel()
        for remittance, st_line in matched.items():
            st_line = st_line.sudo()
            if st_line.is_reconciled and not st_line._medical_open_deposit_lines():
                continue
            st_line._medical_unmatch()
            remittance.message_post(
                body=_(
                    "Remittance cancelled: its deposit is no longer matched with the bank statement line "
                    "%(line)s, which is back in suspense.",
                    line=st_line.move_id.name,
                )
            )
        return result

    # ------------------------------------------------------------------ matching

    def _match_deposits(self, remittances=None, statement_lines=None):
        """Match the given open deposits / statement lines with their unique counterpart.

        Called as superuser after the caller's rights were checked. Returns (matched remittances,
        {remittance: reason it was left unmatched}); ambiguous cases are written on the remittance's chatter.
        """
        Remittance = self.env["medical.remittance"]
        StLine = self.env["account.bank.statement.line"]
        remittances = (remittances or Remittance).filtered(lambda r: r.deposit_state == "open")
        statement_lines = (statement_lines or StLine).filtered(lambda s: s._medical_is_open())
        if not remittances and not statement_lines:
            return Remittance, {}
        companies = remittances.company_id | statement_lines.company_id
        amounts = sorted(set(remittances.mapped("amount")) | set(statement_lines.mapped("amount")))
        # Everything that could compete for these: the same companies and amounts.
        all_remittances = remittances | Remittance.search(
            [("state", "=", "posted"), ("company_id", "in", companies.ids), ("amount", "in", amounts)]
        ).filtered(lambda r: r.deposit_state == "open")
        all_lines = statement_lines | StLine.search(
            [("company_id", "in", companies.ids), ("is_reconciled", "=", False), ("amount", "in", amounts)]
        ).filtered(lambda s: s._medical_is_open())
        lines_of = {r: all_lines.filtered(lambda s, r=r: r._deposit_qualifies(s)) for r in all_remittances}
        remittances_of = {s: all_remittances.filtered(lambda r, s=s: s in lines_of[r]) for s in all_lines}
        # What to act on: the given remittances, and the remittances naming the given statement lines.
        concerned = remittances | all_remittances.filtered(lambda r: lines_of[r] & statement_lines)
        matched = Remittance
        reasons = {}
        for remittance in concerned:
            candidates = lines_of[remittance]
            if not candidates:
                reasons[remittance] = _(
                    "%(name)s: no open bank statement line of %(amount)s names trace number %(trace)s.",
                    name=remittance.name,
                    amount=f"{remittance.amount:.2f}",
                    trace=remittance.trace_number,
                )
                continue
            rivals = remittances_of[candidates[0]] - remittance if len(candidates) == 1 else Remittance
            if len(candidates) > 1:
                reason = _(
                    "Deposit not matched: %(count)s bank statement lines of %(amount)s name trace number "
                    "%(trace)s (%(lines)s). Match it by hand.",
                    count=len(candidates),
                    amount=f"{remittance.amount:.2f}",
                    trace=remittance.trace_number,
                    lines=", ".join(candidates.move_id.mapped("name")),
                )
            elif rivals:
                reason = _(
                    "Deposit not matched: the bank statement line %(line)s of %(amount)s also names the "
                    "deposit of %(others)s. Match it by hand.",
                    line=candidates.move_id.name,
                    amount=f"{remittance.amount:.2f}",
                    others=", ".join(rivals.mapped("name")),
                )
            else:
                candidates._medical_reconcile_deposit(remittance.deposit_line_id)
                remittance.message_post(
                    body=_(
                        "Deposit matched with the bank statement line %(line)s.",
                        line=candidates.move_id.name,
                    )
                )
                matched |= remittance
                continue
            reasons[remittance] = reason
            remittance.message_post(body=reason)
        return matched, reasons

    def _deposit_qualifies(self, st_line):
        """Whether ``st_line`` is this remittance's deposit: same company and amount, its label or
        reference naming the trace number."""
        self.ensure_one()
        if st_line.company_id != self.company_id or self.currency_id.compare_amounts(
            st_line.amount, self.amount
        ):
            return False
        if st_line.foreign_currency_id and st_line.foreign_currency_id != self.currency_id:
            return False
        pattern = trace_pattern(self.trace_number)
        return any(pattern.search(text or "") for text in (st_line.payment_ref, st_line.ref))


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    def _medical_statement_lines(self):
        """The bank statement lines these items are reconciled with (directly, or through the entry OCA's
        "keep" mode writes between them)."""
        lines = self.sudo()
        counterparts = lines.matched_debit_ids.debit_move_id | lines.matched_credit_ids.credit_move_id
        st_lines = counterparts.statement_line_id
        bridges = counterparts.filtered(lambda ln: not ln.statement_line_id).move_id.line_ids - counterparts
        if bridges:
            further = bridges.matched_debit_ids.debit_move_id | bridges.matched_credit_ids.credit_move_id
            st_lines |= further.statement_line_id
        return st_lines.with_env(self.env)


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    @api.model_create_multi
    def create(self, vals_list):
        st_lines = super().create(vals_list)
        # Statements imported (or typed): their ERA deposits are matched at once.
        st_lines._medical_auto_match()
        return st_lines

    def _medical_auto_match(self):
        """Match as superuser (a system action), after Odoo checked the user's own right to create these
        lines, and only the lines of the companies the user works in."""
        candidates = self.filtered(
            lambda s: s.amount and (s.payment_ref or s.ref) and s.company_id in self.env.companies
        )
        if not candidates:
            return
        Remittance = self.env["medical.remittance"].sudo()
        # Only when a posted remittance of that company and amount exists (no search per line).
        if Remittance.search_count(
            [
                ("state", "=", "posted"),
                ("company_id", "in", candidates.company_id.ids),
                ("amount", "in", list(set(candidates.mapped("amount")))),
            ],
            limit=1,
        ):
            Remittance._match_deposits(statement_lines=candidates.sudo())

    def action_match_era_deposits(self):
        """Match these statement lines with the ERA deposits they pay ("Match ERA deposits")."""
        self.check_access("write")
        self.env["medical.remittance"].check_access("read")
        open_lines = self.filtered(lambda s: s._medical_is_open())
        matched, _reasons = (
            self.env["medical.remittance"].sudo()._match_deposits(statement_lines=open_lines.sudo())
        )
        left = open_lines - matched.sudo().statement_line_id.with_env(self.env)
        message = _(
            "%(count)s statement line(s) matched with ERA deposits.", count=len(open_lines) - len(left)
        )
        if left:
            message += " " + _(
                "Not matched (no posted remittance of the same amount naming its trace number, or several): "
                "%(lines)s.",
                lines=", ".join(left.move_id.mapped("name")),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Match ERA deposits"),
                "message": message,
                "type": "warning" if left else "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _medical_is_open(self):
        """Still to match: in suspense for its whole amount, in the company's currency."""
        self.ensure_one()
        if self.is_reconciled or self.foreign_currency_id or not self.amount:
            return False
        _liquidity, suspense, other = self._seek_for_lines()
        return len(suspense) == 1 and not other and not suspense.reconciled

    def _medical_open_deposit_lines(self):
        """Items of this statement line on a reconcilable account, not in suspense, left open (a deposit
        whose remittance was cancelled)."""
        _liquidity, _suspense, other = self._seek_for_lines()
        return other.filtered(lambda ln: ln.account_id.reconcile and not ln.reconciled)

    def _medical_reconcile_deposit(self, deposit_lines):
        """Replace the suspense item of this statement line by the deposit's counterpart (the outstanding
        receipts account, partner the payer when there is one) and reconcile it with ``deposit_lines`` (the
        deposit item of a remittance, or the outstanding items of the payments of a patient deposit)."""
        self.ensure_one()
        partner = deposit_lines.partner_id if len(deposit_lines.partner_id) == 1 else self.partner_id
        if not self.partner_id and partner:
            # Rewrites the statement line's items with the payer as partner (still in suspense).
            self.partner_id = partner
        if _oca_reconcile(self.env):
            # From the statement line as it is now (not what an earlier unmatching left proposed).
            self.clean_reconcile()
            for deposit_line in deposit_lines:
                self._add_account_move_line(deposit_line)
            self.reconcile_bank_line()
            return
        if len(deposit_lines.account_id) != 1:
            raise UserError(
                _(
                    "The bank statement line %(line)s is matched with items of one account only.",
                    line=self.move_id.name,
                )
            )
        _liquidity, suspense, _other = self._seek_for_lines()
        suspense.write({"account_id": deposit_lines.account_id.id, "partner_id": partner.id})
        (suspense | deposit_lines).reconcile()

    def _medical_unmatch(self):
        """Back to suspense (the deposit of a cancelled remittance)."""
        if _oca_reconcile(self.env):
            self.unreconcile_bank_line()
        else:
            self.action_undo_reconciliation()
