# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The code lists loaded from a tab-separated file (``edi/code_lists.py``): claim status codes, remark codes.
One loader: the codes the file lists are created or updated, the others are left alone."""

from odoo import api, fields, models

CODE_LIST_FIELDS = ("description", "date_start", "date_end", "date_modified", "notes")


def code_label(code, text):
    """A code with the first line of its description, cut at 80 characters: how code lists name a code."""
    first = (text or "").split("\n")[0]
    if len(first) > 80:
        first = first[:77] + "..."
    return f"{code} {first}".strip()


class MedicalCodeListMixin(models.AbstractModel):
    _name = "medical.code.list.mixin"
    _description = "Code List Loaded from a File"
    _rec_names_search = ["code", "description"]

    description = fields.Text(required=True)
    date_start = fields.Date(string="Effective From")
    date_end = fields.Date(string="Deactivated On", help="The payers no longer send this code after it.")
    date_modified = fields.Date(string="Last Modified")
    notes = fields.Text()
    active = fields.Boolean(default=True)

    @api.depends("code", "description")
    def _compute_display_name(self):
        for record in self:
            record.display_name = code_label(record.code, record.description)

    @api.model
    def _code_list_key(self, row):
        """What identifies a code in the list (a row of the file, or a record)."""
        return row["code"]

    @api.model
    def _load_rows(self, rows):
        """Create or update the codes of ``rows`` (from the list's reader); return the counts (``ended``:
        known codes the file deactivates)."""
        records = self.with_context(active_test=False).search([("code", "in", [row["code"] for row in rows])])
        existing = {self._code_list_key(record): record for record in records}
        to_create, updated, unchanged, ended = [], 0, 0, 0
        for row in rows:
            record = existing.get(self._code_list_key(row))
            if not record:
                to_create.append(row)
                continue
            changes = {f: row[f] for f in CODE_LIST_FIELDS if (record[f] or False) != (row[f] or False)}
            if changes:
                ended += bool(changes.get("date_end") and not record.date_end)
                record.write(changes)
                updated += 1
            else:
                unchanged += 1
        if to_create:
            self.create(to_create)
            self._code_list_created(to_create)
        return {
            "total": len(rows),
            "created": len(to_create),
            "updated": updated,
            "unchanged": unchanged,
            "ended": ended,
        }

    @api.model
    def _code_list_created(self, rows):
        """Hook: the codes of ``rows`` were just added to the list."""
