# Code sets and edit tables are separate concerns, each in its own file.
# pylint: disable=consider-merging-classes-inherited
import logging
import time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..codesets import cpt, hcpcs, icd10cm, pos
from ..codesets.errors import CodeFileError

_logger = logging.getLogger(__name__)

#: kind -> (parser, systems written, origin recorded on the codes)
CODE_SET_KINDS = {
    "icd10cm": (icd10cm, ("icd10cm",), "icd10cm"),
    "hcpcs": (hcpcs, ("hcpcs", "modifier"), "hcpcs"),
    "modifiers": (hcpcs, ("modifier",), "hcpcs"),
    "cpt": (cpt, ("cpt",), "cpt"),
    "pos": (pos, ("pos",), "pos"),
}

#: share of the progress bar given to reading the file; writing takes the rest
PARSE_SHARE = 0.4


class MedicalImporter(models.AbstractModel):
    """Code sets as import kinds, and the history (original file + counts) of every import."""

    _inherit = "medical.importer"

    @api.model
    def _import_kinds(self):
        return [
            *super()._import_kinds(),
            ("icd10cm", _("ICD-10-CM diagnoses (CDC tabular XML)")),
            ("hcpcs", _("HCPCS Level II procedures and modifiers (CMS contractor file)")),
            ("modifiers", _("HCPCS modifiers only (CMS contractor file)")),
            ("cpt", _("CPT procedures (licensed CSV: code, short, long descriptor)")),
            ("pos", _("Places of service (CMS FHIR CodeSystem XML or TSV)")),
        ]

    @api.model
    def _import_default_source(self, kind):
        """``(bytes, filename)`` a kind imports when no file is given, or None when it needs a file."""
        if kind == "icd10cm":
            return icd10cm.packaged_source()
        return None

    @api.model
    def import_file(self, kind, data=None, filename=None, effective=None):
        """Import as in :meth:`medical.importer.import_file`, keep the file and a history record.

        The returned counts gain ``log_id``, the :class:`medical.import.log` record. Any error raises
        before the history is written, so a failed import leaves nothing behind.
        """
        data = self._import_content(data)
        if data is None and kind in dict(self._import_kinds()):
            source = self._import_default_source(kind)
            if source:
                data, filename = source
        started = time.monotonic()
        result = super().import_file(kind, data, filename, effective)
        counts = dict(result) if isinstance(result, dict) else {"result": result}
        log = (
            self.env["medical.import.log"]
            .sudo()
            ._record(
                kind, data, filename, counts.get("effective") or effective, counts, time.monotonic() - started
            )
        )
        counts["log_id"] = log.id
        return counts

    def _import_icd10cm(self, data, filename, effective):
        return self._import_code_set("icd10cm", data, filename, effective)

    def _import_hcpcs(self, data, filename, effective):
        return self._import_code_set("hcpcs", data, filename, effective)

    def _import_modifiers(self, data, filename, effective):
        return self._import_code_set("modifiers", data, filename, effective)

    def _import_cpt(self, data, filename, effective):
        return self._import_code_set("cpt", data, filename, effective)

    def _import_pos(self, data, filename, effective):
        return self._import_code_set("pos", data, filename, effective)

    @api.model
    def _import_code_set(self, kind, data, filename, effective):
        """Parse the whole file first (a bad line refuses it, nothing written), then bulk-write it."""
        if not (
            self.env.is_superuser() or self.env.user.has_group("medical_coding.medical_coding_group_manager")
        ):
            raise AccessError(_("Only a Medical Manager may import code sets."))
        if not data:
            raise UserError(_("Choose the file to import: this kind has no built-in release."))
        parser, systems, origin = CODE_SET_KINDS[kind]
        report = self.env.context.get("medical_import_progress") or (lambda fraction, message="": None)
        try:
            code_set = parser.parse(
                data, filename, progress=lambda fraction, message="": report(PARSE_SHARE * fraction, message)
            )
        except CodeFileError as error:
            raise UserError(self._code_file_error_message(filename, error)) from error
        effective = fields.Date.to_date(effective) or code_set.release_date or fields.Date.context_today(self)
        rows = [row for row in code_set.rows if row.system in systems]
        counts = self.env["medical.code"]._load_code_rows(
            rows,
            systems,
            origin,
            effective,
            dates_from_file=code_set.dates_from_file,
            progress=lambda fraction, message="": report(PARSE_SHARE + (1 - PARSE_SHARE) * fraction, message),
        )
        counts.update(effective=effective, label=code_set.label)
        _logger.info("Imported %s from %s: %s", kind, filename or "(built-in release)", counts)
        return counts

    @api.model
    def _code_file_error_message(self, filename, error):
        if error.line:
            return _(
                "%(file)s was not imported, nothing was changed.\nLine %(line)s: %(problem)s",
                file=filename or _("The file"),
                line=error.line,
                problem=error.message,
            )
        return _(
            "%(file)s was not imported, nothing was changed.\n%(problem)s",
            file=filename or _("The file"),
            problem=error.message,
        )
