# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Code sets, edit tables, policies and quality measures are separate concerns, each in its own file.
# pylint: disable=consider-merging-classes-inherited
import logging
import re
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..codesets import quality
from ..codesets.errors import CodeFileError

_logger = logging.getLogger(__name__)

YEAR_RE = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def year_start(year):
    """The import's ``effective`` date standing for a performance year (``--year 2025``: 2025-01-01)."""
    return date(int(year), 1, 1)


class MedicalImporter(models.AbstractModel):
    """MIPS claims quality measures as the import kind ``quality`` (:mod:`..codesets.quality`): the claims
    single source, the measures data and the benchmarks of CMS's qpp-measures-data, in any order; the
    performance year is the ``effective`` date's year (``--year``), else the year in the file name."""

    _inherit = "medical.importer"

    @api.model
    def _import_kinds(self):
        return [
            *super()._import_kinds(),
            ("quality", _("MIPS claims quality measures (CMS qpp-measures-data JSON)")),
        ]

    @api.model
    def _import_quality(self, data, filename, effective):
        if not (
            self.env.is_superuser() or self.env.user.has_group("medical_coding.medical_coding_group_manager")
        ):
            raise AccessError(_("Only a Medical Manager may import quality measures."))
        if not data:
            raise UserError(
                _(
                    "Give a quality measures file of CMS's qpp-measures-data: the claims single source, "
                    "the measures data or the benchmarks (JSON)."
                )
            )
        effective = fields.Date.to_date(effective)
        found = YEAR_RE.search(filename or "")
        if not effective and not found:
            raise UserError(
                _(
                    "%(file)s was not imported: give the performance year (--year, or the year of the "
                    "import form).",
                    file=filename or _("The file"),
                )
            )
        year = effective.year if effective else int(found.group(1))
        try:
            parsed = quality.parse(data, filename)
        except CodeFileError as error:
            raise UserError(self._code_file_error_message(filename, error)) from error
        try:
            counts = self.env["medical.quality.measure"]._import_quality_file(parsed, year)
        except UserError as error:
            raise UserError(
                _("%(file)s: %(problem)s", file=filename or _("The file"), problem=error.args[0])
            ) from error
        counts.update(effective=year_start(year), label=_("%(what)s %(year)s", what=parsed.label, year=year))
        counts["year"] = year
        _logger.info("Imported quality measures %s for %s: %s", filename, year, counts)
        return counts
