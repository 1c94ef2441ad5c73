# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Address rules of the 837P shared by the claim's payer edits and the 837P writer.

A billing provider address (loop 2010AA N3) must be a street address: a post office box or a lock box
goes in the pay-to address (loop 2010AB) instead (005010X222A1, 2010AA N301 note).
"""

import re

PO_BOX_RE = re.compile(r"\bP\.?\s*O\.?\s*BOX\b|\bPOST\s+OFFICE\s+BOX\b|\bLOCK\s*BOX\b", re.IGNORECASE)


def is_po_box(*lines):
    """True when the address lines (street, street2...; empty ones ignored) name a post office or lock box."""
    return bool(PO_BOX_RE.search(" ".join(line for line in lines if line)))
