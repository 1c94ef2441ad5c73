# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Readers of the official code-set and edit files, in plain Python (no Odoo import).

Each code-set parser (``icd10cm``, ``hcpcs``, ``cpt``, ``pos``) takes the file's bytes and returns a
:class:`~.common.CodeSet` (rows ready to be written); ``ncci_file`` and ``mue_file`` stream the CMS NCCI
PTP and MUE practitioner files. All raise the one :class:`~.errors.CodeFileError` naming the line that
is wrong, and read zip archives through the one :func:`~.common.zip_members`. Models call them; they never
call models, so they can be tested, fuzzed and benchmarked on their own.
"""

from . import common, cpt, errors, hcpcs, icd10cm, mue_file, ncci_file, pos, quality
from .common import CodeRow, CodeSet
from .errors import CodeFileError

__all__ = [
    "CodeFileError",
    "CodeRow",
    "CodeSet",
    "common",
    "cpt",
    "errors",
    "hcpcs",
    "icd10cm",
    "mue_file",
    "ncci_file",
    "pos",
    "quality",
]
