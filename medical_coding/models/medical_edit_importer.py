# Code sets and edit tables are separate concerns, each in its own file.
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, models
from odoo.exceptions import UserError


class MedicalImporter(models.AbstractModel):
    """The CMS edit tables as import kinds: ``ncci-ptp`` and ``mue``."""

    _inherit = "medical.importer"

    @api.model
    def _import_kinds(self):
        return [
            *super()._import_kinds(),
            ("ncci-ptp", _("NCCI PTP edits (CMS practitioner file)")),
            ("mue", _("MUE values (CMS practitioner table)")),
        ]

    @api.model
    def _import_ncci_ptp(self, data, filename, effective):
        """NCCI PTP: each row carries its own dates; ``effective`` is not needed."""
        if data is None:
            raise UserError(_("Give the CMS NCCI PTP practitioner file (ccipra-v...-f1.txt or the ZIP)."))
        return self.env["medical.ncci.edit"]._import_cms_file(data, filename)

    @api.model
    def _import_mue(self, data, filename, effective):
        """MUE: the effective date is ``effective`` or the one in the CMS file name."""
        if data is None:
            raise UserError(
                _("Give the CMS practitioner MUE table (MCR_MUE_PractitionerServices_Eff_....csv).")
            )
        return self.env["medical.mue"]._import_cms_file(data, filename, effective)
