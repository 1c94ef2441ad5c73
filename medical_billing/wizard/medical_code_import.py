# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models


class MedicalCodeImport(models.TransientModel):
    """The import wizard explains the acknowledgement kinds too."""

    _inherit = "medical.code.import"

    @api.depends("kind")
    def _compute_help_text(self):
        result = super()._compute_help_text()
        texts = {
            "999": _(
                "The 999 your clearinghouse returned for an 837P batch. The batch is found by its group "
                "control number; claims of a rejected transaction set go back to Ready with the errors as "
                "findings. A file already imported, or not about one of our batches, is refused and kept in "
                "the history."
            ),
            "277ca": _(
                "The 277CA claim acknowledgement. Each claim is found by its claim number: accepted claims "
                "become Accepted, rejected ones Rejected with the status codes explained, in the work queue."
            ),
            "rarc-codes": _(
                "The CMS remittance advice remark code (RARC) list as a tab-separated file (code, "
                "description, effective_date, deactivation_date, last_modified_date, notes): descriptions "
                "and dates are updated, deactivated codes get their end date, new codes are added."
            ),
            "claim-status-codes": _(
                "An X12 claim status category or status code list as a tab-separated file (code, "
                "description, effective_date, deactivation_date, last_modified_date, notes)."
            ),
        }
        for wizard in self:
            if wizard.kind in texts:
                wizard.help_text = f"<p>{texts[wizard.kind]}</p>"
        return result
