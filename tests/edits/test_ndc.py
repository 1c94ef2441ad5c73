# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""NDC normalisation to 11 digits from every package form."""

import pytest
from medical_edits import ndc


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0409-4888-02", "00409488802"),  # 4-4-2: labeler gets the zero
        ("00409-488-02", "00409048802"),  # 5-3-2: product gets the zero
        ("00409-4888-2", "00409488802"),  # 5-4-1: package gets the zero
        ("00409-4888-02", "00409488802"),  # 5-4-2 already
        ("00409488802", "00409488802"),  # 11 digits
        (" 0409-4888-02 ", "00409488802"),
    ],
)
def test_normalize_every_package_form(value, expected):
    assert ndc.normalize(value) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        ("0409488802", "10 digits without dashes"),
        ("0409-488-02", "not in a package form"),
        ("00409-4888-002", "is not an NDC"),
        ("ABCDE-1234-12", "is not an NDC"),
        ("", "empty"),
    ],
)
def test_normalize_refuses(value, message):
    with pytest.raises(ndc.NdcError, match=message):
        ndc.normalize(value)


def test_units_and_drug_codes():
    ndc.check_unit("ML")
    with pytest.raises(ndc.NdcError, match="F2, GR, ME, ML, UN"):
        ndc.check_unit("MG")
    assert ndc.format_542("00409488802") == "00409-4888-02"
    assert ndc.is_drug_code("J1100") and ndc.is_drug_code("Q5103") and ndc.is_drug_code("A9552")
    assert not ndc.is_drug_code("99213") and not ndc.is_drug_code("E0601") and not ndc.is_drug_code("Q4101")


def test_check_drug_lines_only_for_requiring_payers():
    from datetime import date

    from medical_edits.engine import CodeInfo, EncounterData, ProcedureLine

    def proc(line_id, code, ndc_code=None):
        return ProcedureLine(
            line_id, 10, CodeInfo(code, "hcpcs", id=line_id), pointers="A", ndc_code=ndc_code
        )

    enc = EncounterData(
        id=1,
        patient=1,
        date_service=date(2026, 3, 10),
        procedures=[proc(11, "96372"), proc(12, "J1100"), proc(13, "J3301", "00003029305")],
    )
    (finding,) = ndc.check_drug_lines([enc], {1})
    assert finding.edit_code == "NDC_MISSING" and finding.procedure_id == 12 and finding.is_error
    assert finding.message.startswith("Line 2 (J1100): the payer requires the NDC")
    assert ndc.check_drug_lines([enc], set()) == []
