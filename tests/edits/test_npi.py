# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import pytest
from medical_edits import npi


@pytest.mark.parametrize("value", ["1234567893", "1245319599", "1003000126", "2000000002"])
def test_valid_npis(value):
    assert npi.is_valid_npi(value)
    assert npi.npi_error(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1234567890", "check digit"),
        ("1234567894", "check digit"),
        ("123456789", "10 digits"),
        ("12345678930", "10 digits"),
        ("12345A7893", "10 digits"),
        ("１２３４５６７８９３", "10 digits"),  # full-width digits are not ASCII digits
        ("3234567890", "starts with 1 or 2"),
        ("", "required"),
        (None, "required"),
    ],
)
def test_invalid_npis(value, reason):
    assert not npi.is_valid_npi(value)
    assert reason in npi.npi_error(value)


def test_check_digit_is_luhn_over_80840_prefix():
    # CMS example: 123456789 -> 80840123456789 -> check digit 3
    assert npi.luhn_check_digit("80840123456789") == 3
    assert npi.complete_npi("123456789") == "1234567893"
    for first_nine in ("100000000", "199999999", "212345678"):
        full = npi.complete_npi(first_nine)
        assert npi.is_valid_npi(full)
        wrong = full[:9] + str((int(full[9]) + 1) % 10)
        assert not npi.is_valid_npi(wrong)


def test_complete_npi_needs_nine_digits():
    with pytest.raises(ValueError):
        npi.complete_npi("12345678")
