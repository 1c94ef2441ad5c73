# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..codesets import mue_file, ncci_file
from ..codesets.errors import CodeFileError
from ..edits import engine
from ..tools.bulk import copy_lines, copy_text, file_error, load_counts, stage, upsert


class MedicalMue(models.Model):
    """A CMS medically unlikely edit (practitioner table): the most units of a code billed for one patient
    on one date of service, per line (indicator 1) or per day (2 policy, 3 clinical).

    One row per code and effective date (each quarterly table has its own date); the edit uses the row
    with the latest effective date not after the date of service. Public CMS data (no company).
    """

    _name = "medical.mue"
    _description = "Medically Unlikely Edit"
    _order = "code, date_start desc"
    _rec_name = "code"

    code = fields.Char(required=True)
    mue_value = fields.Integer(string="MUE Value", required=True, help="Most units per line or per day.")
    adjudication_indicator = fields.Selection(
        [
            ("1", "1 Line Edit"),
            ("2", "2 Date of Service Edit: Policy"),
            ("3", "3 Date of Service Edit: Clinical"),
        ],
        required=True,
    )
    rationale = fields.Char()
    date_start = fields.Date(string="Effective", required=True)

    _sql_constraints = [
        ("code_date_uniq", "unique(code, date_start)", "An MUE exists once per code and effective date."),
    ]

    @api.model
    def _mue_lookup(self, codes, day_last):
        """``{code: [engine.MueValue]}`` for ``codes``, every row effective on or before ``day_last``."""
        self.check_access("read")
        if not codes:
            return {}
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT code, mue_value, adjudication_indicator, date_start FROM medical_mue
             WHERE code = ANY(%s) AND date_start <= %s
            """,
            [list(codes), day_last],
        )
        result = defaultdict(list)
        for code, value, indicator, start in self.env.cr.fetchall():
            result[code].append(engine.MueValue(code, value, indicator, start))
        return result

    @api.model
    def _import_cms_file(self, data, filename=None, effective=None):
        """Import a CMS practitioner MUE table (CSV, or a ZIP holding it), streamed, all-or-nothing.

        The effective date is ``effective`` (a date or 'YYYY-MM-DD') or the one in the file name
        (``..._Eff_07-01-2026.csv``). Rows are upserted by (code, effective date); unchanged rows stay.
        """
        self.check_access("create")
        self.check_access("write")
        date_start = self._effective_date(effective, filename)
        cr = self.env.cr
        stage(
            cr,
            "medical_mue_import",
            "line integer, part integer, code varchar, mue_value integer, adjudication_indicator varchar, "
            "rationale varchar",
        )
        try:
            rows = 0
            member = None
            try:
                for part, (member, stream) in enumerate(ncci_file.open_sources(data, suffixes=(".csv",))):
                    date_start = date_start or mue_file.effective_from_filename(member)
                    if not date_start:
                        raise UserError(
                            _(
                                "Give the effective date of the MUE table: it is not in the file name %s.",
                                member or filename or "",
                            )
                        )
                    rows += copy_lines(
                        cr,
                        "medical_mue_import",
                        (
                            "\t".join(map(copy_text, (number, part, *values))) + "\n"
                            for number, *values in mue_file.parse(stream)
                        ),
                    )
            except CodeFileError as error:
                raise file_error(self.env, filename, member, error) from None
            # the last occurrence of a code wins (a later part or line corrects an earlier one)
            cr.execute(
                """
                CREATE TEMP TABLE medical_mue_import_src AS
                SELECT DISTINCT ON (code) code, %s::date AS date_start, mue_value, adjudication_indicator,
                       rationale
                  FROM medical_mue_import
                 ORDER BY code, part DESC, line DESC
                """,
                [date_start],
            )
            distinct = cr.rowcount
            now = "now() AT TIME ZONE 'UTC'"
            created, updated = upsert(
                cr,
                "medical_mue",
                "medical_mue_import_src",
                ("code", "date_start"),
                {column: f"s.{column}" for column in ("mue_value", "adjudication_indicator", "rationale")},
                insert={
                    "create_uid": "%(uid)s",
                    "create_date": now,
                    "write_uid": "%(uid)s",
                    "write_date": now,
                },
                update={"write_uid": "%(uid)s", "write_date": now},
                params={"uid": self.env.uid},
            )
        finally:
            cr.execute("DROP TABLE IF EXISTS medical_mue_import")
            cr.execute("DROP TABLE IF EXISTS medical_mue_import_src")
        self.invalidate_model()
        return {**load_counts(rows, distinct, created, updated), "effective": date_start.isoformat()}

    @api.model
    def _effective_date(self, effective, filename):
        if not effective:
            return mue_file.effective_from_filename(filename)
        if isinstance(effective, date):
            return effective
        try:
            return fields.Date.to_date(effective)
        except ValueError:
            raise UserError(_("%s is not a date (YYYY-MM-DD).", effective)) from None
