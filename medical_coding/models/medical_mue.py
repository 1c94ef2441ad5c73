from collections import defaultdict
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..edits import engine, mue_file
from ..edits.ncci_file import FileFormatError
from .medical_ncci_edit import copy_lines, copy_text, file_error, open_sources


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
        cr.execute("DROP TABLE IF EXISTS medical_mue_import")
        cr.execute(
            """
            CREATE TEMP TABLE medical_mue_import (
                line integer, part integer, code varchar, mue_value integer, adjudication_indicator varchar,
                rationale varchar)
            """
        )
        try:
            rows = 0
            member = None
            try:
                for part, (member, stream) in enumerate(open_sources(self.env, data, suffixes=(".csv",))):
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
            except FileFormatError as error:
                raise file_error(self.env, filename, member, error) from None
            cr.execute(
                """
                WITH src AS (
                    SELECT DISTINCT ON (code) * FROM medical_mue_import ORDER BY code, part DESC, line DESC
                ), upserted AS (
                    INSERT INTO medical_mue AS m
                        (code, mue_value, adjudication_indicator, rationale, date_start,
                         create_uid, create_date, write_uid, write_date)
                    SELECT code, mue_value, adjudication_indicator, rationale, %(date)s,
                           %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                      FROM src
                    ON CONFLICT (code, date_start) DO UPDATE
                       SET mue_value = EXCLUDED.mue_value,
                           adjudication_indicator = EXCLUDED.adjudication_indicator,
                           rationale = EXCLUDED.rationale, write_uid = EXCLUDED.write_uid,
                           write_date = EXCLUDED.write_date
                     WHERE (m.mue_value, m.adjudication_indicator, m.rationale)
                           IS DISTINCT FROM
                           (EXCLUDED.mue_value, EXCLUDED.adjudication_indicator, EXCLUDED.rationale)
                    RETURNING (xmax = 0) AS inserted
                )
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
                       (SELECT count(*) FROM src)
                  FROM upserted
                """,
                {"date": date_start, "uid": self.env.uid},
            )
            created, updated, distinct = cr.fetchone()
        finally:
            cr.execute("DROP TABLE IF EXISTS medical_mue_import")
        self.invalidate_model()
        return {
            "rows": rows,
            "created": created,
            "updated": updated,
            "unchanged": distinct - created - updated,
            "effective": date_start.isoformat(),
        }

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
