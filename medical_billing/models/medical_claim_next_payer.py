# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Adjudication and coordination of benefits of a claim (``medical.claim``): recording the payer's
adjudication, and billing what it left to the patient's next payer on a claim of its own."""

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import workflow_action

from .medical_claim import ADJUDICATED_STATES

# States of a claim whose payer adjudication is recorded: a secondary claim can follow.
COB_READY_STATES = ("paid", "partial", "denied", "closed")
PRIORITY_RANK = {"primary": 1, "secondary": 2, "tertiary": 3}


class MedicalClaim(models.Model):
    # One file per concern of the claim (see medical_claim.py), merged by Odoo into one model.
    _inherit = "medical.claim"  # pylint: disable=consider-merging-classes-inherited

    primary_claim_id = fields.Many2one(
        "medical.claim",
        string="Previous Payer's Claim",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="On a secondary (or tertiary) claim: the claim of the payer before, whose recorded "
        "adjudication the 837P sends along (loops 2320/2330/2430).",
    )
    secondary_claim_ids = fields.One2many("medical.claim", "primary_claim_id", string="Next Payer's Claims")

    @workflow_action
    def action_record_adjudication(self):
        """Apply the adjudication entered on the lines: paid, partially paid or denied.

        Balances both levels as a remittance: per line, charge - line adjustments = line paid; per claim,
        charge - all adjustments (claim level and lines) = claim paid.
        """
        for claim in self:
            if claim.state not in ("submitted", "accepted", *ADJUDICATED_STATES):
                raise UserError(_("Record an adjudication on a claim the payer has received."))
            claim._check_adjudication_balances()
            lines_paid = claim.line_ids.filtered(
                lambda ln: not ln.currency_id.is_zero(ln.amount_paid) or ln.amount_patient
            )
            if not lines_paid and claim.currency_id.is_zero(claim.amount_patient):
                state = "denied"
            elif lines_paid == claim.line_ids:
                state = "paid"
            else:
                state = "partial"
            claim.write(
                {
                    "state": state,
                    "date_adjudicated": claim.date_adjudicated or fields.Date.context_today(self),
                }
            )
        self._apply_copays()
        return True

    def _check_adjudication_balances(self):
        """Charge - adjustments = paid on the claim (all adjustments) and on each of its lines."""
        self.ensure_one()
        claim_message = _(
            "Claim %(claim)s does not balance: charge %(charge)s minus adjustments %(adjusted)s "
            "(claim level and lines) should equal the paid amount %(paid)s."
        )
        line_message = _(
            "Line %(line)s of claim %(claim)s does not balance: charge %(charge)s minus "
            "adjustments %(adjusted)s should equal the paid amount %(paid)s."
        )
        checks = [(self, self.amount_total, claim_message)]
        checks += [(line, line.charge_amount, line_message) for line in self.line_ids]
        for record, charge, message in checks:
            if record.currency_id.compare_amounts(charge - record.amount_adjusted, record.amount_paid):
                raise UserError(
                    message
                    % {
                        # read only here: the stored line number is computed on first read
                        "line": record.sequence_number if record._name == "medical.claim.line" else None,
                        "claim": self.patient_control_number,
                        "charge": charge,
                        "adjusted": record.amount_adjusted,
                        "paid": record.amount_paid,
                    }
                )

    def action_create_secondary_claim(self):
        """Bill the next payer: a draft claim to the patient's next coverage, once this one is adjudicated.

        The lines are copied (paid amounts cleared) and linked to these lines, so the 837P of the new claim
        carries this payer's paid amounts and adjustments (coordination of benefits).
        """
        self._lock_for_update()
        created = self.env["medical.claim"]
        for claim in self:
            coverage = claim._next_coverage()
            ordered = claim.line_ids.sorted(lambda ln: (ln.sequence, ln.id))
            default = {
                "coverage_id": coverage.id,
                "payer_id": coverage.payer_id.id,
                "frequency": "1",
                "primary_claim_id": claim.id,
                "prior_authorization_id": False,
                "prior_authorization": False,
                "line_ids": [
                    Command.create(
                        {
                            **line.copy_data({"amount_paid": 0.0, "expected_amount": 0.0})[0],
                            "primary_line_id": line.id,
                        }
                    )
                    for line in ordered
                ],
            }
            secondary = claim.copy(default)
            claim.message_post(body=_("Claim %s started for the next payer.", secondary._get_html_link()))
            secondary.message_post(
                body=_(
                    "Bills what %(payer)s left on claim %(claim)s.",
                    payer=claim.payer_id.name,
                    claim=claim._get_html_link(),
                )
            )
            created |= secondary
        if len(created) == 1:
            return created.get_formview_action()
        return True

    # ------------------------------------------------------------------ demo data

    @api.model
    def _demo_create_secondary_claim(self, claim_id, xml_id):
        """Demo data: bill the next payer of an adjudicated claim; the new claim is validated (ready)."""
        if self.env.ref(f"medical_billing.{xml_id}", raise_if_not_found=False):
            return
        claim = self.browse(claim_id)
        if claim.state not in COB_READY_STATES:
            return
        secondary = self.browse(claim.action_create_secondary_claim()["res_id"])
        self.env["ir.model.data"].create(
            {
                "module": "medical_billing",
                "name": xml_id,
                "model": self._name,
                "res_id": secondary.id,
                "noupdate": True,
            }
        )
        secondary.action_validate()

    @api.model
    def _demo_adjudicate(self, claim_id, lines, payer_claim_control_number):
        """Demo data: record the payer's adjudication of a claim. ``lines``: one (paid, [(group, reason,
        amount)]) per claim line, in line order."""
        claim = self.browse(claim_id)
        if claim.state not in ("submitted", "accepted"):
            return
        claim.payer_claim_control_number = payer_claim_control_number
        for line, (paid, adjustments) in zip(claim.line_ids, lines, strict=True):
            line.write(
                {
                    "amount_paid": paid,
                    "adjustment_ids": [
                        Command.create({"group_code": group, "reason_code": reason, "amount": amount})
                        for group, reason, amount in adjustments
                    ],
                }
            )
        claim.date_adjudicated = fields.Date.context_today(self)
        claim.action_record_adjudication()

    # ------------------------------------------------------------------ business

    def _next_coverage(self):
        """The patient's coverage after this claim's, in force on the date of service; or a UserError."""
        self.ensure_one()
        if self.state not in COB_READY_STATES or not self.date_adjudicated:
            raise UserError(
                _(
                    "Claim %(claim)s has no recorded adjudication yet: the next payer is billed with what "
                    "this payer paid and adjusted.",
                    claim=self.patient_control_number,
                )
            )
        if self.frequency == "8":
            raise UserError(_("A void is not billed to another payer."))
        live = self.secondary_claim_ids.filtered(lambda c: c.state not in ("cancel", "replaced", "voided"))
        if live:
            raise UserError(
                _(
                    "Claim %(claim)s already has its next payer's claim (%(next)s).",
                    claim=self.patient_control_number,
                    next=live[0].patient_control_number,
                )
            )
        coverage = self._next_coverage_in_force()
        if not coverage:
            raise UserError(
                _(
                    "Claim %(claim)s: the patient has no coverage after %(payer)s in force on the date of "
                    "service.",
                    claim=self.patient_control_number,
                    payer=self.payer_id.name,
                )
            )
        return coverage

    def _next_coverage_in_force(self):
        """The patient's coverage after this claim's, in force on the date of service (or none)."""
        self.ensure_one()
        rank = PRIORITY_RANK.get(self.coverage_id.priority, 9)
        coverages = self.env["medical.coverage"].search(
            [
                ("patient_id", "=", self.patient_id.id),
                ("company_id", "=", self.company_id.id),
                ("priority_rank", ">", rank),
            ],
            order="priority_rank, date_start desc, id",
        )
        return coverages.filtered(lambda c: c.is_in_force(self.date_service))[:1]

    def _next_payer_lines(self):
        """[(line, amount)] of a next payer's claim: what the previous payer left on each line (its
        patient-responsibility adjustments), lines with nothing left omitted."""
        self.ensure_one()
        currency = self.currency_id
        amounts = [(line, line.primary_line_id.amount_patient) for line in self.line_ids]
        return [(line, amount) for line, amount in amounts if currency.compare_amounts(amount, 0) > 0]

    def _next_payer_claim_level_amount(self):
        """What the previous payer left at claim level (PR adjustments not tied to a line)."""
        self.ensure_one()
        claim_level = self.primary_claim_id.adjustment_ids.filtered(
            lambda a: not a.line_id and a.group_code == "PR"
        )
        return sum(claim_level.mapped("amount"))

    def _next_payer_amount(self):
        """The whole balance a next payer's claim bills: line and claim-level patient responsibility."""
        self.ensure_one()
        return (
            sum(amount for _line, amount in self._next_payer_lines()) + self._next_payer_claim_level_amount()
        )

    def _check_next_payer_balance(self):
        """A next payer's claim bills a balance the previous payer left on its posted invoice."""
        for claim in self.filtered(lambda c: c.primary_claim_id and c.frequency != "8"):
            previous = claim.primary_claim_id
            if previous.state in ("cancel", "replaced", "voided"):
                raise UserError(
                    _(
                        "Claim %(claim)s is %(state)s: it leaves no balance for the next payer's claim "
                        "%(next)s.",
                        claim=previous.patient_control_number,
                        state=dict(previous._fields["state"]._description_selection(self.env))[
                            previous.state
                        ],
                        next=claim.patient_control_number,
                    )
                )
            if claim.currency_id.compare_amounts(claim._next_payer_amount(), 0) <= 0:
                raise UserError(
                    _(
                        "%(payer)s left nothing on claim %(claim)s (no patient responsibility): there is "
                        "nothing to bill the next payer on claim %(next)s.",
                        payer=previous.payer_id.name,
                        claim=previous.patient_control_number,
                        next=claim.patient_control_number,
                    )
                )
            if previous.invoice_id.state != "posted":
                raise UserError(
                    _(
                        "Claim %(claim)s has no posted invoice: its balance cannot move to the next payer.",
                        claim=previous.patient_control_number,
                    )
                )

    def _check_no_live_next_payer(self):
        """A claim whose balance went on to a next payer's claim is corrected only after that claim."""
        self._check_next_payer_claims(
            ("cancel", "replaced", "voided"),
            lambda claim, next_claim: self.env._(
                "Claim %(claim)s has moved its balance to the next payer's claim %(next)s: void or "
                "cancel claim %(next)s first.",
                claim=claim,
                next=next_claim,
            ),
        )

    def _check_adjudication_editable(self):
        """The adjudication a next payer has been billed from is fixed: correct that claim first."""
        self._check_next_payer_claims(
            ("draft", "cancel", "replaced", "voided"),
            lambda claim, next_claim: self.env._(
                "The adjudication of claim %(claim)s was billed to the next payer on claim %(next)s: "
                "void or reset that claim to draft before changing it.",
                claim=claim,
                next=next_claim,
            ),
        )

    def _check_next_payer_claims(self, states_ended, message):
        """Refuse with ``message(claim number, next claim number)`` when a claim's balance went on to a next
        payer's claim that still counts: neither a void (frequency 8) nor in one of ``states_ended``."""
        for claim in self:
            following = claim.secondary_claim_ids.filtered(
                lambda c: c.state not in states_ended and c.frequency != "8"
            )
            if following:
                raise UserError(message(claim.patient_control_number, following[0].patient_control_number))
