# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Durable medical equipment (DME) lines: rental or purchase modifiers, capped-rental months. No Odoo import.

Every DME line says whether the item is rented (RR), bought new (NU) or bought used (UE). A capped-rental
item (coverage policy rules marked so) is paid month by month for at most 13 months, each claim line
telling its month: KH the first, KI the second and third, KJ the fourth to the thirteenth; after the
thirteenth the patient owns the item and no rental is paid.
"""

from . import engine

RENTAL_PURCHASE = ("RR", "NU", "UE")
CAP_MONTHS = 13
# HCPCS ranges of equipment: E codes (DME) and the K codes of the DME MACs.
_DME_RANGES = (("E0100", "E9999"), ("K0001", "K0899"))


def is_dme_code(code):
    code = (code or "").upper()
    return len(code) == 5 and any(low <= code <= high for low, high in _DME_RANGES)


def rental_month_modifier(month):
    """The capped-rental modifier of rental month ``month`` (1-based), or None beyond the cap."""
    if month == 1:
        return "KH"
    if month in (2, 3):
        return "KI"
    if 4 <= month <= CAP_MONTHS:
        return "KJ"
    return None


def check_lines(encounters):
    """``DME_MODIFIER`` findings: DME lines of the encounters being checked without RR, NU or UE."""
    findings = []
    for enc in encounters:
        if not enc.check:
            continue
        for number, line in enumerate(engine.ordered(enc.procedures), start=1):
            if is_dme_code(line.code.code) and not set(line.modifier_codes) & set(RENTAL_PURCHASE):
                findings.append(
                    engine.Finding.on_line(
                        enc.id,
                        "DME_MODIFIER",
                        f"Line {number} ({line.label}): equipment is billed as a rental (RR), a new purchase "
                        "(NU) or a used purchase (UE): add one of these modifiers.",
                        line,
                    )
                )
    return findings
