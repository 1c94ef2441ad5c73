# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The CSV layout of coverage policies: rows grouped by reference, the first bad line refused."""

from datetime import date

import pytest
from medical_edits import policy_file
from medical_edits.policy_file import PolicyFileError

HEADER = (
    "reference,title,kind,payer_class,date_start,date_end,"
    "procedures,covered,covered_pairs,sex,capped_rental\n"
)


def test_rows_of_one_policy_are_grouped():
    (policy,) = policy_file.parse(
        HEADER
        + "L1,Lab,local,medicare,2025-01-01,,83036,E11*,,,\n"
        + "L1,,,,,,82947,E11.9,E78.5+Z79.4,female,\n"
        + ",,,,,,,,,,\n"
    )
    assert (policy["reference"], policy["kind"], policy["date_start"]) == ("L1", "local", date(2025, 1, 1))
    assert [r["procedures"] for r in policy["rules"]] == ["83036", "82947"]
    assert policy["rules"][1]["sex"] == "female"
    assert policy_file.to_rule(policy["rules"][1]).pairs[0][0].text == "E78.5"


@pytest.mark.parametrize(
    "rows, line, message",
    [
        (
            "L1,Lab,local,medicare,,,83036,,,,\nL1,Lab,payer,medicare,,,82947,,,,\n",
            3,
            "kind differs from line 2",
        ),
        ("L1,Lab,local,medicare,2025-02-30,,83036,,,,\n", 2, "date_start 2025-02-30 is not a date"),
        ("L1,Lab,local,medicare,,,,E11*,,,\n", 2, "the procedures are empty"),
        ("L1,Lab,local,medicaid2,,,83036,,,,\n", 2, "payer_class is one of"),
        ("L1,Lab,local,medicare,,,83036,E11*,,,,extra\n", 2, "12 values for 11 columns"),
    ],
)
def test_bad_lines_are_refused_with_their_number(rows, line, message):
    with pytest.raises(PolicyFileError) as caught:
        policy_file.parse(HEADER + rows)
    assert caught.value.line == line
    assert message in caught.value.message


def test_header_problems():
    with pytest.raises(PolicyFileError, match="unknown column colour"):
        policy_file.parse("reference,procedures,colour\n")
    with pytest.raises(PolicyFileError, match="the column procedures is missing"):
        policy_file.parse("reference,title\nL1,x\n")
    with pytest.raises(PolicyFileError, match="no policy row"):
        policy_file.parse("reference,procedures\n")
    with pytest.raises(PolicyFileError, match="empty"):
        policy_file.parse(b"")
