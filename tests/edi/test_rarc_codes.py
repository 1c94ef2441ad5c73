# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The RARC list reader (the CMS TSV ``code description effective_date deactivation_date
last_modified_date notes``), and the remark codes the suite ships: every one a real code of the CMS list."""

import re
from datetime import date
from pathlib import Path

import pytest
from medical_billing_edi import rarc_codes
from medical_billing_edi.rarc_codes import RarcListError

SHIPPED = Path(__file__).resolve().parents[2] / "medical_billing" / "data" / "medical_remark_code_data.xml"
HEADER = b"code\tdescription\teffective_date\tdeactivation_date\tlast_modified_date\tnotes\n"


def shipped_codes():
    return re.findall(r'<field name="code">([A-Z0-9]+)</field>', SHIPPED.read_text(encoding="utf-8"))


def test_real_list(shared_dir):
    rows = rarc_codes.parse_rarc_tsv(
        (shared_dir / "cms" / "remit" / "rarc_hippo_2011.derived.tsv").read_bytes()
    )
    assert len(rows) == 824
    assert sum(1 for row in rows if row["date_end"]) == 73
    by_code = {row["code"]: row for row in rows}
    assert by_code["N115"]["description"].startswith(
        "This decision was based on a Local Coverage Determination"
    )
    assert by_code["N115"]["date_start"] == date(2002, 5, 30)
    # Every shipped code is a code of the CMS list, still in use.
    shipped = shipped_codes()
    assert len(shipped) == len(set(shipped)) >= 40
    assert set(shipped) <= set(by_code)
    assert not [code for code in shipped if by_code[code]["date_end"]]


def test_split_remark_codes():
    assert rarc_codes.split_remark_codes("N115,m25, N115;MA01") == ["N115", "M25", "MA01"]
    assert rarc_codes.split_remark_codes(None) == []


@pytest.mark.parametrize(
    "data, message",
    [
        (
            b"carc\tdescription\n1\tx\n",
            "Line 1: this is not a RARC list: the header must be code description",
        ),
        (HEADER + b"N1\tx\n", "Line 2: 2 columns, 6 expected."),
        (HEADER + b"N1\tx\t\t\t\t\nN1\ty\t\t\t\t\n", "Line 3: code N1 is listed twice."),
        (HEADER + b"50\tx\t\t\t\t\n", "Line 2: a code (M, MA or N and digits) and a description are needed."),
        (
            HEADER + b"MB12\tx\t\t\t\t\n",
            "Line 2: a code (M, MA or N and digits) and a description are needed.",
        ),
        (HEADER + b"X1\tx\t\t\t\t\n", "Line 2: a code (M, MA or N and digits) and a description are needed."),
        (
            HEADER + b"N1\tx\t13/01/2020\t\t\t\n",
            "Line 2: effective_date '13/01/2020' is not a date MM/DD/YYYY.",
        ),
        (HEADER + b"\n", "the file lists no code."),
        (
            HEADER + b"N1\x00\tx\t\t\t\t\n",
            "Line 2: the line holds a NUL byte: this is not a text (TSV) file.",
        ),
        (
            HEADER + b"N1\t" + b"x" * 200_000 + b"\t\t\t\t\n",
            "Line 2: the file cannot be read as tab-separated",
        ),
    ],
)
def test_refused(data, message):
    with pytest.raises(RarcListError) as caught:
        rarc_codes.parse_rarc_tsv(data)
    assert str(caught.value).startswith(message)
