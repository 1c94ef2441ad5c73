# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""837P checks: every problem of an interchange and its claims, listed before anything is written.

Pure Python: no Odoo import. :func:`check_all` raises :class:`X12DataError` listing each bad claim, so a
batch is written whole or not at all.

Over 500 lines: one check function per 837P loop, all feeding the same problem list; they are the
rules of one document and read best together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from . import x12_837_data as data
from .address import is_po_box
from .x12_837_data import MAX_DIAGNOSES, MAX_LINES
from .x12_837_elements import (
    _CAS_GROUPS,
    _CAUSES,
    _CENT,
    _FILING,
    _ICD10,
    _INSURANCE_TYPE,
    _MODIFIER,
    _NDC_UNITS,
    _OTHER_RELATIONSHIP,
    _PAT_RELATIONSHIP,
    _POS,
    _PROCEDURE,
    _REASON,
    _RESPONSIBILITY,
    _SEX,
    _STATE,
    _TAXONOMY,
    _dec,
    _diagnosis,
    _digits,
    _ndc,
    _num,
    _text,
)
from .x12_common import X12DataError, npi_is_valid

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

    def address(self, address: data.Address | None, what: str, zip9: bool = False) -> None:
        if not isinstance(address, data.Address):
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


def _check_interchange(ic: data.Interchange) -> list[str]:
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


def _check_billing_provider(bp: data.BillingProvider) -> list[str]:
    p = _Problems()
    if not p.need(isinstance(bp, data.BillingProvider), "billing provider is not a BillingProvider"):
        return p
    p.name(bp.name, "billing provider name")
    p.npi(bp.npi, "billing provider")
    p.need(len(_digits(bp.ein)) == 9, "billing provider EIN must have 9 digits")
    p.address(bp.address, "billing provider", zip9=True)
    if isinstance(bp.address, data.Address):
        p.need(
            not is_po_box(bp.address.line1, bp.address.line2),
            "billing provider address must be a street address, not a PO box",
        )
    if bp.taxonomy:
        p.need(_TAXONOMY.match(bp.taxonomy), "billing provider taxonomy code is not valid")
    return p


def _check_subscriber(p: _Problems, sub: data.Subscriber, is_patient: bool) -> None:
    """Check a subscriber under ``p.prefix`` (e.g. "subscriber ")."""
    if not p.need(isinstance(sub, data.Subscriber), "is missing"):
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


def _check_payer(p: _Problems, payer: data.Payer) -> None:
    """Check a payer under ``p.prefix`` (e.g. "payer ")."""
    if not p.need(isinstance(payer, data.Payer), "is missing"):
        return
    p.name(payer.name, "name")
    p.ident(payer.payer_id, "id", 80)
    p.need(payer.id_qualifier in ("PI", "XV"), "id qualifier must be PI or XV")
    if payer.address is not None:
        p.address(payer.address, "")


def _check_adjustments(p: _Problems, adjustments: Sequence[data.Adjustment]) -> Decimal:
    total = Decimal(0)
    groups: dict[str, int] = {}
    for adj in adjustments:
        if not p.need(isinstance(adj, data.Adjustment), "adjustment is not an Adjustment"):
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


def _check_provider(p: _Problems, prov: data.Provider) -> None:
    """Check a rendering or referring provider under ``p.prefix``."""
    if not p.need(isinstance(prov, data.Provider), "is not a Provider"):
        return
    p.name(prov.last_name, "name")
    if not prov.organization:
        p.name(prov.first_name, "first name")
    p.npi(prov.npi, "")
    if prov.taxonomy:
        p.need(_TAXONOMY.match(prov.taxonomy), "taxonomy code is not valid")


def _check_line(p: _Problems, line: data.Line, diagnoses: int, payers: dict) -> Decimal:
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
        if not need(isinstance(adj, data.LineAdjudication), "adjudication is not a LineAdjudication"):
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


def _check_claim(claim: data.Claim) -> list[str]:
    p = _Problems()
    if not p.need(isinstance(claim, data.Claim), "not a Claim"):
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
        if p.need(isinstance(line, data.Line), "is not a Line"):
            total += _check_line(p, line, diagnoses, adjusted)
    p.prefix = ""
    if claim.total_charge is not None:
        charge = p.amount(claim.total_charge, "total charge")
        if charge is not None and not p:
            p.need(charge == total, "total charge differs from the sum of the line charges")
    if not p:
        _check_balances(p, claim, total, adjusted)
    return p


def _check_patient(p: _Problems, pat: data.Patient | None) -> None:
    """Loop 2000C / 2010CA of a dependant patient."""
    if pat is not None and p.need(isinstance(pat, data.Patient), "patient is not a Patient"):
        p.name(pat.last_name, "patient last name")
        p.need(
            pat.relationship in _PAT_RELATIONSHIP,
            "patient relationship must be one of 01, 19, 20, 21, 39, 40, 53, G8",
        )
        p.address(pat.address, "patient")
        p.date(pat.birth_date, "patient birth date")
        p.need(pat.sex in _SEX, "patient sex must be M, F or U")


def _check_claim_information(p: _Problems, claim: data.Claim) -> None:
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


def _check_claim_providers(p: _Problems, claim: data.Claim) -> None:
    """Loops 2310A (referring), 2310B (rendering) and 2310C (service facility)."""
    if claim.referring_provider is not None:
        p.prefix = "referring provider "
        _check_provider(p, claim.referring_provider)
    if claim.rendering_provider is not None:
        p.prefix = "rendering provider "
        _check_provider(p, claim.rendering_provider)
    p.prefix = ""
    fac = claim.service_facility
    if fac is not None and p.need(isinstance(fac, data.ServiceFacility), "service facility type"):
        p.name(fac.name, "service facility name")
        p.npi(fac.npi, "service facility", required=False)
        p.address(fac.address, "service facility", zip9=True)


def _check_other_payers(p: _Problems, claim: data.Claim) -> dict[str, Decimal]:
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
        if not p.need(isinstance(other, data.OtherPayer), "is not an OtherPayer"):
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
        if isinstance(other.payer, data.Payer):
            p.need(other.payer.payer_id not in adjusted, "repeats another payer's id")
            adjusted[other.payer.payer_id] = _check_adjustments(p, other.adjustments)
    p.prefix = ""
    return adjusted


def _check_balances(p: _Problems, claim: data.Claim, total: Decimal, adjusted: dict) -> None:
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


def claims_by_provider(
    claims_by_billing_provider: Mapping[data.BillingProvider, Sequence[data.Claim]]
    | Iterable[tuple[data.BillingProvider, Sequence[data.Claim]]],
) -> list[tuple[data.BillingProvider, Sequence[data.Claim]]]:
    if isinstance(claims_by_billing_provider, Mapping):
        items = claims_by_billing_provider.items()
    else:
        items = claims_by_billing_provider
    return [(provider, list(claims)) for provider, claims in items]


def check_all(ic: data.Interchange, pairs: list[tuple[data.BillingProvider, Sequence[data.Claim]]]) -> None:
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
