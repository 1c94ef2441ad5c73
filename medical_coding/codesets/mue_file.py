# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Streaming parser of the CMS practitioner MUE table (``MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv``).

Layout: Latin-1 CSV, CRLF. First a quoted multi-line AMA notice (one record), then a header record whose
first field spans two lines (``"HCPCS/\\nCPT Code"``), then one code per record::

    code, MUE value, adjudication indicator ("1 Line Edit", "2 Date of Service Edit: Policy",
    "3 Date of Service Edit: Clinical"), rationale

The file gives no effective date inside: it is in the file name (``Eff_07-01-2026``) or given by the user.
No Odoo import.
"""

import csv
import io
import re
from datetime import date

from .errors import CodeFileError
from .ncci_file import CODE_RE, bounded_lines, check_text, shown

MAX_PREAMBLE_RECORDS = 20
INDICATORS = ("1", "2", "3")
#: ASCII digits only (str.isdigit accepts "²"), and small enough for the database's integer
VALUE_RE = re.compile(r"[0-9]{1,9}\Z")


def _is_header(fields):
    return len(fields) >= 3 and "mue" in fields[1].lower() and not CODE_RE.match(fields[0].strip())


def _looks_like_data(fields):
    return bool(CODE_RE.match(fields[0].strip().upper())) or (len(fields) > 1 and fields[1].strip().isdigit())


def parse(binary):
    """Yield ``(line_number, code, mue_value, adjudication_indicator, rationale)`` for each row of the
    binary file ``binary``. The notice and header records are skipped; after them every non-blank
    record must be a valid row, else :class:`CodeFileError` names its line."""
    text = io.TextIOWrapper(binary, encoding="latin-1", newline="")
    reader = csv.reader(bounded_lines(text))
    in_data = False
    record_count = 0
    try:
        for fields in reader:
            record_count += 1
            number = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            for field in fields:
                check_text(field, number)
            if not in_data:
                if _is_header(fields):
                    in_data = True
                    continue
                if not _looks_like_data(fields):
                    if record_count > MAX_PREAMBLE_RECORDS:
                        raise CodeFileError(number, "no MUE header or row found after the notice")
                    continue
                in_data = True
            yield parse_fields(fields, number)
    except csv.Error as exc:
        raise CodeFileError(reader.line_num, f"not readable as CSV ({exc})") from None
    finally:
        text.detach()
    if not in_data:
        raise CodeFileError(0, "the file holds no MUE row")


def parse_fields(fields, number):
    if len(fields) < 3:
        raise CodeFileError(
            number, f"{len(fields)} fields, an MUE row has 4 (code, value, indicator, rationale)"
        )
    code = fields[0].strip().upper()
    if not CODE_RE.match(code):
        raise CodeFileError(number, f"the code {shown(code)} is not a 5-character CPT/HCPCS code")
    value = fields[1].strip()
    if not VALUE_RE.match(value):
        raise CodeFileError(
            number, f"the MUE value {shown(value)} is not a whole number of units (at most 9 digits)"
        )
    indicator_text = fields[2].strip()
    indicator = indicator_text[:1]
    if indicator not in INDICATORS or (len(indicator_text) > 1 and indicator_text[1] != " "):
        raise CodeFileError(
            number, f"the adjudication indicator {shown(indicator_text)} does not start with 1, 2 or 3"
        )
    rationale = fields[3].strip() if len(fields) > 3 else ""
    return (number, code, int(value), indicator, rationale)


def effective_from_filename(filename):
    """The effective date in a CMS MUE file name (``..._Eff_07-01-2026.csv``), or None."""
    match = re.search(r"Eff[_-](\d{2})-(\d{2})-(\d{4})", filename or "", re.IGNORECASE)
    if not match:
        return None
    month, day, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None
