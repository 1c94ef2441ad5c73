# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..edits.npi import npi_error
from .res_partner import check_taxonomy

EIN_RE = re.compile(r"^\d{2}-?\d{7}$")


class ResCompany(models.Model):
    """The practice: its billing provider identifiers (837P loop 2010AA, CMS-1500 boxes 25 and 33)."""

    _inherit = "res.company"

    medical_billing_npi = fields.Char(string="Billing NPI")
    medical_tax_id = fields.Char(string="Tax ID (EIN)", help="Employer identification number, 9 digits.")
    medical_taxonomy_code = fields.Char(string="Billing Taxonomy")

    @api.constrains("medical_billing_npi")
    def _check_medical_billing_npi(self):
        for company in self:
            if company.medical_billing_npi and (error := npi_error(company.medical_billing_npi)):
                raise ValidationError(
                    _("Billing NPI of %(company)s: %(error)s", company=company.name, error=error)
                )

    @api.constrains("medical_tax_id")
    def _check_medical_tax_id(self):
        for company in self:
            if company.medical_tax_id and not EIN_RE.match(company.medical_tax_id):
                raise ValidationError(
                    _(
                        "%(value)s is not an employer identification number: 9 digits, like 12-3456789.",
                        value=company.medical_tax_id,
                    )
                )

    @api.constrains("medical_taxonomy_code")
    def _check_medical_taxonomy_code(self):
        for company in self:
            if error := check_taxonomy(self.env, company.medical_taxonomy_code):
                raise ValidationError(error)
