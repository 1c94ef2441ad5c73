# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from odoo.addons.medical_coding.tools.counts import count_by

# Partner fields that decide which medical receivable is a partner's default receivable.
RECEIVABLE_TRIGGERS = {"is_payer", "is_patient", "guarantor_id", "company_id", "payer_receivable_account_id"}

# X12 1032 claim filing indicator codes (SBR09 of the 837P).
CLAIM_FILING_INDICATORS = [
    ("11", "11 Other Non-Federal Programs"),
    ("12", "12 Preferred Provider Organization (PPO)"),
    ("13", "13 Point of Service (POS)"),
    ("14", "14 Exclusive Provider Organization (EPO)"),
    ("15", "15 Indemnity Insurance"),
    ("16", "16 Health Maintenance Organization (HMO) Medicare Risk"),
    ("17", "17 Dental Maintenance Organization"),
    ("AM", "AM Automobile Medical"),
    ("BL", "BL Blue Cross/Blue Shield"),
    ("CH", "CH Champus (TRICARE)"),
    ("CI", "CI Commercial Insurance Co."),
    ("DS", "DS Disability"),
    ("FI", "FI Federal Employees Program"),
    ("HM", "HM Health Maintenance Organization"),
    ("LM", "LM Liability Medical"),
    ("MA", "MA Medicare Part A"),
    ("MB", "MB Medicare Part B"),
    ("MC", "MC Medicaid"),
    ("OF", "OF Other Federal Program"),
    ("TV", "TV Title V"),
    ("VA", "VA Veterans Affairs Plan"),
    ("WC", "WC Workers' Compensation Health Claim"),
    ("ZZ", "ZZ Mutually Defined"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Payer ------------------------------------------------------------------------------------
    is_payer = fields.Boolean(
        string="Is a Payer", help="An insurance company, health plan or government program that pays claims."
    )
    payer_code = fields.Char(
        string="Payer ID",
        help="The payer identifier used in electronic claims (837P loop 2010BB NM109), given by the payer "
        "or the clearinghouse.",
    )
    claim_filing_indicator = fields.Selection(
        CLAIM_FILING_INDICATORS, help="Type of plan, sent in the subscriber loop of the claim (SBR09)."
    )
    timely_filing_days = fields.Integer(
        string="Timely Filing (days)",
        default=365,
        help="Days after the date of service within which the payer must receive the claim "
        "(Medicare: 12 months).",
    )
    denial_appeal_days = fields.Integer(
        string="Appeal Limit (days)",
        default=120,
        help="Days after a denial within which this payer accepts an appeal (Medicare redetermination: "
        "120 days): the appeal deadline of its denials.",
    )
    payer_payment_days = fields.Integer(
        string="Expected Payment (days)",
        default=30,
        help="Days after the date of service within which the payer's contract says it pays: the due "
        "date of its claim invoices (unless it has payment terms), so aging and overdue mean something.",
    )
    prior_auth_code_ids = fields.Many2many(
        "medical.code",
        "res_partner_prior_auth_code_rel",
        "partner_id",
        "code_id",
        string="Codes Needing Prior Authorization",
        domain="[('system', 'in', ('cpt', 'hcpcs'))]",
        help="Procedure codes this payer pays only with a prior authorization.",
    )
    payer_claim_address_id = fields.Many2one(
        "res.partner",
        string="Claims Address",
        check_company=True,
        help="Where paper claims are mailed; the payer itself when empty.",
    )
    payer_remittance_address_id = fields.Many2one(
        "res.partner",
        string="Remittance Address",
        check_company=True,
        help="Where the payer's payments and remittance advices come from.",
    )
    payer_receivable_account_id = fields.Many2one(
        "account.account",
        string="Claims Receivable Account",
        company_dependent=True,
        domain="[('account_type', '=', 'asset_receivable'), ('deprecated', '=', False)]",
        help="Receivable of this payer's claim invoices; the company's insurance receivable when empty.",
    )
    # Patient ------------------------------------------------------------------------------------
    coverage_ids = fields.One2many("medical.coverage", "patient_id", string="Coverages")
    coverage_count = fields.Integer(compute="_compute_coverage_count")

    @api.depends("coverage_ids")
    def _compute_coverage_count(self):
        counts = count_by(self, "medical.coverage", "patient_id")
        for partner in self:
            partner.coverage_count = counts.get(partner, 0)

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if any(RECEIVABLE_TRIGGERS.intersection(vals) for vals in vals_list):
            partners._medical_sync_receivable_accounts()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if RECEIVABLE_TRIGGERS.intersection(vals):
            self._medical_sync_receivable_accounts()
        return res

    def _medical_sync_receivable_accounts(self, companies=None):
        """Make the medical receivables the default receivable (``property_account_receivable_id``) of
        the payers, patients and guarantors among these partners, in each company (all by default).

        A payer's is its claims receivable, else the company's insurance receivable; a patient's and a
        guarantor's the patient receivable of the patient's practice. So a payment registered by hand in
        Odoo lands on the receivable of the invoices it pays. Payers shared by practices (no company) get
        each practice's own account.
        """
        partners = self.sudo().with_context(active_test=False)
        companies = (companies or self.env["res.company"].sudo().search([])).sudo()
        patients = partners.filtered("is_patient")
        payers = partners.filtered("is_payer")
        if not patients and not payers:
            return
        for company in companies:
            updates = {}
            insurance = company.medical_insurance_receivable_account_id
            for payer in payers.with_company(company):
                if payer.company_id and payer.company_id != company:
                    continue
                account = payer.payer_receivable_account_id or insurance
                if account:
                    updates.setdefault(account, payers.browse())
                    updates[account] |= payer
            patient_account = company.medical_patient_receivable_account_id
            if patient_account:
                of_company = patients.filtered(lambda p, c=company: p.company_id == c)
                # Guarantors that are payers keep their payer receivable.
                people = (of_company | of_company.guarantor_id).filtered(lambda p: not p.is_payer)
                if people:
                    updates.setdefault(patient_account, partners.browse())
                    updates[patient_account] |= people
            for account, to_update in updates.items():
                to_update = to_update.with_company(company)
                stale = to_update.filtered(lambda p, a=account: p.property_account_receivable_id != a)
                if stale:
                    stale.write({"property_account_receivable_id": account.id})

    @api.constrains("payer_claim_address_id", "payer_remittance_address_id", "company_id")
    def _check_payer_addresses_company(self):
        self._check_partner_links_company(["payer_claim_address_id", "payer_remittance_address_id"])

    def _medical_claim_receivable_account(self, company):
        """The receivable account of this payer's claim invoices in ``company``."""
        self.ensure_one()
        return (
            self.with_company(company).payer_receivable_account_id
            or company.medical_insurance_receivable_account_id
        )
