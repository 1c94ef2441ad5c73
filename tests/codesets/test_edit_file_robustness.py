# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""NCCI PTP and MUE readers under hostile input: only CodeFileError, bounded numbers, lines and zips."""

import io
import zipfile

import pytest
from medical_codesets import mue_file, ncci_file
from medical_codesets.errors import CodeFileError

NCCI_HEADER = b"Column1/Column2 Edits\t\t\t\t\t\t\r\n"
MUE_HEADER = (
    b'"HCPCS/\r\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\r\n'
)
NCCI_LINE = b"0001A\t36591\t\t20220101\t20231231\t0\tMisuse of Column Two code with Column One code\r\n"
MUE_LINE = b"0001U,1,1 Line Edit,Nature of Service/Procedure\r\n"


def parse_ncci(data):
    return [row for _name, stream in ncci_file.open_sources(data) for row in ncci_file.parse(stream)]


def parse_mue(data):
    return [
        row for _name, stream in ncci_file.open_sources(data, (".csv",)) for row in mue_file.parse(stream)
    ]


def refused(parse, data):
    with pytest.raises(CodeFileError) as caught:
        parse(data)
    assert type(caught.value) is CodeFileError
    return caught.value


def test_plain_files_parse():
    assert parse_ncci(NCCI_HEADER + NCCI_LINE)[0][1:3] == ("0001A", "36591")
    assert parse_mue(MUE_HEADER + MUE_LINE)[0][1:4] == ("0001U", 1, "1")


@pytest.mark.parametrize(
    "value", ["\u00b2", "\u0663", "1" * 10, "99999999999999999999999", "-1", "1.0"], ids=repr
)
def test_mue_value_must_be_up_to_9_ascii_digits(value):
    error = refused(parse_mue, MUE_HEADER + f"0001U,{value},1 Line Edit,x\r\n".encode("latin-1", "replace"))
    assert error.line == 3 and "is not a whole number of units (at most 9 digits)" in error.message


def test_mue_non_ascii_digit_from_the_issue_is_refused():
    error = refused(parse_mue, MUE_HEADER + b"0001U,\xb2,1 Line Edit,x\r\n")
    assert str(error) == "Line 3: the MUE value '\u00b2' is not a whole number of units (at most 9 digits)"


@pytest.mark.parametrize(
    "parse, data, line",
    [
        (parse_mue, MUE_HEADER + b"0001U,1,1 Line Edit,Nature\x00 of Service\r\n", 3),
        (parse_mue, MUE_HEADER + MUE_LINE + b"0001U\x00,1,1 Line Edit,x\r\n", 4),
        (parse_ncci, NCCI_HEADER + NCCI_LINE.replace(b"Misuse", b"Mis\x00use"), 2),
        (parse_ncci, NCCI_HEADER + NCCI_LINE + b"\x00" * 30 + b"\r\n", 3),
    ],
)
def test_nul_bytes_never_reach_the_database(parse, data, line):
    error = refused(parse, data)
    assert error.line == line and "NUL byte" in error.message


def test_long_fields_are_named_not_copied():
    error = refused(parse_ncci, NCCI_HEADER + b"X" * 5000 + NCCI_LINE[5:])
    assert len(str(error)) < 200 and "XXXXXXXXXXXXXXXXXXXX…" in str(error)


def test_a_line_without_end_is_refused_not_read_whole():
    error = refused(parse_ncci, NCCI_HEADER + b"0001A\t" + b"9" * (ncci_file.MAX_LINE_LENGTH + 10))
    assert error.line == 2 and "longer than 65536 characters" in error.message
    error = refused(parse_mue, MUE_HEADER + b"0001U," + b"9" * (ncci_file.MAX_LINE_LENGTH + 10))
    assert error.line == 3 and "longer than 65536 characters" in error.message


# --------------------------------------------------------------------------------------------
# zip inputs


def zipped(name, payload):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


NCCI_ZIP = zipped("ccipra-v322r0-f1.txt", NCCI_HEADER + NCCI_LINE * 50)


def test_zip_parses():
    assert len(parse_ncci(NCCI_ZIP)) == 50


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: d[: len(d) // 2], id="truncated"),
        pytest.param(lambda d: d[:60] + bytes(b ^ 0x5A for b in d[60:120]) + d[120:], id="flipped"),
        pytest.param(lambda d: d[:4] + b"\xff" * 26 + d[30:], id="header"),
    ],
)
def test_damaged_zip_is_refused(damage):
    error = refused(parse_ncci, damage(NCCI_ZIP))
    assert error.line == 0 and "damaged" in error.message


def test_encrypted_zip_is_refused():
    data = bytearray(NCCI_ZIP)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + offset] |= 0x1
    error = refused(parse_ncci, bytes(data))
    assert error.message == "the ZIP member 'ccipra-v322r0-f1.txt' is encrypted: unzip it first"


def test_zip_bomb_is_refused_at_the_cap(monkeypatch):
    monkeypatch.setattr(ncci_file, "MAX_EXPANDED_SIZE", 2 * 1024 * 1024)
    bomb = zipped("ccipra-v322r0-f1.txt", NCCI_HEADER + NCCI_LINE * 400_000)  # 35 MB of valid edits
    assert len(bomb) < 200_000
    error = refused(parse_ncci, bomb)
    assert "'ccipra-v322r0-f1.txt' expands to more than 2 MB" in error.message


def test_zip_bomb_lying_about_its_size_stops_at_the_cap(monkeypatch):
    monkeypatch.setattr(ncci_file, "MAX_EXPANDED_SIZE", 2 * 1024 * 1024)
    bomb = bytearray(zipped("ccipra-v322r0-f1.txt", NCCI_HEADER + NCCI_LINE * 400_000))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = bomb.index(signature) + offset
        bomb[start : start + 4] = (100).to_bytes(4, "little")
    error = refused(parse_ncci, bytes(bomb))
    assert "damaged (BadZipFile)" in error.message


def test_a_path_is_never_opened():
    with pytest.raises(TypeError):
        list(ncci_file.open_sources("/etc/passwd"))
