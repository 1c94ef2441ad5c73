# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""National Drug Codes (NDC) as claims carry them: 11 digits in the 5-4-2 form. No Odoo import.

The FDA labels packages with a 10-digit NDC in one of three forms, 4-4-2, 5-3-2 or 5-4-1 (labeler,
product, package). Claims (837P LIN03, CMS-1500 box 24 shaded area) need 11 digits: the short segment gets
a leading zero. A 10-digit NDC written without dashes cannot be read (which segment is short is unknown)
and is refused; 11 digits with or without dashes (5-4-2) are taken as they are.
"""

import re

from . import engine

#: NDC units of measure (837P CTP05-1): international unit, gram, milligram, milliliter, unit
UNITS = ("F2", "GR", "ME", "ML", "UN")

_DASHED_RE = re.compile(r"^(\d{4,5})-(\d{3,4})-(\d{1,2})$")
_FORMS = {(4, 4, 2): "4-4-2", (5, 3, 2): "5-3-2", (5, 4, 1): "5-4-1", (5, 4, 2): "5-4-2"}


class NdcError(ValueError):
    """An NDC that cannot be normalised; the message says why (no patient data)."""


def normalize(value):
    """``value`` as 11 digits (5-4-2 without dashes); raises :class:`NdcError` when it cannot be read."""
    text = (value or "").strip().replace(" ", "")
    if not text:
        raise NdcError("the NDC is empty")
    match = _DASHED_RE.match(text)
    if match:
        labeler, product, package = match.groups()
        if (len(labeler), len(product), len(package)) not in _FORMS:
            raise NdcError(
                f"{text} is not in a package form of the NDC (4-4-2, 5-3-2, 5-4-1 or 5-4-2 digits)"
            )
        return labeler.zfill(5) + product.zfill(4) + package.zfill(2)
    if text.isdigit() and len(text) == 11:
        return text
    if text.isdigit() and len(text) == 10:
        raise NdcError(
            f"{text} has 10 digits without dashes: write it with its dashes (4-4-2, 5-3-2 or 5-4-1)"
        )
    raise NdcError(f"{text} is not an NDC: 11 digits (5-4-2), or 10 digits with dashes (4-4-2, 5-3-2, 5-4-1)")


def format_542(ndc11):
    """An 11-digit NDC written 5-4-2 with dashes, for people."""
    return f"{ndc11[:5]}-{ndc11[5:9]}-{ndc11[9:]}"


def check_unit(unit):
    """Raise :class:`NdcError` unless ``unit`` is one of :data:`UNITS`."""
    if unit not in UNITS:
        raise NdcError(f"the NDC unit is one of {', '.join(UNITS)}, not {unit or 'empty'}")


# HCPCS Level II drug codes: J codes, the drug Q codes and the radiopharmaceutical A codes.
_DRUG_RANGES = (
    ("J0000", "J9999"),
    ("Q0138", "Q0249"),
    ("Q2009", "Q2050"),
    ("Q5101", "Q5199"),
    ("Q9950", "Q9992"),
    ("A9500", "A9699"),
)


def is_drug_code(code):
    """Whether the HCPCS ``code`` is a drug code that needs an NDC where the payer asks for one."""
    code = (code or "").upper()
    return len(code) == 5 and any(low <= code <= high for low, high in _DRUG_RANGES)


def check_drug_lines(encounters, requiring):
    """``NDC_MISSING`` findings: the drug lines without NDC of the encounters (being checked) whose payer
    requires an NDC on every drug line (``requiring``: a set of encounter ids)."""
    findings = []
    for enc in encounters:
        if not enc.check or enc.id not in requiring:
            continue
        for number, line in enumerate(engine.ordered(enc.procedures), start=1):
            if is_drug_code(line.code.code) and not line.ndc_code:
                findings.append(
                    engine.Finding.on_line(
                        enc.id,
                        "NDC_MISSING",
                        f"Line {number} ({line.label}): the payer requires the NDC of the drug given, "
                        "with its quantity and unit (11 digits; 4-4-2, 5-3-2 and 5-4-1 forms are completed).",
                        line,
                    )
                )
    return findings
