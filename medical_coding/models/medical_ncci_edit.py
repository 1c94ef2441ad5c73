# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models

from ..codesets import ncci_file
from ..codesets.errors import CodeFileError
from ..edits import engine
from ..tools.bulk import NULL, copy_lines, copy_text, file_error, load_counts, stage, upsert


class MedicalNcciEdit(models.Model):
    """A CMS NCCI procedure-to-procedure edit (practitioner file): the column 2 code is not paid with the
    column 1 code on the same date of service, unless the modifier indicator (1) allows a modifier.

    Public CMS data shared by all practices (no company). Codes are plain text, not links, for speed:
    the table holds millions of rows. The unique index on (column1_code, column2_code, date_start) is the
    composite pair index the edits look pairs up with.
    """

    _name = "medical.ncci.edit"
    _description = "NCCI PTP Edit"
    _order = "column1_code, column2_code, date_start"
    _rec_name = "column2_code"

    column1_code = fields.Char(string="Column 1", required=True)
    column2_code = fields.Char(string="Column 2", required=True)
    prior_1996 = fields.Boolean(string="Before 1996", help="In existence prior to 1996.")
    date_start = fields.Date(string="Effective", required=True)
    date_end = fields.Date(string="Deletion", help="Deletion date, the last day the edit is in force.")
    modifier_indicator = fields.Selection(
        [("0", "0 - Not allowed"), ("1", "1 - Allowed with a modifier"), ("9", "9 - Not applicable")],
        required=True,
    )
    rationale = fields.Char()
    release = fields.Char(help="The CMS release (e.g. v322r0) that created or last changed the edit.")

    _sql_constraints = [
        (
            "pair_date_uniq",
            "unique(column1_code, column2_code, date_start)",
            "An NCCI PTP edit exists once per code pair and effective date.",
        ),
    ]

    @api.depends("column1_code", "column2_code")
    def _compute_display_name(self):
        for edit in self:
            edit.display_name = f"{edit.column1_code} / {edit.column2_code}"

    @api.model
    def _ptp_lookup(self, pairs, day_first, day_last):
        """The edits of the (column 1, column 2) ``pairs`` in force some day between ``day_first`` and
        ``day_last``, as ``{(c1, c2): [engine.PtpEdit]}``: one indexed query for all pairs."""
        self.check_access("read")
        if not pairs:
            return {}
        self.flush_model()
        column1, column2 = zip(*pairs, strict=True)
        self.env.cr.execute(
            """
            SELECT e.column1_code, e.column2_code, e.date_start, e.date_end, e.modifier_indicator
              FROM unnest(%s::varchar[], %s::varchar[]) AS p(c1, c2)
              JOIN medical_ncci_edit e ON e.column1_code = p.c1 AND e.column2_code = p.c2
             WHERE e.modifier_indicator != '9'
               AND e.date_start <= %s AND (e.date_end IS NULL OR e.date_end >= %s)
            """,
            [list(column1), list(column2), day_last, day_first],
        )
        result = defaultdict(list)
        for c1, c2, start, end, indicator in self.env.cr.fetchall():
            result[(c1, c2)].append(engine.PtpEdit(c1, c2, start, end, indicator))
        return result

    @api.model
    def _import_cms_file(self, data, filename=None):
        """Import a CMS NCCI PTP practitioner file (or a ZIP of its parts), streamed.

        Every line is parsed and COPYed into a temporary table first; a bad line raises a UserError naming
        it and nothing is written. Then, by (pair, effective date): rows whose values changed are updated,
        new ones inserted, the others left alone, so importing the same release twice changes nothing.
        Set-based statements (an UPDATE join and an anti-join INSERT) rather than a per-row upsert: a
        release has millions of rows.
        """
        self.check_access("create")
        self.check_access("write")
        release = ncci_file.release_from_filename(filename)
        cr = self.env.cr
        stage(
            cr,
            "medical_ncci_import",
            "line integer, part integer, column1_code varchar, column2_code varchar, prior_1996 boolean, "
            "date_start date, date_end date, modifier_indicator varchar, rationale varchar",
        )
        try:
            rows = 0
            member = None
            try:
                for part, (member, stream) in enumerate(ncci_file.open_sources(data)):
                    rows += copy_lines(
                        cr, "medical_ncci_import", _ncci_copy_lines(part, ncci_file.parse(stream))
                    )
                    release = release or ncci_file.release_from_filename(member)
            except CodeFileError as error:
                raise file_error(self.env, filename, member, error) from None
            # the last occurrence of a key wins (a later part or line corrects an earlier one)
            cr.execute(
                """
                CREATE TEMP TABLE medical_ncci_import_src AS
                SELECT DISTINCT ON (column1_code, column2_code, date_start)
                       column1_code, column2_code, prior_1996, date_start, date_end, modifier_indicator,
                       rationale
                  FROM medical_ncci_import
                 ORDER BY column1_code, column2_code, date_start, part DESC, line DESC
                """
            )
            distinct = cr.rowcount
            cr.execute("ANALYZE medical_ncci_import_src")
            # New rows leave create_uid / write_uid empty: their foreign-key checks would cost more than the
            # insert itself on millions of rows; who imported which release is in the import history.
            now = "now() AT TIME ZONE 'UTC'"
            created, updated = upsert(
                cr,
                "medical_ncci_edit",
                "medical_ncci_import_src",
                ("column1_code", "column2_code", "date_start"),
                {
                    column: f"s.{column}"
                    for column in ("prior_1996", "date_end", "modifier_indicator", "rationale")
                },
                insert={"release": "%(release)s", "create_date": now, "write_date": now},
                update={"release": "%(release)s", "write_uid": "%(uid)s", "write_date": now},
                params={"release": release, "uid": self.env.uid},
            )
        finally:
            cr.execute("DROP TABLE IF EXISTS medical_ncci_import")
            cr.execute("DROP TABLE IF EXISTS medical_ncci_import_src")
        self.invalidate_model()
        return load_counts(rows, distinct, created, updated)


def _ncci_copy_lines(part, rows):
    """COPY text lines of parsed NCCI rows (codes, flags and dates need no escaping)."""
    for number, column1, column2, prior, start, end, indicator, rationale in rows:
        yield (
            f"{number}\t{part}\t{column1}\t{column2}\t{'t' if prior else 'f'}\t{start.isoformat()}\t"
            f"{end.isoformat() if end else NULL}\t{indicator}\t{copy_text(rationale)}\n"
        )
