# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""837P element values: text, numbers, dates, codes and addresses as X12 elements, and their patterns.

Pure Python: no Odoo import. Shared by the checks (:mod:`.x12_837_checks`) and the writer (:mod:`.x12_837`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache

from .x12_837_data import Address, Adjustment

# --------------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------------

# Controls and the delimiters * : ^ ~ become spaces.
_TEXT_TABLE = str.maketrans(dict.fromkeys([*range(32), 127, 42, 58, 94, 126], " "))
# Text that needs no cleaning: printable ASCII words without delimiters, single spaces.
_PLAIN_TEXT = re.compile(r"[!-)+-9;-\]_-}]+(?: [!-)+-9;-\]_-}]+)*\Z")
_CENT = Decimal("0.01")
_ICD10 = re.compile(r"[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}\Z")
_PROCEDURE = re.compile(r"[A-Z0-9]{5}\Z")
_MODIFIER = re.compile(r"[A-Z0-9]{2}\Z")
_POS = re.compile(r"[0-9]{2}\Z")
_STATE = re.compile(r"[A-Z]{2}\Z")
_TAXONOMY = re.compile(r"[0-9]{3}[0-9A-Z]{6}X\Z")
_REASON = re.compile(r"[A-Z0-9]{1,5}\Z")
_INSURANCE_TYPE = re.compile(r"[A-Z0-9]{1,3}\Z")
_NDC_DASHED = re.compile(r"(\d{4,5})-(\d{3,4})-(\d{1,2})\Z")

_RESPONSIBILITY = frozenset("ABCDEFGHPSTU")
_FILING = frozenset("11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ".split())
_PAT_RELATIONSHIP = frozenset("01 19 20 21 39 40 53 G8".split())
_OTHER_RELATIONSHIP = frozenset("01 18 19 20 21 39 40 53 G8".split())
_CAS_GROUPS = frozenset("CO CR OA PI PR".split())
_SEX = frozenset("MFU")
_NDC_UNITS = frozenset("F2 GR ME ML UN".split())
_CAUSES = frozenset("AA EM OA".split())


def _text(value: str, maxlen: int) -> str:
    """Free text for an element: delimiters and controls to spaces, ASCII, upper case."""
    if not value:
        return ""
    upper = value.upper()
    if not _PLAIN_TEXT.match(upper):
        upper = upper.translate(_TEXT_TABLE)
        if not upper.isascii():
            upper = unicodedata.normalize("NFKD", upper).encode("ascii", "ignore").decode("ascii")
        upper = " ".join(upper.split())
    return upper if len(upper) <= maxlen else upper[:maxlen].rstrip()


def _dec(value: Decimal | int | str | float) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


@lru_cache(maxsize=16384)
def _num(value: Decimal | int | str | float) -> str:
    """A decimal number without exponent or trailing zeros (X12 type R)."""
    text = format(_dec(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@lru_cache(maxsize=4096)
def _d8(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _digits(value: str) -> str:
    if value.isascii() and value.isdigit():
        return value
    return "".join(ch for ch in value if "0" <= ch <= "9")


def _seg(*elements: str) -> str:
    """Join elements with ``*``, dropping trailing empty ones."""
    end = len(elements)
    while end and not elements[end - 1]:
        end -= 1
    return "*".join(elements[:end])


def _zip(address: Address) -> str:
    return _digits(address.postal_code) if not address.country_code else address.postal_code


def _address(address: Address) -> tuple[str, str]:
    n3 = _seg("N3", _text(address.line1, 55), _text(address.line2, 55))
    n4 = _seg(
        "N4",
        _text(address.city, 30),
        address.state.upper() if not address.country_code else "",
        _text(_zip(address), 15),
        address.country_code.upper(),
    )
    return n3, n4


def _ndc(value: str) -> str:
    """An NDC as 11 digits (5-4-2), converting the dashed 4-4-2, 5-3-2 and 5-4-1 forms."""
    match = _NDC_DASHED.match(value.strip())
    if match:
        labeler, product, package = match.groups()
        return labeler.zfill(5) + product.zfill(4) + package.zfill(2)
    return value.strip()


def _diagnosis(code: str) -> str:
    return code.replace(".", "").strip().upper()


def _procedure(qualifier: str, code: str, modifiers: Sequence[str], description: str) -> str:
    return _procedure_composite(qualifier, code, tuple(modifiers), description)


@lru_cache(maxsize=4096)
def _procedure_composite(qualifier: str, code: str, modifiers: tuple, description: str) -> str:
    parts = [qualifier, code.upper(), *(m.upper() for m in modifiers)]
    if description:
        parts += [""] * (6 - len(parts)) + [_text(description, 80)]
    return ":".join(parts)


@lru_cache(maxsize=1024)
def _pointers(pointers: tuple) -> str:
    return ":".join(str(x) for x in pointers)


def _cas(adjustments: Sequence[Adjustment]) -> list[str]:
    """CAS segments: one group code each, at most six reason triplets per segment."""
    by_group: dict[str, list[Adjustment]] = {}
    for adj in adjustments:
        by_group.setdefault(adj.group.upper(), []).append(adj)
    out = []
    for group, items in by_group.items():
        for start in range(0, len(items), 6):
            elements = ["CAS", group]
            for adj in items[start : start + 6]:
                quantity = _num(adj.quantity) if adj.quantity is not None else ""
                elements += [adj.reason.upper(), _num(adj.amount), quantity]
            out.append(_seg(*elements))
    return out
