# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one post-office-box rule of the payer edits and the 837P writer (edi/address.py)."""

import pytest
from medical_billing_edi.address import is_po_box


@pytest.mark.parametrize(
    "lines",
    [
        ("P.O. Box 123",),
        ("PO BOX 9",),
        ("Post Office Box 9",),
        ("Lock Box 4567",),
        ("LOCKBOX 12",),
        ("Suite 200", "p o box 5"),
    ],
)
def test_boxes(lines):
    assert is_po_box(*lines)


@pytest.mark.parametrize(
    "lines",
    [("123 Boxwood Avenue",), ("45 Lockwood Street",), ("1 Main St", ""), ("1 Main St", None), ()],
)
def test_street_addresses(lines):
    assert not is_po_box(*lines)
