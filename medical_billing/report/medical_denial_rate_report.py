# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The denial rate by any dimension: one row per adjudicated claim, per adjudicated claim line, per
(claim line, reason code) denied, with the denial flags as 0 / 100, so the pivot's average of them is a rate.

What is counted (the three views share the SQL below):

- an *adjudicated* claim is one a matched remittance claim of a posted remittance paid, adjusted or denied
  (not a reversal); it is dated by its first such remittance. A replacement (frequency 7) or a void
  (frequency 8) is the same service billed again: it is left out, the chain counts once through its
  original claim (whose first adjudication decides whether the service was denied the first time);
- a *counted denial* comes from a matched remittance claim of a posted remittance (not a reversal). The
  denials entered by hand (a 277CA rejection, a phone call) are worked in the queue but are not
  adjudications: they are not counted, nor those of a cancelled remittance;
- a line is denied when a counted denial names it or its whole claim; its denied amount is the largest
  amount at stake among them (a whole-claim denial's amount shared among the lines by their charges), at
  most the line's charge: a line denied, resubmitted and denied again counts once. The claim's denied
  amount is the sum of its lines'.
"""

from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.medical_adjustment_reason import DENIAL_CATEGORIES

# The counted denials of each line of a claim: (claim_line_id, denial_id, whole_claim, reason..., amount).
_LINE_DENIALS = """
    SELECT l.id AS claim_line_id,
           dn.id AS denial_id,
           dn.claim_line_id IS NULL AS whole_claim,
           dn.reason_code,
           dn.reason_id,
           dn.category,
           LEAST(COALESCE(l.charge_amount, 0.0), COALESCE(CASE
               WHEN dn.claim_line_id IS NOT NULL THEN dn.amount
               WHEN c.amount_total <> 0 THEN ROUND(dn.amount * l.charge_amount / c.amount_total, 2)
           END, 0.0)) AS amount
      FROM medical_denial dn
      JOIN medical_remittance_claim rc ON rc.id = dn.remittance_claim_id
      JOIN medical_remittance r ON r.id = rc.remittance_id
      JOIN medical_claim c ON c.id = dn.claim_id
      JOIN medical_claim_line l
        ON l.claim_id = c.id AND (l.id = dn.claim_line_id OR dn.claim_line_id IS NULL)
     WHERE r.state = 'posted' AND rc.match_state = 'matched' AND rc.is_reversal IS NOT TRUE
"""

# The lines of the adjudicated claims (see the module's docstring).
_ADJUDICATED_LINES = """
    SELECT l.id AS claim_line_id,
           c.id AS claim_id,
           c.company_id,
           c.payer_id,
           c.rendering_provider_id AS provider_id,
           l.code_id,
           NULLIF(concat_ws(',', m1.code, m2.code, m3.code, m4.code), '') AS modifiers,
           adj.date_adjudicated,
           COALESCE(l.charge_amount, 0.0) AS amount_charge
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
     WHERE c.frequency NOT IN ('7', '8')
"""

# One row per adjudicated line, with its denied flag and amount, and its main denial (a line-level one
# before a whole-claim one, the biggest amount first).
_LINES = f"""
    SELECT al.*,
           CASE WHEN ld.denial_id IS NULL THEN 0 ELSE 1 END AS denied_count,
           COALESCE(ld.amount, 0.0) AS amount_denied,
           ld.denial_id
      FROM ({_ADJUDICATED_LINES}) al
 LEFT JOIN (SELECT claim_line_id,
                   MAX(amount) AS amount,
                   (ARRAY_AGG(denial_id ORDER BY whole_claim, amount DESC, denial_id))[1] AS denial_id
              FROM ({_LINE_DENIALS}) x
          GROUP BY claim_line_id) ld ON ld.claim_line_id = al.claim_line_id
"""

_DEPENDS = {
    "medical.claim": ["company_id", "payer_id", "rendering_provider_id", "amount_total", "frequency"],
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
    "medical.denial": [
        "claim_id",
        "claim_line_id",
        "remittance_claim_id",
        "amount",
        "reason_code",
        "reason_id",
        "category",
    ],
}


class MedicalDenialRateReport(models.Model):
    _name = "medical.denial.rate.report"
    _description = "Denial Rate Analysis"
    _auto = False
    _rec_name = "claim_id"
    _order = "date_adjudicated desc, claim_id desc"
    _depends = _DEPENDS

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
        """Built from the lines (``_LINES``): a claim is denied when one of its lines is, its denied amount
        is the sum of its lines' (never above its charges)."""
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT c.id AS id,
                       c.id AS claim_id,
                       c.company_id,
                       c.payer_id,
                       c.rendering_provider_id AS provider_id,
                       ln.date_adjudicated,
                       1 AS claim_count,
                       ln.denied AS denied_count,
                       ln.denied * 100.0 AS denial_rate,
                       100.0 - ln.denied * 100.0 AS first_pass_rate,
                       c.amount_total AS amount_charges,
                       ln.amount_denied
                  FROM medical_claim c
                  JOIN (SELECT claim_id,
                               MIN(date_adjudicated) AS date_adjudicated,
                               MAX(denied_count) AS denied,
                               SUM(amount_denied) AS amount_denied
                          FROM (%s) lines
                      GROUP BY claim_id) ln ON ln.claim_id = c.id
            )
            """,
                SQL.identifier(self._table),
                SQL(_LINES),
            )
        )


class MedicalDenialLineReport(models.Model):
    """The denial rate by procedure code (and modifiers), by line: one row per line of an adjudicated claim,
    denied (0 / 100) when a counted denial names the line or the whole claim, with the reason (CARC) and
    category of its main denial (a line-level one first, then the biggest amount); every reason of a line is
    in ``medical.denial.reason.report``. A whole-claim denial's amount is shared among its lines by their
    charges.

    The pivot's average of ``denial_rate`` grouped by procedure code is that code's denial rate. A CARC's
    rate (lines denied with it ÷ every adjudicated line of the grouping) is not an average of rows: it is
    in ``medical.denial._denial_kpis`` (``by_carc``) and the *Denial Rates* report.
    """

    _name = "medical.denial.line.report"
    _description = "Denial Rate Analysis by Line"
    _auto = False
    _rec_name = "claim_line_id"
    _order = "date_adjudicated desc, claim_line_id desc"
    _depends = _DEPENDS

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
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT ln.claim_line_id AS id,
                       ln.claim_line_id,
                       ln.claim_id,
                       ln.company_id,
                       ln.payer_id,
                       ln.provider_id,
                       ln.code_id,
                       ln.modifiers,
                       ln.date_adjudicated,
                       1 AS line_count,
                       ln.denied_count,
                       ln.denied_count * 100.0 AS denial_rate,
                       ln.amount_charge,
                       ln.amount_denied,
                       ln.denial_id,
                       d.reason_code,
                       d.reason_id,
                       d.category
                  FROM (%s) ln
             LEFT JOIN medical_denial d ON d.id = ln.denial_id
            )
            """,
                SQL.identifier(self._table),
                SQL(_LINES),
            )
        )


