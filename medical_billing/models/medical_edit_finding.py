# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .medical_claim_edi import ACK_EDITS
from .medical_claim_payer_edits import CLAIM_EDITS

# The findings billing adds to the coding edits': payer edits (action_validate) and acknowledgements.
BILLING_EDITS = {**CLAIM_EDITS, **ACK_EDITS}


class MedicalEditFinding(models.Model):
    """Payer edits of claims and acknowledgement rejections share the coding edits' findings: the claim's
    encounter is set too."""

    _inherit = "medical.edit.finding"

    edit_code = fields.Selection(
        selection_add=[(code, title) for code, (title, _severity) in BILLING_EDITS.items()],
        ondelete=dict.fromkeys(BILLING_EDITS, "cascade"),
    )
    claim_id = fields.Many2one(
        "medical.claim", index="btree_not_null", ondelete="cascade", check_company=True
    )
    claim_line_id = fields.Many2one("medical.claim.line", ondelete="cascade", check_company=True)
