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
    _description = "Remittance Advice Remark Code (RARC)"
    _order = "code"
    _rec_names_search = ["code", "description"]

    code = fields.Char(required=True, index=True, size=6)
    description = fields.Text(required=True)
    date_start = fields.Date(string="Effective From")
    date_end = fields.Date(string="Deactivated On", help="The payers no longer send this code after it.")
    date_modified = fields.Date(string="Last Modified")
    notes = fields.Text()
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_uniq", "unique(code)", "A remark code appears once.")]

    @api.depends("code", "description")
    def _compute_display_name(self):
        for record in self:
            description = (record.description or "").split("\n")[0]
            if len(description) > 80:
                description = description[:77] + "..."
            record.display_name = f"{record.code} {description}".strip()

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
    def _load_rows(self, rows):
        """Create or update the codes of ``rows`` (from :func:`parse_rarc_tsv`); return the counts
        (``ended``: known codes the file deactivates). The denials naming a code new to the list gain its
        description."""
        existing = self._by_code([row["code"] for row in rows])
        fnames = ("description", "date_start", "date_end", "date_modified", "notes")
        to_create, updated, unchanged, ended = [], 0, 0, 0
        for row in rows:
            record = existing.get(row["code"])
            if not record:
                to_create.append(row)
                continue
            changes = {f: row[f] for f in fnames if (record[f] or False) != (row[f] or False)}
            if changes:
                ended += bool(changes.get("date_end") and not record.date_end)
                record.write(changes)
                updated += 1
            else:
                unchanged += 1
        if to_create:
            self.create(to_create)
            self._recompute_denial_remarks({row["code"] for row in to_create})
        return {
            "total": len(rows),
            "created": len(to_create),
            "updated": updated,
            "unchanged": unchanged,
            "ended": ended,
        }

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
