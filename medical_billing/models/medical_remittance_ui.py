# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the remittance screens need beside the remittance's own fields: its claims split by how they were
matched (the form's "Matched" and "Exceptions" tabs)."""

from odoo import fields, models


class MedicalRemittance(models.Model):
    # One file per concern of the remittance (see medical_remittance.py), merged by Odoo into one model.
    _inherit = "medical.remittance"  # pylint: disable=consider-merging-classes-inherited

    matched_claim_ids = fields.One2many(
        "medical.remittance.claim",
        "remittance_id",
        string="Matched Claims",
        domain=[("match_state", "=", "matched")],
        readonly=True,
    )
    exception_claim_ids = fields.One2many(
        "medical.remittance.claim",
        "remittance_id",
        string="Exceptions",
        domain=[("match_state", "=", "exception")],
        help="Remittance claims that match none of our claims: pick the claim, or keep the payment as "
        "unapplied payer cash.",
    )
    unapplied_claim_ids = fields.One2many(
        "medical.remittance.claim",
        "remittance_id",
        string="Unapplied Payer Cash",
        domain=[("match_state", "=", "unapplied")],
        readonly=True,
    )