class MedicalDenialReasonReport(models.Model):
    """The lines denied by reason code (CARC): one row per (adjudicated line, reason code) of its counted
    denials, whatever the number of denials naming them (a line denied twice with CARC 16 counts once for
    16; denied with 16, then 97, once for each). The amount is the largest at stake for that reason.

    A reason's rate is its rows ÷ every adjudicated line of the grouping (``medical.denial.line.report``):
    in ``medical.denial._denial_kpis`` (``by_carc``) and the *Denial Rates* report.
    """

    _name = "medical.denial.reason.report"
    _description = "Denied Lines by Reason Code"
    _auto = False
    _rec_name = "reason_code"
    _order = "date_adjudicated desc, claim_line_id desc, reason_code"
    _depends = _DEPENDS

    claim_line_id = fields.Many2one("medical.claim.line", readonly=True)
    claim_id = fields.Many2one("medical.claim", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    payer_id = fields.Many2one("res.partner", readonly=True)
    provider_id = fields.Many2one("res.partner", readonly=True)
    code_id = fields.Many2one("medical.code", string="Procedure Code", readonly=True)
    date_adjudicated = fields.Date(string="Adjudicated On", readonly=True)
    reason_code = fields.Char(string="Reason (CARC)", readonly=True)
    reason_id = fields.Many2one("medical.adjustment.reason", readonly=True)
    category = fields.Selection(DENIAL_CATEGORIES, readonly=True)
    amount_denied = fields.Monetary(string="Denied Amount", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT ROW_NUMBER() OVER (ORDER BY al.claim_line_id, x.reason_code) AS id,
                       al.claim_line_id,
                       al.claim_id,
                       al.company_id,
                       al.payer_id,
                       al.provider_id,
                       al.code_id,
                       al.date_adjudicated,
                       x.reason_code,
                       MAX(x.reason_id) AS reason_id,
                       MAX(x.category) AS category,
                       MAX(x.amount) AS amount_denied
                  FROM (%s) al
                  JOIN (%s) x ON x.claim_line_id = al.claim_line_id
              GROUP BY al.claim_line_id, al.claim_id, al.company_id, al.payer_id, al.provider_id,
                       al.code_id, al.date_adjudicated, x.reason_code
            )
            """,
                SQL.identifier(self._table),
                SQL(_ADJUDICATED_LINES),
                SQL(_LINE_DENIALS),
            )
        )
