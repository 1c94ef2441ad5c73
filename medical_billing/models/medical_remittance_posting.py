# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The books of a remittance (``medical.remittance``): one journal entry per 835 transaction, reconciled in
one pass with the claims' invoices, and the claims' adjudication, states, denials, copays and next payer's
claims that follow from it. Cancelling reverses it exactly.

The entry: the deposit (debit the bank journal's outstanding receipts, BPR02); per claim line, the payer
receivable credited for what it settles (paid + posted adjustments); CO to contractual adjustments, PR to
the patient's receivable (or left for the next payer's claim), OA / PI / CR to their accounts; claims that
matched nothing to unapplied payer cash; provider adjustments (PLB) to interest income, a claim, the payer's
credit balance or other adjustments. The amount rules are plain Python: ``edi/remit_rules.py``.
"""

from decimal import Decimal

from odoo import _, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import workflow_action

from ..edi.remit_rules import DENIED_STATUS, ZERO, Adj, is_denial, plan_line, plb_target
from .medical_claim_next_payer import PRIORITY_RANK

GROUP_ACCOUNTS = {
    "CO": "medical_contractual_account_id",
    "OA": "medical_remit_oa_account_id",
    "PI": "medical_remit_pi_account_id",
    "CR": "medical_remit_cr_account_id",
}


def _dec(value):
    return Decimal(str(round(value or 0.0, 2)))


class MedicalRemittance(models.Model):
    # One file per concern of the remittance (see medical_remittance.py), merged by Odoo into one model.
    _inherit = "medical.remittance"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ actions

    @workflow_action
    def action_post(self):
        """Post the remittances: their entries, reconciliations, and the claims' new adjudication."""
        self.check_access("write")
        if any(r.state != "draft" for r in self):
            raise UserError(_("Only draft remittances can be posted."))
        self.company_id._medical_check_accounting()
        for remittance in self:
            remittance._post()
        return True

    @workflow_action
    def action_cancel(self):
        """Cancel: a posted remittance is reversed exactly (its reconciliations undone), and its claims go
        back to what the payer's other remittances say of them."""
        self.check_access("write")
        for remittance in self:
            if remittance.state == "cancel":
                continue
            if remittance.state == "posted":
                remittance._unpost()
            remittance.state = "cancel"
        return True

    @workflow_action
    def action_draft(self):
        """A cancelled remittance back to draft, to post it again (its claims are matched again)."""
        self.check_access("write")
        if any(r.state != "cancel" for r in self):
            raise UserError(_("Only cancelled remittances can go back to draft."))
        self.write({"state": "draft", "move_id": False, "reversal_move_id": False})
        self.claim_ids.filtered(lambda c: c.match_state != "unapplied").write(
            {"reversed_claim_id": False, "secondary_claim_id": False, "resolution_move_id": False}
        )
        self.claim_ids._match_claims()
        return True

    # ------------------------------------------------------------------ posting

    def _post(self):
        self.ensure_one()
        matched = self.claim_ids.filtered(lambda c: c.match_state == "matched")
        matched._mark_denials()
        for rclaim in matched.filtered("is_reversal"):
            earlier = rclaim._reversed_payment(rclaim.claim_id)
            rclaim.reversed_claim_id = earlier
            earlier.reversed_by_id = rclaim
        line_vals = self._deposit_line_vals()
        to_next_payer = matched._next_payer_flags()
        for rclaim in matched:
            line_vals += rclaim._posting_line_vals(to_next_payer[rclaim.id])
        for rclaim in self.claim_ids - matched:
            line_vals += rclaim._unapplied_line_vals(-rclaim.paid_amount)
        for plb in self.provider_adjustment_ids:
            line_vals += plb._posting_line_vals()
        matched.adjustment_ids._mark_posted(to_next_payer)
        if not line_vals:
            # Nothing paid, nothing adjusted in the books (all denied): no entry, the claims still change.
            self.write({"state": "posted"})
            matched.claim_id._sync_from_remittances(matched)
            return self.env["account.move"]
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "company_id": self.company_id.id,
                "journal_id": self.company_id.medical_payment_journal_id.id,
                "date": self.date_payment or fields.Date.context_today(self),
                "ref": _("ERA %(trace)s from %(payer)s", trace=self.trace_number, payer=self.payer_id.name),
                "partner_id": self.payer_id.id,
                "medical_remittance_id": self.id,
                "line_ids": [fields.Command.create(vals) for vals in line_vals],
            }
        )
        move.action_post()
        self.write({"state": "posted", "move_id": move.id})
        matched._reconcile_payments()
        self.provider_adjustment_ids._reconcile_balances()
        matched.claim_id._sync_from_remittances(matched)
        return move

    def _deposit_line_vals(self):
        """The bank deposit: BPR02 on the outstanding receipts of the deposit journal (none when zero)."""
        self.ensure_one()
        if self.currency_id.is_zero(self.amount):
            return []
        if self.payment_method == "NON":
            raise UserError(
                _(
                    "Remittance %(name)s says no payment (NON) but carries %(amount)s: check the file.",
                    name=self.name,
                    amount=self.amount,
                )
            )
        return [
            {
                "name": _("ERA payment %s", self.trace_number),
                "account_id": self.company_id._medical_deposit_account().id,
                "partner_id": self.payer_id.id,
                "analytic_distribution": False,
                "balance": self.amount,
            }
        ]

    def _unpost(self):
        """Reverse the posted entries of the remittance (and of its resolved exceptions) exactly."""
        self.ensure_one()
        moves = (self.move_id | self.claim_ids.resolution_move_id).filtered(lambda m: m.state == "posted")
        today = fields.Date.context_today(self)
        reversing = self.claim_ids.filtered(lambda c: c.reversed_claim_id)
        earlier = reversing.reversed_claim_id
        reversals = moves._reverse_moves(
            [{"date": today, "ref": self.env._("Cancel %s", move.ref or move.name)} for move in moves],
            cancel=True,
        )
        self.reversal_move_id = reversals[:1]
        earlier.write({"reversed_by_id": False})
        # The payments these reversals took back are open again: they settle their invoices once more.
        earlier._reconcile_payments()
        self.env["medical.denial"].search([("remittance_claim_id", "in", self.claim_ids.ids)]).write(
            {"state": "closed"}
        )
        started = self.claim_ids.secondary_claim_id.filtered(lambda c: c.state in ("draft", "ready"))
        started.action_cancel()
        self.state = "cancel"
        claims = self.claim_ids.claim_id | earlier.claim_id
        claims._sync_from_remittances(self.env["medical.remittance.claim"])


