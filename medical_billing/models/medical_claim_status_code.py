# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..edi import status_codes

STATUS_LISTS = [
    ("category", "Claim Status Category (list 507)"),
    ("status", "Claim Status (list 508)"),
]


def parse_status_code_tsv(env, data):
    """Rows of an X12 claim status code list file (see :func:`..edi.status_codes.parse_status_code_tsv`);
    a file that cannot be read raises a UserError naming the line."""
    try:
        return status_codes.parse_status_code_tsv(data)
    except status_codes.CodeListError as error:
        raise UserError(str(error)) from None


class MedicalClaimStatusCode(models.Model):
    """An X12 claim status category (A1, A7 ...) or claim status code (21, 562 ...), as a 277CA uses them.

    X12 maintains both lists and updates them several times a year: the suite ships only the acknowledgement
    categories A0-A8; load the full lists with the import (kind ``claim-status-codes``).
    """

    _name = "medical.claim.status.code"
    _inherit = ["medical.code.list.mixin"]
    _description = "Claim Status Code"
    _order = "list, code"

    list = fields.Selection(STATUS_LISTS, required=True, index=True)
    code = fields.Char(required=True, index=True)

    _sql_constraints = [
        ("list_code_uniq", "unique(list, code)", "A code appears once in each list."),
    ]

    @api.model
    def _describe(self, pairs):
        """``{(list, code): description}`` of the known codes among ``pairs``, in one search."""
        codes = {code for _kind, code in pairs if code}
        if not codes:
            return {}
        records = self.with_context(active_test=False).search_fetch(
            [("code", "in", list(codes))], ["list", "code", "description"]
        )
        return {(r.list, r.code): r.description for r in records}

    @api.model
    def _code_list_key(self, row):
        return (row["list"], row["code"])
