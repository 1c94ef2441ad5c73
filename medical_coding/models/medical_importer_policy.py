# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Code sets, edit tables and policies are separate concerns, each in its own file.
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, models
from odoo.exceptions import UserError

from ..edits import policy_file


class MedicalImporter(models.AbstractModel):
    """Coverage policies as the import kind ``policy`` (CSV layout: :mod:`..edits.policy_file`)."""

    _inherit = "medical.importer"

    @api.model
    def _import_kinds(self):
        return [*super()._import_kinds(), ("policy", _("Coverage policies (CSV, one row per rule line)"))]

    @api.model
    def _import_policy(self, data, filename, effective):
        """Create or replace the shared policies of the file, by reference; all or nothing."""
        self._check_import_allowed(
            data,
            _("Only a Medical Manager may import coverage policies."),
            _("Give the CSV file of coverage policies."),
        )
        try:
            policies = policy_file.parse(data)
        except policy_file.PolicyFileError as error:
            raise UserError(self._code_file_error_message(filename, error)) from error
        return self.env["medical.coverage.policy"]._import_rows(policies)
