# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""270 eligibility, coverage or benefit inquiry writer (005010X279A1) over plain dataclasses.

Pure Python: no Odoo import. :func:`write_270` checks every inquiry first and raises
:class:`X12DataError` listing each bad one (by trace number, never by patient data), so a file is
written whole or not at all. One transaction set carries every inquiry: the inquiries of one payer
and provider share a 2000A / 2000B level; each inquiry is a 2000C subscriber level (and a 2000D
dependent level when the patient is not the subscriber) with its own TRN trace number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from .x12_837_elements import _d8, _digits, _seg, _text
from .x12_common import X12DataError, npi_is_valid, outgoing_envelope

__all__ = ["EligibilityInquiry", "EligibilityInterchange", "InformationReceiver", "Member", "write_270"]

VERSION = "005010X279A1"
MAX_SERVICE_TYPES = 99  # EQ01 repeats at most 99 times
# Service type codes (X12 code list 1365) the writer accepts: one or two upper-case letters / digits.
_SERVICE_TYPE = re.compile(r"[0-9A-Z]{1,2}\Z")
_IDENT = re.compile(r"[!-)+-9;-\]_-}](?:[ !-)+-9;-\]_-}]*[!-)+-9;-\]_-}])?\Z")
_GENDER = frozenset("MFU")
_RELATIONSHIP = frozenset(("01", "19", "34"))  # INS02 of a dependent: spouse, child, other adult

_frozen = dataclass(frozen=True, slots=True, kw_only=True)


@_frozen
class EligibilityInterchange:
    """Envelope values: ISA, GS and ST control numbers, sender and receiver ids."""

    sender_id: str
    receiver_id: str
    control_number: int  # ISA13, also GS06 unless group_control_number is set
    created: datetime
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    usage: str = "T"
    group_control_number: int | None = None
    transaction_control_number: int = 1
    application_sender_code: str = ""
    application_receiver_code: str = ""
    acknowledgment_requested: bool = False
    reference: str = ""  # BHT03, default the control number


@_frozen
class InformationReceiver:
    """Loop 2100B: the provider asking (an organisation, or a person when ``first_name`` is set)."""

    name: str
    npi: str
    first_name: str = ""


@_frozen
class Member:
    """Loop 2100C (subscriber) or 2100D (dependent): who the inquiry is about."""

    last_name: str
    first_name: str = ""
    middle_name: str = ""
    member_id: str = ""  # NM109, required for the subscriber
    birth_date: date | None = None
    gender: str = ""  # M or F (U or empty: not sent)
    group_number: str = ""  # REF*6P
    relationship: str = ""  # INS02 of a dependent: 01 spouse, 19 child, 34 other adult


@_frozen
class EligibilityInquiry:
    """One inquiry: a subscriber (and possibly a dependent patient) at one payer for one day."""

    trace_number: str  # TRN02, echoed by the 271
    payer_name: str
    payer_id: str
    provider: InformationReceiver
    subscriber: Member
    service_date: date
    service_types: tuple[str, ...] = ("30",)
    dependent: Member | None = None
    originator_id: str = ""  # TRN03: "1" + EIN or "9" + 9 chars; default 9 + the provider's NPI digits


class _Problems(list):
    def add(self, key: str, message: str) -> None:
        self.append((key, message))


def _check(ic: EligibilityInterchange, inquiries: Sequence[EligibilityInquiry]) -> None:
    problems = _Problems()
    _check_interchange(problems, ic)
    seen: set[str] = set()
    for inquiry in inquiries:
        _check_inquiry(problems, inquiry, seen)
    if not inquiries:
        problems.add("", "there is no inquiry to write")
    if problems:
        raise X12DataError(problems)


