from pathlib import Path

from odoo import _, api, models
from odoo.exceptions import UserError


class MedicalImporter(models.AbstractModel):
    """Entry point of every file import (code sets, edit tables, acknowledgements...).

    Each addon adds its kinds by inheriting ``_import_kinds`` and implementing
    ``_import_<kind>(data, filename, effective)`` (dashes in the kind become underscores),
    returning a dict of counts. The wizard and the ``medical_import`` command both call
    :meth:`import_file`, so they behave the same.
    """

    _name = "medical.importer"
    _description = "Medical File Importer"

    @api.model
    def _import_kinds(self):
        """Selection list of (kind, label). Extended by inheriting addons."""
        return []

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
    def import_file(self, kind, data=None, filename=None, effective=None):
        """Import ``data`` (the file's content, or None for a kind's built-in source) as ``kind``."""
        data = self._import_content(data)
        kinds = dict(self._import_kinds())
        if kind not in kinds:
            raise UserError(
                _("Unknown import kind %(kind)s. Known kinds: %(kinds)s", kind=kind, kinds=", ".join(kinds))
            )
        method = getattr(self, "_import_" + kind.replace("-", "_"))
        return method(data, filename, effective)

    @api.model
    def _import_path(self, kind, path, effective=None):
        """Import the server file at ``path``: for the ``medical_import`` command only.

        Private (its name starts with ``_``), so no RPC call reaches it: a remote user can never make the
        server read one of its own files. Raises OSError when the file cannot be read.
        """
        path = Path(path)
        return self.import_file(kind, path.read_bytes(), path.name, effective)
