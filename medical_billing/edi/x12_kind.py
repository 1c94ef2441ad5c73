# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a file dropped by the clearinghouse is, from its envelope: pure Python, no Odoo import.

The inbox folders are polled for one kind of answer (271 for a 270/271 pair), but clearinghouses drop the
payers' remittances (835) in the same place: a file whose first functional group is HP (GS01) or whose
first transaction set is an 835 (ST01) is imported as an 835. Anything else, including what is not an X12
interchange at all, keeps the folder's kind (its importer refuses it, naming the segment).
"""

from .x12_common import X12Error, tokenize

# (GS01 functional identifier, ST01 transaction set) -> import kind
KINDS_BY_GS01 = {"HP": "835"}
KINDS_BY_ST01 = {"835": "835"}


def interchange_kind(data: str | bytes, default: str) -> str:
    """The import kind of ``data``: ``"835"`` for a remittance advice, else ``default``."""
    try:
        segments = tokenize(data)
    except (X12Error, TypeError):
        return default
    for seg in segments:
        if seg.id == "GS" and seg[1] in KINDS_BY_GS01:
            return KINDS_BY_GS01[seg[1]]
        if seg.id == "ST":
            return KINDS_BY_ST01.get(seg[1], default)
    return default