def _check_interchange(problems: _Problems, ic: EligibilityInterchange) -> None:
    """ISA / GS / ST / BHT values of the interchange."""
    for value, what in ((ic.sender_id, "sender id (ISA06)"), (ic.receiver_id, "receiver id (ISA08)")):
        if not value or len(value) > 15 or not _IDENT.match(value):
            problems.add("", f"{what} must be 1-15 characters without delimiters")
    for qualifier, what in ((ic.sender_qualifier, "ISA05"), (ic.receiver_qualifier, "ISA07")):
        if not re.fullmatch(r"[0-9A-Z]{2}", qualifier or ""):
            problems.add("", f"{what} qualifier must be 2 characters")
    if ic.usage not in ("T", "P"):
        problems.add("", "usage indicator (ISA15) must be T or P")
    for number, what in (
        (ic.control_number, "interchange control number"),
        (ic.group_control_number or ic.control_number, "group control number"),
        (ic.transaction_control_number, "transaction set control number"),
    ):
        if not isinstance(number, int) or not 0 < number <= 999_999_999:
            problems.add("", f"{what} must be 1-999999999")
    if not isinstance(ic.created, datetime):
        problems.add("", "created must be a datetime")
    if ic.reference and (len(ic.reference) > 50 or not _IDENT.match(ic.reference)):
        problems.add("", "reference (BHT03) must be 1-50 characters without delimiters")


def _check_inquiry(problems: _Problems, inquiry: EligibilityInquiry, seen: set[str]) -> None:
    """One inquiry; ``seen`` collects the trace numbers of the inquiries before it."""
    key = inquiry.trace_number or "?"
    _check_trace_number(problems, key, inquiry.trace_number, seen)
    _check_parties(problems, key, inquiry)
    originator = inquiry.originator_id
    if originator and not re.fullmatch(r"[19][0-9A-Z]{9}", originator):
        problems.add(key, "the originator id (TRN03) must be 1 or 9 followed by 9 characters")
    if not isinstance(inquiry.service_date, date) or isinstance(inquiry.service_date, datetime):
        problems.add(key, "the date of service is missing")
    _check_service_types(problems, key, inquiry.service_types)
    _check_member(problems, key, inquiry.subscriber, "subscriber", subscriber=True)
    if inquiry.dependent is not None:
        _check_member(problems, key, inquiry.dependent, "patient", subscriber=False)


def _check_trace_number(problems: _Problems, key: str, trace_number: str, seen: set[str]) -> None:
    if not trace_number or len(trace_number) > 50 or not _IDENT.match(trace_number):
        problems.add(key, "the trace number (TRN02) must be 1-50 characters without delimiters")
    elif trace_number in seen:
        problems.add(key, "the trace number is used twice in the file")
    seen.add(trace_number)


def _check_parties(problems: _Problems, key: str, inquiry: EligibilityInquiry) -> None:
    """The payer (2100A) and the provider (2100B)."""
    if not _text(inquiry.payer_name, 60):
        problems.add(key, "the payer has no name")
    if not inquiry.payer_id or len(inquiry.payer_id) > 80 or not _IDENT.match(inquiry.payer_id):
        problems.add(key, "the payer has no electronic payer id")
    if not _text(inquiry.provider.name, 60):
        problems.add(key, "the provider has no name")
    if not npi_is_valid(inquiry.provider.npi):
        problems.add(key, "the provider's NPI is missing or invalid")


def _check_service_types(problems: _Problems, key: str, types: Sequence[str]) -> None:
    if not types or len(types) > MAX_SERVICE_TYPES:
        problems.add(key, f"give 1 to {MAX_SERVICE_TYPES} service type codes")
    elif any(not isinstance(t, str) or not _SERVICE_TYPE.match(t) for t in types):
        problems.add(key, "a service type code is not 1-2 letters or digits")
    elif len(set(types)) != len(types):
        problems.add(key, "a service type code is repeated")


def _check_member(problems: _Problems, key: str, member: Member, what: str, subscriber: bool) -> None:
    if not _text(member.last_name, 60):
        problems.add(key, f"the {what} has no last name")
    if subscriber and (
        not member.member_id or len(member.member_id) > 80 or not _IDENT.match(member.member_id)
    ):
        problems.add(key, "the subscriber has no member id")
    if member.gender and member.gender not in _GENDER:
        problems.add(key, f"the {what}'s gender must be M, F or U")
    if member.birth_date is not None and (
        not isinstance(member.birth_date, date) or isinstance(member.birth_date, datetime)
    ):
        problems.add(key, f"the {what}'s birth date is not a date")
    if member.group_number and (len(member.group_number) > 50 or not _IDENT.match(member.group_number)):
        problems.add(key, f"the {what}'s group number must be 1-50 characters without delimiters")
    if not subscriber:
        if member.relationship not in _RELATIONSHIP:
            problems.add(key, "the patient's relationship to the subscriber is not a dependent code")
        if not member.birth_date:
            problems.add(key, "a dependent patient needs a birth date")


