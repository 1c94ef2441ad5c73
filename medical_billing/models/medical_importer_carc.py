# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models
from odoo.exceptions import UserError

from .medical_adjustment_reason import parse_carc_tsv
from .medical_remark_code import parse_rarc_tsv


class MedicalImporter(models.AbstractModel):
    """The CARC list (X12 external code list 139, TSV ``carc description``) and the RARC list (code list
    411, the CMS TSV ``code description effective_date deactivation_date last_modified_date notes``) as
    import kinds, and the loading every code list shares (these two and the claim status lists)."""

    _inherit = "medical.importer"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _import_kinds(self):
        return [
            *super()._import_kinds(),
            ("carc-codes", _("Claim adjustment reason codes (CARC list, TSV)")),
            ("rarc-codes", _("Remittance advice remark codes (RARC list, TSV)")),
        ]

    def _import_carc_codes(self, data, filename, effective):
        """Load a CARC list into ``medical.adjustment.reason``: descriptions updated, categories kept, new
        codes in the category ``other`` until the manager maps them."""
        return self._import_code_list(data, filename, parse_carc_tsv, "medical.adjustment.reason", "CARC")

    def _import_rarc_codes(self, data, filename, effective):
        """Load a RARC list into ``medical.remark.code``: descriptions and dates updated (a deactivated
        code gets its end date), new codes added. A bad line refuses the whole file."""
        return self._import_code_list(data, filename, parse_rarc_tsv, "medical.remark.code", "RARC")

    def _import_code_list(self, data, filename, parse, model, label):
        """A code list read by ``parse`` (a bad line refuses the whole file, nothing written) and loaded
        into ``model`` by its ``_load_rows``, once the user's right to import was checked. ``label``: the
        list's name in the summary, or a function of the rows giving it."""
        self._check_import_allowed(
            data,
            _("Only a Medical Manager may import code lists."),
            _("Choose the code list file to import."),
        )
        try:
            rows = parse(data)
        except UserError as error:
            raise UserError(
                _(
                    "%(file)s was not imported, nothing was changed.\n%(problem)s",
                    file=filename or _("The file"),
                    problem=error.args[0],
                )
            ) from None
        counts = self.env[model].sudo()._load_rows(rows)
        counts["label"] = label(rows) if callable(label) else label
        return counts
