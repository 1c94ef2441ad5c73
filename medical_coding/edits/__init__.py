"""Coding edits over plain values: no Odoo import here.

``npi``: the NPI check digit. ``engine``: the edit rules (code validity, pointers, NCCI PTP, MUE...).
``necessity``: coverage policies (medical necessity, frequency) evaluated on encounter lines;
``policy_file``: their CSV layout; ``ndc``: NDC normalisation to 11 digits.
``ncci_file`` / ``mue_file``: streaming parsers of the CMS NCCI PTP and MUE practitioner files.
Models call these modules; these modules never call models.
"""
