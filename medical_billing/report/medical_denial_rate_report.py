# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The denial rate by any dimension: one row per adjudicated claim (a posted, matched remittance paid,
adjusted or denied it), with its denial flags as 0 / 100, so the pivot's average of them is a rate."""

from odoo import fields, models, tools

from ..models.medical_adjustment_reason import DENIAL_CATEGORIES


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


class MedicalDenialLineReport(models.Model):
    """The denial rate by procedure code (and modifiers), by line: one row per line of an adjudicated claim,
    denied (0 / 100) when a denial names the line or the whole claim, with the reason (CARC) and category of
    that denial. A whole-claim denial's amount is shared among its lines by their charges.

    The pivot's average of ``denial_rate`` grouped by procedure code is that code's denial rate. A CARC's
    rate (lines denied with it ÷ every adjudicated line of the grouping) is not an average of rows: it is
    in ``medical.denial._denial_kpis`` (``by_carc``) and the *Denial Rates* report.
    """

    _name = "medical.denial.line.report"
    _description = "Denial Rate Analysis by Line"
    _auto = False
    _rec_name = "claim_line_id"
    _order = "date_adjudicated desc, claim_line_id desc"
    _depends = {
        "medical.claim": ["company_id", "payer_id", "rendering_provider_id", "amount_total"],
        "medical.claim.line": [
            "claim_id",
            "code_id",
            "modifier1_id",
            "modifier2_id",
            "modifier3_id",
            "modifier4_id",
            "charge_amount",
        ],
        "medical.remittance.claim": ["claim_id", "remittance_id", "match_state", "is_reversal"],
        "medical.remittance": ["state", "date_payment"],
        "medical.denial": ["claim_id", "claim_line_id", "amount", "reason_code", "reason_id", "category"],
    }

    claim_line_id = fields.Many2one("medical.claim.line", readonly=True)
    claim_id = fields.Many2one("medical.claim", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    payer_id = fields.Many2one("res.partner", readonly=True)
    provider_id = fields.Many2one("res.partner", readonly=True)
    code_id = fields.Many2one("medical.code", string="Procedure Code", readonly=True)
    modifiers = fields.Char(readonly=True)
    date_adjudicated = fields.Date(string="Adjudicated On", readonly=True)
    line_count = fields.Integer(string="Adjudicated Lines", readonly=True)
    denied_count = fields.Integer(string="Denied Lines", readonly=True)
    denial_rate = fields.Float(string="Denial Rate (%)", readonly=True, aggregator="avg")
    amount_charge = fields.Monetary(string="Charges", readonly=True)
    amount_denied = fields.Monetary(string="Denied Amount", readonly=True)
    denial_id = fields.Many2one("medical.denial", readonly=True)
    reason_code = fields.Char(string="Reason (CARC)", readonly=True)
    reason_id = fields.Many2one("medical.adjustment.reason", readonly=True)
    category = fields.Selection(DENIAL_CATEGORIES, readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT l.id AS id,
                       l.id AS claim_line_id,
                       c.id AS claim_id,
                       c.company_id,
                       c.payer_id,
                       c.rendering_provider_id AS provider_id,
                       l.code_id,
                       NULLIF(concat_ws(',', m1.code, m2.code, m3.code, m4.code), '') AS modifiers,
                       adj.date_adjudicated,
                       1 AS line_count,
                       CASE WHEN d.id IS NULL THEN 0 ELSE 1 END AS denied_count,
                       CASE WHEN d.id IS NULL THEN 0.0 ELSE 100.0 END AS denial_rate,
                       COALESCE(l.charge_amount, 0.0) AS amount_charge,
                       COALESCE(CASE
                           WHEN d.claim_line_id IS NOT NULL THEN d.amount
                           WHEN c.amount_total <> 0
                               THEN ROUND(d.amount * l.charge_amount / c.amount_total, 2)
                       END, 0.0) AS amount_denied,
                       d.id AS denial_id,
                       d.reason_code,
                       d.reason_id,
                       d.category
                  FROM medical_claim_line l
                  JOIN medical_claim c ON c.id = l.claim_id
                  JOIN (SELECT rc.claim_id, MIN(r.date_payment) AS date_adjudicated
                          FROM medical_remittance_claim rc
                          JOIN medical_remittance r ON r.id = rc.remittance_id
                         WHERE r.state = 'posted' AND rc.match_state = 'matched'
                           AND rc.is_reversal IS NOT TRUE AND rc.claim_id IS NOT NULL
                      GROUP BY rc.claim_id) adj ON adj.claim_id = c.id
             LEFT JOIN medical_code m1 ON m1.id = l.modifier1_id
             LEFT JOIN medical_code m2 ON m2.id = l.modifier2_id
             LEFT JOIN medical_code m3 ON m3.id = l.modifier3_id
             LEFT JOIN medical_code m4 ON m4.id = l.modifier4_id
             LEFT JOIN LATERAL (
                    SELECT dn.id, dn.claim_line_id, dn.amount, dn.reason_code, dn.reason_id, dn.category
                      FROM medical_denial dn
                     WHERE dn.claim_id = c.id AND (dn.claim_line_id = l.id OR dn.claim_line_id IS NULL)
                  ORDER BY dn.claim_line_id IS NULL, dn.amount DESC, dn.id
                     LIMIT 1) d ON TRUE
            )
            """
        )
