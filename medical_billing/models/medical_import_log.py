# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MedicalImportLog(models.Model):
    """Acknowledgement imports on the import history: refused files are kept too, with the reason."""

    _inherit = "medical.import.log"

    state = fields.Selection(selection_add=[("refused", "Refused")], ondelete={"refused": "cascade"})
    error = fields.Text(string="Refused Because", readonly=True)
    edi_checksum = fields.Char(
        string="File Checksum", readonly=True, index="btree_not_null", help="SHA-256 of the file."
    )
    edi_interchange_key = fields.Char(
        string="Interchange",
        readonly=True,
        index="btree_not_null",
        help="Kind, sender and ISA13 control number of an acknowledgement: one interchange is imported once.",
    )
    claim_batch_ids = fields.Many2many(
        "medical.claim.batch",
        "medical_claim_batch_import_log_rel",
        "log_id",
        "batch_id",
        string="837P Batches",
        readonly=True,
        check_company=True,
    )
