# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The NCCI PTP and MUE parsers on the real CMS excerpts and on files written in the same layouts."""

import io
from datetime import date

import pytest
from medical_codesets import mue_file, ncci_file
from medical_codesets.errors import CodeFileError

NCCI_EXCERPT = "cms/ncci/ccipra-v322r0-f1.excerpt.txt"
MUE_EXCERPT = "cms/mue/MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"

NCCI_HEADER = (
    b"CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t\r\n"
    b"Column1/Column2 Edits\t\t\t\t\t\t\r\n"
    b"Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\r\n"
    b"\t\tprior to 1996\tDate\tDate\t0=not allowed\t\r\n"
    b"\t\t\t\t*=no data\t1=allowed\t\r\n"
    b"\t\t\t\t\t9=not applicable\t\r\n"
)
MUE_HEADER = (
    b'"Current Procedural Terminology (CPT) codes ... copyright 2025 American Medical Association. \r\n\r\n'
    b'CPT\xae is a registered trademark of the American Medical Association.",,,\r\n'
    b'"HCPCS/\r\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\r\n'
)


def ncci(*lines):
    return io.BytesIO(NCCI_HEADER + b"".join(line.encode() + b"\r\n" for line in lines))


def mue(*lines):
    return io.BytesIO(MUE_HEADER + b"".join(line.encode("latin-1") + b"\r\n" for line in lines))


def test_ncci_real_excerpt(shared_dir):
    with open(shared_dir / NCCI_EXCERPT, "rb") as stream:
        rows = list(ncci_file.parse(stream))
    assert len(rows) == 154
    assert rows[0] == (
        7,
        "0001A",
        "0591T",
        False,
        date(2022, 1, 1),
        date(2023, 12, 31),
        "1",
        "CPT Manual or CMS manual coding instruction",
    )
    last = rows[-1]
    assert last[0] == 160 and last[1:3] == ("0001U", "81166") and last[5] is None
    assert {row[6] for row in rows} <= {"0", "1", "9"}
    assert ncci_file.release_from_filename(NCCI_EXCERPT) == "v322r0"


def test_ncci_prior_1996_and_open_deletion():
    rows = list(
        ncci_file.parse(
            ncci("99213\t36415\t*\t19960101\t*\t0\tMisuse of Column Two code with Column One code")
        )
    )
    assert rows == [
        (
            7,
            "99213",
            "36415",
            True,
            date(1996, 1, 1),
            None,
            "0",
            "Misuse of Column Two code with Column One code",
        )
    ]


def test_ncci_without_header_and_with_lf():
    rows = list(ncci_file.parse(io.BytesIO(b"20610\t96372\t\t20200101\t*\t1\tx\n")))
    assert rows[0][1:3] == ("20610", "96372")


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("2061\t96372\t\t20200101\t*\t1\tx", "column 1 code"),
        ("20610\t9637\t\t20200101\t*\t1\tx", "column 2 code"),
        ("20610\t96372\tX\t20200101\t*\t1\tx", "prior to 1996"),
        ("20610\t96372\t\t2020-01-01\t*\t1\tx", "effective date"),
        ("20610\t96372\t\t20201301\t*\t1\tx", "calendar date"),
        ("20610\t96372\t\t20200101\t20191231\t1\tx", "before the effective date"),
        ("20610\t96372\t\t20200101\t*\t2\tx", "modifier indicator"),
        ("20610\t96372\t\t20200101", "tab-separated fields"),
    ],
)
def test_ncci_bad_rows_name_their_line(bad, reason):
    stream = ncci("20610\t20611\t\t20200101\t*\t1\tok", bad, "20610\t20612\t\t20200101\t*\t1\tok")
    with pytest.raises(CodeFileError) as info:
        list(ncci_file.parse(stream))
    assert info.value.line == 8
    assert reason in str(info.value)


def test_ncci_empty_file():
    with pytest.raises(CodeFileError):
        list(ncci_file.parse(io.BytesIO(NCCI_HEADER)))


def test_mue_real_excerpt(shared_dir):
    with open(shared_dir / MUE_EXCERPT, "rb") as stream:
        rows = list(mue_file.parse(stream))
    assert len(rows) == 44
    assert rows[0] == (10, "0001U", 1, "2", "Code Descriptor / CPT Instruction")
    assert rows[1] == (11, "0002M", 1, "3", "Nature of Analyte")
    assert rows[-1][0] == 53
    assert mue_file.effective_from_filename(MUE_EXCERPT) == date(2026, 7, 1)


def test_mue_indicators_and_latin1():
    rows = list(
        mue_file.parse(
            mue("96372,4,1 Line Edit,Clinical: Data \xb7 note", "36415,2,2 Date of Service Edit: Policy,x")
        )
    )
    assert rows[0][1:4] == ("96372", 4, "1") and rows[0][4].endswith("\xb7 note")
    assert rows[1][3] == "2"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("9637,1,1 Line Edit,x", "5-character"),
        ("96372,one,1 Line Edit,x", "whole number"),
        ("96372,-1,1 Line Edit,x", "whole number"),
        ("96372,1,4 Something,x", "adjudication indicator"),
        ("96372,1,12 Line Edit,x", "adjudication indicator"),
        ("96372,1", "fields"),
    ],
)
def test_mue_bad_rows_name_their_line(bad, reason):
    with pytest.raises(CodeFileError) as info:
        list(mue_file.parse(mue("96371,1,1 Line Edit,ok", bad)))
    assert info.value.line == 7
    assert reason in str(info.value)


def test_mue_effective_date_from_name():
    assert mue_file.effective_from_filename("MCR_MUE_PractitionerServices_Eff_01-01-2027.csv") == date(
        2027, 1, 1
    )
    assert mue_file.effective_from_filename("mue.csv") is None
    assert mue_file.effective_from_filename("MUE_Eff_13-45-2027.csv") is None
