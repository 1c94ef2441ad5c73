# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What happens to patient statements: delivery as the guarantor asked (e-mail with the PDF and the portal
link, a portal notice, or a print batch of the paper ones sorted for mailing; every delivery logged on the
guarantor), hand-over to collections after the final notice (no statements afterwards), and the balances
between statements: credits applied to the next charges, small balances written off to the company's
patient write-off account."""

from collections import defaultdict

from odoo import Command, _, api, fields, models
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

    # ------------------------------------------------------------------ collections

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

    # ------------------------------------------------------------------ credits and small balances

    @api.model
    def _patient_open_items(self, company, guarantors):
        """{guarantor: its open items on the patient receivable, oldest first} (one search)."""
        items = self.env["account.move.line"].search(
            [
                ("company_id", "=", company.id),
                ("account_id", "=", company.medical_patient_receivable_account_id.id),
                ("partner_id", "in", guarantors.ids),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0.0),
            ],
            order="date_maturity, date, id",
        )
        by_partner = defaultdict(lambda: items.browse())
        for item in items:
            by_partner[item.partner_id] |= item
        return by_partner

    @api.model
    def _apply_patient_credits(self, company, guarantors):
        """Apply each guarantor's credits (overpayments, copays left over) to its open charges, oldest
        charge first."""
        plan = []
        for items in self._patient_open_items(company, guarantors).values():
            credits = items.filtered(lambda i: i.amount_residual < 0)
            to_cover = -sum(credits.mapped("amount_residual"))
            picked = items.browse()
            for charge in items - credits:
                if company.currency_id.compare_amounts(to_cover, 0.0) <= 0:
                    break
                picked |= charge
                to_cover -= charge.amount_residual
            if credits and picked:
                plan.append(credits | picked)
        if plan:
            # One reconciliation for every guarantor: Odoo applies each group's credits to its charges
            # oldest first (by due date, then date).
            self.env["account.move.line"]._reconcile_plan(plan)

    @api.model
    def _write_off_small_balances(self, company, date, below):
        """Write off the guarantors' balances under ``below`` (and above zero) to the patient write-off
        account: one entry, each guarantor's items reconciled. Returns the entry (or nothing)."""
        account = company.medical_patient_receivable_account_id
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", company.id),
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("partner_id", "!=", False),
            ],
            ["partner_id"],
            ["amount_residual:sum"],
        )
        currency = company.currency_id
        small = {
            partner: amount
            for partner, amount in groups
            if currency.compare_amounts(amount, 0) > 0 and currency.compare_amounts(amount, below) < 0
        }
        if not small:
            return self.env["account.move"]
        writeoff = company.medical_patient_writeoff_account_id
        lines = []
        for partner, amount in small.items():
            label = _("Small balance written off")
            lines += [
                Command.create(
                    {"name": label, "account_id": account.id, "partner_id": partner.id, "credit": amount}
                ),
                Command.create(
                    {"name": label, "account_id": writeoff.id, "partner_id": partner.id, "debit": amount}
                ),
            ]
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "company_id": company.id,
                "journal_id": company._medical_transfer_journal().id,
                "date": date,
                "ref": _("Small patient balances under %(amount)s", amount=currency.format(below)),
                "line_ids": lines,
            }
        )
        move.action_post()
        partners = self.env["res.partner"].browse(partner.id for partner in small)
        open_items = self._patient_open_items(company, partners)
        for partner in partners:
            open_items[partner].reconcile()
            partner.message_post(
                body=_(
                    "Balance of %(amount)s written off as a small balance (%(move)s).",
                    amount=currency.format(small[partner]),
                    move=move.name,
                )
            )
        return move
