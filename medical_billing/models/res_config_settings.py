# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    medical_claim_journal_id = fields.Many2one(
        related="company_id.medical_claim_journal_id", readonly=False, check_company=True
    )
    medical_patient_journal_id = fields.Many2one(
        related="company_id.medical_patient_journal_id", readonly=False, check_company=True
    )
    medical_insurance_receivable_account_id = fields.Many2one(
        related="company_id.medical_insurance_receivable_account_id", readonly=False, check_company=True
    )
    medical_patient_receivable_account_id = fields.Many2one(
        related="company_id.medical_patient_receivable_account_id", readonly=False, check_company=True
    )
    medical_contractual_account_id = fields.Many2one(
        related="company_id.medical_contractual_account_id", readonly=False, check_company=True
    )
    medical_patient_writeoff_account_id = fields.Many2one(
        related="company_id.medical_patient_writeoff_account_id", readonly=False, check_company=True
    )
    medical_denial_writeoff_account_id = fields.Many2one(
        related="company_id.medical_denial_writeoff_account_id", readonly=False, check_company=True
    )
    medical_bad_debt_account_id = fields.Many2one(
        related="company_id.medical_bad_debt_account_id", readonly=False, check_company=True
    )
    medical_denial_writeoff_approval_amount = fields.Monetary(
        related="company_id.medical_denial_writeoff_approval_amount", readonly=False
    )
    medical_denial_risk_rate = fields.Float(related="company_id.medical_denial_risk_rate", readonly=False)
    medical_denial_risk_months = fields.Integer(
        related="company_id.medical_denial_risk_months", readonly=False
    )
    medical_denial_risk_min_claims = fields.Integer(
        related="company_id.medical_denial_risk_min_claims", readonly=False
    )
    medical_denial_small_balance = fields.Monetary(
        related="company_id.medical_denial_small_balance", readonly=False
    )
    medical_copay_account_id = fields.Many2one(
        related="company_id.medical_copay_account_id", readonly=False, check_company=True
    )
    medical_payment_journal_id = fields.Many2one(
        related="company_id.medical_payment_journal_id", readonly=False, check_company=True
    )
    medical_interest_account_id = fields.Many2one(
        related="company_id.medical_interest_account_id", readonly=False, check_company=True
    )
    medical_payer_credit_account_id = fields.Many2one(
        related="company_id.medical_payer_credit_account_id", readonly=False, check_company=True
    )
    medical_transfer_clearing_account_id = fields.Many2one(
        related="company_id.medical_transfer_clearing_account_id", readonly=False, check_company=True
    )
    medical_remit_oa_account_id = fields.Many2one(
        related="company_id.medical_remit_oa_account_id", readonly=False, check_company=True
    )
    medical_remit_pi_account_id = fields.Many2one(
        related="company_id.medical_remit_pi_account_id", readonly=False, check_company=True
    )
    medical_remit_cr_account_id = fields.Many2one(
        related="company_id.medical_remit_cr_account_id", readonly=False, check_company=True
    )
    medical_unapplied_cash_account_id = fields.Many2one(
        related="company_id.medical_unapplied_cash_account_id", readonly=False, check_company=True
    )
    medical_deposit_journal_id = fields.Many2one(
        related="company_id.medical_deposit_journal_id", readonly=False, check_company=True
    )
