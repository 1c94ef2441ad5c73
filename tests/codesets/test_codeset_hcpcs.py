# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""HCPCS Level II contractor file parser, on the real CMS 2019 file and on broken copies of it."""

from collections import Counter
from datetime import date

import pytest
from medical_codesets import hcpcs
from medical_codesets.errors import CodeFileError

FILENAME = "HCPC2019_CONTR_ANWEB.txt"


def _lines(data):
    return data.split(b"\r\n")


def _bad(data):
    with pytest.raises(CodeFileError) as info:
        hcpcs.parse(data, FILENAME)
    return info.value


def test_real_2019_file(hcpcs_2019):
    code_set = hcpcs.parse(hcpcs_2019, FILENAME)
    counts = Counter(row.system for row in code_set.rows)
    assert counts == {"hcpcs": 6440, "modifier": 360}
    assert code_set.systems == ("hcpcs", "modifier")
    assert code_set.dates_from_file
    assert code_set.release_date == date(2019, 1, 1)
    rows = {(row.system, row.code): row for row in code_set.rows}
    # a modifier whose long description continues on a record-id 8 line
    ad = rows["modifier", "AD"]
    assert ad.name == "Md supervision, >4 anes proc"
    assert (
        ad.description
        == "Medical supervision by a physician: more than four concurrent anesthesia procedures"
    )
    assert ad.date_start == date(1984, 1, 1) and ad.date_end is None
    # a procedure continued over many record-id 4 lines, terminated at the end of 2017
    g0503 = rows["hcpcs", "G0503"]
    assert g0503.description.startswith(
        "Subsequent psychiatric collaborative care management, first 60 minutes"
    )
    assert g0503.description.endswith("are prepared for discharge from active treatment")
    assert len(g0503.description) > 1000
    assert g0503.date_start == date(2017, 1, 1) and g0503.date_end == date(2017, 12, 31)
    assert rows["hcpcs", "A4206"].date_end is None
    assert sum(1 for row in code_set.rows if row.date_end) == 515
    # each long description is the concatenation of all its lines: no line lost, none counted twice
    text = hcpcs_2019.decode("iso-8859-1")
    continuation_lines = sum(1 for line in text.split("\r\n") if len(line) > 11 and line[10] in "48")
    assert continuation_lines == 4656 + 166


def test_zip_of_the_release(hcpcs_2019):
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("HCPC2019_CONTR_ANWEB.txt", hcpcs_2019)
        zipped.writestr("HCPC2019_README.txt", b"readme")
    assert len(hcpcs.parse(archive.getvalue(), "19anweb.zip").rows) == 6800


def test_truncated_file(hcpcs_2019):
    cut = hcpcs_2019[: hcpcs_2019.index(b"\r\n", len(hcpcs_2019) // 2) + 150]
    error = _bad(cut)
    assert error.line == cut.count(b"\n") + 1
    assert "truncated" in error.message


def test_bad_date_names_its_line(hcpcs_2019):
    lines = _lines(hcpcs_2019)
    number = next(i for i, line in enumerate(lines) if line[:5] == b"J1100" and line[10:11] == b"3")
    line = lines[number]
    lines[number] = line[:268] + b"20191340" + line[276:]
    error = _bad(b"\r\n".join(lines))
    assert error.line == number + 1
    assert "code added date (columns 269-276) '20191340' is not a valid date" in error.message


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (10, b"5", "unknown record id '5' in column 11"),
        (0, b"J11X0", "'J11X0' is not a HCPCS Level II code"),
        (292, b"Z", "action code 'Z' in column 293"),
    ],
)
def test_unparsable_record_names_its_line(hcpcs_2019, column, value, message):
    lines = _lines(hcpcs_2019)
    number = next(i for i, line in enumerate(lines) if line[:5] == b"J1100" and line[10:11] == b"3")
    lines[number] = lines[number][:column] + value + lines[number][column + len(value) :]
    error = _bad(b"\r\n".join(lines))
    assert error.line == number + 1 and message in error.message, error


def test_orphan_continuation_and_duplicate(hcpcs_2019):
    lines = _lines(hcpcs_2019)
    first = next(i for i, line in enumerate(lines) if line[10:11] == b"3")
    orphan = lines[first][:10] + b"4" + lines[first][11:]
    error = _bad(b"\r\n".join([*lines[:first], orphan, *lines[first:]]))
    assert error.line == first + 1 and "does not follow the first line" in error.message
    error = _bad(b"\r\n".join([*lines[: first + 1], lines[first], *lines[first + 1 :]]))
    assert error.line == first + 2 and "appears twice" in error.message


def test_wrong_format():
    error = _bad(b"code,short,long\r\n99213,Office visit,Office visit\r\n")
    assert error.line == 0 and "no HCPCS record found" in error.message
