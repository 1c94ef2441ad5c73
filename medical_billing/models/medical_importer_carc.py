# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models
from odoo.exceptions import UserError

from .medical_adjustment_reason import parse_carc_tsv


class MedicalImporter(models.AbstractModel):
    """The CARC list (X12 external code list 139, TSV ``carc description``) as an import kind."""

    _inherit = "medical.importer"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _import_kinds(self):
        return [*super()._import_kinds(), ("carc-codes", _("Claim adjustment reason codes (CARC list, TSV)"))]

    def _import_carc_codes(self, data, filename, effective):
        """Load a CARC list into ``medical.adjustment.reason``: descriptions updated, categories kept, new
        codes in the category ``other`` until the manager maps them."""
        self._check_import_allowed(
            data,
            _("Only a Medical Manager may import code lists."),
            _("Choose the code list file to import."),
        )
        try:
            rows = parse_carc_tsv(data)
        except UserError as error:
            raise UserError(
                _(
                    "%(file)s was not imported, nothing was changed.\n%(problem)s",
                    file=filename or _("The file"),
                    problem=error.args[0],
                )
            ) from None
        counts = self.env["medical.adjustment.reason"].sudo()._load_rows(rows)
        counts["label"] = "CARC"
        return counts
