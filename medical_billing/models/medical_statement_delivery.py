# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Delivering patient statements as the guarantor asked: e-mail with the PDF and the portal link, a portal
notice, or a print batch of the paper ones (sorted for mailing); every delivery is logged on the guarantor."""

from odoo import _, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import workflow_action

TEMPLATES = {
    "email": "medical_billing.mail_template_medical_statement",
    "portal": "medical_billing.mail_template_medical_statement_portal",
}
CHANNEL_LOG = {
    "email": "sent by e-mail with its PDF and the link to pay online",
    "portal": "published in the portal; notice sent by e-mail",
    "paper": "printed for mailing",
}


class MedicalStatement(models.Model):
    _inherit = "medical.statement"

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for statement in self:
            statement.access_url = f"/my/statements/{statement.id}"
        return res

    def _statement_pay_url(self):
        """The signed link where the guarantor reads (and pays) the statement, without an account."""
        self.ensure_one()
        if not self.id:
            return ""
        return self.get_base_url() + self.get_portal_url()

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"Statement-{self.name}"

    @workflow_action
    def _mark_sent(self, channel):
        self.write({"state": "sent", "date_sent": fields.Datetime.now()})
        for statement in self:
            message = _(
                "Statement %(name)s of %(amount)s %(how)s.",
                name=statement.name,
                amount=statement.currency_id.format(statement.balance_due),
                how=CHANNEL_LOG[channel],
            )
            statement.message_post(body=message)
            statement.partner_id.message_post(body=message)

    def action_send(self):
        """Send the draft statements by their channel: e-mail and portal now; the paper ones come back as
        one print batch."""
        drafts = self.filtered(lambda s: s.state == "draft")
        if not drafts:
            raise UserError(_("These statements were sent already."))
        for channel, xmlid in TEMPLATES.items():
            to_send = drafts.filtered(lambda s, c=channel: s.delivery_channel == c)
            if not to_send:
                continue
            template = self.env.ref(xmlid)
            for statement in to_send:
                statement._portal_ensure_token()
                template.send_mail(statement.id, email_layout_xmlid="mail.mail_notification_light")
            to_send._mark_sent(channel)
        paper = drafts.filtered(lambda s: s.delivery_channel == "paper")
        if paper:
            return paper.action_print_batch()
        return True

    def action_print_batch(self):
        """One PDF of the paper statements, sorted for mailing (by ZIP code, then name)."""
        paper = self.filtered(lambda s: s.delivery_channel == "paper" and s.state != "cancel")
        if not paper:
            raise UserError(_("None of these statements goes by paper."))
        paper = paper.sorted(lambda s: (s.partner_id.zip or "", s.partner_id.name or "", s.id))
        for statement in paper:
            statement._portal_ensure_token()
        paper.filtered(lambda s: s.state == "draft")._mark_sent("paper")
        return self.env.ref("medical_billing.action_report_medical_statement").report_action(paper)

    def action_register_payment(self):
        """The desk payment of this statement's guarantor."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Patient Payment"),
            "res_model": "medical.patient.payment",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.partner_id.id,
                "default_statement_id": self.id,
                "default_company_id": self.company_id.id,
            },
        }
