# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing edits over plain values: no Odoo import here.

``payer_edits``: the edits a claim passes before it goes to the payer (``medical.claim.action_validate``).
Models call these modules; these modules never call models.
"""
