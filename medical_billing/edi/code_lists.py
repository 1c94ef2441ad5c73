# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The tab-separated code lists of X12 / CMS (reason codes, claim status codes, remark codes): one reader.

Pure Python: no Odoo import. Header ``code description effective_date deactivation_date
last_modified_date notes``; dates MM/DD/YYYY. Anything else raises :class:`CodeListError` (or the
subclass the caller names) naming the line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Hashable
from datetime import date

__all__ = ["TSV_HEADER", "CodeListError", "list_dates", "read_code_list"]

TSV_HEADER = ["code", "description", "effective_date", "deactivation_date", "last_modified_date", "notes"]
_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\Z")


class CodeListError(ValueError):
    """A code list that cannot be read; ``line`` is the 1-based line (0: the whole file)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"Line {line}: {message}" if line else message)


def _shown(value: str, limit: int = 20) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _date(value: str, line: int, column: str, error: type[CodeListError]) -> date | bool:
    value = (value or "").strip()
    if not value:
        return False
    match = _DATE.match(value)
    month, day, year = (int(part) for part in match.groups()) if match else (0, 0, 0)
    try:
        return date(year, month, day)
    except ValueError:
        raise error(line, f"{column} {_shown(value)} is not a date MM/DD/YYYY.") from None


def list_dates(values: list[str], line: int, error: type[CodeListError] = CodeListError) -> dict:
    """``{date_start, date_end, date_modified, notes}`` of the columns 3 to 6 of a row."""
    return {
        "date_start": _date(values[2], line, "effective_date", error),
        "date_end": _date(values[3], line, "deactivation_date", error),
        "date_modified": _date(values[4], line, "last_modified_date", error),
        "notes": values[5].strip() or False,
    }


def read_code_list(
    data: bytes,
    what: str,
    row: Callable[[list[str], int], dict],
    key: Callable[[dict], Hashable] = lambda r: r["code"],
    error: type[CodeListError] = CodeListError,
    header: list[str] | None = None,
) -> list[dict]:
    """The rows of a code list file, in file order: ``row(values, line)`` makes each one (raising
    ``error``) from its columns (``header``, default the six of the X12 / CMS lists); ``key`` says which
    rows may not be listed twice; ``what`` names the list in the message refusing another file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise error(line, "the line holds a NUL byte: this is not a text (TSV) file.")
    header = header or TSV_HEADER
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    line = 0  # the last line read
    rows, seen = [], set()
    try:
        columns = next(reader, None)
        if [column.strip().lower() for column in columns or []] != header:
            raise error(1, f"this is not {what}: the header must be {' '.join(header)}.")
        line = 1
        for line, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                raise error(line, f"{len(values)} columns, {len(header)} expected.")
            parsed = row(values, line)
            if key(parsed) in seen:
                raise error(line, f"code {parsed['code']} is listed twice.")
            seen.add(key(parsed))
            rows.append(parsed)
    except csv.Error as exc:
        raise error(line + 1, f"the file cannot be read as tab-separated values ({exc}).") from None
    if not rows:
        raise error(0, "the file lists no code.")
    return rows
