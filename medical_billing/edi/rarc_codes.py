# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Remittance advice remark codes (RARC, X12 external code list 411) from their tab-separated form (the
CMS list, read by :mod:`.code_lists`).

Pure Python: no Odoo import. Anything else than the list raises :class:`RarcListError` naming the line.
"""

from __future__ import annotations

import re

from .code_lists import TSV_HEADER, CodeListError, list_dates, read_code_list

__all__ = ["TSV_HEADER", "RarcListError", "parse_rarc_tsv", "split_remark_codes"]

_CODE = re.compile(r"(M|MA|N)[0-9]{1,4}\Z")
_SEPARATORS = re.compile(r"[\s,;]+")


class RarcListError(CodeListError):
    """A RARC list that cannot be read; ``line`` is the 1-based line (0: the whole file)."""


def split_remark_codes(text: str | None) -> list[str]:
    """The remark codes of ``text`` (``"N115,M25"`` as the remittances store them), upper case, in order,
    each once."""
    codes = []
    for code in _SEPARATORS.split((text or "").strip().upper()):
        if code and code not in codes:
            codes.append(code)
    return codes


def _row(values: list[str], line: int) -> dict:
    code, description = values[0].strip().upper(), values[1].strip()
    if not _CODE.match(code) or not description:
        raise RarcListError(line, "a code (M, MA or N and digits) and a description are needed.")
    return {"code": code, "description": description, **list_dates(values, line, RarcListError)}


def parse_rarc_tsv(data: bytes) -> list[dict]:
    """Rows ``{code, description, date_start, date_end, date_modified, notes}`` of a RARC list file, in
    file order."""
    return read_code_list(data, "a RARC list", _row, error=RarcListError)
