# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import time
from pathlib import Path

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..codesets import cpt, hcpcs, icd10cm, pos
from ..codesets.errors import CodeFileError

_logger = logging.getLogger(__name__)

#: code-set kind -> (parser, systems written, origin recorded on the codes)
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
    """Entry point of every file import (code sets, edit tables, acknowledgements...), and the history
    (original file + counts) of each.

    The kinds are a table, :meth:`_import_table`: ``{kind: (label, method name)}``, the method being
    called as ``method(kind, data, filename, effective)`` and returning a dict of counts. An inheriting
    addon adds a kind either by a row in that table (``return {**super()._import_table(), "policy":
    (_("..."), "_import_policy")}``), or, as before, by extending ``_import_kinds`` with ``(kind, label)``
    and implementing ``_import_<kind>(data, filename, effective)`` (dashes in the kind become
    underscores). The wizard and the ``medical_import`` command both call :meth:`import_file`, so they
    behave the same.
    """

    _name = "medical.importer"
    _description = "Medical File Importer"

    @api.model
    def _import_table(self):
        """``{kind: (label, method name)}`` of the kinds read by a table-driven method."""
        code_set = "_import_code_set"
        edit_table = "_import_edit_table"
        return {
            "icd10cm": (_("ICD-10-CM diagnoses (CDC tabular XML)"), code_set),
            "hcpcs": (_("HCPCS Level II procedures and modifiers (CMS contractor file)"), code_set),
            "modifiers": (_("HCPCS modifiers only (CMS contractor file)"), code_set),
            "cpt": (_("CPT procedures (licensed CSV: code, short, long descriptor)"), code_set),
            "pos": (_("Places of service (CMS FHIR CodeSystem XML or TSV)"), code_set),
            "ncci-ptp": (_("NCCI PTP edits (CMS practitioner file)"), edit_table),
            "mue": (_("MUE values (CMS practitioner table)"), edit_table),
        }

    @api.model
    def _import_kinds(self):
        """Selection list of (kind, label): the table's kinds. Extended by inheriting addons."""
        return [(kind, label) for kind, (label, _method) in self._import_table().items()]

    @api.model
    def _practice_kinds(self):
        """Kinds whose files belong to one practice (they carry patient data): their history is walled
        off in the importing company. The other kinds are shared reference data."""
        return set()

    @api.model
    def _import_content(self, data):
        """The file's content as bytes. Over RPC only content is accepted: text is encoded, it is never
        taken for the path of a server file (only the command line reads those, see :meth:`_import_path`).
        """
        if data is None or isinstance(data, bytes):
            return data
        if isinstance(data, bytearray | memoryview):
            return bytes(data)
        if isinstance(data, str):
            return data.encode("utf-8")
        raise UserError(_("Give the content of the file to import, not a %s.", type(data).__name__))

    @api.model
    def _import_default_source(self, kind):
        """``(bytes, filename)`` a kind imports when no file is given, or None when it needs a file."""
        if kind == "icd10cm":
            return icd10cm.packaged_source()
        return None

    @api.model
    def import_file(self, kind, data=None, filename=None, effective=None):
        """Import ``data`` (the file's content, or None for a kind's built-in source) as ``kind``, keep
        the file and a history record.

        The returned counts gain ``log_id``, the :class:`medical.import.log` record. Any error raises
        before the history is written, so a failed import leaves nothing behind.
        """
        data = self._import_content(data)
        kinds = dict(self._import_kinds())
        if kind not in kinds:
            raise UserError(
                _("Unknown import kind %(kind)s. Known kinds: %(kinds)s", kind=kind, kinds=", ".join(kinds))
            )
        if data is None:
            data, filename = self._import_default_source(kind) or (data, filename)
        started = time.monotonic()
        result = self._import_dispatch(kind, data, filename, effective)
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

    @api.model
    def _import_dispatch(self, kind, data, filename, effective):
        """Call the method of ``kind``: its row of :meth:`_import_table`, else ``_import_<kind>``."""
        entry = self._import_table().get(kind)
        if entry:
            return getattr(self, entry[1])(kind, data, filename, effective)
        return getattr(self, "_import_" + kind.replace("-", "_"))(data, filename, effective)

    @api.model
    def _import_path(self, kind, path, effective=None):
        """Import the server file at ``path``: for the ``medical_import`` command only.

        Private (its name starts with ``_``), so no RPC call reaches it: a remote user can never make the
        server read one of its own files. Raises OSError when the file cannot be read.
        """
        path = Path(path)
        return self.import_file(kind, path.read_bytes(), path.name, effective)

    # ------------------------------------------------------------------
    # Code sets
    # ------------------------------------------------------------------

    @api.model
    def _import_code_set(self, kind, data, filename, effective):
        """Parse the whole file first (a bad line refuses it, nothing written), then bulk-write it."""
        self._check_import_allowed(
            data,
            _("Only a Medical Manager may import code sets."),
            _("Choose the file to import: this kind has no built-in release."),
        )
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
    def _check_import_allowed(self, data, refused, missing):
        """Before reading a shared table's file: ``refused`` (AccessError) unless the user is a Medical
        Manager, then ``missing`` (UserError) when no file was given."""
        if not (
            self.env.is_superuser() or self.env.user.has_group("medical_coding.medical_coding_group_manager")
        ):
            raise AccessError(refused)
        if not data:
            raise UserError(missing)

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

    # ------------------------------------------------------------------
    # Edit tables
    # ------------------------------------------------------------------

    @api.model
    def _import_edit_table(self, kind, data, filename, effective):
        """NCCI PTP (each row carries its own dates) or MUE (``effective`` or the date in the file name)."""
        if kind == "ncci-ptp":
            if data is None:
                raise UserError(_("Give the CMS NCCI PTP practitioner file (ccipra-v...-f1.txt or the ZIP)."))
            return self.env["medical.ncci.edit"]._import_cms_file(data, filename)
        if data is None:
            raise UserError(
                _("Give the CMS practitioner MUE table (MCR_MUE_PractitionerServices_Eff_....csv).")
            )
        return self.env["medical.mue"]._import_cms_file(data, filename, effective)
