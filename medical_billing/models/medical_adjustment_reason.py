# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Claim adjustment reason codes (CARC) and the denial category each one maps to.

The suite ships the CARCs a physician practice meets most, each with a category; the manager edits the
mapping, and the full X12 list is loaded by the import (kind ``carc-codes``): new codes arrive as
``other`` until the manager maps them.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..edi import carc_codes
from .medical_code_list import code_label

DENIAL_CATEGORIES = [
    ("eligibility", "Eligibility / Registration"),
    ("authorization", "Authorization"),
    ("coding", "Coding / Bundling"),
    ("medical_necessity", "Medical Necessity"),
    ("timely_filing", "Timely Filing"),
    ("duplicate", "Duplicate"),
    ("missing_info", "Missing Information"),
    ("non_covered", "Non-Covered"),
    ("other", "Other"),
]


def parse_carc_tsv(data):
    """Rows of a CARC list file (see :func:`..edi.carc_codes.parse_carc_tsv`); a file that cannot be read
    raises a UserError naming the line."""
    try:
        return carc_codes.parse_carc_tsv(data)
    except carc_codes.CarcListError as error:
        raise UserError(str(error)) from None


class MedicalAdjustmentReason(models.Model):
    _name = "medical.adjustment.reason"
    _description = "Claim Adjustment Reason Code (CARC)"
    _order = "code"
    _rec_names_search = ["code", "name"]

    code = fields.Char(required=True, index=True, size=3)
    name = fields.Text(string="Description", required=True)
    category = fields.Selection(
        DENIAL_CATEGORIES,
        string="Denial Category",
        required=True,
        default="other",
        help="The category of the denials giving this reason: it chooses the work queue, the appeal letter "
        "and the write-off account.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_uniq", "unique(code)", "A reason code appears once.")]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for record in self:
            record.display_name = code_label(record.code, record.name)

    @api.model
    def _load_rows(self, rows):
        """Create or update the codes of ``rows`` (from :func:`parse_carc_tsv`), keeping their categories."""
        existing = {
            r.code: r
            for r in self.with_context(active_test=False).search(
                [("code", "in", [row["code"] for row in rows])]
            )
        }
        to_create, updated, unchanged = [], 0, 0
        for row in rows:
            record = existing.get(row["code"])
            if not record:
                to_create.append({"code": row["code"], "name": row["description"]})
            elif record.name != row["description"]:
                record.name = row["description"]
                updated += 1
            else:
                unchanged += 1
        if to_create:
            self.create(to_create)
        return {"total": len(rows), "created": len(to_create), "updated": updated, "unchanged": unchanged}
