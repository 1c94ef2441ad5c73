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
