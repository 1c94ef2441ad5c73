from odoo import fields, models


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
    medical_receivable_account_id = fields.Many2one(
        "account.account",
        string="Medical Receivable",
        readonly=True,
        check_company=True,
        help="Receivable account forced on this medical invoice: insurance or patient receivable.",
    )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _compute_account_id(self):
        # Like the original, no @api.depends: computed when the line is created (the payment term
        # line of a medical invoice is created after the move, whose receivable account is known).
        res = super()._compute_account_id()
        for line in self:
            account = line.move_id.medical_receivable_account_id
            if account and line.display_type == "payment_term":
                line.account_id = account
        return res
