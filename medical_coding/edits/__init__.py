# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Coding edits over plain values: no Odoo import here.

``npi``: the NPI check digit. ``engine``: the edit rules (code validity, pointers, NCCI PTP, MUE...).
``necessity``: coverage policies (medical necessity, frequency) evaluated on encounter lines;
``policy_file``: their CSV layout; ``ndc``: NDC normalisation to 11 digits.
The readers of the CMS NCCI PTP and MUE files are in ``codesets`` with the other file readers.
Models call these modules; these modules never call models.
"""
