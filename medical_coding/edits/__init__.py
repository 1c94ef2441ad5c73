# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Coding edits over plain values: no Odoo import here.

``npi``: the NPI check digit. ``engine``: the edit rules (code validity, pointers, NCCI PTP, MUE...).
The readers of the CMS NCCI PTP and MUE files are in ``codesets`` with the other file readers.
Models call these modules; these modules never call models.
"""