def _member(out: list[str], code: str, member: Member, inquiry: EligibilityInquiry, last: bool) -> None:
    """NM1, REF, DMG, INS, DTP and EQ of a 2100C / 2100D member (EQ only on the last level)."""
    qualifier, ident = ("MI", member.member_id) if member.member_id else ("", "")
    out.append(
        _seg(
            "NM1",
            code,
            "1",
            _text(member.last_name, 60),
            _text(member.first_name, 35),
            _text(member.middle_name, 25),
            "",
            "",
            qualifier,
            ident,
        )
    )
    if member.group_number:
        out.append(f"REF*6P*{member.group_number}")
    gender = member.gender if member.gender in ("M", "F") else ""
    if member.birth_date or gender:
        out.append(
            _seg(
                "DMG",
                "D8" if member.birth_date else "",
                _d8(member.birth_date) if member.birth_date else "",
                gender,
            )
        )
    if code == "03":
        out.append(f"INS*N*{member.relationship}")
    if last:
        out.append(f"DTP*291*D8*{_d8(inquiry.service_date)}")
        for service_type in inquiry.service_types:
            out.append(f"EQ*{service_type}")


def write_270(
    interchange: EligibilityInterchange,
    inquiries: Sequence[EligibilityInquiry],
    *,
    line_breaks: bool = False,
) -> str:
    """Write one interchange holding every inquiry; raise :class:`X12DataError` before writing."""
    inquiries = list(inquiries)
    _check(interchange, inquiries)
    ic = interchange
    envelope = outgoing_envelope(ic, "HS", VERSION)
    st_control = f"{ic.transaction_control_number:04d}"
    out: list[str] = list(envelope.head)
    start = len(out)
    out.append(f"ST*270*{st_control}*{VERSION}")
    out.append(f"BHT*0022*13*{ic.reference or ic.control_number}*{envelope.date}*{envelope.time}")
    groups: dict[tuple[str, str, InformationReceiver], list[EligibilityInquiry]] = {}
    for inquiry in inquiries:
        groups.setdefault((inquiry.payer_id, inquiry.payer_name, inquiry.provider), []).append(inquiry)
    hl = 0
    for (payer_id, payer_name, provider), members in groups.items():
        hl += 1
        source_hl = hl
        out.append(f"HL*{hl}**20*1")
        out.append(_seg("NM1", "PR", "2", _text(payer_name, 60), "", "", "", "", "PI", payer_id))
        hl += 1
        receiver_hl = hl
        out.append(f"HL*{hl}*{source_hl}*21*1")
        if provider.first_name:
            name = ("1", _text(provider.name, 60), _text(provider.first_name, 35))
        else:
            name = ("2", _text(provider.name, 60), "")
        out.append(_seg("NM1", "1P", *name, "", "", "", "XX", provider.npi))
        for inquiry in members:
            hl += 1
            dependent = inquiry.dependent
            out.append(f"HL*{hl}*{receiver_hl}*22*{1 if dependent else 0}")
            trn = ["TRN", "1", inquiry.trace_number, inquiry.originator_id or "9" + _digits(provider.npi)[:9]]
            if dependent is None:
                out.append("*".join(trn))
            _member(out, "IL", inquiry.subscriber, inquiry, last=dependent is None)
            if dependent is not None:
                subscriber_hl = hl
                hl += 1
                out.append(f"HL*{hl}*{subscriber_hl}*23*0")
                out.append("*".join(trn))
                _member(out, "03", dependent, inquiry, last=True)
    out.append(f"SE*{len(out) - start + 1}*{st_control}")
    out += envelope.tail(1)
    terminator = "~\n" if line_breaks else "~"
    return terminator.join(out) + terminator
