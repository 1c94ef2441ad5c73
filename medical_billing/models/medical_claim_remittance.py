# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A claim (``medical.claim``) and its remittances: every remittance claim that paid, denied or reversed it
is kept; the claim's adjudication fields are the view of the latest one still in force, and its state, its
denials, its copay and its next payer's claim follow from it."""

from datetime import date

from odoo import _, api, fields, models

from odoo.addons.medical_coding.models.workflow import workflow_action

from ..edi.remit_rules import FORWARDED_STATUSES, PRICING_REASONS


class MedicalClaim(models.Model):
    # One file per concern of the claim (see medical_claim.py), merged by Odoo into one model.
    _inherit = "medical.claim"  # pylint: disable=consider-merging-classes-inherited

    remittance_claim_ids = fields.One2many(
        "medical.remittance.claim", "claim_id", string="Remittances", copy=False, readonly=True
    )
    denial_ids = fields.One2many("medical.denial", "claim_id", string="Denials", copy=False, readonly=True)
    remittance_count = fields.Integer(compute="_compute_remittance_count")

    def _compute_payer_balance(self):  # its dependencies are declared in medical_claim.py
        """The payer balance also counts what remittances left open on the claim: a payment beyond the
        balance (the payer's credit on the claim), a recoupment not yet offset."""
        res = super()._compute_payer_balance()
        claims = self.filtered("id")
        if not claims:
            return res
        groups = self.env["account.move.line"]._read_group(
            [
                ("medical_claim_id", "in", claims.ids),
                ("move_id.medical_remittance_id", "!=", False),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ],
            ["medical_claim_id", "partner_id"],
            ["amount_residual:sum"],
        )
        for claim, partner, residual in groups:
            if partner == claim.payer_id and not claim.currency_id.is_zero(residual):
                claim.amount_residual += residual
                if claim.currency_id.is_zero(claim.amount_residual):
                    claim.payment_state = "paid"
                elif claim.payment_state == "paid":
                    claim.payment_state = "partial"
        return res

    @api.depends("remittance_claim_ids")
    def _compute_remittance_count(self):
        for claim in self:
            claim.remittance_count = len(claim.remittance_claim_ids)

    def action_view_remittances(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Remittances"),
            "res_model": "medical.remittance.claim",
            "view_mode": "list,form",
            "domain": [("claim_id", "=", self.id)],
        }

    def _effective_remittance_claims(self):
        """{claim: its latest posted remittance claim still in force (not a reversal, not reversed)}."""
        rclaims = self.env["medical.remittance.claim"].search(
            [
                ("claim_id", "in", self.ids),
                ("match_state", "=", "matched"),
                ("remittance_id.state", "=", "posted"),
                ("is_reversal", "=", False),
                ("reversed_by_id", "=", False),
            ],
        )
        # Sorted here: ``order="remittance_id"`` would follow the remittances' own order (newest first).
        rclaims = rclaims.sorted(lambda r: (r.date_payment or date.min, r.remittance_id.id, r.sequence, r.id))
        return {rclaim.claim_id: rclaim for rclaim in rclaims}

    @workflow_action
    def _sync_from_remittances(self, new_rclaims):
        """After ``new_rclaims`` were posted (or a remittance cancelled): each claim's adjudication,
        denials, next payer's claim, copay and state, from its remittances. Writes are grouped by value."""
        effective = self._effective_remittance_claims()
        self._apply_remittance_views(effective)
        new_rclaims.filtered(lambda r: not r.is_reversal)._create_denials()
        started = self._start_next_payer_claims(new_rclaims, effective)
        self.filtered(lambda c: c in effective and c not in started)._apply_copays()
        self.env["medical.remittance.claim"]._reconcile_patient_items(self)
        by_state = {}
        for claim in self:
            state = claim._remittance_state(effective.get(claim))
            if claim.state != state:
                by_state.setdefault(state, []).append(claim.id)
        for state, ids in by_state.items():
            self.browse(ids).write({"state": state})
        return True

    def _remittance_state(self, rclaim):
        self.ensure_one()
        if not rclaim:
            return "accepted" if self.state in ("paid", "partial", "denied", "closed") else self.state
        if rclaim.is_denial:
            return "denied"
        if self.currency_id.is_zero(self.amount_residual):
            return "paid" if not self.currency_id.is_zero(rclaim.paid_amount) else "closed"
        return "partial"

    def _apply_remittance_views(self, effective):
        """The claims' adjudication fields as their ``effective`` remittance claims report them (paid per
        line, adjustments; cleared for a claim with none left): one unlink, one create, grouped writes."""
        with_view = self.filtered(lambda c: c in effective)
        cleared = (self - with_view).filtered(lambda c: c.date_adjudicated or c.adjustment_ids)
        (with_view | cleared).adjustment_ids.unlink()
        paid_by_value = {}
        adjustments = []
        for claim in with_view:
            rclaim = effective[claim]
            by_line = {rline.claim_line_id: rline for rline in rclaim.line_ids if rline.claim_line_id}
            for line in claim.line_ids:
                if rclaim.line_ids:
                    paid = by_line[line].paid_amount if line in by_line else 0.0
                else:
                    # A remittance without service lines pays the claim as a whole: its adjustments are all
                    # at claim level, so each line counts as paid in full before them.
                    paid = line.charge_amount
                if line.amount_paid != paid:
                    paid_by_value.setdefault(paid, []).append(line.id)
            adjustments += [
                {
                    "claim_id": claim.id,
                    "line_id": adjustment.line_id.claim_line_id.id,
                    "group_code": adjustment.group_code,
                    "reason_code": adjustment.reason_code[:5],
                    "amount": adjustment.amount,
                    "quantity": adjustment.quantity,
                }
                for adjustment in rclaim.adjustment_ids
            ]
            values = {
                "payer_claim_control_number": rclaim.payer_claim_control_number
                or claim.payer_claim_control_number,
                "date_adjudicated": rclaim.date_payment or fields.Date.context_today(self),
            }
            if any(claim[fname] != value for fname, value in values.items()):
                claim.write(values)
        paid_by_value.setdefault(0.0, []).extend(cleared.line_ids.filtered("amount_paid").ids)
        Line = self.env["medical.claim.line"]
        for paid, line_ids in paid_by_value.items():
            if line_ids:
                Line.browse(line_ids).write({"amount_paid": paid})
        if adjustments:
            self.env["medical.claim.adjustment"].create(adjustments)
        if cleared:
            cleared.write({"date_adjudicated": False})

    def _start_next_payer_claims(self, new_rclaims, effective):
        """Bill the next payer what these claims' payers left to the patient (once per claim): the claim is
        made ready, or marked submitted when the payer forwarded it itself (crossover)."""
        started = self.browse()
        candidates = new_rclaims.filtered(lambda r: not r.is_reversal and not r.is_denial)
        flags = candidates._next_payer_flags()
        for rclaim in candidates:
            claim = rclaim.claim_id
            if effective.get(claim) != rclaim or not flags[rclaim.id]:
                continue
            if claim.currency_id.compare_amounts(claim.amount_patient, 0) <= 0:
                continue
            if claim.secondary_claim_ids.filtered(lambda c: c.state not in ("cancel", "replaced", "voided")):
                continue
            # A next payer's claim starts from an adjudicated claim: its state is set for good afterwards.
            claim.write({"state": "partial"})
            claim.action_create_secondary_claim()
            secondary = claim.secondary_claim_ids.sorted("id")[-1:]
            secondary.action_validate()
            forwarded = rclaim.status_code in FORWARDED_STATUSES or rclaim.crossover_carrier
            if forwarded and secondary.state == "ready":
                secondary.action_submit()
                secondary.message_post(
                    body=_(
                        "Forwarded by %(payer)s to %(next)s (crossover): not to be sent again.",
                        payer=claim.payer_id.name,
                        next=rclaim.crossover_carrier or secondary.payer_id.name,
                    )
                )
            rclaim.secondary_claim_id = secondary
            started |= claim
        return started


