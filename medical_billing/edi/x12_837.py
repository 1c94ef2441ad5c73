"""837P professional claim writer (005010X222A1) over plain dataclasses.

Pure Python: no Odoo import. Money is ``Decimal`` (``int`` / ``str`` are accepted too), dates are
``datetime.date``. :func:`write_837p` checks every claim first and raises :class:`X12DataError`
listing each bad claim, so a batch is written whole or not at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from .x12_common import X12DataError, npi_is_valid

__all__ = [
    "Address",
    "Adjustment",
    "BillingProvider",
    "Claim",
    "Interchange",
    "Line",
    "LineAdjudication",
    "OtherPayer",
    "Patient",
    "Payer",
    "Provider",
    "Receiver",
    "ServiceFacility",
    "Submitter",
    "Subscriber",
    "Written837P",
    "write_837p",
]

VERSION = "005010X222A1"
MAX_CLAIMS_PER_HL = 100  # loop 2300 repeats at most 100 times per 2000B / 2000C
MAX_LINES = 50  # loop 2400 repeats at most 50 times
MAX_DIAGNOSES = 12

_frozen = dataclass(frozen=True, slots=True, kw_only=True)


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@_frozen
class Address:
    """A street address (N3 / N4); ``country_code`` only outside the US."""

    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""
    country_code: str = ""


@_frozen
class Submitter:
    """Loop 1000A: who sends the file (``submitter_id`` is the ETIN given by the receiver)."""

    name: str
    submitter_id: str
    contact_name: str
    phone: str = ""
    phone_extension: str = ""
    email: str = ""


@_frozen
class Receiver:
    """Loop 1000B: the clearinghouse or payer receiving the file."""

    name: str
    receiver_id: str


@_frozen
class Interchange:
    """Envelope settings: ISA / GS / ST / BHT values, submitter and receiver."""

    sender_id: str
    receiver_id: str
    control_number: int  # ISA13, also GS06 unless group_control_number is set
    created: datetime
    submitter: Submitter
    receiver: Receiver
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    usage: str = "T"  # ISA15: T test, P production
    group_control_number: int | None = None  # GS06
    transaction_control_number: int = 1  # ST02 of the first transaction set, then +1 each
    application_sender_code: str = ""  # GS02, default sender_id
    application_receiver_code: str = ""  # GS03, default receiver_id
    batch_id: str = ""  # BHT03, default the control number
    acknowledgment_requested: bool = False  # ISA14 (TA1)
    transaction_type: str = "CH"  # BHT06: CH chargeable, RP encounter reporting
    max_claims_per_transaction: int = 5000  # the guide's advice; more claims start a new ST


@_frozen
class BillingProvider:
    """Loop 2000A / 2010AA. An individual biller sets ``first_name`` (``name`` = last name)."""

    name: str
    npi: str
    ein: str  # REF*EI, 9 digits (a dash is dropped)
    address: Address  # street address, not a PO box; 9-digit ZIP
    taxonomy: str = ""  # PRV*BI*PXC
    first_name: str = ""


@_frozen
class Subscriber:
    """Loop 2000B / 2010BA (and 2320 / 2330A for another payer's subscriber).

    ``address``, ``birth_date`` and ``sex`` are required when the subscriber is the patient, and written
    (2010BA N3 / N4 / DMG) only then: for a dependant, the patient's go in 2010CA.
    """

    last_name: str
    first_name: str
    member_id: str
    payer_responsibility: str = "P"  # SBR01: P, S, T (A..H, U)
    claim_filing_indicator: str = "CI"  # SBR09: MB, MC, CI, BL, HM, 12..17 ...
    group_number: str = ""
    group_name: str = ""
    insurance_type_code: str = ""  # SBR05, e.g. 12 for Medicare secondary payer
    middle_name: str = ""
    suffix: str = ""
    address: Address | None = None
    birth_date: date | None = None
    sex: str = ""  # M, F, U


@_frozen
class Patient:
    """Loop 2000C / 2010CA, only when the patient is not the subscriber."""

    last_name: str
    first_name: str
    relationship: str  # PAT01: 01 spouse, 19 child, 20 employee, 21 unknown, 53, G8 ...
    address: Address
    birth_date: date
    sex: str
    middle_name: str = ""
    suffix: str = ""


@_frozen
class Payer:
    """Loop 2010BB (and 2330B): payer name and id."""

    name: str
    payer_id: str
    id_qualifier: str = "PI"  # PI payer id, XV CMS plan id
    address: Address | None = None


@_frozen
class Provider:
    """Rendering (2310B) or referring (2310A) provider; ``organization`` for a group."""

    last_name: str
    npi: str
    first_name: str = ""
    middle_name: str = ""
    taxonomy: str = ""
    organization: bool = False


@_frozen
class ServiceFacility:
    """Loop 2310C: where the service was given, when not the billing address."""

    name: str
    address: Address  # 9-digit ZIP
    npi: str = ""


@_frozen
class Adjustment:
    """A CAS adjustment: group (CO, PR, OA, PI, CR), CARC reason, amount, optional units."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@_frozen
class OtherPayer:
    """Loops 2320 / 2330A / 2330B: another payer on the claim (the primary, on a secondary)."""

    payer: Payer
    subscriber: Subscriber  # its payer_responsibility is the other payer's rank
    relationship: str = "18"  # 2320 SBR02: patient's relationship to that subscriber
    paid_amount: Decimal | None = None  # AMT*D, when that payer has adjudicated
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    non_covered_amount: Decimal | None = None  # AMT*A8
    remaining_patient_liability: Decimal | None = None  # AMT*EAF
    adjudication_date: date | None = None  # 2330B DTP*573
    claim_control_number: str = ""  # 2330B REF*F8: that payer's claim number
    benefits_assignment: str = "Y"  # OI03: Y, N, W
    release_of_information: str = "Y"  # OI06: I, Y


@_frozen
class LineAdjudication:
    """Loop 2430: how another payer paid one line (SVD, CAS, DTP*573)."""

    payer_id: str  # the OtherPayer's payer.payer_id
    paid_amount: Decimal
    adjudication_date: date
    adjustments: tuple[Adjustment, ...] = ()
    paid_units: Decimal | None = None  # default: the line's units
    procedure_code: str = ""  # default: the line's code and modifiers
    modifiers: tuple[str, ...] | None = None
    remaining_patient_liability: Decimal | None = None
    bundled_line_number: int | None = None  # SVD06


@_frozen
class Line:
    """Loop 2400 service line (with 2410 drug data and 2430 adjudications)."""

    procedure_code: str
    charge: Decimal
    service_date: date
    diagnosis_pointers: tuple[int, ...] = (1,)
    modifiers: tuple[str, ...] = ()
    units: Decimal = Decimal(1)
    unit_code: str = "UN"  # UN units, MJ minutes
    place_of_service: str = ""  # only when it differs from the claim's
    service_date_end: date | None = None
    control_number: str = ""  # REF*6R, echoed back in the 835
    description: str = ""  # SV101-7, for unlisted (NOC) codes
    emergency: bool = False  # SV109
    ndc: str = ""  # 11 digits (5-4-2), or a dashed NDC
    ndc_quantity: Decimal | None = None
    ndc_unit: str = "UN"  # CTP05: F2, GR, ME, ML, UN
    adjudications: tuple[LineAdjudication, ...] = ()
    procedure_qualifier: str = "HC"


@_frozen
class Claim:
    """Loop 2300 claim with its subscriber, payer and (dependent) patient."""

    patient_control_number: str  # CLM01, echoed back in 835 CLP01
    subscriber: Subscriber
    payer: Payer
    diagnoses: tuple[str, ...]  # ICD-10-CM, principal first; a dot is dropped
    lines: tuple[Line, ...]
    patient: Patient | None = None
    total_charge: Decimal | None = None  # default: the sum of the lines
    place_of_service: str = "11"
    frequency: str = "1"  # 1 original, 7 replacement, 8 void
    payer_claim_control_number: str = ""  # REF*F8, required for 7 / 8
    prior_authorization: str = ""  # REF*G1
    referral_number: str = ""  # REF*9F
    medical_record_number: str = ""  # REF*EA
    provider_signature: bool = True  # CLM06
    assignment: str = "A"  # CLM07: A, B, C
    benefits_assignment: str = "Y"  # CLM08: Y, N, W
    release_of_information: str = "Y"  # CLM09: I, Y
    related_causes: tuple[str, ...] = ()  # CLM11: AA auto, EM employment, OA other accident
    accident_state: str = ""  # CLM11-4, required with AA
    accident_date: date | None = None  # DTP*439, required with related causes
    onset_date: date | None = None  # DTP*431
    initial_treatment_date: date | None = None  # DTP*454
    last_seen_date: date | None = None  # DTP*304
    admission_date: date | None = None  # DTP*435
    discharge_date: date | None = None  # DTP*096
    patient_paid_amount: Decimal | None = None  # AMT*F5
    note: str = ""  # NTE*ADD
    referring_provider: Provider | None = None
    rendering_provider: Provider | None = None  # omitted when its NPI is the billing NPI
    service_facility: ServiceFacility | None = None
    other_payers: tuple[OtherPayer, ...] = ()


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
_PO_BOX = re.compile(r"\bP\.?\s*O\.?\s*BOX\b|\bPOST\s+OFFICE\s+BOX\b|\bLOCK\s*BOX\b", re.I)
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


# --------------------------------------------------------------------------------------------
# Checks (all run before anything is written)
# --------------------------------------------------------------------------------------------

# Printable ASCII without the delimiters * : ^ ~, no leading or trailing space.
_IDENT_CHAR = r"!-)+-9;-\]_-}"
_IDENT = re.compile(rf"[{_IDENT_CHAR}](?:[ {_IDENT_CHAR}]*[{_IDENT_CHAR}])?\Z")
_ELEVEN_DIGITS = re.compile(r"\d{11}\Z")
_MAX_AMOUNT = Decimal("1e10")
_MILLI = Decimal("0.001")


class _Problems(list):
    """Messages about one record; ``prefix`` names the part being checked (e.g. "line 2 ")."""

    prefix = ""

    def add(self, what: str, problem: str) -> None:
        self.append(" ".join(part for part in (self.prefix.rstrip(), what, problem) if part))

    def need(self, condition: object, message: str) -> bool:
        if not condition:
            self.add("", message)
            return False
        return True

    def ident(self, value: str, what: str, maxlen: int, required: bool = True) -> None:
        if not value:
            if required:
                self.add(what, "is missing")
        elif len(value) > maxlen or not _IDENT.match(value):
            self.add(
                what,
                f"must be 1-{maxlen} printable ASCII characters, no * : ^ ~ or edge spaces",
            )

    def name(self, value: str, what: str) -> None:
        if not _text(value, 60):
            self.add(what, "is missing")

    def npi(self, value: str, what: str, required: bool = True) -> None:
        if (value or required) and not npi_is_valid(value or ""):
            self.add(what, "NPI is not a valid 10-digit NPI")

    def amount(self, value: object, what: str, negative: bool = False) -> Decimal | None:
        try:
            number = _dec(value)  # type: ignore[arg-type]
        except (InvalidOperation, TypeError, ValueError):
            number = None
        if number is None or not number.is_finite():
            problem = "is not a number"
        elif number != number.quantize(_CENT):
            problem = "must have at most 2 decimals"
        elif number < 0 and not negative:
            problem = "must not be negative"
        elif abs(number) >= _MAX_AMOUNT:
            problem = "is too large"
        else:
            return number
        self.add(what, problem)
        return None

    def quantity(self, value: object, what: str) -> None:
        try:
            number = _dec(value)  # type: ignore[arg-type]
            good = number.is_finite() and number > 0 and number == number.quantize(_MILLI)
        except (InvalidOperation, TypeError, ValueError):
            good = False
        if not good:
            self.add(what, "must be a positive number with at most 3 decimals")

    def address(self, address: Address | None, what: str, zip9: bool = False) -> None:
        if not isinstance(address, Address):
            self.add(what, "address is missing")
            return
        problems = []
        if not _text(address.line1, 55):
            problems.append("address line 1 is missing")
        if not _text(address.city, 30):
            problems.append("city is missing")
        if address.country_code:
            if not _STATE.match(address.country_code.upper()):
                problems.append("country code must be 2 letters")
        else:
            if not _STATE.match(address.state.upper()):
                problems.append("state must be 2 letters")
            digits = len(_digits(address.postal_code))
            if zip9 and digits != 9:
                problems.append("ZIP code must have 9 digits")
            elif digits not in (5, 9):
                problems.append("ZIP code must have 5 or 9 digits")
        for problem in problems:
            self.add(what, problem)

    def date(self, value: object, what: str, required: bool = True) -> None:
        if value is None and not required:
            return
        if not isinstance(value, date) or isinstance(value, datetime):
            self.add(what, "must be a date")


def _check_interchange(ic: Interchange) -> list[str]:
    p = _Problems()
    p.ident(ic.sender_id, "sender id (ISA06)", 15)
    p.ident(ic.receiver_id, "receiver id (ISA08)", 15)
    for qualifier, what in ((ic.sender_qualifier, "ISA05"), (ic.receiver_qualifier, "ISA07")):
        p.need(re.fullmatch(r"[0-9A-Z]{2}", qualifier), f"{what} qualifier must be 2 characters")
    p.need(ic.usage in ("T", "P"), "usage indicator (ISA15) must be T or P")
    for number, what in (
        (ic.control_number, "interchange control number"),
        (ic.group_control_number or ic.control_number, "group control number"),
        (ic.transaction_control_number, "transaction set control number"),
    ):
        p.need(isinstance(number, int) and 0 < number <= 999_999_999, f"{what} must be 1-999999999")
    p.need(isinstance(ic.created, datetime), "created must be a datetime")
    p.ident(ic.application_sender_code or ic.sender_id, "application sender code (GS02)", 15)
    p.ident(ic.application_receiver_code or ic.receiver_id, "application receiver code", 15)
    p.ident(ic.batch_id, "batch id (BHT03)", 30, required=False)
    p.need(ic.transaction_type in ("CH", "RP"), "transaction type (BHT06) must be CH or RP")
    p.need(
        isinstance(ic.max_claims_per_transaction, int) and ic.max_claims_per_transaction > 0,
        "max claims per transaction must be positive",
    )
    sub = ic.submitter
    p.name(sub.name, "submitter name")
    p.ident(sub.submitter_id, "submitter id", 80)
    p.name(sub.contact_name, "submitter contact name")
    p.need(sub.phone or sub.email, "submitter phone or email is missing")
    if sub.phone:
        p.need(len(_digits(sub.phone)) == 10, "submitter phone must have 10 digits")
    if sub.email:
        p.ident(sub.email, "submitter email", 256)
    p.name(ic.receiver.name, "receiver name")
    p.ident(ic.receiver.receiver_id, "receiver id", 80)
    return p


def _check_billing_provider(bp: BillingProvider) -> list[str]:
    p = _Problems()
    if not p.need(isinstance(bp, BillingProvider), "billing provider is not a BillingProvider"):
        return p
    p.name(bp.name, "billing provider name")
    p.npi(bp.npi, "billing provider")
    p.need(len(_digits(bp.ein)) == 9, "billing provider EIN must have 9 digits")
    p.address(bp.address, "billing provider", zip9=True)
    if isinstance(bp.address, Address):
        p.need(
            not _PO_BOX.search(f"{bp.address.line1} {bp.address.line2}"),
            "billing provider address must be a street address, not a PO box",
        )
    if bp.taxonomy:
        p.need(_TAXONOMY.match(bp.taxonomy), "billing provider taxonomy code is not valid")
    return p


def _check_subscriber(p: _Problems, sub: Subscriber, is_patient: bool) -> None:
    """Check a subscriber under ``p.prefix`` (e.g. "subscriber ")."""
    if not p.need(isinstance(sub, Subscriber), "is missing"):
        return
    p.name(sub.last_name, "last name")
    p.ident(sub.member_id, "member id", 80)
    p.need(sub.payer_responsibility in _RESPONSIBILITY, "payer responsibility code is not valid")
    p.need(sub.claim_filing_indicator in _FILING, "claim filing indicator is not valid")
    p.ident(sub.group_number, "group number", 50, required=False)
    if sub.insurance_type_code:
        p.need(_INSURANCE_TYPE.match(sub.insurance_type_code), "insurance type code is not valid")
    if is_patient or sub.address is not None:
        p.address(sub.address, "")
    if is_patient or sub.birth_date is not None:
        p.date(sub.birth_date, "birth date")
    if is_patient or sub.sex:
        p.need(sub.sex in _SEX, "sex must be M, F or U")


def _check_payer(p: _Problems, payer: Payer) -> None:
    """Check a payer under ``p.prefix`` (e.g. "payer ")."""
    if not p.need(isinstance(payer, Payer), "is missing"):
        return
    p.name(payer.name, "name")
    p.ident(payer.payer_id, "id", 80)
    p.need(payer.id_qualifier in ("PI", "XV"), "id qualifier must be PI or XV")
    if payer.address is not None:
        p.address(payer.address, "")


def _check_adjustments(p: _Problems, adjustments: Sequence[Adjustment]) -> Decimal:
    total = Decimal(0)
    groups: dict[str, int] = {}
    for adj in adjustments:
        if not p.need(isinstance(adj, Adjustment), "adjustment is not an Adjustment"):
            continue
        group = adj.group.upper()
        p.need(group in _CAS_GROUPS, "adjustment group must be CO, CR, OA, PI or PR")
        p.need(_REASON.match(adj.reason.upper()), "adjustment reason code is not valid")
        amount = p.amount(adj.amount, "adjustment amount", negative=True)
        if adj.quantity is not None:
            p.quantity(adj.quantity, "adjustment quantity")
        groups[group] = groups.get(group, 0) + 1
        total += amount or 0
    p.need(
        sum((count + 5) // 6 for count in groups.values()) <= 5,
        "adjustments do not fit in 5 CAS segments",
    )
    return total


def _check_provider(p: _Problems, prov: Provider) -> None:
    """Check a rendering or referring provider under ``p.prefix``."""
    if not p.need(isinstance(prov, Provider), "is not a Provider"):
        return
    p.name(prov.last_name, "name")
    if not prov.organization:
        p.name(prov.first_name, "first name")
    p.npi(prov.npi, "")
    if prov.taxonomy:
        p.need(_TAXONOMY.match(prov.taxonomy), "taxonomy code is not valid")


def _check_line(p: _Problems, line: Line, diagnoses: int, payers: dict) -> Decimal:
    """Check one line under ``p.prefix`` ("line N "); add its CAS totals to ``payers``."""
    need = p.need
    need(_PROCEDURE.match(line.procedure_code.upper()), "procedure code must be 5 characters")
    need(line.procedure_qualifier in ("HC", "ER", "IV", "WK"), "procedure qualifier")
    modifiers = line.modifiers
    if modifiers:
        need(len(modifiers) <= 4, "has more than 4 modifiers")
        need(all(_MODIFIER.match(m.upper()) for m in modifiers), "modifiers must be 2 characters")
    charge = p.amount(line.charge, "charge")
    p.quantity(line.units, "units")
    need(line.unit_code in ("UN", "MJ"), "unit code must be UN or MJ")
    if line.place_of_service:
        need(_POS.match(line.place_of_service), "place of service must be 2 digits")
    pointers = tuple(line.diagnosis_pointers)
    if need(1 <= len(pointers) <= 4, "needs 1 to 4 diagnosis pointers"):
        need(len(set(pointers)) == len(pointers), "repeats a diagnosis pointer")
        need(
            all(type(x) is int and 1 <= x <= diagnoses for x in pointers),
            "diagnosis pointer does not point at a diagnosis of the claim",
        )
    p.date(line.service_date, "service date")
    if line.service_date_end is not None:
        p.date(line.service_date_end, "service end date")
        need(
            not isinstance(line.service_date, date) or line.service_date_end >= line.service_date,
            "service end date is before its start",
        )
    p.ident(line.control_number, "control number", 50, required=False)
    if line.ndc:
        need(_ELEVEN_DIGITS.match(_ndc(line.ndc)), "NDC must be 11 digits (5-4-2)")
        if need(line.ndc_quantity is not None, "NDC quantity is missing"):
            p.quantity(line.ndc_quantity, "NDC quantity")
        need(line.ndc_unit in _NDC_UNITS, "NDC unit must be F2, GR, ME, ML or UN")
    else:
        need(line.ndc_quantity is None, "has an NDC quantity but no NDC")
    for adj in line.adjudications:
        if not need(isinstance(adj, LineAdjudication), "adjudication is not a LineAdjudication"):
            continue
        if not need(adj.payer_id in payers, "adjudication names a payer that is not on the claim"):
            continue
        paid = p.amount(adj.paid_amount, "adjudication paid amount", negative=True)
        p.date(adj.adjudication_date, "adjudication date")
        adjusted = _check_adjustments(p, adj.adjustments)
        payers[adj.payer_id] += adjusted
        if adj.paid_units is not None:
            p.quantity(adj.paid_units, "adjudication paid units")
        if adj.procedure_code:
            need(_PROCEDURE.match(adj.procedure_code.upper()), "adjudication procedure code")
        if adj.modifiers is not None:
            need(
                len(adj.modifiers) <= 4 and all(_MODIFIER.match(m.upper()) for m in adj.modifiers),
                "adjudication modifiers must be up to 4 codes of 2 characters",
            )
        if adj.bundled_line_number is None and charge is not None and paid is not None:
            need(
                charge - adjusted == paid,
                f"adjudication: charge minus adjustments ({_num(charge - adjusted)}) "
                f"does not equal the paid amount ({_num(paid)})",
            )
    return charge or Decimal(0)


def _check_claim(claim: Claim) -> list[str]:
    p = _Problems()
    if not p.need(isinstance(claim, Claim), "not a Claim"):
        return p
    p.ident(claim.patient_control_number, "patient control number", 20)
    p.prefix = "subscriber "
    _check_subscriber(p, claim.subscriber, claim.patient is None)
    p.prefix = "payer "
    _check_payer(p, claim.payer)
    p.prefix = ""
    _check_patient(p, claim.patient)
    codes = [_diagnosis(code) for code in claim.diagnoses]
    p.need(1 <= len(codes) <= MAX_DIAGNOSES, f"a claim needs 1 to {MAX_DIAGNOSES} diagnoses")
    p.need(all(_ICD10.match(c) for c in codes), "a diagnosis is not an ICD-10-CM code")
    p.need(len(set(codes)) == len(codes), "a diagnosis is listed twice")
    _check_claim_information(p, claim)
    _check_claim_providers(p, claim)
    adjusted = _check_other_payers(p, claim)
    lines = claim.lines
    p.need(1 <= len(lines) <= MAX_LINES, f"a claim needs 1 to {MAX_LINES} lines")
    total = Decimal(0)
    diagnoses = len(codes)
    for n, line in enumerate(lines, start=1):
        p.prefix = f"line {n} "
        if p.need(isinstance(line, Line), "is not a Line"):
            total += _check_line(p, line, diagnoses, adjusted)
    p.prefix = ""
    if claim.total_charge is not None:
        charge = p.amount(claim.total_charge, "total charge")
        if charge is not None and not p:
            p.need(charge == total, "total charge differs from the sum of the line charges")
    if not p:
        _check_balances(p, claim, total, adjusted)
    return p


def _check_patient(p: _Problems, pat: Patient | None) -> None:
    """Loop 2000C / 2010CA of a dependant patient."""
    if pat is not None and p.need(isinstance(pat, Patient), "patient is not a Patient"):
        p.name(pat.last_name, "patient last name")
        p.need(
            pat.relationship in _PAT_RELATIONSHIP,
            "patient relationship must be one of 01, 19, 20, 21, 39, 40, 53, G8",
        )
        p.address(pat.address, "patient")
        p.date(pat.birth_date, "patient birth date")
        p.need(pat.sex in _SEX, "patient sex must be M, F or U")


def _check_claim_information(p: _Problems, claim: Claim) -> None:
    """CLM, its dates (DTP), amounts (AMT) and references (REF) in loop 2300."""
    p.need(_POS.match(claim.place_of_service or ""), "place of service must be 2 digits")
    p.need(claim.frequency in ("1", "7", "8"), "frequency must be 1, 7 or 8")
    if claim.frequency in ("7", "8"):
        p.ident(claim.payer_claim_control_number, "payer claim control number (REF*F8)", 50)
    else:
        p.need(
            not claim.payer_claim_control_number,
            "a payer claim control number is only sent with frequency 7 or 8",
        )
    p.ident(claim.prior_authorization, "prior authorization", 50, required=False)
    p.ident(claim.referral_number, "referral number", 50, required=False)
    p.ident(claim.medical_record_number, "medical record number", 50, required=False)
    p.need(claim.assignment in ("A", "B", "C"), "assignment (CLM07) must be A, B or C")
    p.need(claim.benefits_assignment in ("Y", "N", "W"), "benefits assignment must be Y, N or W")
    p.need(claim.release_of_information in ("I", "Y"), "release of information must be I or Y")
    if claim.related_causes:
        p.need(
            len(claim.related_causes) <= 2 and all(c in _CAUSES for c in claim.related_causes),
            "related causes must be up to two of AA, EM, OA",
        )
        p.date(claim.accident_date, "accident date")
        if "AA" in claim.related_causes:
            p.need(_STATE.match(claim.accident_state.upper()), "auto accident state is missing")
    for value, what in (
        (claim.onset_date, "onset date"),
        (claim.initial_treatment_date, "initial treatment date"),
        (claim.last_seen_date, "last seen date"),
        (claim.admission_date, "admission date"),
        (claim.discharge_date, "discharge date"),
    ):
        if value is not None:
            p.date(value, what)
    if claim.patient_paid_amount is not None:
        p.amount(claim.patient_paid_amount, "patient paid amount")


def _check_claim_providers(p: _Problems, claim: Claim) -> None:
    """Loops 2310A (referring), 2310B (rendering) and 2310C (service facility)."""
    if claim.referring_provider is not None:
        p.prefix = "referring provider "
        _check_provider(p, claim.referring_provider)
    if claim.rendering_provider is not None:
        p.prefix = "rendering provider "
        _check_provider(p, claim.rendering_provider)
    p.prefix = ""
    fac = claim.service_facility
    if fac is not None and p.need(isinstance(fac, ServiceFacility), "service facility type"):
        p.name(fac.name, "service facility name")
        p.npi(fac.npi, "service facility", required=False)
        p.address(fac.address, "service facility", zip9=True)


def _check_other_payers(p: _Problems, claim: Claim) -> dict[str, Decimal]:
    """Check loops 2320/2330; return claim-level CAS totals by other payer id."""
    adjusted: dict[str, Decimal] = {}
    others = claim.other_payers
    rank = getattr(claim.subscriber, "payer_responsibility", "")
    p.need(
        len(others) >= {"S": 1, "T": 2}.get(rank, 0),
        "a secondary or tertiary claim needs the earlier payers (other_payers)",
    )
    p.need(len(others) <= 10, "a claim carries at most 10 other payers")
    for n, other in enumerate(others, start=1):
        p.prefix = f"other payer {n} "
        if not p.need(isinstance(other, OtherPayer), "is not an OtherPayer"):
            continue
        _check_payer(p, other.payer)
        p.prefix = f"other payer {n} subscriber "
        _check_subscriber(p, other.subscriber, False)
        p.prefix = f"other payer {n} "
        p.need(other.relationship in _OTHER_RELATIONSHIP, "relationship code is not valid")
        p.need(other.benefits_assignment in ("Y", "N", "W"), "benefits assignment is not valid")
        p.need(other.release_of_information in ("I", "Y"), "release of information is not valid")
        for value, label in (
            (other.paid_amount, "paid amount"),
            (other.non_covered_amount, "non-covered amount"),
            (other.remaining_patient_liability, "remaining patient liability"),
        ):
            if value is not None:
                p.amount(value, label)
        p.date(other.adjudication_date, "adjudication date", required=False)
        p.ident(other.claim_control_number, "claim control number", 50, required=False)
        if isinstance(other.payer, Payer):
            p.need(other.payer.payer_id not in adjusted, "repeats another payer's id")
            adjusted[other.payer.payer_id] = _check_adjustments(p, other.adjustments)
    p.prefix = ""
    return adjusted


def _check_balances(p: _Problems, claim: Claim, total: Decimal, adjusted: dict) -> None:
    """COB balancing: charge - all CAS of a payer (claim and lines) = that payer's AMT*D."""
    for n, other in enumerate(claim.other_payers, start=1):
        payer_id = other.payer.payer_id
        p.prefix = f"other payer {n} "
        on_lines = [any(a.payer_id == payer_id for a in ln.adjudications) for ln in claim.lines]
        if other.paid_amount is None:
            p.need(not any(on_lines), "adjudicated lines but has no paid amount")
            continue
        p.need(
            other.adjudication_date is not None or all(on_lines),
            "needs an adjudication date (or line adjudications on every line)",
        )
        expected = total - adjusted[payer_id]
        p.need(
            expected == _dec(other.paid_amount),
            f"paid amount ({_num(other.paid_amount)}) differs from the charge minus its "
            f"adjustments ({_num(expected)})",
        )
    p.prefix = ""


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _person_nm1(code: str, last: str, first: str, middle: str, suffix: str, qual: str, ident: str):
    return _seg(
        "NM1",
        code,
        "1",
        _text(last, 60),
        _text(first, 35),
        _text(middle, 25),
        "",
        _text(suffix, 10),
        qual if ident else "",
        ident,
    )


def _org_nm1(code: str, name: str, qual: str, ident: str) -> str:
    return _seg("NM1", code, "2", _text(name, 60), "", "", "", "", qual if ident else "", ident)


def _provider_nm1(code: str, prov: Provider) -> str:
    if prov.organization:
        return _org_nm1(code, prov.last_name, "XX", prov.npi)
    return _person_nm1(code, prov.last_name, prov.first_name, prov.middle_name, "", "XX", prov.npi)


def _sbr(sub: Subscriber, relationship: str) -> str:
    return _seg(
        "SBR",
        sub.payer_responsibility,
        relationship,
        sub.group_number,
        _text(sub.group_name, 60) if not sub.group_number else "",
        sub.insurance_type_code,
        "",
        "",
        "",
        sub.claim_filing_indicator,
    )


def _subscriber_nm1(sub: Subscriber) -> str:
    names = (sub.last_name, sub.first_name, sub.middle_name, sub.suffix)
    return _person_nm1("IL", *names, "MI", sub.member_id)


def _write_subscriber(out: list[str], sub: Subscriber, payer: Payer, is_patient: bool) -> None:
    out.append(_sbr(sub, "18" if is_patient else ""))
    out.append(_subscriber_nm1(sub))
    # 2010BA N3 / N4 / DMG: only when the subscriber is the patient; for a dependant the patient's address and
    # birth date go in 2010CA and the subscriber loop carries none of them (005010X222A1)
    if is_patient:
        out.extend(_address(sub.address))
        out.append(f"DMG*D8*{_d8(sub.birth_date)}*{sub.sex}")
    out.append(_org_nm1("PR", payer.name, payer.id_qualifier, payer.payer_id))
    if payer.address is not None:
        out.extend(_address(payer.address))


def _write_patient(out: list[str], pat: Patient) -> None:
    out.append(f"PAT*{pat.relationship}")
    names = (pat.last_name, pat.first_name, pat.middle_name, pat.suffix)
    out.append(_person_nm1("QC", *names, "", ""))
    out.extend(_address(pat.address))
    out.append(f"DMG*D8*{_d8(pat.birth_date)}*{pat.sex}")


def _write_claim(out: list[str], claim: Claim, billing_npi: str) -> None:
    total = claim.total_charge
    if total is None:
        total = sum((_dec(line.charge) for line in claim.lines), Decimal(0))
    causes = ""
    if claim.related_causes:
        parts = [*claim.related_causes, "", "", ""][:3]
        parts.append(claim.accident_state.upper() if "AA" in claim.related_causes else "")
        causes = ":".join(parts).rstrip(":")
    out.append(
        _seg(
            "CLM",
            claim.patient_control_number,
            _num(total),
            "",
            "",
            f"{claim.place_of_service}:B:{claim.frequency}",
            "Y" if claim.provider_signature else "N",
            claim.assignment,
            claim.benefits_assignment,
            claim.release_of_information,
            "",
            causes,
        )
    )
    for day, qualifier in (
        (claim.onset_date, "431"),
        (claim.initial_treatment_date, "454"),
        (claim.last_seen_date, "304"),
        (claim.accident_date if claim.related_causes else None, "439"),
        (claim.admission_date, "435"),
        (claim.discharge_date, "096"),
    ):
        if day is not None:
            out.append(f"DTP*{qualifier}*D8*{_d8(day)}")
    _write_claim_references(out, claim)
    codes = [_diagnosis(code) for code in claim.diagnoses]
    out.append("HI*ABK:" + codes[0] + "".join("*ABF:" + code for code in codes[1:]))
    _write_claim_providers(out, claim, billing_npi)
    for other in claim.other_payers:
        _write_other_payer(out, other)
    claim_pos = claim.place_of_service
    for number, line in enumerate(claim.lines, start=1):
        _write_line(out, number, line, claim_pos)


def _write_claim_references(out: list[str], claim: Claim) -> None:
    """AMT, REF and NTE of loop 2300."""
    if claim.patient_paid_amount is not None:
        out.append(f"AMT*F5*{_num(claim.patient_paid_amount)}")
    if claim.referral_number:
        out.append(f"REF*9F*{claim.referral_number}")
    if claim.prior_authorization:
        out.append(f"REF*G1*{claim.prior_authorization}")
    if claim.frequency != "1":
        out.append(f"REF*F8*{claim.payer_claim_control_number}")
    if claim.medical_record_number:
        out.append(f"REF*EA*{claim.medical_record_number}")
    if claim.note:
        note = _text(claim.note, 80)
        if note:
            out.append(f"NTE*ADD*{note}")


def _write_claim_providers(out: list[str], claim: Claim, billing_npi: str) -> None:
    """Loops 2310A (referring), 2310B (rendering, unless it is the billing provider) and 2310C."""
    if claim.referring_provider is not None:
        out.append(_provider_nm1("DN", claim.referring_provider))
    rendering = claim.rendering_provider
    if rendering is not None and rendering.npi != billing_npi:
        out.append(_provider_nm1("82", rendering))
        if rendering.taxonomy:
            out.append(f"PRV*PE*PXC*{rendering.taxonomy}")
    if claim.service_facility is not None:
        fac = claim.service_facility
        out.append(_org_nm1("77", fac.name, "XX", fac.npi))
        out.extend(_address(fac.address))


def _write_other_payer(out: list[str], other: OtherPayer) -> None:
    out.append(_sbr(other.subscriber, other.relationship))
    out.extend(_cas(other.adjustments))
    if other.paid_amount is not None:
        out.append(f"AMT*D*{_num(other.paid_amount)}")
    if other.non_covered_amount is not None:
        out.append(f"AMT*A8*{_num(other.non_covered_amount)}")
    if other.remaining_patient_liability is not None:
        out.append(f"AMT*EAF*{_num(other.remaining_patient_liability)}")
    out.append(_seg("OI", "", "", other.benefits_assignment, "", "", other.release_of_information))
    sub = other.subscriber
    out.append(_subscriber_nm1(sub))
    if sub.address is not None:
        out.extend(_address(sub.address))
    payer = other.payer
    out.append(_org_nm1("PR", payer.name, payer.id_qualifier, payer.payer_id))
    if payer.address is not None:
        out.extend(_address(payer.address))
    if other.adjudication_date is not None:
        out.append(f"DTP*573*D8*{_d8(other.adjudication_date)}")
    if other.claim_control_number:
        out.append(f"REF*F8*{other.claim_control_number}")


def _write_line(out: list[str], number: int, line: Line, claim_pos: str) -> None:
    qualifier = line.procedure_qualifier
    procedure = _procedure(qualifier, line.procedure_code, line.modifiers, line.description)
    pos = line.place_of_service if line.place_of_service != claim_pos else ""
    pointers = _pointers(tuple(line.diagnosis_pointers))
    units = f"{line.unit_code}*{_num(line.units)}"
    sv1 = f"SV1*{procedure}*{_num(line.charge)}*{units}*{pos}**{pointers}"
    if line.emergency:
        sv1 += "**Y"
    if line.service_date_end is not None and line.service_date_end != line.service_date:
        dtp = f"DTP*472*RD8*{_d8(line.service_date)}-{_d8(line.service_date_end)}"
    else:
        dtp = f"DTP*472*D8*{_d8(line.service_date)}"
    out += (f"LX*{number}", sv1, dtp)
    if line.control_number:
        out.append(f"REF*6R*{line.control_number}")
    if line.ndc:
        out.append(f"LIN**N4*{_ndc(line.ndc)}")
        out.append(f"CTP****{_num(line.ndc_quantity)}*{line.ndc_unit}")
    for adj in line.adjudications:
        code = adj.procedure_code or line.procedure_code
        modifiers = adj.modifiers if adj.modifiers is not None else line.modifiers
        units = adj.paid_units if adj.paid_units is not None else line.units
        bundled = str(adj.bundled_line_number) if adj.bundled_line_number is not None else ""
        paid = _num(adj.paid_amount)
        svd_procedure = _procedure(qualifier, code, modifiers, "")
        out.append(_seg("SVD", adj.payer_id, paid, svd_procedure, "", _num(units), bundled))
        out.extend(_cas(adj.adjustments))
        out.append(f"DTP*573*D8*{_d8(adj.adjudication_date)}")
        if adj.remaining_patient_liability is not None:
            out.append(f"AMT*EAF*{_num(adj.remaining_patient_liability)}")


def _pairs(
    claims_by_billing_provider: Mapping[BillingProvider, Sequence[Claim]]
    | Iterable[tuple[BillingProvider, Sequence[Claim]]],
) -> list[tuple[BillingProvider, Sequence[Claim]]]:
    if isinstance(claims_by_billing_provider, Mapping):
        items = claims_by_billing_provider.items()
    else:
        items = claims_by_billing_provider
    return [(provider, list(claims)) for provider, claims in items]


def _check_all(ic: Interchange, pairs: list[tuple[BillingProvider, Sequence[Claim]]]) -> None:
    errors: list[tuple[str, str]] = [("interchange", msg) for msg in _check_interchange(ic)]
    seen: set[str] = set()
    count = 0
    for provider, claims in pairs:
        label = f"billing provider {getattr(provider, 'npi', '?')}"
        errors += [(label, msg) for msg in _check_billing_provider(provider)]
        for claim in claims:
            count += 1
            key = getattr(claim, "patient_control_number", "") or f"claim #{count}"
            errors += [(key, msg) for msg in _check_claim(claim)]
            if key in seen:
                errors.append((key, "patient control number used twice in the batch"))
            seen.add(key)
    if not count:
        errors.append(("", "there is no claim to write"))
    if errors:
        raise X12DataError(errors)


class Written837P(NamedTuple):
    """An 837P file and where its claims went: ``{CLM01: ST02 of the transaction set holding it}``."""

    text: str
    transactions: dict[str, str]


def write_837p(
    interchange: Interchange,
    claims_by_billing_provider: Mapping[BillingProvider, Sequence[Claim]]
    | Iterable[tuple[BillingProvider, Sequence[Claim]]],
    *,
    line_breaks: bool = False,
) -> Written837P:
    """Write one interchange holding all the claims, grouped by billing provider and subscriber.

    ``claims_by_billing_provider``: a mapping (or pairs) of BillingProvider to its claims.
    Claims with equal subscriber and payer share a 2000B level; a dependent patient gets a
    2000C level. Raises :class:`X12DataError` (listing every problem) before writing anything.
    Returns the text and the transaction set (ST02) of each claim (CLM01).
    """
    pairs = _pairs(claims_by_billing_provider)
    _check_all(interchange, pairs)

    # Order: provider, then (subscriber, payer), subscriber's own claims before dependants'.
    entries: list[tuple[int, tuple[int, int], Patient | None, Claim]] = []
    for p_index, (_provider, claims) in enumerate(pairs):
        groups: dict[tuple[Subscriber, Payer], dict[Patient | None, list[Claim]]] = {}
        for claim in claims:
            by_patient = groups.setdefault((claim.subscriber, claim.payer), {})
            by_patient.setdefault(claim.patient, []).append(claim)
        for s_index, by_patient in enumerate(groups.values()):
            for claim in by_patient.pop(None, ()):
                entries.append((p_index, (s_index, 0), None, claim))
            for patient, patient_claims in by_patient.items():
                for claim in patient_claims:
                    entries.append((p_index, (s_index, 1), patient, claim))

    ic = interchange
    created = ic.created
    yymmdd = created.strftime("%y%m%d")
    ccyymmdd = created.strftime("%Y%m%d")
    hhmm = created.strftime("%H%M")
    isa_control = f"{ic.control_number:09d}"
    group_control = str(ic.group_control_number or ic.control_number)
    out: list[str] = [
        f"ISA*00*{'':10}*00*{'':10}*{ic.sender_qualifier}*{ic.sender_id:<15}*"
        f"{ic.receiver_qualifier}*{ic.receiver_id:<15}*{yymmdd}*{hhmm}*^*00501*{isa_control}*"
        f"{1 if ic.acknowledgment_requested else 0}*{ic.usage}*:",
        f"GS*HC*{ic.application_sender_code or ic.sender_id}*"
        f"{ic.application_receiver_code or ic.receiver_id}*{ccyymmdd}*{hhmm}*{group_control}*X*"
        f"{VERSION}",
    ]
    sub = ic.submitter
    contact = ["PER", "IC", _text(sub.contact_name, 60)]
    if sub.phone:
        contact += ["TE", _digits(sub.phone)]
        if sub.phone_extension:
            contact += ["EX", _digits(sub.phone_extension)[:10]]
    if sub.email:
        contact += ["EM", sub.email]
    header_tail = [
        _org_nm1("41", sub.name, "46", sub.submitter_id),
        "*".join(contact),
        _org_nm1("40", ic.receiver.name, "46", ic.receiver.receiver_id),
    ]
    batch_id = ic.batch_id or str(ic.control_number)
    size = ic.max_claims_per_transaction
    chunks = [entries[i : i + size] for i in range(0, len(entries), size)]
    transactions: dict[str, str] = {}
    for st_index, chunk in enumerate(chunks):
        st_control = f"{ic.transaction_control_number + st_index:04d}"
        transactions.update((entry[3].patient_control_number, st_control) for entry in chunk)
        start = len(out)
        out.append(f"ST*837*{st_control}*{VERSION}")
        suffix = f"-{st_index + 1}" if len(chunks) > 1 else ""
        out.append(f"BHT*0019*00*{batch_id}{suffix}*{ccyymmdd}*{hhmm}*{ic.transaction_type}")
        out.extend(header_tail)
        _write_hierarchy(out, chunk, pairs)
        out.append(f"SE*{len(out) - start + 1}*{st_control}")
    out.append(f"GE*{len(chunks)}*{group_control}")
    out.append(f"IEA*1*{isa_control}")
    terminator = "~\n" if line_breaks else "~"
    return Written837P(terminator.join(out) + terminator, transactions)


def _write_hierarchy(
    out: list[str],
    chunk: list[tuple[int, tuple[int, int], Patient | None, Claim]],
    pairs: list[tuple[BillingProvider, Sequence[Claim]]],
) -> None:
    hl = 0
    provider_hl = subscriber_hl = 0
    prev_provider: int | None = None
    prev_group: tuple[int, int] | None = None
    prev_patient: Patient | None = None
    in_level = 0
    billing_npi = ""
    for p_index, group, patient, claim in chunk:
        if p_index != prev_provider:
            provider = pairs[p_index][0]
            billing_npi = provider.npi
            hl += 1
            provider_hl = hl
            out.append(f"HL*{hl}**20*1")
            if provider.taxonomy:
                out.append(f"PRV*BI*PXC*{provider.taxonomy}")
            if provider.first_name:
                names = (provider.name, provider.first_name, "", "")
                out.append(_person_nm1("85", *names, "XX", provider.npi))
            else:
                out.append(_org_nm1("85", provider.name, "XX", provider.npi))
            out.extend(_address(provider.address))
            out.append(f"REF*EI*{_digits(provider.ein)}")
            prev_provider, prev_group = p_index, None
        if group != prev_group or (patient is None and in_level == MAX_CLAIMS_PER_HL):
            hl += 1
            subscriber_hl = hl
            out.append(f"HL*{hl}*{provider_hl}*22*{0 if patient is None else 1}")
            _write_subscriber(out, claim.subscriber, claim.payer, patient is None)
            prev_group, prev_patient, in_level = group, None, 0
        if patient is not None and (patient is not prev_patient or in_level == MAX_CLAIMS_PER_HL):
            hl += 1
            out.append(f"HL*{hl}*{subscriber_hl}*23*0")
            _write_patient(out, patient)
            prev_patient, in_level = patient, 0
        _write_claim(out, claim, billing_npi)
        in_level += 1