class MedicalRemittanceClaim(models.Model):
    _inherit = "medical.remittance.claim"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ exceptions

    @workflow_action
    def action_apply_match(self):
        """Apply an exception to the claim the biller picked: its lines are matched (those the biller did not
        pick by code, modifiers, date and charge), and on a posted remittance its payment moves from
        unapplied payer cash to the claim in an entry of its own."""
        self.check_access("write")
        for rclaim in self:
            if rclaim.match_state != "exception":
                raise UserError(_("Claim %s is not an exception.", rclaim.patient_control_number))
            if not rclaim.claim_id:
                raise UserError(_("Pick the claim this remittance claim pays first."))
            reason = rclaim._match_problem(rclaim.claim_id, set())
            if not reason:
                picked = rclaim.line_ids.filtered("claim_line_id")
                if picked.claim_line_id.claim_id - rclaim.claim_id:
                    reason = _("The lines picked belong to another claim.")
                else:
                    reason = rclaim._match_lines(rclaim.claim_id, keep=picked)
            if reason:
                raise UserError(reason)
            rclaim.write({"match_state": "matched", "exception_reason": False})
            if rclaim.remittance_id.state == "posted":
                rclaim._post_resolution()
        return True

    @workflow_action
    def action_keep_unapplied(self):
        """Leave an exception's payment on unapplied payer cash (to refund, or apply later by an entry)."""
        self.check_access("write")
        if any(r.match_state != "exception" or r.remittance_id.state != "posted" for r in self):
            raise UserError(_("Only the exceptions of a posted remittance can be kept as unapplied cash."))
        self.write({"match_state": "unapplied"})
        return True

    def _post_resolution(self):
        self.ensure_one()
        self._mark_denials()
        line_vals = self._posting_line_vals() + self._unapplied_line_vals(self.paid_amount)
        remittance = self.remittance_id
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "company_id": self.company_id.id,
                "journal_id": self.company_id.medical_payment_journal_id.id,
                "date": fields.Date.context_today(self),
                "ref": _(
                    "ERA %(trace)s: claim %(claim)s applied",
                    trace=remittance.trace_number,
                    claim=self.patient_control_number,
                ),
                "partner_id": self.payer_id.id,
                "medical_remittance_id": remittance.id,
                "line_ids": [fields.Command.create(vals) for vals in line_vals],
            }
        )
        move.action_post()
        self.resolution_move_id = move
        self.adjustment_ids._mark_posted()
        self._reconcile_payments()
        unapplied = self.move_line_ids.filtered(
            lambda ln: ln.account_id == self.company_id.medical_unapplied_cash_account_id
            and not ln.reconciled
        )
        if len(unapplied) > 1:
            unapplied.reconcile()
        self.claim_id._sync_from_remittances(self)
        return move

    # ------------------------------------------------------------------ posting

    def _mark_denials(self):
        """Flag the denied claims (CLP02 4, or nothing paid with a denial reason) and denied lines."""
        for rclaim in self:
            adjustments = [Adj(a.group_code, a.reason_code, _dec(a.amount)) for a in rclaim.adjustment_ids]
            denied = rclaim.status_code == DENIED_STATUS or (
                not rclaim.is_reversal and is_denial(_dec(rclaim.paid_amount), adjustments)
            )
            rclaim.is_denial = denied
            for line in rclaim.line_ids:
                line_adjustments = [
                    Adj(a.group_code, a.reason_code, _dec(a.amount)) for a in line.adjustment_ids
                ]
                line.is_denial = denied or is_denial(_dec(line.paid_amount), line_adjustments)

    def _patient_partner(self):
        patient = self.claim_id.patient_id
        return patient.guarantor_id or patient

    def _pr_to_next_payer(self):
        """Whether this payer's patient responsibility goes to the patient's next payer's claim."""
        self.ensure_one()
        return self._next_payer_flags()[self.id]

    def _next_payer_flags(self):
        """{remittance claim id: whether its patient has a coverage after its claim's, in force on the date
        of service}: one search for all (``medical.claim._next_coverage_in_force``, claim by claim)."""
        claims = self.claim_id
        coverages = self.env["medical.coverage"].search(
            [("patient_id", "in", claims.patient_id.ids), ("company_id", "in", claims.company_id.ids)]
        )
        flags = {}
        for rclaim in self:
            claim = rclaim.claim_id
            if not claim or rclaim.is_reversal or claim.frequency == "8":
                flags[rclaim.id] = False
                continue
            rank = PRIORITY_RANK.get(claim.coverage_id.priority, 9)
            flags[rclaim.id] = any(
                coverage.patient_id == claim.patient_id
                and coverage.company_id == claim.company_id
                and coverage.priority_rank > rank
                and coverage.is_in_force(claim.date_service)
                for coverage in coverages
            )
        return flags

    def _posting_line_vals(self, to_next_payer=None):
        """Journal items of one matched remittance claim (all but the deposit). ``to_next_payer``: whether its
        patient responsibility goes to the next payer (see _next_payer_flags; computed when not given)."""
        self.ensure_one()
        claim = self.claim_id
        company = self.company_id
        payer = self.payer_id
        receivable = claim._payer_receivable_lines().account_id[
            :1
        ] or payer._medical_claim_receivable_account(company)
        if to_next_payer is None:
            to_next_payer = self._pr_to_next_payer()
        options = {"patient_to_next_payer": to_next_payer, "next_payer_claim": bool(claim.primary_claim_id)}
        # Contra-revenue carries the analytics of the revenue it reduces (the invoice line of the claim line).
        analytic = {
            ln.medical_claim_line_id.id: ln.analytic_distribution
            for ln in claim.invoice_id.invoice_line_ids
            if ln.medical_claim_line_id and ln.analytic_distribution
        }
        vals = []
        settled = ZERO
        posted = ZERO
        for line in self.line_ids:
            adjustments = [Adj(a.group_code, a.reason_code, _dec(a.amount)) for a in line.adjustment_ids]
            plan = plan_line(_dec(line.paid_amount), adjustments, denied=line.is_denial, **options)
            label = line.claim_line_id._invoice_label() if line.claim_line_id else self.patient_control_number
            vals += self._plan_vals(plan, line.claim_line_id, receivable, label, analytic)
            settled += plan.receivable
            posted += sum(plan.buckets.values(), ZERO)
        claim_level = self.adjustment_ids.filtered(lambda a: not a.line_id)
        plan = plan_line(
            ZERO,
            [Adj(a.group_code, a.reason_code, _dec(a.amount)) for a in claim_level],
            denied=self.is_denial,
            **options,
        )
        posted += sum(plan.buckets.values(), ZERO)
        # What the claim as a whole settles: CLP04 and every posted adjustment; the lines took their share.
        plan.receivable = _dec(self.paid_amount) + posted - settled
        label = _("%s (claim level)", self.patient_control_number)
        vals += self._plan_vals(plan, self.env["medical.claim.line"], receivable, label, analytic)
        return vals

    def _plan_vals(self, plan, claim_line, receivable, label, analytic):
        """Journal item values of a line's posting plan. ``analytic``: {claim line id: the analytic
        distribution of its invoice line}, which its contra-revenue carries (given, not looked up again in the
        analytic distribution models for every item)."""
        company = self.company_id
        payer = self.payer_id
        base = {
            "name": label,
            "medical_claim_line_id": claim_line.id,
            "medical_remittance_claim_id": self.id,
            "medical_patient_id": self.claim_id.patient_id.id,
            "analytic_distribution": False,
        }
        vals = []
        if plan.receivable:
            vals.append(
                {
                    **base,
                    "account_id": receivable.id,
                    "partner_id": payer.id,
                    "balance": -float(plan.receivable),
                }
            )
        for group, amount in plan.buckets.items():
            if not amount:
                continue
            if group == "PR":
                account = company.medical_patient_receivable_account_id
                partner = self._patient_partner()
            else:
                account = company[GROUP_ACCOUNTS.get(group, "medical_remit_oa_account_id")]
                partner = payer
            item = {**base, "account_id": account.id, "partner_id": partner.id, "balance": float(amount)}
            if group != "PR" and claim_line.product_id:
                item["product_id"] = claim_line.product_id.id
                item["analytic_distribution"] = analytic.get(claim_line.id) or False
            vals.append(item)
        return vals

    def _unapplied_line_vals(self, balance):
        """Unapplied payer cash for a remittance claim the books cannot apply yet."""
        self.ensure_one()
        if self.currency_id.is_zero(balance):
            return []
        return [
            {
                "name": _(
                    "Unapplied: claim %(claim)s (segment %(pos)s)",
                    claim=self.patient_control_number,
                    pos=self.position,
                ),
                "account_id": self.company_id.medical_unapplied_cash_account_id.id,
                "partner_id": self.payer_id.id,
                "medical_remittance_claim_id": self.id,
                "analytic_distribution": False,
                "balance": balance,
            }
        ]

    def _reconcile_payments(self):
        """Reconcile, in one pass, the payer receivable items of these remittance claims with the invoices
        (or balance transfers) of their claims; a reversal's with the payment it takes back (undone from its
        invoice first). Then each claim's open patient items with each other (copays, patient shares)."""
        plan = []
        reversals = self.filtered("reversed_claim_id")
        earlier_items = reversals.reversed_claim_id.move_line_ids.filtered(
            lambda ln: ln.account_id.reconcile and ln.parent_state == "posted"
        )
        earlier_items.filtered("reconciled").remove_move_reconcile()
        earlier_items.filtered(
            lambda ln: ln.matched_debit_ids or ln.matched_credit_ids
        ).remove_move_reconcile()
        for rclaim in reversals:
            items = (rclaim.move_line_ids | rclaim.reversed_claim_id.move_line_ids).filtered(
                lambda ln: ln.account_id.reconcile and ln.parent_state == "posted" and not ln.reconciled
            )
            plan += [items.filtered(lambda ln, a=account: ln.account_id == a) for account in items.account_id]
        for rclaim in self - reversals:
            payer = rclaim.payer_id
            items = rclaim.move_line_ids.filtered(
                lambda ln, p=payer: ln.parent_state == "posted"
                and ln.account_id.account_type == "asset_receivable"
                and ln.partner_id == p
                and not ln.reconciled
            )
            if not items:
                continue
            invoice_items = rclaim.claim_id._payer_receivable_lines().filtered(lambda ln: not ln.reconciled)
            for account in items.account_id:
                plan.append((items | invoice_items).filtered(lambda ln, a=account: ln.account_id == a))
        plan = [group for group in plan if len(group) > 1]
        if plan:
            self.env["account.move.line"]._reconcile_plan(plan)

    def _reconcile_patient_items(self, claims):
        """Reconcile each claim's open patient receivable items (its patient shares, copays applied)."""
        items = self.env["account.move.line"].search(
            [
                ("account_id", "in", claims.company_id.medical_patient_receivable_account_id.ids),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                "|",
                ("medical_claim_id", "in", claims.ids),
                ("move_id.medical_claim_id", "in", claims.ids),
            ]
        )
        plan = []
        for claim in claims:
            own = items.filtered(
                lambda ln, c=claim: (ln.medical_claim_id or ln.move_id.medical_claim_id) == c
                and ln.account_id == c.company_id.medical_patient_receivable_account_id
            )
            if own.filtered(lambda ln: ln.balance > 0) and own.filtered(lambda ln: ln.balance < 0):
                plan.append(own)
        if plan:
            self.env["account.move.line"]._reconcile_plan(plan)


