# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

ABN_OPTIONS = [
    ("1", "Option 1: I want the service; bill Medicare"),
    ("2", "Option 2: I want the service; do not bill Medicare, I pay now"),
    ("3", "Option 3: I do not want the service"),
]


class MedicalAbn(models.Model):
    """Advance Beneficiary Notice of Non-coverage (CMS-R-131): the patient is told, before the service,
    that Medicare may not pay it, with the estimated cost, and chooses an option.

    Signing applies the choice to the encounter's lines listed on the notice: option 1 bills the payer with
    GA (GX for a voluntary notice on a service Medicare never covers), option 2 takes the lines off the
    payer's claim (self-pay, the signature date being the consent), option 3 leaves the lines alone (the
    patient declined the service: remove it from the encounter).
    """

    _name = "medical.abn"
    _description = "Advance Beneficiary Notice"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda self: _("New")
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    patient_id = fields.Many2one(
        "res.partner", required=True, index=True, check_company=True, domain=[("is_patient", "=", True)]
    )
    encounter_id = fields.Many2one(
        "medical.encounter",
        index="btree_not_null",
        check_company=True,
        domain="[('patient_id', '=', patient_id)]",
    )
    date = fields.Date(string="Notice Date", required=True, default=fields.Date.context_today)
    line_ids = fields.One2many("medical.abn.line", "abn_id", string="Services", copy=True)
    reason = fields.Text(
        string="Reason Medicare May Not Pay",
        required=True,
        help="Box E of the notice, e.g. 'Medicare pays for this test only once every 12 months.'",
    )
    voluntary = fields.Boolean(
        help="A notice given for a service Medicare never covers (statutory exclusion): the line is billed "
        "with GX instead of GA."
    )
    option = fields.Selection(ABN_OPTIONS, string="Option Chosen")
    date_signed = fields.Date(string="Signature Date")
    additional_information = fields.Text()
    amount_total = fields.Monetary(string="Estimated Cost", compute="_compute_amount_total", store=True)
    state = fields.Selection(
        [("draft", "Draft"), ("signed", "Signed"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )

    @api.depends("line_ids.estimated_cost")
    def _compute_amount_total(self):
        for abn in self:
            abn.amount_total = sum(abn.line_ids.mapped("estimated_cost"))

    def _check_workflow_vals(self, vals):
        if "state" in vals and not self.env.context.get("medical_abn_workflow"):
            raise UserError(
                _("A notice changes state through its buttons: Record Signature, Cancel, Reset to Draft.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_workflow_vals(vals)
            if vals.get("name", _("New")) == _("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("medical.abn") or _(
                    "New"
                )
        return super().create(vals_list)

    def write(self, vals):
        self._check_workflow_vals(vals)
        if {"option", "date_signed", "line_ids", "patient_id", "voluntary"} & set(vals) and any(
            abn.state == "signed" for abn in self
        ):
            raise UserError(_("A signed notice does not change: cancel it and give a new one."))
        return super().write(vals)

    def _check_draft(self):
        if any(abn.state == "signed" for abn in self):
            raise UserError(_("A signed notice does not change: cancel it and give a new one."))

    def action_sign(self):
        """Record the patient's signature and apply the chosen option to the encounter's lines."""
        self.check_access("write")
        for abn in self:
            if abn.state != "draft":
                raise UserError(_("Notice %(abn)s is not a draft.", abn=abn.name))
            if not abn.option or not abn.date_signed:
                raise UserError(
                    _(
                        "Notice %(abn)s: record the option the patient chose and the signature date.",
                        abn=abn.name,
                    )
                )
            if not abn.line_ids:
                raise UserError(_("Notice %(abn)s lists no service.", abn=abn.name))
            # the lines are the coder's; the notice's company rules them (check_company)
            if abn.line_ids.procedure_id.sudo().encounter_id.patient_id - abn.patient_id:
                raise UserError(_("Notice %(abn)s lists a service of another patient.", abn=abn.name))
        self.with_context(medical_abn_workflow=True).write({"state": "signed"})
        for abn in self:
            procedures = abn.line_ids.procedure_id
            if not procedures or abn.option == "3":
                continue
            if abn.option == "1":
                values = {"necessity_resolution": "abn_voluntary" if abn.voluntary else "abn"}
            else:
                values = {"necessity_resolution": "self_pay", "self_pay_consent_date": abn.date_signed}
            # the notice's own company and rights were checked above; the lines are the coder's
            procedures.sudo().write(values)
        return True

    def action_cancel(self):
        self.check_access("write")
        for abn in self.filtered(lambda a: a.state == "signed"):
            procedures = abn.line_ids.procedure_id.sudo().filtered(
                lambda p: p.necessity_resolution in ("abn", "abn_voluntary", "self_pay")
            )
            procedures.write({"necessity_resolution": False, "self_pay_consent_date": False})
        self.with_context(medical_abn_workflow=True).write({"state": "cancel"})
        return True

    def action_draft(self):
        if any(abn.state != "cancel" for abn in self):
            raise UserError(_("Only a cancelled notice goes back to draft."))
        self.with_context(medical_abn_workflow=True).write({"state": "draft"})
        return True


class MedicalAbnLine(models.Model):
    """A service of the notice (box D) with its estimated cost (box F)."""

    _name = "medical.abn.line"
    _description = "Advance Beneficiary Notice Service"
    _order = "abn_id, sequence, id"
    _check_company_auto = True

    abn_id = fields.Many2one("medical.abn", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="abn_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="abn_id.currency_id")
    sequence = fields.Integer(default=10)
    procedure_id = fields.Many2one(
        "medical.encounter.procedure",
        string="Encounter Line",
        check_company=True,
        index="btree_not_null",
        ondelete="set null",
    )
    code_id = fields.Many2one(
        "medical.code",
        string="Procedure",
        compute="_compute_code_id",
        store=True,
        readonly=False,
        precompute=True,
        domain=[("system", "in", ("cpt", "hcpcs"))],
    )
    name = fields.Char(
        string="Service", compute="_compute_name", store=True, readonly=False, precompute=True, required=True
    )
    estimated_cost = fields.Monetary(
        compute="_compute_estimated_cost", store=True, readonly=False, precompute=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["medical.abn"].browse({vals.get("abn_id") for vals in vals_list} - {None})._check_draft()
        return super().create(vals_list)

    def write(self, vals):
        self.abn_id._check_draft()
        if "abn_id" in vals:
            self.env["medical.abn"].browse(vals["abn_id"])._check_draft()
        return super().write(vals)

    def unlink(self):
        self.abn_id._check_draft()
        return super().unlink()

    @api.depends("procedure_id")
    def _compute_code_id(self):
        for line in self:
            if line.procedure_id:
                # the front desk gives the notice without the coder's access to the line (same company:
                # check_company)
                line.code_id = line.procedure_id.sudo().code_id

    @api.depends("code_id")
    def _compute_name(self):
        for line in self:
            if line.code_id and not line.name:
                line.name = f"{line.code_id.code} {line.code_id.name or ''}".strip()

    @api.depends("procedure_id")
    def _compute_estimated_cost(self):
        for line in self:
            if line.procedure_id and not line.estimated_cost:
                line.estimated_cost = line.procedure_id.sudo().charge_amount
