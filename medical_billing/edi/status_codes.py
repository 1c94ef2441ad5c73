# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""X12 claim status code lists (categories, list 507, and codes, list 508) from their tab-separated form.

Pure Python: no Odoo import. Header ``code description effective_date deactivation_date
last_modified_date notes``; dates MM/DD/YYYY. Anything else raises :class:`CodeListError` naming the line.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

__all__ = ["TSV_HEADER", "CodeListError", "parse_status_code_tsv"]

TSV_HEADER = ["code", "description", "effective_date", "deactivation_date", "last_modified_date", "notes"]
_CODE = re.compile(r"[0-9A-Za-z]{1,5}\Z")
_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\Z")


class CodeListError(ValueError):
    """A claim status code list that cannot be read; ``line`` is the 1-based line (0: the whole file)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"Line {line}: {message}" if line else message)


def _shown(value: str, limit: int = 20) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _date(value: str, line: int, column: str) -> date | bool:
    value = (value or "").strip()
    if not value:
        return False
    match = _DATE.match(value)
    month, day, year = (int(part) for part in match.groups()) if match else (0, 0, 0)
    try:
        return date(year, month, day)
    except ValueError:
        raise CodeListError(line, f"{column} {_shown(value)} is not a date MM/DD/YYYY.") from None


def parse_status_code_tsv(data: bytes) -> list[dict]:
    """Rows ``{list, code, description, date_start, date_end, date_modified, notes}`` of an X12 claim status
    code list file. Numeric codes are status codes (508), the others categories (507)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CodeListError(line, "the line holds a NUL byte: this is not a text (TSV) file.")
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    line = 0  # the last line read
    try:
        header = next(reader, None)
        if [column.strip().lower() for column in header or []] != TSV_HEADER:
            raise CodeListError(
                1, f"this is not a claim status code list: the header must be {' '.join(TSV_HEADER)}."
            )
        line = 1
        rows, seen = [], set()
        for line, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(TSV_HEADER):
                raise CodeListError(line, f"{len(values)} columns, 6 expected.")
            code, description = values[0].strip(), values[1].strip()
            if not _CODE.match(code) or not description:
                raise CodeListError(line, "a code (1-5 letters or digits) and a description are needed.")
            kind = "status" if code.isdigit() else "category"
            if (kind, code) in seen:
                raise CodeListError(line, f"code {code} is listed twice.")
            seen.add((kind, code))
            rows.append(
                {
                    "list": kind,
                    "code": code,
                    "description": description,
                    "date_start": _date(values[2], line, "effective_date"),
                    "date_end": _date(values[3], line, "deactivation_date"),
                    "date_modified": _date(values[4], line, "last_modified_date"),
                    "notes": values[5].strip() or False,
                }
            )
    except csv.Error as exc:
        raise CodeListError(line + 1, f"the file cannot be read as tab-separated values ({exc}).") from None
    if not rows:
        raise CodeListError(0, "The file lists no code.")
    return rows