class MedicalRemittanceAdjustment(models.Model):
    _inherit = "medical.remittance.adjustment"  # pylint: disable=consider-merging-classes-inherited

    def _mark_posted(self, to_next_payer=None):
        """Record which adjustments reached the books (see remit_rules.plan_line for the others)."""
        flags = to_next_payer or self.remittance_claim_id._next_payer_flags()
        posted = []
        for adjustment in self:
            rclaim = adjustment.remittance_claim_id
            denied = adjustment.line_id.is_denial if adjustment.line_id else rclaim.is_denial
            plan = plan_line(
                ZERO,
                [Adj(adjustment.group_code, adjustment.reason_code, _dec(adjustment.amount))],
                patient_to_next_payer=flags[rclaim.id],
                next_payer_claim=bool(rclaim.claim_id.primary_claim_id),
                denied=denied,
            )
            if not plan.skipped:
                posted.append(adjustment.id)
        self.browse(posted).write({"posted": True})


class MedicalRemittanceProviderAdjustment(models.Model):
    _inherit = "medical.remittance.provider.adjustment"  # pylint: disable=consider-merging-classes-inherited

    def _posting_line_vals(self):
        """The journal item of a provider adjustment: positive amounts reduce the payment (a debit)."""
        self.ensure_one()
        company = self.company_id
        payer = self.remittance_id.payer_id
        target = plb_target(self.reason_code)
        claim = self.env["medical.claim"]
        if target == "interest":
            account = company.medical_interest_account_id
        elif target == "balance":
            claim = self._referenced_claim()
            account = (
                claim._payer_receivable_lines().account_id[:1]
                if claim
                else company.medical_payer_credit_account_id
            )
        else:
            account = company.medical_remit_oa_account_id
        self.write({"account_id": account.id, "claim_id": claim.id})
        if self.currency_id.is_zero(self.amount):
            return []
        return [
            {
                "medical_claim_id": claim.id,
                "medical_provider_adjustment_id": self.id,
                "name": _(
                    "Provider adjustment %(reason)s %(reference)s",
                    reason=self.reason_code,
                    reference=self.reference or "",
                ),
                "account_id": account.id,
                "partner_id": payer.id,
                "analytic_distribution": False,
                "balance": self.amount,
            }
        ]

    def _referenced_claim(self):
        """Our claim the reference names (claim number, or the payer's claim number), if any."""
        self.ensure_one()
        reference = (self.reference or "").strip()
        if not reference:
            return self.env["medical.claim"]
        domain = [("company_id", "=", self.company_id.id), ("payer_id", "=", self.remittance_id.payer_id.id)]
        Claim = self.env["medical.claim"]
        return Claim.search([*domain, ("patient_control_number", "=", reference)], limit=1) or Claim.search(
            [*domain, ("payer_claim_control_number", "=", reference)], limit=1
        )

    def _reconcile_balances(self):
        """A recoupment or forwarding balance against a claim settles what is open on it (an overpayment)."""
        plan = []
        for plb in self.filtered("claim_id"):
            move = plb.remittance_id.move_id
            item = move.line_ids.filtered(
                lambda ln, p=plb: ln.medical_provider_adjustment_id == p and not ln.reconciled
            )
            open_items = plb.claim_id._payer_receivable_lines() | self.env["account.move.line"].search(
                [
                    ("medical_remittance_claim_id.claim_id", "=", plb.claim_id.id),
                    ("account_id", "=", plb.account_id.id),
                    ("reconciled", "=", False),
                    ("parent_state", "=", "posted"),
                ]
            )
            opposite = open_items.filtered(
                lambda ln, i=item: not ln.reconciled and (ln.balance > 0) != (i.balance > 0)
            )
            if item and opposite:
                plan.append(item | opposite)
        if plan:
            self.env["account.move.line"]._reconcile_plan(plan)
