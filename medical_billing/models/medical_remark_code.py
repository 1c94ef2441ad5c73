# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Remittance advice remark codes (RARC) and their descriptions.

The suite ships the remarks a physician practice meets most (``data/medical_remark_code_data.xml``); the
full CMS / X12 list is loaded by the import (kind ``rarc-codes``), which updates the descriptions and
dates of the codes it lists and adds the others.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..edi import rarc_codes


def parse_rarc_tsv(data):
    """Rows of a RARC list file (see :func:`..edi.rarc_codes.parse_rarc_tsv`); a file that cannot be read
    raises a UserError naming the line."""
    try:
        return rarc_codes.parse_rarc_tsv(data)
    except rarc_codes.RarcListError as error:
        raise UserError(str(error)) from None


class MedicalRemarkCode(models.Model):
    _name = "medical.remark.code"
    _inherit = ["medical.code.list.mixin"]
    _description = "Remittance Advice Remark Code (RARC)"
    _order = "code"

    code = fields.Char(required=True, index=True, size=6)

    _sql_constraints = [("code_uniq", "unique(code)", "A remark code appears once.")]

    @api.model
    def _by_code(self, codes):
        """``{code: record}`` of the known codes among ``codes`` (archived ones too), in one search."""
        codes = [code for code in codes if code]
        if not codes:
            return {}
        records = self.with_context(active_test=False).search_fetch(
            [("code", "in", codes)], ["code", "description"]
        )
        return {record.code: record for record in records}

    @api.model
    def _code_list_created(self, rows):
        """The denials naming a code new to the list gain its description."""
        self._recompute_denial_remarks({row["code"] for row in rows})

    @api.model
    def _recompute_denial_remarks(self, codes):
        """The denials (every practice's: the list is shared) naming one of ``codes`` link them now."""
        Denial = self.env["medical.denial"].sudo().with_context(active_test=False)
        denials = Denial.search_fetch([("remark_codes", "!=", False)], ["remark_codes"]).filtered(
            lambda d: set(rarc_codes.split_remark_codes(d.remark_codes)) & codes
        )
        if denials:
            self.env.add_to_compute(Denial._fields["remark_code_ids"], denials)
            denials._recompute_recordset(["remark_code_ids"])
