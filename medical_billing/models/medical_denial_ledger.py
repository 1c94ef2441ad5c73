# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The denial actions that touch the books: write-off (to an account chosen by the category, approved by a
second billing manager above the company's amount) and transfer to the patient. Each posts one entry in
the company's miscellaneous journal, crediting the payer's receivable of the claim (reconciled with the
claim's open payer items): never through revenue."""

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.medical_coding.models.workflow import workflow_action

WRITEOFF_TYPES = [
    ("administrative", "Administrative"),
    ("contractual", "Contractual"),
    ("bad_debt", "Bad Debt"),
]
# The practice's own errors are administrative; what the contract or the plan excludes is contractual.
CONTRACTUAL_CATEGORIES = {"non_covered", "medical_necessity", "other"}
WRITEOFF_ACCOUNTS = {
    "administrative": "medical_denial_writeoff_account_id",
    "contractual": "medical_contractual_account_id",
    "bad_debt": "medical_bad_debt_account_id",
}
WORKABLE_STATES = ("new", "in_progress", "lost")
# A signed waiver on the billed line (medical.abn: GA for option 1, GX for a voluntary notice): the patient
# agreed to pay what the payer does not. GZ (no notice) makes the practice liable: never the patient.
WAIVER_MODIFIERS = ("GA", "GX")
MANAGER_GROUP = "medical_coding.medical_coding_group_manager"


class MedicalDenial(models.Model):
    _inherit = "medical.denial"  # pylint: disable=consider-merging-classes-inherited

    writeoff_type = fields.Selection(
        WRITEOFF_TYPES,
        string="Write-off Type",
        compute="_compute_writeoff_type",
        store=True,
        readonly=False,
        help="Chooses the write-off account (company settings): administrative for the practice's own "
        "errors, contractual for what the contract or the plan excludes, bad debt for uncollectible.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        copy=False,
        check_company=True,
        help="The write-off or the transfer to the patient.",
    )
    writeoff_requested_by_id = fields.Many2one("res.users", string="Write-off Requested By", readonly=True)
    writeoff_approved_by_id = fields.Many2one("res.users", string="Write-off Approved By", readonly=True)
    writeoff_needs_approval = fields.Boolean(compute="_compute_writeoff_needs_approval")

    @api.depends("category")
    def _compute_writeoff_type(self):
        for denial in self:
            denial.writeoff_type = (
                "contractual" if denial.category in CONTRACTUAL_CATEGORIES else "administrative"
            )

    @api.depends("amount", "company_id.medical_denial_writeoff_approval_amount")
    def _compute_writeoff_needs_approval(self):
        for denial in self:
            limit = denial.company_id.medical_denial_writeoff_approval_amount
            denial.writeoff_needs_approval = denial.currency_id.compare_amounts(denial.amount, limit) > 0

    # ------------------------------------------------------------------ write-off

    @workflow_action
    def action_write_off(self):
        """Write the amount off; above the company's amount, ask a billing manager's approval instead."""
        self._check_biller()
        self._check_state(WORKABLE_STATES, _("Only a denial being worked can be written off"))
        asking = self.filtered("writeoff_needs_approval")
        if asking.filtered("writeoff_requested_by_id"):
            raise UserError(
                _(
                    "The write-off of the denial of %s already waits for a billing manager's approval.",
                    asking.filtered("writeoff_requested_by_id")[0].claim_id.display_name,
                )
            )
        for denial in asking:
            denial.writeoff_requested_by_id = self.env.user
            denial.message_post(
                body=_(
                    "Write-off of %(amount)s asked by %(user)s: waits for a billing manager's approval.",
                    amount=denial.amount,
                    user=self.env.user.name,
                )
            )
        (self - asking)._post_entries("write_off")
        return True

    @api.model
    def action_write_off_small_balances(self):
        """Write off every denial still to work of the current company whose amount is at most the
        company's small-balance amount (the approval rules apply: above the approval amount, asked)."""
        self._check_biller()
        company = self.env.company
        limit = company.medical_denial_small_balance
        if limit <= 0:
            raise UserError(_("Set the small-balance amount in the medical billing settings first."))
        denials = self.search(
            [
                ("company_id", "=", company.id),
                ("state", "in", WORKABLE_STATES),
                ("amount", "<=", limit),
                ("writeoff_requested_by_id", "=", False),
            ]
        )
        denials.action_write_off()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": _("%s small denials written off (or sent for approval).", len(denials)),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @workflow_action
    def action_approve_write_off(self):
        """A billing manager approves the write-off another user asked for; it is posted."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only a billing manager may approve a write-off."))
        for denial in self:
            if not denial.writeoff_requested_by_id:
                raise UserError(
                    _("Nobody asked to write off the denial of %s.", denial.claim_id.display_name)
                )
            if denial.writeoff_requested_by_id == self.env.user:
                raise AccessError(
                    _(
                        "You asked for the write-off of the denial of %s: another billing manager "
                        "approves it.",
                        denial.claim_id.display_name,
                    )
                )
        self._check_state(WORKABLE_STATES, _("Only a denial being worked can be written off"))
        self.writeoff_approved_by_id = self.env.user
        self._post_entries("write_off")
        return True

    @workflow_action
    def action_refuse_write_off(self):
        """A billing manager refuses the write-off asked for: the denial goes back to the queue."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only a billing manager may refuse a write-off."))
        self._check_state(WORKABLE_STATES, _("Only a denial being worked can have its write-off refused"))
        for denial in self:
            if not denial.writeoff_requested_by_id:
                raise UserError(
                    _("Nobody asked to write off the denial of %s.", denial.claim_id.display_name)
                )
        for denial in self:
            denial.message_post(
                body=_(
                    "Write-off of %(amount)s asked by %(asker)s refused by %(user)s: back to the queue.",
                    amount=denial.amount,
                    asker=denial.writeoff_requested_by_id.name,
                    user=self.env.user.name,
                )
            )
        self.writeoff_requested_by_id = False
        return True

    # ------------------------------------------------------------------ transfer to patient

    @workflow_action
    def action_transfer_to_patient(self):
        """Move the amount from the payer's receivable to the patient's (PR after a denial, or a
        non-covered service with a signed waiver)."""
        self._check_biller()
        self._check_state(WORKABLE_STATES, _("Only a denial being worked can be transferred to the patient"))
        for denial in self:
            if not denial._patient_may_owe():
                raise UserError(
                    _(
                        "The denial of %(claim)s is %(group)s-%(reason)s: only a patient-responsibility (PR) "
                        "denial or a non-covered service billed with a signed waiver (GA / GX) moves to the "
                        "patient.",
                        claim=denial.claim_id.display_name,
                        group=denial.group_code or "",
                        reason=denial.reason_code or "",
                    )
                )
        self._post_entries("transfer")
        return True

    def _patient_may_owe(self):
        """PR after the denial, or every denied line billed with a signed waiver's modifier (GA / GX)."""
        self.ensure_one()
        if self.group_code == "PR":
            return True
        lines = self.claim_line_id or self.claim_id.line_ids
        return bool(lines) and all(
            set(line._modifiers().mapped("code")) & set(WAIVER_MODIFIERS) for line in lines
        )

    # ------------------------------------------------------------------ entries

    def _post_entries(self, kind):
        if not self:
            return
        moves = self.env["account.move"].create([denial._entry_vals(kind) for denial in self])
        moves.action_post()
        today = fields.Date.context_today(self)
        state = "written_off" if kind == "write_off" else "transferred"
        for denial, move in zip(self, moves, strict=True):
            denial.write({"move_id": move.id, "state": state, "date_closed": today})
            denial._reconcile_with_claim()

    def _payer_receivable_account(self):
        self.ensure_one()
        claim = self.claim_id
        return claim._payer_receivable_lines().account_id[
            :1
        ] or claim.payer_id._medical_claim_receivable_account(self.company_id)

    def _entry_vals(self, kind):
        """Debit the write-off account (or the patient's receivable), credit the payer's receivable."""
        self.ensure_one()
        claim, company = self.claim_id, self.company_id
        company._medical_check_accounting()
        if self.currency_id.compare_amounts(self.amount, claim.amount_residual) > 0:
            raise UserError(
                _(
                    "The denial of %(claim)s is for %(amount)s but only %(open)s is still open with the "
                    "payer: check the claim's payments first.",
                    claim=claim.display_name,
                    amount=self.amount,
                    open=claim.amount_residual,
                )
            )
        if kind == "write_off":
            account = company[WRITEOFF_ACCOUNTS[self.writeoff_type or "administrative"]]
            partner = self.payer_id or claim.payer_id
            label = _(
                "Denial write-off %(claim)s CARC %(reason)s",
                claim=claim.display_name,
                reason=self.reason_code,
            )
        else:
            account = company.medical_patient_receivable_account_id
            patient = claim.patient_id
            partner = patient.guarantor_id or patient
            label = _("Denied balance of %s moved to the patient", claim.display_name)
        if not account:
            raise UserError(_("Set the denial write-off accounts in the medical billing settings."))
        return {
            "move_type": "entry",
            "company_id": company.id,
            "journal_id": company._medical_transfer_journal().id,
            "ref": label,
            "medical_claim_id": claim.id,
            "line_ids": [
                Command.create(
                    {
                        "name": label,
                        "account_id": account.id,
                        "partner_id": partner.id,
                        "medical_claim_line_id": self.claim_line_id.id,
                        "debit": self.amount,
                        "credit": 0.0,
                    }
                ),
                Command.create(
                    {
                        "name": label,
                        "account_id": self._payer_receivable_account().id,
                        "partner_id": (self.payer_id or claim.payer_id).id,
                        "medical_claim_line_id": self.claim_line_id.id,
                        "debit": 0.0,
                        "credit": self.amount,
                    }
                ),
            ],
        }

    def _reconcile_with_claim(self):
        """Reconcile the entry's payer credit with the claim's open payer receivable items."""
        self.ensure_one()
        credit = self.move_id.line_ids.filtered(lambda ln: ln.credit)
        open_items = self.claim_id._payer_receivable_lines().filtered(
            lambda ln: ln.account_id == credit.account_id and not ln.reconciled
        )
        (credit | open_items).reconcile()
