# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""HCPCS Level II procedures and modifiers from the CMS fixed-width contractor file.

The file (``HCPC<year>_CONTR_ANWEB.txt``, also inside the CMS zip) holds 320-character records, ISO-8859-1,
after a few lines of disclaimer. Columns (1-based, inclusive), from ``HCPCS<year>_recordlayout.txt``:

====================  =========  ==================================================================
field                 columns    notes
====================  =========  ==================================================================
code                  1-5        modifier records: 3 blanks then the modifier in 4-5
sequence number       6-10
record id             11         3 procedure, 4 its continuation, 7 modifier, 8 its continuation
long description      12-91      continued on the record-id 4/8 lines, joined with a space
short description     92-119
code added date       269-276    YYYYMMDD
action effective      277-284    YYYYMMDD, the date of the last action (add, change, discontinue…)
termination date      285-292    YYYYMMDD, blank while the code is in force
action code           293        A add, C/B/S/F/P/T changes, D discontinue, R reactivate, N none
====================  =========  ==================================================================
"""

import re

from .common import CodeRow, CodeSet, decode, no_progress, parse_yyyymmdd, split_lines, unzip
from .errors import CodeFileError

PROCEDURE, PROCEDURE_MORE, MODIFIER, MODIFIER_MORE = "3", "4", "7", "8"
RECORD_IDS = {PROCEDURE, PROCEDURE_MORE, MODIFIER, MODIFIER_MORE}
RECORD_LENGTH = 320
MIN_LENGTH = 293  # through the action code; CMS files sometimes lose trailing blanks
CODE_RE = re.compile(r"[A-Z]\d{4}")
MODIFIER_RE = re.compile(r"[0-9A-Z]{2}")
ACTION_CODES = set("ABCDFNPRST")


def _looks_like_record(line):
    return len(line) >= 11 and line[10] in RECORD_IDS and line[5:10].isdigit()


def parse(data, filename=None, progress=no_progress):
    """Parse the CMS HCPCS contractor file (bytes, or the CMS zip) into a :class:`CodeSet`.

    Procedures come as system ``hcpcs``, modifiers as system ``modifier``; both keep their CMS add date
    (``date_start``) and termination date (``date_end``).
    """
    data = unzip(data, r"contr.*\.txt$", "HCPCS contractor record")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = decode(data, ["iso-8859-1"])  # the CMS encoding; every byte is a character in it
    lines = split_lines(text)
    # a file cut short ends inside a record: its last line has no line break and not its 320 characters
    unterminated = bool(text) and not text.endswith("\n")
    first = next((i for i, line in enumerate(lines) if _looks_like_record(line)), None)
    if first is None:
        raise CodeFileError(
            0,
            "no HCPCS record found: this is not the CMS contractor file "
            "(HCPC<year>_CONTR_ANWEB.txt, 320-character records)",
        )
    rows = []
    seen = {}
    action_dates = []
    current = None  # [row, line number, kind of its continuation lines, long description parts]
    total = len(lines)

    def close():
        if current:
            current[0].description = " ".join(part for part in current[3] if part)

    for index in range(first, total):
        number = index + 1
        line = lines[index]
        if not line.strip() or line.strip() == "\x1a":
            continue
        if index % 2000 == 0:
            progress(index / total, f"{len(rows)} codes read")
        record_id, code, is_modifier = _record_code(line, number, unterminated and number == total)
        long_part = line[11:91].strip()
        if record_id in (PROCEDURE_MORE, MODIFIER_MORE):
            if not current or current[0].code != code or current[2] != record_id:
                raise CodeFileError(
                    number, f"continuation line of {code} does not follow the first line of {code}"
                )
            current[3].append(long_part)
            continue
        close()
        system = "modifier" if is_modifier else "hcpcs"
        if (system, code) in seen:
            raise CodeFileError(number, f"{code} appears twice (first on line {seen[system, code]})")
        seen[system, code] = number
        row = _code_row(line, number, system, code, long_part, action_dates)
        rows.append(row)
        current = [row, number, PROCEDURE_MORE if record_id == PROCEDURE else MODIFIER_MORE, [long_part]]
    close()
    progress(1.0, f"{len(rows)} codes read")
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", filename or "")
    return CodeSet(
        rows=rows,
        systems=("hcpcs", "modifier"),
        # the release takes effect on its latest action date (January 1 for an annual file)
        release_date=max(action_dates, default=None),
        label="HCPCS Level II" + (f" {years[0]}" if years else ""),
        dates_from_file=True,
    )


def _record_code(line, number, last_unterminated):
    """Check the length, record id and code of one record; return ``(record id, code, is modifier)``."""
    if len(line) < 91 or (len(line) < MIN_LENGTH and line[10:11] in (PROCEDURE, MODIFIER)):
        raise CodeFileError(
            number,
            f"record is {len(line)} characters long, a HCPCS contractor record has {RECORD_LENGTH} "
            "(is the file truncated?)",
        )
    if last_unterminated and len(line) < RECORD_LENGTH:
        raise CodeFileError(
            number,
            f"the last record is {len(line)} characters long, without line break: the file is truncated",
        )
    if len(line) > RECORD_LENGTH:
        raise CodeFileError(number, f"record is {len(line)} characters long, expected {RECORD_LENGTH}")
    record_id = line[10]
    if record_id not in RECORD_IDS or not line[5:10].isdigit():
        raise CodeFileError(
            number,
            f"unknown record id {record_id!r} in column 11 (expected 3, 4, 7 or 8) "
            "or no sequence number in columns 6-10",
        )
    is_modifier = record_id in (MODIFIER, MODIFIER_MORE)
    if is_modifier:
        code = line[3:5]
        if line[:3].strip() or not MODIFIER_RE.fullmatch(code):
            raise CodeFileError(number, f"modifier {line[:5]!r} is not two letters or digits in columns 4-5")
    else:
        code = line[:5]
        if not CODE_RE.fullmatch(code):
            raise CodeFileError(number, f"code {code!r} is not a HCPCS Level II code (a letter and 4 digits)")
    return record_id, code, is_modifier


def _code_row(line, number, system, code, long_part, action_dates):
    """The :class:`CodeRow` of a record's first line; its action date is added to ``action_dates``."""
    short = line[91:119].strip()
    added = parse_yyyymmdd(line[268:276], number, "code added date (columns 269-276)")
    action_date = parse_yyyymmdd(line[276:284], number, "action effective date (columns 277-284)")
    terminated = parse_yyyymmdd(line[284:292], number, "termination date (columns 285-292)")
    action = line[292:293].strip()
    if action_date:
        action_dates.append(action_date)
    if action and action not in ACTION_CODES:
        raise CodeFileError(number, f"action code {action!r} in column 293 is not one CMS defines")
    if not (short or long_part):
        raise CodeFileError(number, f"{code} has neither a long nor a short description")
    # In force from the day it was added; a reactivated code from its reactivation.
    start = action_date if action == "R" and action_date else added or (action == "A" and action_date) or None
    row = CodeRow(system, code, short or long_part[:28], date_start=start, date_end=terminated)
    return row
