# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Appeals of denials: a letter (QWeb PDF) from the manager's per-category template, the appeal level, a
follow-up activity before the payer's answer, and the outcome (won / lost) recorded later."""

from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import workflow_action

from .medical_adjustment_reason import DENIAL_CATEGORIES

APPEAL_ANSWER_DAYS = 60  # Medicare decides a redetermination within 60 days


class MedicalDenialAppealTemplate(models.Model):
    _name = "medical.denial.appeal.template"
    _description = "Denial Appeal Letter Template"
    _order = "category, sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    category = fields.Selection(DENIAL_CATEGORIES, required=True, index=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: every practice.")
    body = fields.Html(
        string="Argument",
        required=True,
        sanitize=True,
        help="The practice's argument, copied into the letter, where the biller completes it.",
    )
    active = fields.Boolean(default=True)


class MedicalDenial(models.Model):
    _inherit = "medical.denial"  # pylint: disable=consider-merging-classes-inherited

    appeal_template_id = fields.Many2one(
        "medical.denial.appeal.template",
        check_company=True,
        compute="_compute_appeal_template_id",
        store=True,
        readonly=False,
        domain="[('category', '=', category), ('company_id', 'in', (False, company_id))]",
    )
    appeal_argument = fields.Html(
        compute="_compute_appeal_argument",
        store=True,
        readonly=False,
        sanitize=True,
        help="The argument of the appeal letter, from the template; complete it before appealing.",
    )
    appeal_level = fields.Integer(readonly=True, copy=False, help="1: first appeal, 2: second, …")
    # The letters name the claim, its lines and diagnoses: kept on the claim (the front desk, who may read
    # its eligibility denials, has no right on the claims) and linked here for the billers.
    appeal_letter_ids = fields.Many2many(
        "ir.attachment",
        "medical_denial_appeal_letter_rel",
        "denial_id",
        "attachment_id",
        string="Appeal Letters",
        readonly=True,
        copy=False,
        groups="medical_coding.medical_coding_group_biller",
        help="The letters of the appeals, one per level, kept on the claim.",
    )
    date_appealed = fields.Date(readonly=True, copy=False)

    @api.depends("category", "company_id")
    def _compute_appeal_template_id(self):
        Template = self.env["medical.denial.appeal.template"].sudo()
        templates = Template.search([("category", "in", list(set(self.mapped("category"))))])
        for denial in self:
            denial.appeal_template_id = templates.filtered(
                lambda t, d=denial: t.category == d.category
                and (not t.company_id or t.company_id == d.company_id)
            )[:1]

    @api.depends("appeal_template_id")
    def _compute_appeal_argument(self):
        for denial in self:
            denial.appeal_argument = denial.appeal_template_id.sudo().body or False

    def _appeal_letter_name(self, level=None, extension="pdf"):
        """The file name of the denial's appeal letter of ``level`` (default: its current level)."""
        self.ensure_one()
        level = self.appeal_level if level is None else level
        return f"Appeal-{self.claim_number or self.id}-level-{level}.{extension}"

    def _appeal_letters(self):
        """The appeal letters of the denial (one per level), oldest first."""
        self.ensure_one()
        return self.appeal_letter_ids.sorted("id")

    def _appeal_attachments(self):
        """The documents attached to the denial: listed in the letter as enclosures."""
        self.ensure_one()
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "=", self.id)], order="id"
        )
        return attachments - self.appeal_letter_ids

    def _save_appeal_letter(self):
        """Render the letter of the denial's current appeal level and keep it on the claim, linked from the
        denial (the letters of the earlier levels stay), said in the chatter. Returns the attachment."""
        self.ensure_one()
        report = self.env.ref("medical_billing.action_report_denial_appeal")
        content, kind = self.env["ir.actions.report"]._render_qweb_pdf(report, self.ids)
        # Odoo's test mode renders HTML instead of calling wkhtmltopdf: the file says what it holds.
        extension = "pdf" if kind == "pdf" else "html"
        attachment = self.env["ir.attachment"].create(
            {
                "name": self._appeal_letter_name(extension=extension),
                "raw": content,
                "res_model": "medical.claim",
                "res_id": self.claim_id.id,
                "mimetype": "application/pdf" if kind == "pdf" else "text/html",
            }
        )
        self.appeal_letter_ids = [Command.link(attachment.id)]
        self.message_post(
            body=_(
                "Appeal letter, level %(level)s, saved as %(name)s.",
                level=self.appeal_level,
                name=attachment.name,
            )
        )
        self.claim_id.message_post(
            body=_(
                "Appeal letter, level %(level)s, of the denial CARC %(reason)s.",
                level=self.appeal_level,
                reason=self.reason_code,
            ),
            attachment_ids=attachment.ids,
        )
        return attachment

    @workflow_action
    def action_appeal(self):
        """Appeal (the next level): the denial waits for the payer's answer, a follow-up activity is
        scheduled, and the letter is rendered, kept on the denial (one per level) and downloaded."""
        self._check_biller()
        self._check_state(("new", "in_progress", "lost"), _("Only a denial being worked can be appealed"))
        today = fields.Date.context_today(self)
        for denial in self:
            if denial.date_appeal_deadline and denial.date_appeal_deadline < today:
                raise UserError(
                    _(
                        "The appeal deadline of the denial of %(claim)s was %(date)s.",
                        claim=denial.claim_id.display_name,
                        date=denial.date_appeal_deadline,
                    )
                )
            denial.write(
                {"state": "appealed", "appeal_level": denial.appeal_level + 1, "date_appealed": today}
            )
            denial.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=today + timedelta(days=APPEAL_ANSWER_DAYS),
                summary=_("Appeal level %s: record the payer's answer", denial.appeal_level),
                user_id=(denial.user_id or self.env.user).id,
            )
        letters = self.env["ir.attachment"]
        for denial in self:
            letters |= denial._save_appeal_letter()
        if len(letters) == 1:
            return {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{letters.id}?download=true",
                "target": "download",
            }
        return self.env.ref("medical_billing.action_report_denial_appeal").report_action(self)
