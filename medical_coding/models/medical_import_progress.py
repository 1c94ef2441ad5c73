# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MedicalImportProgress(models.Model):
    """The progress of a queued import, beside it: written by the job's own cursor while the import's
    transaction runs, so the form shows it live (see :meth:`MedicalImportLog._progress_reporter`)."""

    _name = "medical.import.progress"
    _description = "Progress of a Queued Import"

    log_id = fields.Many2one("medical.import.log", required=True, ondelete="cascade", index=True)
    progress = fields.Float()
    message = fields.Char()
