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
        ``date_to`` in the current company (and of ``payer`` when given):

        - ``denial_rate``: denied claims ÷ adjudicated claims (percent); ``denial_rate_amount``: amount at
          stake of their denials ÷ their charges (percent);
        - ``first_pass_rate``: adjudicated claims paid without any denial ÷ adjudicated claims (percent);
        - ``overturn_rate``: appealed denials won ÷ appealed denials decided (won or lost) (percent);
        - ``days_to_resolve``: average days from denial to its closing, over the closed denials;
        - ``by_carc``: ``{carc: {denied, rate, amount, rate_amount}}``: the lines denied with that reason ÷
          every adjudicated line of the period (percent), and their denied amount ÷ the lines' charges;
        - ``by_procedure``: ``{code: {adjudicated, denied, rate, charges, amount, rate_amount}}``: the lines
          of that procedure code denied ÷ adjudicated (percent), by count and by dollars.

        The breakdowns count claim lines (``medical.denial.line.report``: a whole-claim denial denies every
        line of the claim; ``medical.denial.reason.report``: each line once per reason), adjudicated on the
        claim's first remittance date.
        """
        domain = [
            ("company_id", "=", self.env.company.id),
            ("remittance_id.state", "=", "posted"),
            ("match_state", "=", "matched"),
            ("is_reversal", "=", False),
            ("date_payment", ">=", date_from),
            ("date_payment", "<=", date_to),
        ]
        if payer:
            domain.append(("payer_id", "=", payer.id))
        rclaims = self.env["medical.remittance.claim"].search(domain)
        claims = rclaims.claim_id
        denials = self.search([("claim_id", "in", claims.ids)])
        denied_claims = denials.claim_id
        charges = sum(claims.mapped("amount_total"))
        decided = denials.filtered(lambda d: d.appeal_level and d.state in ("won", "lost"))
        closed = denials.filtered(lambda d: d.date_closed and d.date_denied)

        def percent(part, whole):
            return round(100.0 * part / whole, 2) if whole else 0.0

        return {
            **self._denial_line_kpis(date_from, date_to, payer, percent),
            "adjudicated": len(claims),
            "denied": len(denied_claims),
            "denial_rate": percent(len(denied_claims), len(claims)),
            "denial_rate_amount": percent(sum(denials.mapped("amount")), charges),
            "first_pass_rate": percent(len(claims - denied_claims), len(claims)),
            "overturn_rate": percent(len(decided.filtered(lambda d: d.state == "won")), len(decided)),
            "days_to_resolve": round(
                sum((d.date_closed - d.date_denied).days for d in closed) / len(closed), 1
            )
            if closed
            else 0.0,
        }

    @api.model
    def _denial_line_kpis(self, date_from, date_to, payer, percent):
        """``by_carc`` and ``by_procedure`` of :meth:`_denial_kpis`, in three grouped queries."""
        Line = self.env["medical.denial.line.report"]
        domain = [
            ("company_id", "=", self.env.company.id),
            ("date_adjudicated", ">=", date_from),
            ("date_adjudicated", "<=", date_to),
        ]
        if payer:
            domain.append(("payer_id", "=", payer.id))
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
            by_procedure[code.code or ""] = {
                "adjudicated": count,
                "denied": denied,
                "rate": percent(denied, count),
                "charges": round(code_charges, 2),
                "amount": round(amount, 2),
                "rate_amount": percent(amount, code_charges),
            }
        return {"by_carc": by_carc, "by_procedure": by_procedure}
