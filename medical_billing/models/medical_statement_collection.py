# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hand-over to collections: after the final notice, the guarantor's account goes to the collection
agency (a state on the guarantor, a referral report for the agency); no more statements are sent."""

from odoo import _, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import workflow_action


class ResPartner(models.Model):
    _inherit = "res.partner"

    medical_collection_state = fields.Selection(
        [("collections", "With the Collection Agency")],
        string="Collections",
        readonly=True,
        copy=False,
        help="Set when the account was handed over to the collection agency: no statement is sent.",
    )
    medical_collection_date = fields.Date(string="Sent to Collections", readonly=True, copy=False)


class MedicalStatement(models.Model):
    _inherit = "medical.statement"

    def action_send_to_collections(self):
        """Hand the guarantors of these final notices over to the collection agency; returns the
        agency's referral report."""
        for statement in self:
            if statement.dunning_level != "3" or statement.state != "sent":
                raise UserError(
                    _("%(name)s: only a final notice already sent goes to collections.", name=statement.name)
                )
            if statement.is_paid:
                raise UserError(_("%(name)s is paid.", name=statement.name))
            active_plan = self.env["medical.payment.plan"].search_count(
                [("partner_id", "=", statement.partner_id.id), ("state", "=", "active")]
            )
            if active_plan:
                raise UserError(
                    _("%(name)s: the guarantor pays through an active payment plan.", name=statement.name)
                )
        self._mark_collections()
        return self.env.ref("medical_billing.action_report_medical_collection").report_action(self)

    @workflow_action
    def _mark_collections(self):
        today = fields.Date.context_today(self)
        for statement in self:
            partner = statement.partner_id.sudo()
            partner.write({"medical_collection_state": "collections", "medical_collection_date": today})
            partner.message_post(
                body=_(
                    "Account handed over to the collection agency: %(amount)s open (statement %(name)s).",
                    amount=statement.currency_id.format(statement.amount_residual),
                    name=statement.name,
                )
            )
