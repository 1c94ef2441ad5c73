# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The X12 claim status code list reader (TSV): real lists parse, anything else raises CodeListError."""

import pytest
from medical_billing_edi import status_codes
from medical_billing_edi.status_codes import CodeListError

HEADER = b"code\tdescription\teffective_date\tdeactivation_date\tlast_modified_date\tnotes\n"


def refused(data):
    with pytest.raises(CodeListError) as caught:
        status_codes.parse_status_code_tsv(data)
    assert type(caught.value) is CodeListError
    return str(caught.value)


def test_real_lists(shared_dir):
    remit = shared_dir / "cms" / "remit"
    categories = status_codes.parse_status_code_tsv(
        (remit / "claim_status_category_codes.derived.tsv").read_bytes()
    )
    statuses = status_codes.parse_status_code_tsv((remit / "claim_status_codes.derived.tsv").read_bytes())
    assert (len(categories), len(statuses)) == (47, 749)
    assert {row["list"] for row in categories} == {"category"} and {row["list"] for row in statuses} == {
        "status"
    }
    code_4 = next(row for row in statuses if row["code"] == "4")
    assert str(code_4["date_end"]) == "2008-07-01"


@pytest.mark.parametrize(
    "line, message",
    [
        (b"A\x001\tx\t\t\t\t\n", "Line 2: the line holds a NUL byte: this is not a text (TSV) file."),
        (
            "\u00b2\tsquared\t\t\t\t\n".encode(),
            "Line 2: a code (1-5 letters or digits) and a description are needed.",
        ),
        (
            "\u00e91\taccent\t\t\t\t\n".encode(),
            "Line 2: a code (1-5 letters or digits) and a description are needed.",
        ),
        (
            "21\tx\t\u0660\u0661/01/1995\t\t\t\n".encode(),
            "Line 2: effective_date '\u0660\u0661/01/1995' is not a date MM/DD/YYYY.",
        ),
        (b"21\tx\t02/30/1995\t\t\t\n", "Line 2: effective_date '02/30/1995' is not a date MM/DD/YYYY."),
        (b"21\t" + b"x" * 200_000 + b"\t\t\t\t\n", "Line 2: the file cannot be read as tab-separated values"),
    ],
    ids=["nul", "superscript-digit", "accented-code", "arabic-digits", "february-30", "huge-field"],
)
def test_bad_lines_are_refused_with_their_number(line, message):
    assert refused(HEADER + line).startswith(message)


def test_not_a_list_is_refused():
    assert refused(b"a,b,c\n1,2,3\n").startswith("Line 1: this is not a claim status code list")
    assert refused(HEADER) == "the file lists no code."
