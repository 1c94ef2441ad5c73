# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""CPT codes from the practice's licensed file: CSV (or tab-separated) rows of code, short, long descriptor.

CPT descriptors belong to the AMA: nothing of them ships with the suite; the practice imports the file
it licenses. A header row is recognised and skipped; a third column (long descriptor) is optional.
"""

import csv
import io
import re

from .common import CodeRow, CodeSet, decode, no_progress, shown
from .errors import CodeFileError

# Category I (5 digits), II (4 digits + F), III (4 digits + T), PLA (4 digits + U), MAAA (4 digits + M)
CODE_RE = re.compile(r"\d{4}[0-9FTUM]")
DELIMITERS = ",\t;|"


def _dialect(text):
    sample = text[:8192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
    except csv.Error:
        first = sample.split("\n", 1)[0]
        delimiter = max(DELIMITERS, key=first.count)
        return csv.excel if delimiter == "," else type("dialect", (csv.excel,), {"delimiter": delimiter})


def parse(data, filename=None, progress=no_progress):
    """Parse a CPT code/descriptor file into a :class:`CodeSet` of system ``cpt``."""
    text = decode(data, ["utf-8-sig", "cp1252"])
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CodeFileError(line, "the file holds NUL bytes: it is not a text (CSV) file")
    if not text.strip():
        raise CodeFileError(0, "the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text), strict=True)
    rows = []
    seen = {}
    total = text.count("\n") + 1
    line = 1
    first = True
    try:
        for record in reader:
            number, line = line, reader.line_num + 1
            if not any(field.strip() for field in record):
                continue
            code = record[0].strip().upper()
            if first and not CODE_RE.fullmatch(code):
                first = False
                if re.search(r"[a-z]{3}", record[0], re.I) and not re.search(r"\d{4}", record[0]):
                    continue  # a header row such as "code,short,long"
            first = False
            if not CODE_RE.fullmatch(code):
                raise CodeFileError(
                    number,
                    f"{shown(record[0])} in the first column is not a CPT code "
                    "(5 digits, or 4 digits + F/T/U/M)",
                )
            if code in seen:
                raise CodeFileError(number, f"code {code} appears twice (first on line {seen[code]})")
            seen[code] = number
            short = record[1].strip() if len(record) > 1 else ""
            long = record[2].strip() if len(record) > 2 else ""
            if not (short or long):
                raise CodeFileError(number, f"code {code} has no descriptor (expected: code, short, long)")
            rows.append(CodeRow("cpt", code, short or long, description=long or short))
            if len(rows) % 2000 == 0:
                progress(number / total, f"{len(rows)} codes read")
    except csv.Error as exc:
        raise CodeFileError(line, f"the CSV cannot be read: {exc}") from exc
    if not rows:
        raise CodeFileError(0, "the file holds no CPT code")
    progress(1.0, f"{len(rows)} codes read")
    return CodeSet(rows=rows, systems=("cpt",), label="CPT")
