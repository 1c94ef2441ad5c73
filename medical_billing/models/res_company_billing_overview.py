# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""*Billing / Overview*: one card per practice (company) with the figures a biller reads each morning, as
Odoo's accounting dashboard does for its journals: non-stored fields computed for every card at once, each in
one grouped query; each figure opens the list behind it. Billers only (the fields' groups)."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .medical_denial import DONE_STATES, OPEN_STATES

RATE_DAYS = 90  # the denial rate is over the claims adjudicated in the last 90 days
DEADLINE_SOON_DAYS = 14  # "near its appeal deadline": at most 14 days left
BILLER = "medical_coding.medical_coding_group_biller"


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    medical_dash_adjudicated = fields.Integer(
        string="Claims Adjudicated (90 days)", compute="_compute_medical_dash", groups=BILLER
    )
    medical_dash_denied = fields.Integer(
        string="Claims Denied (90 days)", compute="_compute_medical_dash", groups=BILLER
    )
    medical_dash_denial_rate = fields.Float(
        string="Denial Rate (90 days, %)", compute="_compute_medical_dash", groups=BILLER
    )
    medical_dash_denial_rate_amount = fields.Float(
        string="Denial Rate in Dollars (90 days, %)", compute="_compute_medical_dash", groups=BILLER
    )
    medical_dash_denials_open = fields.Integer(
        string="Open Denials", compute="_compute_medical_dash", groups=BILLER
    )
    medical_dash_denials_open_amount = fields.Monetary(
        string="Amount at Stake", compute="_compute_medical_dash", groups=BILLER, currency_field="currency_id"
    )
    medical_dash_denials_late = fields.Integer(
        string="Denials Past Their Appeal Deadline", compute="_compute_medical_dash", groups=BILLER
    )
    medical_dash_denials_due = fields.Integer(
        string="Denials Near Their Appeal Deadline", compute="_compute_medical_dash", groups=BILLER
    )
    medical_dash_claims_ready = fields.Integer(
        string="Claims Ready to Send", compute="_compute_medical_dash", groups=BILLER
    )
    medical_dash_claims_ready_amount = fields.Monetary(
        string="Charges Ready to Send",
        compute="_compute_medical_dash",
        groups=BILLER,
        currency_field="currency_id",
    )
    medical_dash_exceptions = fields.Integer(
        string="Remittance Exceptions", compute="_compute_medical_dash", groups=BILLER
    )
    medical_dash_exceptions_amount = fields.Monetary(
        string="Payments Waiting in Exceptions",
        compute="_compute_medical_dash",
        groups=BILLER,
        currency_field="currency_id",
    )

    # ------------------------------------------------------------------ figures

    def _medical_dash_domains(self):
        """``{figure: domain}`` of the records behind each figure (the companies of ``self``)."""
        today = fields.Date.context_today(self)
        companies = [("company_id", "in", self.ids)]
        return {
            "denial_rate": [
                *companies,
                ("date_adjudicated", ">=", today - timedelta(days=RATE_DAYS)),
                ("date_adjudicated", "<=", today),
            ],
            "denials_open": [*companies, ("state", "not in", DONE_STATES)],
            "denials_late": [*companies, ("state", "in", OPEN_STATES), ("date_appeal_deadline", "<", today)],
            "denials_due": [
                *companies,
                ("state", "in", OPEN_STATES),
                ("date_appeal_deadline", ">=", today),
                ("date_appeal_deadline", "<=", today + timedelta(days=DEADLINE_SOON_DAYS)),
            ],
            "claims_ready": [*companies, ("state", "=", "ready")],
            "exceptions": [*companies, ("match_state", "=", "exception")],
        }

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_medical_dash(self):
        """Every figure of every card: one grouped query per figure, whatever the number of cards."""
        domains = self._medical_dash_domains()

        def grouped(model, figure, aggregates):
            return {
                company: values
                for company, *values in self.env[model]._read_group(
                    domains[figure], ["company_id"], aggregates
                )
            }

        rates = grouped(
            "medical.denial.rate.report",
            "denial_rate",
            ["__count", "denied_count:sum", "amount_charges:sum", "amount_denied:sum"],
        )
        open_denials = grouped("medical.denial", "denials_open", ["__count", "amount:sum"])
        late = grouped("medical.denial", "denials_late", ["__count"])
        due = grouped("medical.denial", "denials_due", ["__count"])
        ready = grouped("medical.claim", "claims_ready", ["__count", "amount_total:sum"])
        exceptions = grouped("medical.remittance.claim", "exceptions", ["__count", "paid_amount:sum"])

        def percent(part, whole):
            return round(100.0 * part / whole, 2) if whole else 0.0

        for company in self:
            count, denied, charges, amount_denied = rates.get(company, (0, 0, 0.0, 0.0))
            company.medical_dash_adjudicated = count
            company.medical_dash_denied = denied
            company.medical_dash_denial_rate = percent(denied, count)
            company.medical_dash_denial_rate_amount = percent(amount_denied, charges)
            company.medical_dash_denials_open, company.medical_dash_denials_open_amount = open_denials.get(
                company, (0, 0.0)
            )
            company.medical_dash_denials_late = late.get(company, (0,))[0]
            company.medical_dash_denials_due = due.get(company, (0,))[0]
            company.medical_dash_claims_ready, company.medical_dash_claims_ready_amount = ready.get(
                company, (0, 0.0)
            )
            company.medical_dash_exceptions, company.medical_dash_exceptions_amount = exceptions.get(
                company, (0, 0.0)
            )

    # ------------------------------------------------------------------ actions

    @api.model
    def _medical_billing_overview_action(self):
        """*Billing / Overview*: the cards of the practices selected in the company switcher."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "medical_billing.medical_billing_overview_action"
        )
        action["domain"] = [("id", "in", self.env.companies.ids)]
        return action

    def action_medical_dash_open(self):
        """The list behind the figure named by the context key ``medical_figure``."""
        self.ensure_one()
        if not (self.env.su or self.env.user.has_group(BILLER)):
            raise AccessError(_("Only billers open the billing overview."))
        figure = self.env.context.get("medical_figure")
        xml_ids = {
            "denial_rate": "medical_billing.medical_denial_rate_report_action",
            "denials_open": "medical_billing.medical_denial_action",
            "denials_late": "medical_billing.medical_denial_action",
            "denials_due": "medical_billing.medical_denial_action",
            "claims_ready": "medical_billing.medical_claim_action",
            "exceptions": "medical_billing.medical_remittance_claim_action_exceptions",
        }
        if figure not in xml_ids:
            raise UserError(_("Unknown figure of the billing overview: %s", figure))
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_ids[figure])
        action["domain"] = self._medical_dash_domains()[figure]
        action["context"] = {}  # the figure's domain replaces the list's default filters
        names = {
            "denials_open": _("Open Denials"),
            "denials_late": _("Denials Past Their Appeal Deadline"),
            "denials_due": _("Denials Near Their Appeal Deadline"),
            "claims_ready": _("Claims Ready to Send"),
        }
        if figure in names:
            action["name"] = f"{names[figure]} ({self.name})"
        return action
