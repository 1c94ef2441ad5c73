# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""CPT CSV and place-of-service parsers, and the POS data the addon ships against the CMS list."""

from pathlib import Path

import pytest
from lxml import etree
from medical_codesets import cpt, pos
from medical_codesets.errors import CodeFileError

ADDON = Path(__file__).resolve().parents[2] / "medical_coding"


def test_cpt_csv_with_header():
    data = (
        b"Code,Short Descriptor,Long Descriptor\r\n"
        b'99213,Office visit est,"Invented long text for 99213, with a comma"\r\n'
        b"0001U,PLA test,\r\n"
        b"\r\n"
        b"1234F,,Category II invented text\r\n"
    )
    code_set = cpt.parse(data, "cpt.csv")
    assert [(r.code, r.name, r.description) for r in code_set.rows] == [
        ("99213", "Office visit est", "Invented long text for 99213, with a comma"),
        ("0001U", "PLA test", "PLA test"),
        ("1234F", "Category II invented text", "Category II invented text"),
    ]
    assert code_set.systems == ("cpt",) and not code_set.dates_from_file


def test_cpt_tab_separated_without_header_in_cp1252():
    data = "99214\tOffice visit est mod\tInvented \u2013 text\n".encode("cp1252")
    code_set = cpt.parse(data, "cpt.txt")
    assert [(r.code, r.description) for r in code_set.rows] == [("99214", "Invented \u2013 text")]


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"code,short,long\n99213,a,b\n9921,c,d\n", 3, "'9921' in the first column is not a CPT code"),
        (b"99213,a,b\n99213,c,d\n", 2, "code 99213 appears twice (first on line 1)"),
        (b"99213,a,b\n99214,,\n", 2, "code 99214 has no descriptor"),
        (b"99213,a,b\n99214,\x81\x8d,c\n", 2, "byte 0x81 cannot be read as text"),
        (b'99213,a,b\n99214,"unterminated\n', 2, "the CSV cannot be read"),
        (b"99213,a,b\n\x00\x00", 2, "NUL bytes"),
    ],
)
def test_cpt_refusals_name_the_line(data, line, message):
    with pytest.raises(CodeFileError) as info:
        cpt.parse(data, "cpt.csv")
    assert info.value.line == line and message in info.value.message, info.value


def test_pos_fhir_and_tsv_agree(shared_dir):
    folder = shared_dir / "cms" / "pos"
    fhir = pos.parse((folder / "cs-CMS-PlaceofServiceCodes.xml").read_bytes())
    tsv = pos.parse((folder / "place_of_service_codes.derived.tsv").read_bytes())
    assert len(fhir.rows) == len(tsv.rows) == 52
    assert [(r.code, r.name, r.description) for r in fhir.rows] == [
        (r.code, r.name, r.description) for r in tsv.rows
    ]
    office = next(r for r in fhir.rows if r.code == "11")
    assert office.name == "Office" and office.description.startswith("Location, other than a hospital")
    assert fhir.release_date.isoformat() == "2024-05-02"


def test_shipped_pos_data_equals_the_cms_list(shared_dir):
    """The addon's own data file (written from the CMS public-domain list) matches the CMS list."""
    tsv = pos.parse((shared_dir / "cms" / "pos" / "place_of_service_codes.derived.tsv").read_bytes())
    root = etree.parse(str(ADDON / "data" / "medical_code_pos_data.xml")).getroot()
    shipped = [
        ({f.get("name"): f.text for f in record.iter("field")}, record.get("id"))
        for record in root.iter("record")
    ]
    assert all(values["system"] == "pos" and values["origin"] == "pos" for values, _xmlid in shipped)
    assert [(values["code"], values["name"]) for values, _xmlid in shipped] == [
        (r.code, r.name) for r in tsv.rows
    ]
    assert all(xmlid == f"medical_code_pos_{values['code']}" for values, xmlid in shipped)
    assert root.find("data").get("noupdate") == "1"


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"pos_code\tpos_name\n11\tOffice\n1\tBad\n", 3, "'1' is not a two-digit code"),
        (b"11\tOffice\n11\tOffice again\n", 2, "appears twice"),
        (b"11\t\n", 1, "has no name"),
        (b'<CodeSystem xmlns="http://hl7.org/fhir">\n<concept><code value="AB"/></concept>\n</CodeSystem>', 2,
         "'AB' is not a two-digit code"),
        (b'<CodeSystem xmlns="http://hl7.org/fhir">\n<concept>\n', 3, "not well-formed XML"),
        (b"<ValueSet/>", 1, "not a FHIR <CodeSystem>"),
    ],
)  # fmt: skip
def test_pos_refusals_name_the_line(data, line, message):
    with pytest.raises(CodeFileError) as info:
        pos.parse(data, "pos.tsv")
    assert info.value.line == line and message in info.value.message, info.value
