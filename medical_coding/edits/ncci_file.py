"""Streaming parser of the CMS NCCI PTP practitioner file (``ccipra-v<release>-f<part>.txt``).

Layout: tab-separated, CRLF, a few header lines (copyright notice, "Column1/Column2 Edits", column titles
spread over four lines), then one edit per line::

    column 1 <TAB> column 2 <TAB> * (in existence before 1996) or empty <TAB> effective date YYYYMMDD
    <TAB> deletion date YYYYMMDD or * (none) <TAB> modifier indicator 0/1/9 <TAB> rationale

The parser reads one line at a time and yields plain tuples; a bad line raises :class:`FileFormatError`
naming its line number. No Odoo import.
"""

import re
from datetime import date

CODE_RE = re.compile(r"^[0-9A-Z]{5}$")
DATE_RE = re.compile(r"^\d{8}$")
MODIFIER_INDICATORS = ("0", "1", "9")
MAX_HEADER_LINES = 20


class FileFormatError(ValueError):
    """A line of an edit file that cannot be read; ``line`` is its 1-based number."""

    def __init__(self, line, message):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.reason = message


def decode_line(raw):
    """Bytes of one line to text: UTF-8 when it is, else Latin-1 (CMS files are ASCII or Latin-1)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_date(text, line, what):
    if not DATE_RE.match(text):
        raise FileFormatError(line, f"the {what} {text!r} is not a date written YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise FileFormatError(line, f"the {what} {text!r} is not a calendar date") from None


def _looks_like_data(fields):
    return bool(CODE_RE.match(fields[0].strip())) or (
        len(fields) > 3 and bool(DATE_RE.match(fields[3].strip()))
    )


def parse(lines):
    """Yield ``(line_number, column1, column2, prior_1996, date_start, date_end, modifier_indicator,
    rationale)`` for each edit of ``lines`` (an iterable of bytes or str lines, e.g. a binary file).

    Header lines before the first edit are skipped; after it, every non-blank line must be an edit.
    """
    in_data = False
    for number, raw in enumerate(lines, start=1):
        text = decode_line(raw) if isinstance(raw, bytes) else raw
        text = text.rstrip("\r\n")
        if not text.strip("\t "):
            continue
        fields = text.split("\t")
        if not in_data:
            if not _looks_like_data(fields):
                if number > MAX_HEADER_LINES:
                    raise FileFormatError(number, "no NCCI PTP edit found after the header lines")
                continue
            in_data = True
        yield parse_fields(fields, number)
    if not in_data:
        raise FileFormatError(0, "the file holds no NCCI PTP edit")


def parse_fields(fields, number):
    if len(fields) < 6:
        raise FileFormatError(
            number, f"{len(fields)} tab-separated fields, an NCCI PTP edit line has 7 (6 at least)"
        )
    column1, column2 = fields[0].strip().upper(), fields[1].strip().upper()
    for value, what in ((column1, "column 1 code"), (column2, "column 2 code")):
        if not CODE_RE.match(value):
            raise FileFormatError(number, f"the {what} {value!r} is not a 5-character CPT/HCPCS code")
    prior = fields[2].strip()
    if prior not in ("", "*"):
        raise FileFormatError(number, f"the 'prior to 1996' flag is {prior!r}, expected '*' or nothing")
    date_start = parse_date(fields[3].strip(), number, "effective date")
    deletion = fields[4].strip()
    date_end = None if deletion in ("", "*") else parse_date(deletion, number, "deletion date")
    if date_end and date_end < date_start:
        raise FileFormatError(number, "the deletion date is before the effective date")
    indicator = fields[5].strip()
    if indicator not in MODIFIER_INDICATORS:
        raise FileFormatError(number, f"the modifier indicator is {indicator!r}, expected 0, 1 or 9")
    rationale = fields[6].strip() if len(fields) > 6 else ""
    return (number, column1, column2, prior == "*", date_start, date_end, indicator, rationale)


def release_from_filename(filename):
    """The release named in a CMS file name, e.g. ``v322r0`` in ``ccipra-v322r0-f1.txt``, or None."""
    match = re.search(r"v(\d{3,4})r(\d+)", filename or "", re.IGNORECASE)
    return f"v{match.group(1)}r{match.group(2)}" if match else None
