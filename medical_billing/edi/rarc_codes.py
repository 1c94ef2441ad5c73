# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Remittance advice remark codes (RARC, X12 external code list 411) from their tab-separated form.

Pure Python: no Odoo import. Header ``code description effective_date deactivation_date
last_modified_date notes`` (the CMS list); dates MM/DD/YYYY. Anything else raises :class:`RarcListError`
naming the line.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

__all__ = ["TSV_HEADER", "RarcListError", "parse_rarc_tsv", "split_remark_codes"]

TSV_HEADER = ["code", "description", "effective_date", "deactivation_date", "last_modified_date", "notes"]
_CODE = re.compile(r"[A-Z]{1,2}[0-9]{1,4}\Z")
_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\Z")
_SEPARATORS = re.compile(r"[\s,;]+")


class RarcListError(ValueError):
    """A RARC list that cannot be read; ``line`` is the 1-based line (0: the whole file)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"Line {line}: {message}" if line else message)


def split_remark_codes(text: str | None) -> list[str]:
    """The remark codes of ``text`` (``"N115,M25"`` as the remittances store them), upper case, in order,
    each once."""
    codes = []
    for code in _SEPARATORS.split((text or "").strip().upper()):
        if code and code not in codes:
            codes.append(code)
    return codes


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
        raise RarcListError(line, f"{column} {_shown(value)} is not a date MM/DD/YYYY.") from None


def _row(values: list[str], line: int) -> dict:
    if len(values) != len(TSV_HEADER):
        raise RarcListError(line, f"{len(values)} columns, {len(TSV_HEADER)} expected.")
    code, description = values[0].strip().upper(), values[1].strip()
    if not _CODE.match(code) or not description:
        raise RarcListError(line, "a code (M, MA or N and digits) and a description are needed.")
    return {
        "code": code,
        "description": description,
        "date_start": _date(values[2], line, "effective_date"),
        "date_end": _date(values[3], line, "deactivation_date"),
        "date_modified": _date(values[4], line, "last_modified_date"),
        "notes": values[5].strip() or False,
    }


def parse_rarc_tsv(data: bytes) -> list[dict]:
    """Rows ``{code, description, date_start, date_end, date_modified, notes}`` of a RARC list file, in
    file order."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise RarcListError(line, "the line holds a NUL byte: this is not a text (TSV) file.")
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    line = 0  # the last line read
    rows, seen = [], set()
    try:
        header = next(reader, None)
        if [column.strip().lower() for column in header or []] != TSV_HEADER:
            raise RarcListError(1, f"this is not a RARC list: the header must be {' '.join(TSV_HEADER)}.")
        line = 1
        for line, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            row = _row(values, line)
            if row["code"] in seen:
                raise RarcListError(line, f"code {row['code']} is listed twice.")
            seen.add(row["code"])
            rows.append(row)
    except csv.Error as exc:
        raise RarcListError(line + 1, f"the file cannot be read as tab-separated values ({exc}).") from None
    if not rows:
        raise RarcListError(0, "the file lists no code.")
    return rows
