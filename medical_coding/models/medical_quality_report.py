# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

#: CMS's data completeness threshold (percent) for a measure to count
COMPLETENESS_REQUIRED = 75.0


class MedicalQualityReport(models.Model):
    """Quality rates per practice, provider, measure and performance year (an SQL view, no patient data).

    Counted from the results of the last check of each encounter (``medical.quality.result``) of
    encounters not in draft or cancelled. A patient-based measure counts each patient once (the outcome
    that counts: exclusion, then exception, then met, then not met); an encounter-based one counts each
    encounter. As CMS computes them:

    - data completeness = (met + exceptions + not met) / (eligible - exclusions), CMS requires 75%;
    - performance rate = met / (met + not met); for an inverse measure lower is better;
    - decile: the rate placed against the national benchmark deciles (10 is the best).
    """

    _name = "medical.quality.report"
    _description = "Quality Measure Rates"
    _auto = False
    _order = "year desc, provider_id, measure_code"
    _rec_name = "measure_id"

    company_id = fields.Many2one("res.company", readonly=True)
    provider_id = fields.Many2one("res.partner", readonly=True)
    npi = fields.Char(string="NPI", readonly=True)
    measure_id = fields.Many2one("medical.quality.measure", readonly=True)
    measure_code = fields.Char(string="Measure Id", readonly=True)
    year = fields.Integer(string="Performance Year", readonly=True, aggregator=False)
    inverse = fields.Boolean(readonly=True, help="Lower performance rates are better.")
    eligible = fields.Integer(string="Eligible Population", readonly=True)
    exclusions = fields.Integer(readonly=True)
    exceptions = fields.Integer(readonly=True)
    met = fields.Integer(string="Performance Met", readonly=True)
    not_met = fields.Integer(string="Performance Not Met", readonly=True)
    not_reported = fields.Integer(readonly=True)
    reported = fields.Integer(readonly=True, help="Met + exceptions + not met.")
    data_completeness = fields.Float(
        string="Data Completeness (%)", readonly=True, digits=(5, 2), aggregator="avg"
    )
    performance_rate = fields.Float(
        string="Performance Rate (%)", readonly=True, digits=(5, 2), aggregator="avg"
    )
    completeness_met = fields.Boolean(string="Completeness at 75%", readonly=True)
    decile = fields.Integer(
        readonly=True, aggregator="max", help="Benchmark decile, 10 the best; 0 without benchmark."
    )

    @property
    def _table_query(self):
        rank = SQL(
            "MIN(CASE r.outcome WHEN 'exclusion' THEN 1 WHEN 'exception' THEN 2 WHEN 'met' THEN 3 "
            "WHEN 'not_met' THEN 4 ELSE 5 END)"
        )
        steps = (10, 20, 30, 40, 50, 60, 70, 80, 90)
        above = SQL(" + ").join(
            SQL("(c.rate >= m.%s)::int", SQL.identifier(f"percentile_{p:02d}")) for p in steps
        )
        below = SQL(" + ").join(
            SQL("(c.rate <= m.%s)::int", SQL.identifier(f"percentile_{p:02d}")) for p in steps
        )
        return SQL(
            """
            WITH units AS (
                SELECT r.company_id, r.provider_id, r.measure_id, r.year,
                       CASE WHEN m.reporting = 'patient' THEN r.patient_id ELSE -r.encounter_id END AS unit,
                       %(rank)s AS rank
                  FROM medical_quality_result r
                  JOIN medical_encounter e ON e.id = r.encounter_id
                  JOIN medical_quality_measure m ON m.id = r.measure_id
                 WHERE e.state IN ('coded', 'checked', 'billed')
                 GROUP BY 1, 2, 3, 4, 5
            ), counts AS (
                SELECT company_id, provider_id, measure_id, year,
                       count(*) AS eligible,
                       count(*) FILTER (WHERE rank = 1) AS exclusions,
                       count(*) FILTER (WHERE rank = 2) AS exceptions,
                       count(*) FILTER (WHERE rank = 3) AS met,
                       count(*) FILTER (WHERE rank = 4) AS not_met,
                       count(*) FILTER (WHERE rank = 5) AS not_reported,
                       CASE WHEN count(*) FILTER (WHERE rank IN (3, 4)) > 0
                            THEN (100.0 * count(*) FILTER (WHERE rank = 3)
                                  / count(*) FILTER (WHERE rank IN (3, 4)))::float
                       END AS rate,
                       CASE WHEN count(*) FILTER (WHERE rank > 1) > 0
                            THEN (100.0 * count(*) FILTER (WHERE rank IN (2, 3, 4))
                                  / count(*) FILTER (WHERE rank > 1))::float
                       END AS completeness
                  FROM units GROUP BY 1, 2, 3, 4
            )
            SELECT row_number() OVER (ORDER BY c.year, c.company_id, c.provider_id, c.measure_id) AS id,
                   c.company_id, c.provider_id, p.npi, c.measure_id, m.measure_code, c.year, m.inverse,
                   c.eligible, c.exclusions, c.exceptions, c.met, c.not_met, c.not_reported,
                   c.exceptions + c.met + c.not_met AS reported,
                   ROUND(c.completeness::numeric, 2)::float AS data_completeness,
                   ROUND(c.rate::numeric, 2)::float AS performance_rate,
                   COALESCE(c.completeness >= %(required)s, FALSE) AS completeness_met,
                   CASE WHEN NOT m.has_benchmark OR c.rate IS NULL THEN 0
                        WHEN m.inverse THEN 1 + %(below)s
                        ELSE 1 + %(above)s END AS decile
              FROM counts c
              JOIN medical_quality_measure m ON m.id = c.measure_id
              LEFT JOIN res_partner p ON p.id = c.provider_id
            """,
            rank=rank,
            above=above,
            below=below,
            required=COMPLETENESS_REQUIRED,
        )

    @api.model
    def _scorecard_rows(self, provider, year):
        """The rows of one provider's scorecard, in measure order."""
        return self.search([("provider_id", "=", provider.id), ("year", "=", year)], order="measure_code")
