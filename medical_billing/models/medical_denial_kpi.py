# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the practice learns from its denials: denial rate (by count and by dollars), first-pass resolution
rate, overturn rate of appeals, days to resolve."""

from odoo import api, models


class MedicalDenial(models.Model):
    _inherit = "medical.denial"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _denial_kpis(self, date_from, date_to, payer=None):
        """The figures of the claims adjudicated (first remittance dated) between ``date_from`` and
        ``date_to`` in the current company (and billed to ``payer`` when given), read from the analysis
        views (``medical.denial.rate.report``, by line ``medical.denial.line.report``), as the billing
        overview reads them, so the figures agree wherever they are shown:

        - ``denial_rate``: denied claims ÷ adjudicated claims (percent); ``denial_rate_amount``: their
          denied amount ÷ their charges (percent);
        - ``first_pass_rate``: adjudicated claims paid without any denial ÷ adjudicated claims (percent);
        - ``overturn_rate``: appealed denials won ÷ appealed denials decided (won or lost) (percent), of
          those claims;
        - ``days_to_resolve``: average days from denial to its closing, over their closed denials;
        - ``by_carc``: ``{carc: {denied, rate, amount, rate_amount}}``: the lines denied with that reason ÷
          every adjudicated line of the period (percent), and their denied amount ÷ the lines' charges;
        - ``adjudicated_lines``: the lines of the adjudicated claims (the denominator of ``by_carc``);
        - ``by_procedure``: ``{code: {adjudicated, denied, rate, charges, amount, rate_amount}}`` by
          procedure code (``medical.code``): its lines denied ÷ adjudicated (percent), by count and by
          dollars.

        What counts as adjudicated and denied is said in ``report/medical_denial_rate_report.py``. The
        breakdowns count claim lines (``medical.denial.line.report``: a whole-claim denial denies every
        line of the claim; ``medical.denial.reason.report``: each line once per reason).
        """
        domain = self._denial_kpi_domain(date_from, date_to, payer)
        Report = self.env["medical.denial.rate.report"]
        [(count, denied, charges, amount_denied, claims)] = Report._read_group(
            domain,
            [],
            ["__count", "denied_count:sum", "amount_charges:sum", "amount_denied:sum", "claim_id:recordset"],
        )
        denials = self.search([("claim_id", "in", claims.ids)])
        decided = denials.filtered(lambda d: d.appeal_level and d.state in ("won", "lost"))
        closed = denials.filtered(lambda d: d.date_closed and d.date_denied)

        def percent(part, whole):
            return round(100.0 * part / whole, 2) if whole else 0.0

        return {
            **self._denial_line_kpis(domain, percent),
            "adjudicated": count,
            "denied": denied,
            "denial_rate": percent(denied, count),
            "denial_rate_amount": percent(amount_denied, charges),
            "first_pass_rate": percent(count - denied, count),
            "overturn_rate": percent(len(decided.filtered(lambda d: d.state == "won")), len(decided)),
            "days_to_resolve": round(
                sum((d.date_closed - d.date_denied).days for d in closed) / len(closed), 1
            )
            if closed
            else 0.0,
        }

    @api.model
    def _denial_kpi_domain(self, date_from, date_to, payer=None):
        """The domain of the analysis views' rows of the period, the current company (and ``payer``)."""
        domain = [
            ("company_id", "=", self.env.company.id),
            ("date_adjudicated", ">=", date_from),
            ("date_adjudicated", "<=", date_to),
        ]
        if payer:
            domain.append(("payer_id", "=", payer.id))
        return domain

    @api.model
    def _denial_line_kpis(self, domain, percent):
        """``by_carc`` and ``by_procedure`` of :meth:`_denial_kpis`, in three grouped queries."""
        Line = self.env["medical.denial.line.report"]
        [(lines, charges)] = Line._read_group(domain, [], ["__count", "amount_charge:sum"])
        by_carc = {
            code: {
                "denied": denied,
                "rate": percent(denied, lines),
                "amount": round(amount, 2),
                "rate_amount": percent(amount, charges),
            }
            for code, denied, amount in self.env["medical.denial.reason.report"]._read_group(
                [*domain, ("reason_code", "!=", False)],
                ["reason_code"],
                ["__count", "amount_denied:sum"],
            )
        }
        by_procedure = {}
        for code, count, denied, code_charges, amount in Line._read_group(
            domain, ["code_id"], ["__count", "denied_count:sum", "amount_charge:sum", "amount_denied:sum"]
        ):
            by_procedure[code] = {
                "adjudicated": count,
                "denied": denied,
                "rate": percent(denied, count),
                "charges": round(code_charges, 2),
                "amount": round(amount, 2),
                "rate_amount": percent(amount, code_charges),
            }
        return {"adjudicated_lines": lines, "by_carc": by_carc, "by_procedure": by_procedure}
