"""Coding edits over plain values: no Odoo import here.

``npi``: the NPI check digit. ``engine``: the edit rules (code validity, pointers, NCCI PTP, MUE...).
``ncci_file`` / ``mue_file``: streaming parsers of the CMS NCCI PTP and MUE practitioner files.
Models call these modules; these modules never call models.
"""
