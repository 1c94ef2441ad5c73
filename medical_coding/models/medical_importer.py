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
    def import_file(self, kind, data=None, filename=None, effective=None):
        """Import ``data`` (bytes, or None for a kind's built-in source) as ``kind``."""
        kinds = dict(self._import_kinds())
        if kind not in kinds:
            raise UserError(
                _("Unknown import kind %(kind)s. Known kinds: %(kinds)s", kind=kind, kinds=", ".join(kinds))
            )
        method = getattr(self, "_import_" + kind.replace("-", "_"))
        return method(data, filename, effective)
