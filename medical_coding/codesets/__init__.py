"""Parsers of the official code-set files, in plain Python (no Odoo import).

Each parser takes the file's bytes and returns a :class:`~.common.CodeSet` (rows ready to be written),
or raises :class:`~.errors.CodeFileError` naming the line that is wrong. Models call them; they never
call models, so they can be tested, fuzzed and benchmarked on their own.
"""

from . import common, cpt, errors, hcpcs, icd10cm, pos
from .common import CodeRow, CodeSet
from .errors import CodeFileError

__all__ = ["CodeFileError", "CodeRow", "CodeSet", "common", "cpt", "errors", "hcpcs", "icd10cm", "pos"]
