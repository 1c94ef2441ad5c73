# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Claims in these states no longer consume authorised units.
UNCOUNTED_CLAIM_STATES = ("draft", "cancel", "replaced", "voided")
# The units used come from the claim lines: only who reads claims reads them (the front desk, who keeps
# the authorization, would otherwise learn the codes billed to the patient by changing its codes).
CLAIM_READERS = "medical_coding.medical_coding_group_biller"


class MedicalPriorAuthorization(models.Model):
    """A payer's approval, before the service, of some procedure codes for a number of units and dates."""

    _name = "medical.prior.authorization"
    _description = "Prior Authorization"
    _inherit = ["mail.thread", "medical.company.check.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Authorization Number", required=True, tracking=True, index="trigram")
    patient_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_patient', '=', True)]",
    )
    payer_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_payer', '=', True)]",
    )
    coverage_id = fields.Many2one(
        "medical.coverage",
        check_company=True,
        domain="[('patient_id', '=', patient_id), ('payer_id', '=', payer_id)]",
    )
    code_ids = fields.Many2many(
        "medical.code",
        string="Authorized Codes",
        domain="[('system', 'in', ('cpt', 'hcpcs'))]",
        help="Procedure codes this authorization covers.",
    )
    units_authorized = fields.Integer(
        tracking=True, help="Units the payer approved over the whole period; 0 means no unit limit."
    )
    units_used = fields.Integer(
        compute="_compute_units_used",
        groups=CLAIM_READERS,
        help="Units of the authorized codes billed on claims that use it.",
    )
    units_remaining = fields.Integer(compute="_compute_units_used", groups=CLAIM_READERS)
    date_start = fields.Date(string="Valid From", required=True, tracking=True)
    date_end = fields.Date(string="Valid Until", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    notes = fields.Text()
    active = fields.Boolean(default=True)

    def _compute_units_used(self):
        used = self._get_units_used()
        for auth in self:
            auth.units_used = used.get(auth.id, 0)
            auth.units_remaining = (
                max(auth.units_authorized - auth.units_used, 0) if auth.units_authorized else 0
            )

    def _get_units_used(self, exclude_claims=None):
        """{authorization id: units of its codes billed on claims}, without ``exclude_claims``.

        Read with the caller's rights: a user who cannot read claims gets an AccessError, never the lines.
        """
        if not self.ids:
            return {}
        domain = [
            ("claim_id.prior_authorization_id", "in", self.ids),
            ("claim_id.state", "not in", UNCOUNTED_CLAIM_STATES),
            ("claim_id.frequency", "!=", "8"),
        ]
        if exclude_claims:
            domain.append(("claim_id", "not in", exclude_claims.ids))
        used = dict.fromkeys(self.ids, 0)
        lines = self.env["medical.claim.line"].search(domain)
        for line in lines:
            auth = line.claim_id.prior_authorization_id
            if line.code_id in auth.code_ids:
                used[auth.id] += line.units
        return used

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for auth in self:
            if auth.date_end < auth.date_start:
                raise ValidationError(_("An authorization cannot end before it starts."))

    def is_valid_on(self, date):
        self.ensure_one()
        return bool(date and self.date_start <= date <= self.date_end)