class MedicalRemittanceClaim(models.Model):
    _inherit = "medical.remittance.claim"  # pylint: disable=consider-merging-classes-inherited

    def _create_denials(self):
        """One denial per denied claim, or per denied line of a claim paid in part."""
        values = []
        for rclaim in self:
            if rclaim.is_denial:
                values.append(rclaim._denial_values(rclaim.adjustment_ids, rclaim.claim_id.line_ids.browse()))
                continue
            for line in rclaim.line_ids.filtered("is_denial"):
                values.append(rclaim._denial_values(line.adjustment_ids, line.claim_line_id, line))
        if values:
            self.env["medical.denial"].create(values)

    def _denial_values(self, adjustments, claim_line, rline=None):
        reason = (
            adjustments.filtered(lambda a: a.group_code != "PR" and a.reason_code not in PRICING_REASONS)[:1]
            or adjustments[:1]
        )
        claim = self.claim_id
        remarks = [r for r in ((rline.remark_codes if rline else "") or "", self.remark_codes or "") if r]
        return {
            "company_id": self.company_id.id,
            "claim_id": claim.id,
            "claim_line_id": claim_line.id,
            "remittance_claim_id": self.id,
            "payer_id": self.payer_id.id,
            "group_code": reason.group_code,
            "reason_code": reason.reason_code,
            "remark_codes": ",".join(remarks) or False,
            "amount": rline.charge_amount if rline else claim.amount_residual or self.charge_amount,
            "date_denied": self.date_payment or fields.Date.context_today(self),
        }
