from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

# Findings written when an acknowledgement turns a claim back: code -> (title, severity).
ACK_EDITS = {
    "ACK_999_REJECTED": ("Rejected by the receiver's 999 (file syntax)", "error"),
    "ACK_277CA_REJECTED": ("Rejected by the 277CA claim acknowledgement", "error"),
}
# States of a claim whose payer adjudication is recorded: a secondary claim can follow.
COB_READY_STATES = ("paid", "partial", "denied", "closed")
PRIORITY_RANK = {"primary": 1, "secondary": 2, "tertiary": 3}
# Links of a claim the CMS-1500 and the 837P read (as superuser): checked for their company first.
LINKS_PUT_OUT = (
    "patient_id",
    "coverage_id",
    "payer_id",
    "billing_provider_id",
    "rendering_provider_id",
    "referring_provider_id",
    "facility_id",
    "prior_authorization_id",
    "encounter_id",
    "primary_claim_id",
    "original_claim_id",
)


class MedicalClaim(models.Model):
    """What the 837P batches, the acknowledgements and coordination of benefits need on a claim."""

    _inherit = "medical.claim"

    batch_ids = fields.Many2many(
        "medical.claim.batch",
        "medical_claim_batch_claim_rel",
        "claim_id",
        "batch_id",
        string="837P Batches",
        readonly=True,
        copy=False,
        check_company=True,
    )
    batch_id = fields.Many2one(
        "medical.claim.batch",
        string="Last Batch",
        compute="_compute_batch_id",
        store=True,
        index="btree_not_null",
        check_company=True,
        help="The 837P batch that carried (or will carry) this claim last.",
    )
    edi_transaction_number = fields.Char(
        string="Transaction Set",
        readonly=True,
        copy=False,
        help="ST02 of the transaction set of the 837P file that carried the claim last: the 999 "
        "acknowledgement answers per transaction set.",
    )
    clearinghouse_trace_number = fields.Char(
        readonly=True, copy=False, help="The clearinghouse's id of the claim (277CA REF*D9)."
    )
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

    @api.depends("batch_ids")
    def _compute_batch_id(self):
        for claim in self:
            claim.batch_id = max(claim.batch_ids.ids) if claim.batch_ids else False

    # ------------------------------------------------------------------ actions

    def action_add_to_batch(self):
        """Put ready claims into the draft 837P batch of their receiver (created when there is none)."""
        batches = self.env["medical.claim.batch"]._add_claims_to_batches(self, strict=True)
        return batches._action_open()

    def action_view_batch(self):
        self.ensure_one()
        return self.batch_id._action_open()

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
            return created._get_formview_action()
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

    def _check_no_live_next_payer(self):
        """A claim whose balance went on to a next payer's claim is corrected only after that claim."""
        for claim in self:
            live = claim.secondary_claim_ids.filtered(
                lambda c: c.state not in ("cancel", "replaced", "voided") and c.frequency != "8"
            )
            if live:
                raise UserError(
                    _(
                        "Claim %(claim)s has moved its balance to the next payer's claim %(next)s: void or "
                        "cancel claim %(next)s first.",
                        claim=claim.patient_control_number,
                        next=live[0].patient_control_number,
                    )
                )

    def _check_adjudication_editable(self):
        """The adjudication a next payer has been billed from is fixed: correct that claim first."""
        for claim in self:
            billed = claim.secondary_claim_ids.filtered(
                lambda c: c.state not in ("draft", "cancel", "replaced", "voided") and c.frequency != "8"
            )
            if billed:
                raise UserError(
                    _(
                        "The adjudication of claim %(claim)s was billed to the next payer on claim %(next)s: "
                        "void or reset that claim to draft before changing it.",
                        claim=claim.patient_control_number,
                        next=billed[0].patient_control_number,
                    )
                )

    def _add_ack_findings(self, edit_code, messages):
        """Record why an acknowledgement turned claims back: ``messages`` is {claim id: text}.

        A finding on the claim (the work queue shows it) and a note in its chatter.
        """
        findings = []
        for claim in self:
            message = messages.get(claim.id)
            if not message:
                continue
            if claim.encounter_id:
                findings.append(
                    {
                        "claim_id": claim.id,
                        "encounter_id": claim.encounter_id.id,
                        "company_id": claim.company_id.id,
                        "edit_code": edit_code,
                        "severity": ACK_EDITS[edit_code][1],
                        "message": message,
                    }
                )
        if findings:
            self.env["medical.edit.finding"].sudo().create(findings)
        self._message_log_batch(
            {claim.id: messages[claim.id] for claim in self if messages.get(claim.id)},
        )

    def _check_linked_companies(self):
        """Refuse to print or send a claim linked to a record of another practice.

        Links are company-checked when written; this also stops data that got there another way, before the
        CMS-1500 and the 837P read the links (of the claim, its coverage and the claims of the payers before)
        as superuser. The message names the claims by number only.
        """
        claims = self.sudo()
        todo = claims.primary_claim_id - claims
        while todo:
            claims |= todo
            todo = todo.primary_claim_id - claims
        foreign = claims._medical_foreign_links(LINKS_PUT_OUT)
        foreign_coverages = claims.coverage_id._medical_foreign_links()
        fields_by_claim = {}
        for claim, name in foreign:
            fields_by_claim.setdefault(claim.id, []).append(claim._fields[name]._description_string(self.env))
        for coverage, name in foreign_coverages:
            label = _("coverage's %(field)s", field=coverage._fields[name]._description_string(self.env))
            for claim in claims.filtered(lambda c, cov=coverage: c.coverage_id == cov):
                fields_by_claim.setdefault(claim.id, []).append(label)
        if not fields_by_claim:
            return
        lines = []
        for claim in self.sudo():
            found, previous, seen = [], claim, set()
            while previous and previous.id not in seen:
                seen.add(previous.id)
                found += fields_by_claim.get(previous.id, [])
                previous = previous.primary_claim_id
            if found:
                lines.append(
                    _(
                        "- %(claim)s: %(fields)s.",
                        claim=claim.patient_control_number,
                        fields=", ".join(dict.fromkeys(found)),
                    )
                )
        raise UserError(
            _(
                "These claims are linked to records of another practice; they are neither printed nor sent. "
                "Correct them first.\n%(claims)s",
                claims="\n".join(lines[:20]),
            )
        )


class MedicalClaimLine(models.Model):
    _inherit = "medical.claim.line"

    primary_line_id = fields.Many2one(
        "medical.claim.line",
        string="Previous Payer's Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="On a secondary claim: the line of the previous payer's claim it bills again.",
    )


class MedicalEditFinding(models.Model):
    # Kept beside the claims' acknowledgement logic it serves (models/medical_edit_finding.py adds the payer
    # edits the same way).
    _inherit = "medical.edit.finding"  # pylint: disable=consider-merging-classes-inherited

    edit_code = fields.Selection(
        selection_add=[(code, title) for code, (title, _severity) in ACK_EDITS.items()],
        ondelete=dict.fromkeys(ACK_EDITS, "cascade"),
    )
