import csv
import io
from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError

STATUS_LISTS = [
    ("category", "Claim Status Category (list 507)"),
    ("status", "Claim Status (list 508)"),
]
TSV_HEADER = ["code", "description", "effective_date", "deactivation_date", "last_modified_date", "notes"]


def _tsv_date(env, value, line, column):
    value = (value or "").strip()
    if not value:
        return False
    try:
        return datetime.strptime(value, "%m/%d/%Y").date()
    except ValueError:
        raise UserError(
            env._(
                "Line %(line)s: %(column)s %(value)r is not a date MM/DD/YYYY.",
                line=line,
                column=column,
                value=value,
            )
        ) from None


def parse_status_code_tsv(env, data):
    """Rows ``{list, code, description, date_start, date_end, date_modified, notes}`` of an X12 claim status
    code list file (tab-separated, header ``code description effective_date deactivation_date
    last_modified_date notes``). Numeric codes are status codes (508), the others categories (507)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if [column.strip().lower() for column in header or []] != TSV_HEADER:
        raise UserError(
            env._(
                "Line 1: this is not a claim status code list: the header must be %(header)s.",
                header=" ".join(TSV_HEADER),
            )
        )
    rows, seen = [], set()
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(TSV_HEADER):
            raise UserError(
                env._("Line %(line)s: %(count)s columns, 6 expected.", line=line, count=len(values))
            )
        code, description = values[0].strip(), values[1].strip()
        if not code or len(code) > 5 or not code.isalnum() or not description:
            raise UserError(
                env._(
                    "Line %(line)s: a code (1-5 letters or digits) and a description are needed.", line=line
                )
            )
        kind = "status" if code.isdigit() else "category"
        if (kind, code) in seen:
            raise UserError(env._("Line %(line)s: code %(code)s is listed twice.", line=line, code=code))
        seen.add((kind, code))
        rows.append(
            {
                "list": kind,
                "code": code,
                "description": description,
                "date_start": _tsv_date(env, values[2], line, "effective_date"),
                "date_end": _tsv_date(env, values[3], line, "deactivation_date"),
                "date_modified": _tsv_date(env, values[4], line, "last_modified_date"),
                "notes": values[5].strip() or False,
            }
        )
    if not rows:
        raise UserError(env._("The file lists no code."))
    return rows


class MedicalClaimStatusCode(models.Model):
    """An X12 claim status category (A1, A7 ...) or claim status code (21, 562 ...), as a 277CA uses them.

    X12 maintains both lists and updates them several times a year: the suite ships only the acknowledgement
    categories A0-A8; load the full lists with the import (kind ``claim-status-codes``).
    """

    _name = "medical.claim.status.code"
    _description = "Claim Status Code"
    _order = "list, code"
    _rec_names_search = ["code", "description"]

    list = fields.Selection(STATUS_LISTS, required=True, index=True)
    code = fields.Char(required=True, index=True)
    description = fields.Text(required=True)
    date_start = fields.Date(string="Effective From")
    date_end = fields.Date(string="Deactivated On")
    date_modified = fields.Date(string="Last Modified")
    notes = fields.Text()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("list_code_uniq", "unique(list, code)", "A code appears once in each list."),
    ]

    @api.depends("code", "description")
    def _compute_display_name(self):
        for record in self:
            description = (record.description or "").split("\n")[0]
            if len(description) > 80:
                description = description[:77] + "..."
            record.display_name = f"{record.code} {description}".strip()

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
    def _load_rows(self, rows):
        """Create or update the codes of ``rows`` (from :func:`parse_status_code_tsv`); return the counts."""
        existing = {
            (r.list, r.code): r
            for r in self.with_context(active_test=False).search(
                [("code", "in", [row["code"] for row in rows])]
            )
        }
        created = updated = unchanged = 0
        to_create = []
        fnames = ("description", "date_start", "date_end", "date_modified", "notes")
        for row in rows:
            record = existing.get((row["list"], row["code"]))
            if not record:
                to_create.append(row)
                continue
            changes = {f: row[f] for f in fnames if (record[f] or False) != (row[f] or False)}
            if changes:
                record.write(changes)
                updated += 1
            else:
                unchanged += 1
        if to_create:
            self.create(to_create)
            created = len(to_create)
        return {"total": len(rows), "created": created, "updated": updated, "unchanged": unchanged}
