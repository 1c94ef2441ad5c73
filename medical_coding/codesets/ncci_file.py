# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Streaming parser of the CMS NCCI PTP practitioner file (``ccipra-v<release>-f<part>.txt``).

Layout: tab-separated, CRLF, a few header lines (copyright notice, "Column1/Column2 Edits", column titles
spread over four lines), then one edit per line::

    column 1 <TAB> column 2 <TAB> * (in existence before 1996) or empty <TAB> effective date YYYYMMDD
    <TAB> deletion date YYYYMMDD or * (none) <TAB> modifier indicator 0/1/9 <TAB> rationale

The parser reads one line at a time and yields plain tuples; a bad line raises :class:`CodeFileError`
naming its line number. :func:`open_sources` gives the streams of a file or of the members of a ZIP, read
in chunks and capped, so a damaged or bomb ZIP raises :class:`CodeFileError` too. No Odoo import.
"""

import functools
import io
import re
from datetime import date

from . import common
from .common import is_zip, zip_members
from .errors import CodeFileError

CODE_RE = re.compile(r"\A[0-9A-Z]{5}\Z")
DATE_RE = re.compile(r"\A[0-9]{8}\Z")
MODIFIER_INDICATORS = ("0", "1", "9")
MAX_HEADER_LINES = 20
#: the most one ZIP member may expand to (a CMS practitioner file part is about 100 MB)
MAX_EXPANDED_SIZE = 512 * 1024 * 1024
#: the longest line read (an edit line is under 200 characters): a file without line breaks is refused
MAX_LINE_LENGTH = 64 * 1024


#: ``repr`` of a field for a message, shortened: a bad field is named, never copied whole
shown = functools.partial(common.shown, limit=20)


def bounded_lines(lines):
    """The lines of a stream read ``MAX_LINE_LENGTH`` at most at a time (any other iterable as is):
    a huge "line" is refused with its number instead of being read whole into memory."""
    if not hasattr(lines, "readline"):
        yield from lines
        return
    number = 0
    while line := lines.readline(MAX_LINE_LENGTH + 1):
        number += 1
        if len(line) > MAX_LINE_LENGTH and line[-1:] not in (b"\n", "\n", "\r"):
            raise CodeFileError(number, f"the line is longer than {MAX_LINE_LENGTH} characters")
        yield line


def check_text(text, line):
    """Refuse a NUL byte (PostgreSQL text cannot hold it) before anything reaches the database."""
    if "\x00" in text:
        raise CodeFileError(line, "the line holds a NUL byte: this is not a text file")


def open_sources(data, suffixes=(".txt", ".csv"), limit=None):
    """The binary streams of an import: ``data`` is the file's bytes, or a binary file object (never a
    path: only the server's command line reads server files). A ZIP (CMS ships its files zipped) gives
    each of its members ending in ``suffixes``, in name order, each capped at ``limit`` bytes
    (``MAX_EXPANDED_SIZE``) by :func:`.common.zip_members`. Yields (member name or None, binary stream)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        stream = io.BytesIO(data)
    elif hasattr(data, "read") and hasattr(data, "seek"):
        stream = data
    else:
        raise TypeError("an edit file is given as its content (bytes) or a binary file object")
    limit = MAX_EXPANDED_SIZE if limit is None else limit
    if not is_zip(stream):
        yield None, stream
        return
    found = False
    for name, member in zip_members(stream, lambda name: name.lower().endswith(suffixes), limit, "CMS edit"):
        found = True
        yield name, member
    if not found:
        raise CodeFileError(0, f"the ZIP file holds no {' or '.join(suffixes)} file")


def decode_line(raw):
    """Bytes of one line to text: UTF-8 when it is, else Latin-1 (CMS files are ASCII or Latin-1)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_date(text, line, what):
    if not DATE_RE.match(text):
        raise CodeFileError(line, f"the {what} {shown(text)} is not a date written YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise CodeFileError(line, f"the {what} {shown(text)} is not a calendar date") from None


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
    for number, raw in enumerate(bounded_lines(lines), start=1):
        text = decode_line(raw) if isinstance(raw, bytes) else raw
        text = text.rstrip("\r\n")
        if not text.strip("\t "):
            continue
        check_text(text, number)
        fields = text.split("\t")
        if not in_data:
            if not _looks_like_data(fields):
                if number > MAX_HEADER_LINES:
                    raise CodeFileError(number, "no NCCI PTP edit found after the header lines")
                continue
            in_data = True
        yield parse_fields(fields, number)
    if not in_data:
        raise CodeFileError(0, "the file holds no NCCI PTP edit")


def parse_fields(fields, number):
    if len(fields) < 6:
        raise CodeFileError(
            number, f"{len(fields)} tab-separated fields, an NCCI PTP edit line has 7 (6 at least)"
        )
    column1, column2 = fields[0].strip().upper(), fields[1].strip().upper()
    for value, what in ((column1, "column 1 code"), (column2, "column 2 code")):
        if not CODE_RE.match(value):
            raise CodeFileError(number, f"the {what} {shown(value)} is not a 5-character CPT/HCPCS code")
    prior = fields[2].strip()
    if prior not in ("", "*"):
        raise CodeFileError(number, f"the 'prior to 1996' flag is {shown(prior)}, expected '*' or nothing")
    date_start = parse_date(fields[3].strip(), number, "effective date")
    deletion = fields[4].strip()
    date_end = None if deletion in ("", "*") else parse_date(deletion, number, "deletion date")
    if date_end and date_end < date_start:
        raise CodeFileError(number, "the deletion date is before the effective date")
    indicator = fields[5].strip()
    if indicator not in MODIFIER_INDICATORS:
        raise CodeFileError(number, f"the modifier indicator is {shown(indicator)}, expected 0, 1 or 9")
    rationale = fields[6].strip() if len(fields) > 6 else ""
    return (number, column1, column2, prior == "*", date_start, date_end, indicator, rationale)


def release_from_filename(filename):
    """The release named in a CMS file name, e.g. ``v322r0`` in ``ccipra-v322r0-f1.txt``, or None."""
    match = re.search(r"v(\d{3,4})r(\d+)", filename or "", re.IGNORECASE)
    return f"v{match.group(1)}r{match.group(2)}" if match else None
