# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The books of a claim (``medical.claim``): its payer invoice, the balance transfer of a next payer's
claim, the copay applied once the patient responsibility is known, the reversal of its entries, and the
row lock that keeps two users from posting the same balance twice."""

from datetime import timedelta

import psycopg2.errors

from odoo import Command, _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.invoice_pricing import invoice_line_command


class MedicalClaim(models.Model):
    # One file per concern of the claim (see medical_claim.py), merged by Odoo into one model.
    _inherit = "medical.claim"  # pylint: disable=consider-merging-classes-inherited

    transfer_move_id = fields.Many2one(
        "account.move",
        string="Balance Transfer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="On a next payer's claim: the journal entry that moved what the previous payer left from the "
        "previous payer's receivable to this payer's (it is also this claim's invoice). Each next payer's "
        "claim has its own.",
    )

    def _lock_for_update(self):
        """Lock these claims, and the claims they correct or bill the balance of, until the end of the
        transaction: two users cannot validate, correct or bill the next payer of the same claim at once
        (the second would bill the same balance twice). Fails at once, naming the claim, when another
        transaction holds one of them.
        """
        claims = self | self.original_claim_id | self.primary_claim_id
        if not claims.ids:
            return
        ids = tuple(sorted(claims.ids))
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL("SELECT id FROM medical_claim WHERE id IN %s ORDER BY id FOR UPDATE NOWAIT", ids),
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable:
            self.env.cr.execute(
                SQL("SELECT id FROM medical_claim WHERE id IN %s FOR UPDATE SKIP LOCKED", ids)
            )
            free = {row[0] for row in self.env.cr.fetchall()}
            busy = claims.filtered(lambda c: c.id not in free) or claims
            raise UserError(
                _(
                    "Claim %(claims)s is being validated, corrected or billed to the next payer by another "
                    "user right now: try again in a moment.",
                    claims=", ".join(busy[:5].mapped("patient_control_number")),
                )
            ) from None

    def _check_entries_resettable(self):
        """A clear error naming the claim when one of its posted journal entries (invoice, balance transfer)
        cannot go back to draft: secured by hash, awaiting a cancellation request, or in a locked period."""
        for claim in self:
            for move in (claim.invoice_id | claim.transfer_move_id).filtered(lambda m: m.state == "posted"):
                journal = move.journal_id
                reason = None
                if move.inalterable_hash or move.restrict_mode_hash_table:
                    reason = _(
                        "is secured by the hash chain of the %(journal)s journal (locked posted entries)",
                        journal=journal.name,
                    )
                elif move.need_cancel_request:
                    reason = _("can only be cancelled through a cancellation request")
                else:
                    locked = move.company_id._get_lock_date_violations(
                        move.date, fiscalyear=True, sale=journal.type == "sale", purchase=False, tax=False
                    )
                    if locked:
                        reason = _(
                            "is dated in a locked period (%(lock)s)",
                            lock=self.env["res.company"]._format_lock_dates(locked),
                        )
                if reason:
                    raise UserError(
                        _(
                            "Claim %(claim)s cannot go back to draft or be cancelled: its journal entry "
                            "%(move)s %(reason)s, and cannot be reset to draft. Once the payer has the "
                            "claim, correct it with a replacement or a void.",
                            claim=claim.patient_control_number,
                            move=move.name,
                            reason=reason,
                        )
                    )

    def action_view_invoice(self):
        self.ensure_one()
        return self.invoice_id.get_formview_action()

    # ------------------------------------------------------------------ business: accounting

    def _prepare_invoice_vals(self, products):
        """The payer invoice of a (first payer's) claim: dated on the date of service, the revenue's
        period; Odoo chooses the accounting date against the lock dates when it posts it."""
        self.ensure_one()
        company = self.company_id
        payer = self.payer_id.with_company(company)
        lines = [
            invoice_line_command(line, products[line.code_id], line._invoice_label(), "medical_claim_line_id")
            for line in self.line_ids
        ]
        vals = {
            "move_type": "out_invoice",
            "company_id": company.id,
            "journal_id": company.medical_claim_journal_id.id,
            "partner_id": payer.id,
            "invoice_date": self.date_service,
            "ref": self.patient_control_number,
            "payment_reference": self.patient_control_number,
            "invoice_origin": self.patient_control_number,
            "medical_claim_id": self.id,
            "medical_receivable_account_id": payer._medical_claim_receivable_account(company).id,
            "invoice_line_ids": lines,
        }
        if not payer.property_payment_term_id:
            # Due when the payer's contract says it pays (default 30 days): aging means something.
            vals["invoice_date_due"] = self.date_service + timedelta(days=payer.payer_payment_days or 30)
        return vals

    def _post_claim_invoices(self):
        """Create (or refresh) and post the payer invoices of the claims, in one batch.

        A next payer's claim is not invoiced: its balance transfer (an entry between the two payers'
        receivables) is its invoice, so revenue is counted once, on the first payer's invoice.
        """
        # A replacement takes the original's place in the books: the original's charges (or the balance
        # it took from the previous payer) go back first.
        replacements = self.filtered(lambda c: c.frequency == "7" and c.original_claim_id)
        if replacements:
            originals = replacements.original_claim_id
            originals._check_no_live_next_payer()
            originals._reverse_invoices(_("Replaced by a corrected claim (%s)"))
            originals.write({"state": "replaced"})
            for claim in replacements:
                claim.original_claim_id.message_post(body=_("Replaced by claim %s.", claim._get_html_link()))
        next_payer = self.filtered("primary_claim_id")
        first_payer = self - next_payer
        products = first_payer.line_ids.code_id._get_service_products()
        Move = self.env["account.move"].with_context(default_move_type="out_invoice", skip_invoice_sync=False)
        # Invoices reset to draft (claim corrected before submission) get their lines replaced; their dates
        # stay (same number, same period).
        redo = first_payer.filtered(lambda c: c.invoice_id.state == "draft")
        for claim in redo:
            vals = claim._prepare_invoice_vals(products)
            for fname in ("invoice_date", "invoice_date_due", "journal_id"):
                vals.pop(fname, None)
            vals["invoice_line_ids"] = [Command.clear(), *vals["invoice_line_ids"]]
            claim.invoice_id.write(vals)
        new = first_payer - redo
        moves = Move.create([claim._prepare_invoice_vals(products) for claim in new])
        for claim, move in zip(new, moves, strict=True):
            claim.invoice_id = move
        # Next payer's claims: what the previous payer left moves from its receivable to this payer's.
        transfers = next_payer._prepare_balance_transfers()
        (moves | redo.invoice_id | transfers).action_post()
        next_payer._reconcile_balance_transfers(transfers)

    def _apply_copays(self):
        """Relieve the copay collected at the visit once the patient responsibility is known.

        Known when the last payer has adjudicated (a patient with a next coverage in force waits for the
        next payer's claim). One entry per visit: the patient responsibility the copay settles moves from
        the payer's receivable (reconciled with the claim's invoice) to the patient's, where the copay
        (out of Copays Received) settles it; what the copay exceeds stays an open patient credit, to
        refund or apply.
        """
        for claim in self:
            encounter = claim.encounter_id
            if claim.frequency == "8" or claim.copay_move_id or not encounter:
                continue
            if claim.invoice_id.state != "posted" or claim._next_coverage_in_force():
                continue
            copays = encounter.sudo().copay_move_ids.filtered(lambda m: m.state == "posted")
            currency = claim.currency_id
            copay = sum(copays.mapped("amount_total_signed"))
            if currency.compare_amounts(copay, 0) <= 0:
                continue
            applied_before = encounter.claim_ids.filtered(
                lambda c, claim=claim: c != claim
                and c.copay_move_id.state == "posted"
                and c.state not in ("cancel", "replaced", "voided")
            )
            if applied_before:
                continue
            claim._post_copay_application(copays, copay)

    def _post_copay_application(self, copays, copay):
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        patient_account = company.medical_patient_receivable_account_id
        patient = copays.partner_id[:1]
        payer_lines = self._payer_receivable_lines()
        applied = min(copay, self.amount_patient, max(self.amount_residual, 0.0))
        label = _("Copay applied to claim %s", self.patient_control_number)
        lines = []
        if currency.compare_amounts(applied, 0) > 0:
            lines += [
                Command.create(
                    {
                        "name": _("Patient responsibility of claim %s", self.patient_control_number),
                        "account_id": patient_account.id,
                        "partner_id": patient.id,
                        "debit": applied,
                        "credit": 0.0,
                    }
                ),
                Command.create(
                    {
                        "name": _("Patient responsibility of claim %s", self.patient_control_number),
                        "account_id": payer_lines.account_id[:1].id,
                        "partner_id": self.payer_id.id,
                        "debit": 0.0,
                        "credit": applied,
                    }
                ),
            ]
        lines += [
            Command.create(
                {
                    "name": label,
                    "account_id": company.medical_copay_account_id.id,
                    "partner_id": patient.id,
                    "debit": copay,
                    "credit": 0.0,
                }
            ),
            Command.create(
                {
                    "name": label,
                    "account_id": patient_account.id,
                    "partner_id": patient.id,
                    "debit": 0.0,
                    "credit": copay,
                }
            ),
        ]
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "company_id": company.id,
                "journal_id": company._medical_transfer_journal().id,
                "partner_id": patient.id,
                "ref": label,
                "medical_claim_id": self.id,
                "line_ids": lines,
            }
        )
        move.action_post()
        self.copay_move_id = move
        payer_credit = move.line_ids.filtered(lambda ln: ln.partner_id == self.payer_id and ln.credit)
        if payer_credit:
            (payer_credit | payer_lines).filtered(
                lambda ln: ln.account_id == payer_credit.account_id and not ln.reconciled
            ).reconcile()
        patient_lines = move.line_ids.filtered(lambda ln: ln.account_id == patient_account)
        if len(patient_lines) > 1:
            patient_lines.reconcile()
        self.message_post(
            body=_(
                "Copay of %(copay)s applied: %(applied)s of patient responsibility settled, %(excess)s left "
                "to the patient as a credit.",
                copay=copay,
                applied=applied,
                excess=copay - applied,
            )
        )
        return move

    def _payer_receivable_lines(self):
        """The receivable lines of the claim's invoice (or balance transfer) that its payer owes."""
        self.ensure_one()
        move = self.invoice_id
        if move.move_type != "entry":
            return move.line_ids.filtered(lambda ln: ln.display_type == "payment_term")
        return move.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
            and ln.partner_id == self.payer_id
            and ln.debit
        )

    def _reverse_invoices(self, label):
        """Reverse the posted invoices (or balance transfers) of the claims, reconciled with them.

        Reversing a balance transfer gives the balance back to the previous payer's invoice.
        """
        to_reverse = self.filtered(lambda c: c.invoice_id.state == "posted" and not c.reversal_move_id)
        if not to_reverse:
            return self.env["account.move"]
        today = fields.Date.context_today(self)
        values = []
        for claim in to_reverse:
            vals = {"ref": label % claim.patient_control_number, "date": today, "medical_claim_id": claim.id}
            if claim.invoice_id.move_type != "entry":
                vals["invoice_date"] = today
            values.append(vals)
        credit_notes = to_reverse.invoice_id._reverse_moves(values, cancel=True)
        for claim, credit_note in zip(to_reverse, credit_notes, strict=True):
            claim.reversal_move_id = credit_note
        # The copay applied to the claim goes back to Copays Received, for the claim that takes its place.
        copays = to_reverse.copay_move_id.filtered(lambda m: m.state == "posted")
        if copays:
            copays._reverse_moves([{"date": today} for _move in copays], cancel=True)
        return credit_notes

    def _check_transfer_residual(self):
        """The balance moved to a next payer is at most what is still open on the previous payer's invoice."""
        for claim in self.filtered(lambda c: c.primary_claim_id and c.frequency != "8"):
            previous = claim.primary_claim_id
            amount = claim._next_payer_amount()
            if claim.currency_id.compare_amounts(amount, previous.amount_residual) > 0:
                raise UserError(
                    _(
                        "Claim %(next)s would move %(amount)s from claim %(claim)s, but only %(open)s is "
                        "still open with %(payer)s: check the adjudication and the payments of claim "
                        "%(claim)s before billing the next payer.",
                        next=claim.patient_control_number,
                        amount=amount,
                        claim=previous.patient_control_number,
                        open=previous.amount_residual,
                        payer=previous.payer_id.name,
                    )
                )

    def _prepare_transfer_vals(self):
        """The journal entry moving what the previous payer left from its receivable to this payer's.

        One pair of lines per claim line (and one for the claim-level responsibility): credit the previous
        payer's receivable, debit this payer's. No revenue account is touched: gross charges are counted
        once, on the first payer's invoice.
        """
        self.ensure_one()
        previous = self.primary_claim_id
        company = self.company_id
        previous_account = previous._payer_receivable_lines().account_id[:1] or (
            previous.payer_id._medical_claim_receivable_account(company)
        )
        account = self.payer_id._medical_claim_receivable_account(company)
        ClaimLine = self.env["medical.claim.line"]
        amounts = [
            (line.primary_line_id._invoice_label(), amount, line, line.primary_line_id)
            for line, amount in self._next_payer_lines()
        ]
        claim_level = self._next_payer_claim_level_amount()
        if self.currency_id.compare_amounts(claim_level, 0) > 0:
            amounts.append(
                (
                    _("%s patient responsibility (claim level)", previous.patient_control_number),
                    claim_level,
                    ClaimLine,
                    ClaimLine,
                )
            )
        lines = []
        for label, amount, line, previous_line in amounts:
            lines += [
                Command.create(
                    {
                        "name": label,
                        "account_id": account.id,
                        "partner_id": self.payer_id.id,
                        "medical_claim_line_id": line.id,
                        "debit": amount,
                        "credit": 0.0,
                    }
                ),
                Command.create(
                    {
                        "name": label,
                        "account_id": previous_account.id,
                        "partner_id": previous.payer_id.id,
                        "medical_claim_line_id": previous_line.id,
                        "debit": 0.0,
                        "credit": amount,
                    }
                ),
            ]
        return {
            "move_type": "entry",
            "company_id": company.id,
            "journal_id": company._medical_transfer_journal().id,
            "partner_id": self.payer_id.id,
            "ref": _(
                "Balance of claim %(previous)s moved to claim %(claim)s",
                previous=previous.patient_control_number,
                claim=self.patient_control_number,
            ),
            "medical_claim_id": self.id,
            "line_ids": lines,
        }

    def _prepare_balance_transfers(self):
        """Create (or refresh) the draft balance transfers of next payer's claims, in one batch; returns
        the moves to post.

        Each next payer's claim has its own transfer, recomputed from the previous payer's adjudication
        whenever the claim is validated: a claim reset to draft refreshes its own, a replacement or a new
        claim after a void gets a new one (the replaced or voided claim's transfer was reversed).
        """
        claims = self.filtered(lambda c: c.primary_claim_id and c.frequency != "8")
        claims._check_transfer_residual()
        Move = self.env["account.move"]
        to_post = Move
        new = self.env["medical.claim"]
        for claim in claims:
            transfer = claim.transfer_move_id
            if transfer.state == "draft":
                vals = claim._prepare_transfer_vals()
                vals.pop("journal_id")
                vals["line_ids"] = [Command.clear(), *vals["line_ids"]]
                transfer.write(vals)
                to_post |= transfer
            elif not transfer or transfer.state == "cancel":
                new |= claim
        moves = Move.create([claim._prepare_transfer_vals() for claim in new])
        for claim, move in zip(new, moves, strict=True):
            claim.transfer_move_id = move
            claim.invoice_id = move
        return to_post | moves

    def _reconcile_balance_transfers(self, transfers):
        """Reconcile the posted ``transfers`` with the previous payers' invoices they credit."""
        for claim in self.filtered(lambda c: c.transfer_move_id in transfers):
            previous = claim.primary_claim_id
            credits = claim.transfer_move_id.line_ids.filtered(
                lambda ln, previous=previous: ln.partner_id == previous.payer_id and ln.credit
            )
            for account in credits.account_id:
                lines = (credits | previous._payer_receivable_lines()).filtered(
                    lambda ln, account=account: ln.account_id == account and not ln.reconciled
                )
                lines.reconcile()
