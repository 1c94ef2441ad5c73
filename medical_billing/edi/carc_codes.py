# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Claim adjustment reason codes (CARC, X12 external code list 139) from their tab-separated form.

Pure Python: no Odoo import. Header ``carc description``; anything else raises :class:`CarcListError`
naming the line.
"""

from __future__ import annotations

import csv
import io
import re

__all__ = ["TSV_HEADER", "CarcListError", "parse_carc_tsv"]

TSV_HEADER = ["carc", "description"]
_CODE = re.compile(r"[0-9A-Z]{1,3}\Z")


class CarcListError(ValueError):
    """A CARC list that cannot be read; ``line`` is the 1-based line (0: the whole file)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"Line {line}: {message}" if line else message)


def parse_carc_tsv(data: bytes) -> list[dict]:
    """Rows ``{code, description}`` of a CARC list file, in file order."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CarcListError(line, "the line holds a NUL byte: this is not a text (TSV) file.")
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if [column.strip().lower() for column in header or []] != TSV_HEADER:
        raise CarcListError(1, f"this is not a CARC list: the header must be {' '.join(TSV_HEADER)}.")
    rows, seen = [], set()
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(TSV_HEADER):
            raise CarcListError(line, f"{len(values)} columns, 2 expected.")
        code, description = values[0].strip().upper(), values[1].strip()
        if not _CODE.match(code) or not description:
            raise CarcListError(line, "a code (1-3 letters or digits) and a description are needed.")
        if code in seen:
            raise CarcListError(line, f"code {code} is listed twice.")
        seen.add(code)
        rows.append({"code": code, "description": description})
    if not rows:
        raise CarcListError(0, "the file lists no code.")
    return rows
