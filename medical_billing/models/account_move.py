# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    medical_claim_id = fields.Many2one(
        "medical.claim", string="Claim", index="btree_not_null", copy=False, readonly=True, check_company=True
    )
    medical_encounter_id = fields.Many2one(
        "medical.encounter",
        string="Encounter",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
    )
    medical_remittance_id = fields.Many2one(
        "medical.remittance",
        string="Remittance",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
    )
    medical_receivable_account_id = fields.Many2one(
        "account.account",
        string="Medical Receivable",
        readonly=True,
        check_company=True,
        help="Receivable account forced on this medical invoice: insurance or patient receivable.",
    )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    medical_claim_line_id = fields.Many2one(
        "medical.claim.line",
        string="Claim Line",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        check_company=True,
        help="The claim line this journal item bills, reverses or settles: remittances reconcile by it.",
    )
    medical_remittance_claim_id = fields.Many2one(
        "medical.remittance.claim",
        string="Remittance Claim",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        check_company=True,
        help="The remittance claim (835 CLP) this journal item posts.",
    )
    medical_provider_adjustment_id = fields.Many2one(
        "medical.remittance.provider.adjustment",
        string="Provider Adjustment",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        check_company=True,
        help="The provider-level adjustment (835 PLB) this journal item posts.",
    )
    medical_claim_id = fields.Many2one(
        "medical.claim",
        string="Claim",
        compute="_compute_medical_claim_id",
        store=True,
        precompute=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        help="The claim behind this journal item: the claim it bills, or the claim a remittance pays, "
        "reverses or recoups on.",
    )
    medical_patient_id = fields.Many2one(
        "res.partner",
        string="Patient",
        compute="_compute_medical_patient_id",
        store=True,
        precompute=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        help="The patient of the claim or visit behind this journal item (the partner may be a payer or "
        "a guarantor): patient ledgers group by it.",
    )
    medical_code_id = fields.Many2one(
        related="medical_claim_line_id.code_id", string="Procedure Code", store=True, index="btree_not_null"
    )
    medical_provider_id = fields.Many2one(
        related="medical_claim_line_id.claim_id.rendering_provider_id",
        string="Rendering Provider",
        store=True,
        index="btree_not_null",
    )

    @api.depends("medical_claim_line_id", "medical_remittance_claim_id")
    def _compute_medical_claim_id(self):
        for line in self:
            line.medical_claim_id = (
                line.medical_claim_line_id.claim_id
                or line.medical_remittance_claim_id.claim_id
                or line.medical_claim_id
            )

    @api.depends(
        "medical_claim_line_id",
        "medical_remittance_claim_id",
        "move_id.medical_claim_id",
        "move_id.medical_encounter_id",
    )
    def _compute_medical_patient_id(self):
        for line in self:
            move = line.move_id
            line.medical_patient_id = (
                line.medical_claim_line_id.claim_id.patient_id
                or line.medical_remittance_claim_id.claim_id.patient_id
                or move.medical_claim_id.patient_id
                or move.medical_encounter_id.patient_id
            )

    def _compute_account_id(self):
        # Like the original, no @api.depends: computed when the line is created (the payment term
        # line of a medical invoice is created after the move, whose receivable account is known).
        res = super()._compute_account_id()
        for line in self:
            account = line.move_id.medical_receivable_account_id
            if account and line.display_type == "payment_term":
                line.account_id = account
        return res
