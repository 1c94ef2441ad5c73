import io
import zipfile
from collections import defaultdict
from pathlib import Path

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..edits import engine, ncci_file

COPY_CHUNK = 50000


def open_sources(env, data, suffixes=(".txt", ".csv")):
    """The binary streams of an import: ``data`` is bytes, a binary file object or a path. A ZIP (CMS ships
    its files zipped) gives each of its members ending in ``suffixes``, in name order.
    Yields (member name or None, binary stream)."""
    if isinstance(data, (str, Path)):
        with open(data, "rb") as stream:
            yield from open_sources(env, stream, suffixes)
        return
    stream = io.BytesIO(data) if isinstance(data, (bytes, bytearray, memoryview)) else data
    head = stream.read(4)
    stream.seek(0)
    if head == b"PK\x03\x04":
        with zipfile.ZipFile(stream) as archive:
            names = sorted(n for n in archive.namelist() if n.lower().endswith(suffixes))
            if not names:
                raise UserError(env._("The ZIP file holds no %s file.", " or ".join(suffixes)))
            for name in names:
                with archive.open(name) as member:
                    yield name, member
        return
    yield None, stream


def _copy_text(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return str(value)


def copy_rows(cr, table, columns, rows):
    """COPY ``rows`` (an iterator of tuples) into ``table`` in chunks: memory stays flat."""
    count = 0
    buffer = io.StringIO()
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    for row in rows:
        buffer.write("\t".join(map(_copy_text, row)))
        buffer.write("\n")
        count += 1
        if count % COPY_CHUNK == 0:
            buffer.seek(0)
            cr.copy_expert(sql, buffer)
            buffer = io.StringIO()
    if buffer.tell():
        buffer.seek(0)
        cr.copy_expert(sql, buffer)
    return count


def file_error(env, filename, member, error):
    """UserError for a bad line: names the file (and ZIP member) and the line; nothing is written."""
    where = member or filename or env._("the file")
    return UserError(
        env._(
            "Line %(line)s of %(file)s: %(reason)s. Nothing was imported.",
            line=error.line,
            file=where,
            reason=error.reason,
        )
    )


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
        it and nothing is written. Then one upsert by (pair, effective date): a row already there with the
        same values is left alone, so importing the same release twice changes nothing.
        """
        self.check_access("create")
        self.check_access("write")
        release = ncci_file.release_from_filename(filename)
        cr = self.env.cr
        cr.execute("DROP TABLE IF EXISTS medical_ncci_import")
        cr.execute(
            """
            CREATE TEMP TABLE medical_ncci_import (
                line integer, part integer, column1_code varchar, column2_code varchar, prior_1996 boolean,
                date_start date, date_end date, modifier_indicator varchar, rationale varchar)
            """
        )
        try:
            rows = 0
            for part, (member, stream) in enumerate(open_sources(self.env, data)):
                try:
                    rows += copy_rows(
                        cr,
                        "medical_ncci_import",
                        [
                            "line",
                            "part",
                            "column1_code",
                            "column2_code",
                            "prior_1996",
                            "date_start",
                            "date_end",
                            "modifier_indicator",
                            "rationale",
                        ],
                        ((row[0], part, *row[1:]) for row in ncci_file.parse(stream)),
                    )
                except ncci_file.FileFormatError as error:
                    raise file_error(self.env, filename, member, error) from None
                release = release or ncci_file.release_from_filename(member)
            cr.execute(
                """
                WITH src AS (
                    SELECT DISTINCT ON (column1_code, column2_code, date_start) *
                      FROM medical_ncci_import
                     ORDER BY column1_code, column2_code, date_start, part DESC, line DESC
                ), upserted AS (
                    INSERT INTO medical_ncci_edit AS e
                        (column1_code, column2_code, prior_1996, date_start, date_end, modifier_indicator,
                         rationale, release, create_uid, create_date, write_uid, write_date)
                    SELECT column1_code, column2_code, prior_1996, date_start, date_end, modifier_indicator,
                           rationale, %(release)s, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                           now() AT TIME ZONE 'UTC'
                      FROM src
                    ON CONFLICT (column1_code, column2_code, date_start) DO UPDATE
                       SET prior_1996 = EXCLUDED.prior_1996, date_end = EXCLUDED.date_end,
                           modifier_indicator = EXCLUDED.modifier_indicator, rationale = EXCLUDED.rationale,
                           release = EXCLUDED.release, write_uid = EXCLUDED.write_uid,
                           write_date = EXCLUDED.write_date
                     WHERE (e.prior_1996, e.date_end, e.modifier_indicator, e.rationale)
                           IS DISTINCT FROM
                           (EXCLUDED.prior_1996, EXCLUDED.date_end, EXCLUDED.modifier_indicator,
                            EXCLUDED.rationale)
                    RETURNING (xmax = 0) AS inserted
                )
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
                       (SELECT count(*) FROM src)
                  FROM upserted
                """,
                {"release": release, "uid": self.env.uid},
            )
            created, updated, distinct = cr.fetchone()
        finally:
            cr.execute("DROP TABLE IF EXISTS medical_ncci_import")
        self.invalidate_model()
        return {
            "rows": rows,
            "created": created,
            "updated": updated,
            "unchanged": distinct - created - updated,
        }


class MedicalImporter(models.AbstractModel):
    _inherit = "medical.importer"

    @api.model
    def _import_kinds(self):
        return [*super()._import_kinds(), ("ncci-ptp", _("NCCI PTP edits (CMS practitioner file)"))]

    @api.model
    def _import_ncci_ptp(self, data, filename, effective):
        """NCCI PTP: each row carries its own dates; ``effective`` is not needed."""
        if data is None:
            raise UserError(_("Give the CMS NCCI PTP practitioner file (ccipra-v...-f1.txt or the ZIP)."))
        return self.env["medical.ncci.edit"]._import_cms_file(data, filename)
