# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""X12 claim status code lists (categories, list 507, and codes, list 508) from their tab-separated form
(read by :mod:`.code_lists`).

Pure Python: no Odoo import. Anything else than the list raises :class:`CodeListError` naming the line.
"""

from __future__ import annotations

import re

from .code_lists import TSV_HEADER, CodeListError, list_dates, read_code_list

__all__ = ["TSV_HEADER", "CodeListError", "parse_status_code_tsv"]

_CODE = re.compile(r"[0-9A-Za-z]{1,5}\Z")


def _row(values: list[str], line: int) -> dict:
    code, description = values[0].strip(), values[1].strip()
    if not _CODE.match(code) or not description:
        raise CodeListError(line, "a code (1-5 letters or digits) and a description are needed.")
    kind = "status" if code.isdigit() else "category"
    return {"list": kind, "code": code, "description": description, **list_dates(values, line)}


def parse_status_code_tsv(data: bytes) -> list[dict]:
    """Rows ``{list, code, description, date_start, date_end, date_modified, notes}`` of an X12 claim status
    code list file. Numeric codes are status codes (508), the others categories (507)."""
    return read_code_list(data, "a claim status code list", _row, key=lambda r: (r["list"], r["code"]))
