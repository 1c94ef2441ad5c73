# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import re
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.modules.db import has_trigram
from odoo.osv import expression

from ..tools.bulk import copy_lines, copy_text, stage, upsert

_logger = logging.getLogger(__name__)

#: what a coder types when looking a code up by its number: "J20.9", "j209", "S52.521A", "J20-J22", "99213"
CODE_QUERY_RE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,14}")

SYSTEMS = [
    ("icd10cm", "ICD-10-CM"),
    ("hcpcs", "HCPCS Level II"),
    ("cpt", "CPT"),
    ("modifier", "Modifier"),
    ("pos", "Place of Service"),
]


class MedicalCode(models.Model):
    """One code of any code system: diagnoses, procedures, modifiers, places of service.

    ``code`` is canonical (no dot); ICD-10-CM codes are displayed with their dot.
    """

    _name = "medical.code"
    _description = "Medical Code"
    _order = "system, code"
    _rec_names_search = ["code", "display_code", "name"]

    code = fields.Char(required=True, index=True)
    display_code = fields.Char(
        compute="_compute_display_code",
        store=True,
        help="The code as people write it (ICD-10-CM with its dot).",
    )
    # trigram (GIN) indexes keep "words of the description" searches interactive on the ~100,000 codes
    name = fields.Char(string="Short Description", required=True, index="trigram")
    description = fields.Text(string="Long Description", index="trigram")
    patient_description = fields.Char(
        string="In Plain Words",
        help='How the practice names this service to patients, on their statements (e.g. "Office visit"). '
        "The short description when empty. Code-set imports never change it.",
    )
    system = fields.Selection(SYSTEMS, required=True, index=True)
    billable = fields.Boolean(
        default=True, help="ICD-10-CM: only leaf codes can be billed. Other systems: always billable."
    )
    parent_id = fields.Many2one("medical.code", index=True, ondelete="restrict")
    child_ids = fields.One2many("medical.code", "parent_id", string="Children")
    level = fields.Selection(
        [("chapter", "Chapter"), ("block", "Block"), ("category", "Category"), ("code", "Code")],
        help="ICD-10-CM hierarchy level.",
    )
    date_start = fields.Date(string="Effective From")
    date_end = fields.Date(string="Effective Until")
    active = fields.Boolean(default=True)
    origin = fields.Char(
        string="Source",
        readonly=True,
        help="The import kind that last supplied this code (icd10cm, hcpcs, cpt, pos). A newer file of the "
        "same kind end-dates the codes of this source it no longer lists; codes entered by hand have none.",
    )

    _sql_constraints = [
        ("code_system_uniq", "unique(system, code)", "A code exists only once per code system."),
    ]

    @api.depends("code", "system")
    def _compute_display_code(self):
        for rec in self:
            rec.display_code = format_code(rec.system, rec.code)

    @api.depends("display_code", "name")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = f"{rec.display_code or rec.code} {rec.name or ''}".strip()

    def init(self):
        res = super().init()
        cr = self.env.cr
        # Odoo creates pg_trgm when it creates a database itself; a database made otherwise (createdb,
        # a restored dump) may lack it, and then the trigram indexes are silently skipped.
        if not self.env.registry.has_trigram:
            try:
                with cr.savepoint(flush=False):
                    cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except psycopg2.Error as exc:
                _logger.info("pg_trgm is not available (%s): code searches by words will scan the table", exc)
            self.env.registry.has_trigram = has_trigram(cr)
        # code prefix searches (code LIKE 'J20%') use the (system, code) index under the "C" collation
        # that Odoo gives its databases; other collations need the pattern operator class.
        cr.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        if cr.fetchone()[0] not in ("C", "POSIX"):
            cr.execute(
                "CREATE INDEX IF NOT EXISTS medical_code_code_pattern_index "
                "ON medical_code (code text_pattern_ops)"
            )
        return res

    @api.model
    def _search_display_name(self, operator, value):
        """Code prefix or words of the description, as a coder types them.

        ``J20.9``, ``j209`` and ``J20 9`` find J20.9 and its children (the dot and case do not matter),
        ``bronch acute`` finds the codes whose description holds both words, in any order.
        """
        if operator != "ilike" or not isinstance(value, str) or not value.strip():
            return super()._search_display_name(operator, value)
        words = value.split()
        word_domains = [["|", ("name", "ilike", word), ("description", "ilike", word)] for word in words]
        domain = expression.AND(word_domains)
        compact = re.sub(r"[\s.]", "", value).upper()
        if CODE_QUERY_RE.fullmatch(compact):
            domain = expression.OR([[("code", "=like", compact + "%")], domain])
        return domain

    def is_valid_on(self, date):
        """True when the code is in force on ``date`` (a date of service)."""
        self.ensure_one()
        return (not self.date_start or self.date_start <= date) and (
            not self.date_end or date <= self.date_end
        )

    # ------------------------------------------------------------------
    # Bulk load of a code-set release (the importers' writer)
    # ------------------------------------------------------------------

    @api.model
    def _load_code_rows(self, rows, systems, origin, effective, dates_from_file=False, progress=None):
        """Write one release of a code set in a few set-based statements; return the counts.

        ``rows`` (:class:`~odoo.addons.medical_coding.codesets.common.CodeRow`) are the whole release
        for ``systems``: a code of these systems that came from the same ``origin`` and is missing from
        ``rows`` is end-dated the day before ``effective`` and kept, a code that comes back has its end
        date cleared, a changed description is updated, an unchanged row is not touched. New codes of a
        system that already had codes of this origin start on ``effective`` (unless the file dates them);
        on a first load their start is left open, the release saying nothing about earlier years.

        COPY into a staging table, the shared upsert (:func:`..tools.bulk.upsert`: an UPDATE where
        something changed, an INSERT of the new codes), one UPDATE for the end dates: no query per code.
        The caller's transaction makes it all-or-nothing.
        """
        progress = progress or (lambda fraction, message="": None)
        cr = self.env.cr
        self.flush_model()
        uid = self.env.uid
        now = fields.Datetime.now()
        end = effective - timedelta(days=1)
        systems = list(systems)

        stage(
            cr,
            "medical_code_load",
            "system varchar NOT NULL, code varchar NOT NULL, display_code varchar, name varchar NOT NULL, "
            "description text, billable boolean NOT NULL, level varchar, parent_code varchar, "
            "date_start date, date_end date, id integer, parent_id integer",
        )
        copy_lines(
            cr,
            "medical_code_load (system, code, display_code, name, description, billable, level, "
            "parent_code, date_start, date_end)",
            _copy_lines(rows),
        )
        # statistics matter: without them the joins below are planned as nested loops (minutes, not seconds)
        cr.execute("ANALYZE medical_code_load")
        progress(0.2, "copied")

        # Resolve every id before writing: existing codes keep theirs, new ones take the next of the
        # sequence. Parent links are then known up front and written by the same INSERT: updating
        # ~100,000 fresh rows afterwards would rewrite them and their trigram index entries once more.
        cr.execute(
            """
            UPDATE medical_code_load t SET id = c.id
              FROM medical_code c
             WHERE c.system = t.system AND c.code = t.code
            """
        )
        cr.execute("UPDATE medical_code_load SET id = nextval('medical_code_id_seq') WHERE id IS NULL")
        cr.execute(
            """
            UPDATE medical_code_load t SET parent_id = p.id
              FROM medical_code_load p
             WHERE p.system = t.system AND p.code = t.parent_code
            """
        )
        cr.execute(
            """
            UPDATE medical_code_load t SET parent_id = e.id
              FROM medical_code e
             WHERE t.parent_id IS NULL AND e.system = t.system AND e.code = t.parent_code
            """
        )
        progress(0.35, "resolved")

        cr.execute(
            "SELECT DISTINCT system FROM medical_code WHERE system = ANY(%s) AND origin = %s",
            [systems, origin],
        )
        populated = [row[0] for row in cr.fetchall()]
        values = {
            column: f"s.{column}"
            for column in (
                "display_code",
                "name",
                "description",
                "billable",
                "level",
                "parent_id",
                "date_end",
            )
        }
        values["origin"] = "%(origin)s"
        created, updated = upsert(
            cr,
            "medical_code",
            "medical_code_load",
            ("system", "code"),
            values,
            insert={
                "id": "s.id",
                "date_start": "COALESCE(s.date_start, "
                "CASE WHEN s.system = ANY(%(populated)s) THEN %(effective)s::date END)",
                "active": "TRUE",
                "create_uid": "%(uid)s",
                "create_date": "%(now)s",
                "write_uid": "%(uid)s",
                "write_date": "%(now)s",
            },
            update={
                "date_start": "CASE WHEN %(dates_from_file)s THEN s.date_start ELSE t.date_start END",
                "write_uid": "%(uid)s",
                "write_date": "%(now)s",
            },
            changed="(%(dates_from_file)s AND t.date_start IS DISTINCT FROM s.date_start)",
            params={
                "populated": populated,
                "effective": effective,
                "origin": origin,
                "uid": uid,
                "now": now,
                "dates_from_file": bool(dates_from_file),
            },
        )
        if created > 1000:
            cr.execute("ANALYZE medical_code")
        progress(0.9, "written")

        # codes of this source that the release no longer lists: end-dated, never deleted
        cr.execute(
            """
            UPDATE medical_code c
               SET date_end = %(end)s, write_uid = %(uid)s, write_date = %(now)s
             WHERE c.system = ANY(%(systems)s) AND c.origin = %(origin)s
               AND (c.date_end IS NULL OR c.date_end > %(end)s)
               AND NOT EXISTS (
                   SELECT 1 FROM medical_code_load t WHERE t.system = c.system AND t.code = c.code
               )
            """,
            {"end": end, "uid": uid, "now": now, "systems": systems, "origin": origin},
        )
        ended = cr.rowcount
        cr.execute("DROP TABLE medical_code_load")
        self.invalidate_model()
        progress(1.0, "done")
        return {
            "total": len(rows),
            "created": created,
            "updated": updated,
            "ended": ended,
            "unchanged": len(rows) - created - updated,
        }


def format_code(system, code):
    """ICD-10-CM codes carry a dot after the category (3rd character); other systems do not."""
    if system == "icd10cm" and code and len(code) > 3 and "-" not in code:
        return f"{code[:3]}.{code[3:]}"
    return code


def _copy_lines(rows):
    """The rows in PostgreSQL's COPY text format (tab-separated, backslash escapes, \\N for NULL)."""
    for row in rows:
        yield (
            "\t".join(
                copy_text(value)
                for value in (
                    row.system,
                    row.code,
                    format_code(row.system, row.code),
                    row.name,
                    row.description,
                    bool(row.billable),
                    row.level,
                    row.parent_code,
                    row.date_start,
                    row.date_end,
                )
            )
            + "\n"
        )
