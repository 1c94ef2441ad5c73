# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Claim adjustment reason codes (CARC, X12 external code list 139) from their tab-separated form (read by
:mod:`.code_lists`).

Pure Python: no Odoo import. Header ``carc description``; anything else raises :class:`CarcListError`
naming the line.
"""

from __future__ import annotations

import re

from .code_lists import CodeListError, read_code_list

__all__ = ["TSV_HEADER", "CarcListError", "parse_carc_tsv"]

TSV_HEADER = ["carc", "description"]
_CODE = re.compile(r"[0-9A-Z]{1,3}\Z")


class CarcListError(CodeListError):
    """A CARC list that cannot be read; ``line`` is the 1-based line (0: the whole file)."""


def _row(values: list[str], line: int) -> dict:
    code, description = values[0].strip().upper(), values[1].strip()
    if not _CODE.match(code) or not description:
        raise CarcListError(line, "a code (1-3 letters or digits) and a description are needed.")
    return {"code": code, "description": description}


def parse_carc_tsv(data: bytes) -> list[dict]:
    """Rows ``{code, description}`` of a CARC list file, in file order."""
    return read_code_list(data, "a CARC list", _row, error=CarcListError, header=TSV_HEADER)
