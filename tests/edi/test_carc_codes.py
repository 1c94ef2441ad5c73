# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The CARC list reader (TSV ``carc description``), and the CARCs the suite ships with their categories:
every shipped code is a real one of the X12 list, with a known category."""

import csv
from pathlib import Path

import pytest
from medical_billing_edi import carc_codes
from medical_billing_edi.carc_codes import CarcListError

SHIPPED = Path(__file__).resolve().parents[2] / "medical_billing" / "data" / "medical.adjustment.reason.csv"
CATEGORIES = {
    "eligibility",
    "authorization",
    "coding",
    "medical_necessity",
    "timely_filing",
    "duplicate",
    "missing_info",
    "non_covered",
    "other",
}


def shipped():
    with SHIPPED.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_real_list(shared_dir):
    rows = carc_codes.parse_carc_tsv((shared_dir / "cms" / "remit" / "carc_bfd.derived.tsv").read_bytes())
    assert len(rows) == 407
    by_code = {row["code"]: row["description"] for row in rows}
    assert by_code["45"].startswith("Charges exceed your contracted")
    # Every shipped code is a code of the X12 list.
    assert {row["code"] for row in shipped()} <= set(by_code)


def test_every_shipped_code_has_a_category():
    rows = shipped()
    assert len(rows) == len({row["code"] for row in rows}) == len({row["id"] for row in rows})
    assert all(row["category"] in CATEGORIES for row in rows), [
        r["code"] for r in rows if r["category"] not in CATEGORIES
    ]
    assert all(row["name"] for row in rows)


@pytest.mark.parametrize(
    "data, message",
    [
        (
            b"code\tdescription\n1\tx\n",
            "Line 1: this is not a CARC list: the header must be carc description.",
        ),
        (b"carc\tdescription\n1\tx\tmore\n", "Line 2: 3 columns, 2 expected."),
        (b"carc\tdescription\n1\tx\n1\ty\n", "Line 3: code 1 is listed twice."),
        (
            b"carc\tdescription\nTOOLONG\tx\n",
            "Line 2: a code (1-3 letters or digits) and a description are needed.",
        ),
        (b"carc\tdescription\n\n", "the file lists no code."),
        (
            b"carc\tdescription\n4\x00\tx\n",
            "Line 2: the line holds a NUL byte: this is not a text (TSV) file.",
        ),
    ],
)
def test_refused(data, message):
    with pytest.raises(CarcListError) as caught:
        carc_codes.parse_carc_tsv(data)
    assert str(caught.value) == message
