# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data of the patient statements (``demo/medical_statement_demo.xml``): a statement run after the demo
remittances, sent by each guarantor's channel, and one paid at the desk."""

from odoo import api, fields, models


class MedicalStatement(models.Model):
    _inherit = "medical.statement"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _demo_statements(self):
        company = self.env.company
        if self.search_count([("company_id", "=", company.id)]):
            return
        sam = self.env.ref("medical_coding.patient_sam_demo", raise_if_not_found=False)
        if sam:
            sam.write(
                {
                    "email": sam.email or "samantha.lee@example.com",
                    "statement_consent_email": True,
                    "statement_delivery": "email",
                }
            )
        today = fields.Date.context_today(self)
        guarantors = self._statement_candidates(company, today, 0.0)
        if not guarantors:
            return
        statements = self._create_statements(company, guarantors, today)
        # E-mailed statements carry the PDF: without wkhtmltopdf on the machine they stay to send.
        to_send = statements
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            to_send = statements.filtered(lambda s: s.delivery_channel != "email")
        if to_send:
            to_send.action_send()
        daniel = self.env.ref("medical_billing.patient_daniel_demo", raise_if_not_found=False)
        paid = statements.filtered(lambda s: s.partner_id == daniel)[:1] or statements[:1]
        self.env["medical.patient.payment"].create(
            {
                "partner_id": paid.partner_id.id,
                "statement_id": paid.id,
                "method": "card",
                "reference": "DEMO-0001",
            }
        ).action_confirm()
