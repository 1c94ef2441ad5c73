# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The denial rate by any dimension: one row per adjudicated claim (a posted, matched remittance paid,
adjusted or denied it), with its denial flags as 0 / 100, so the pivot's average of them is a rate."""

from odoo import fields, models, tools


class MedicalDenialRateReport(models.Model):
    _name = "medical.denial.rate.report"
    _description = "Denial Rate Analysis"
    _auto = False
    _rec_name = "claim_id"
    _order = "date_adjudicated desc, claim_id desc"
    _depends = {
        "medical.claim": ["company_id", "payer_id", "rendering_provider_id", "amount_total"],
        "medical.remittance.claim": ["claim_id", "remittance_id", "match_state", "is_reversal"],
        "medical.remittance": ["state", "date_payment"],
        "medical.denial": ["claim_id", "amount"],
    }

    claim_id = fields.Many2one("medical.claim", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    payer_id = fields.Many2one("res.partner", readonly=True)
    provider_id = fields.Many2one("res.partner", readonly=True)
    date_adjudicated = fields.Date(string="Adjudicated On", readonly=True)
    claim_count = fields.Integer(string="Adjudicated Claims", readonly=True)
    denied_count = fields.Integer(string="Denied Claims", readonly=True)
    denial_rate = fields.Float(string="Denial Rate (%)", readonly=True, aggregator="avg")
    first_pass_rate = fields.Float(string="First-Pass Resolution (%)", readonly=True, aggregator="avg")
    amount_charges = fields.Monetary(string="Charges", readonly=True)
    amount_denied = fields.Monetary(string="Denied Amount", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT c.id AS id,
                       c.id AS claim_id,
                       c.company_id,
                       c.payer_id,
                       c.rendering_provider_id AS provider_id,
                       adj.date_adjudicated,
                       1 AS claim_count,
                       CASE WHEN d.claim_id IS NULL THEN 0 ELSE 1 END AS denied_count,
                       CASE WHEN d.claim_id IS NULL THEN 0.0 ELSE 100.0 END AS denial_rate,
                       CASE WHEN d.claim_id IS NULL THEN 100.0 ELSE 0.0 END AS first_pass_rate,
                       c.amount_total AS amount_charges,
                       COALESCE(d.amount, 0.0) AS amount_denied
                  FROM medical_claim c
                  JOIN (SELECT rc.claim_id, MIN(r.date_payment) AS date_adjudicated
                          FROM medical_remittance_claim rc
                          JOIN medical_remittance r ON r.id = rc.remittance_id
                         WHERE r.state = 'posted' AND rc.match_state = 'matched'
                           AND rc.is_reversal IS NOT TRUE AND rc.claim_id IS NOT NULL
                      GROUP BY rc.claim_id) adj ON adj.claim_id = c.id
             LEFT JOIN (SELECT claim_id, SUM(amount) AS amount FROM medical_denial GROUP BY claim_id) d
                    ON d.claim_id = c.id
            )
            """
        )
