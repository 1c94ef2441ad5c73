# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""*Billing / Denial Rates*: the denial KPIs of a period (``medical.denial._denial_kpis``) with their
breakdowns by reason code (CARC) and by procedure code, by count and by dollars, as the biller reads them."""

from datetime import timedelta

from odoo import Command, _, api, fields, models

DEFAULT_DAYS = 90


def _by_rate(item):
    """Highest rate first, then by code (a reason code, or a procedure code record)."""
    code, figures = item
    return (-figures["rate"], code if isinstance(code, str) else (code.code or "", code.id))


class MedicalDenialRates(models.TransientModel):
    _name = "medical.denial.rates"
    _description = "Denial Rates"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self) - timedelta(days=DEFAULT_DAYS)
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    payer_id = fields.Many2one(
        "res.partner",
        check_company=True,
        domain="[('is_payer', '=', True)]",
        help="Empty: every payer.",
    )
    adjudicated = fields.Integer(string="Adjudicated Claims", readonly=True)
    denied = fields.Integer(string="Denied Claims", readonly=True)
    denial_rate = fields.Float(string="Denial Rate (%)", readonly=True)
    denial_rate_amount = fields.Float(string="Denial Rate, Dollars (%)", readonly=True)
    first_pass_rate = fields.Float(string="First-Pass Resolution (%)", readonly=True)
    overturn_rate = fields.Float(string="Appeals Overturned (%)", readonly=True)
    days_to_resolve = fields.Float(string="Days to Resolve", readonly=True)
    line_ids = fields.One2many("medical.denial.rates.line", "rates_id")
    carc_line_ids = fields.One2many(
        "medical.denial.rates.line", "rates_id", domain=[("kind", "=", "carc")], string="By Reason (CARC)"
    )
    procedure_line_ids = fields.One2many(
        "medical.denial.rates.line",
        "rates_id",
        domain=[("kind", "=", "procedure")],
        string="By Procedure Code",
    )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._fill()
        return records

    def action_show_rates(self):
        """Compute the figures of the period again (after changing the dates or the payer)."""
        self._fill()
        return True

    def _fill(self):
        Reason = self.env["medical.adjustment.reason"].sudo().with_context(active_test=False)
        for report in self:
            kpis = (
                self.env["medical.denial"]
                .with_company(report.company_id)
                ._denial_kpis(report.date_from, report.date_to, report.payer_id or None)
            )
            reasons = {
                r.code: r.name
                for r in Reason.search_fetch([("code", "in", list(kpis["by_carc"]))], ["code", "name"])
            }
            lines = [Command.clear()]
            adjudicated_lines = kpis["adjudicated_lines"]
            for code, figures in sorted(kpis["by_carc"].items(), key=_by_rate):
                lines.append(
                    Command.create(
                        {
                            "kind": "carc",
                            "code": code,
                            "description": reasons.get(code) or _("(not in the list of reason codes)"),
                            "adjudicated": adjudicated_lines,
                            "denied": figures["denied"],
                            "rate": figures["rate"],
                            "amount": figures["amount"],
                            "rate_amount": figures["rate_amount"],
                        }
                    )
                )
            for code, figures in sorted(kpis["by_procedure"].items(), key=_by_rate):
                lines.append(
                    Command.create(
                        {
                            "kind": "procedure",
                            "code_id": code.id,
                            "code": code.code,
                            "adjudicated": figures["adjudicated"],
                            "denied": figures["denied"],
                            "rate": figures["rate"],
                            "charges": figures["charges"],
                            "amount": figures["amount"],
                            "rate_amount": figures["rate_amount"],
                        }
                    )
                )
            report.write(
                {
                    **{
                        key: kpis[key]
                        for key in (
                            "adjudicated",
                            "denied",
                            "denial_rate",
                            "denial_rate_amount",
                            "first_pass_rate",
                            "overturn_rate",
                            "days_to_resolve",
                        )
                    },
                    "line_ids": lines,
                }
            )


class MedicalDenialRatesLine(models.TransientModel):
    _name = "medical.denial.rates.line"
    _description = "Denial Rate of a Reason or Procedure Code"
    _order = "kind, rate desc, code"

    rates_id = fields.Many2one("medical.denial.rates", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="rates_id.currency_id")
    kind = fields.Selection([("carc", "Reason (CARC)"), ("procedure", "Procedure Code")], required=True)
    code = fields.Char(readonly=True)
    code_id = fields.Many2one("medical.code", string="Procedure Code", readonly=True)
    description = fields.Char(readonly=True)
    adjudicated = fields.Integer(string="Adjudicated Lines", readonly=True)
    denied = fields.Integer(string="Denied Lines", readonly=True)
    rate = fields.Float(string="Denial Rate (%)", readonly=True)
    charges = fields.Monetary(readonly=True)
    amount = fields.Monetary(string="Denied Amount", readonly=True)
    rate_amount = fields.Float(string="Denial Rate, Dollars (%)", readonly=True)
