# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Acknowledgement writer: the X12 envelope, 999 (005010X231A1) and 277CA (005010X214) files a receiver sends.

Pure Python: no Odoo import. The addon never sends acknowledgements: this is what the demo data and the
tests build the clearinghouse's and payer's answers with, so there is one way to write them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

__all__ = [
    "VERSION_277CA",
    "VERSION_837P",
    "VERSION_999",
    "ClaimAck277",
    "Source277",
    "ack_277ca",
    "ack_277ca_body",
    "ack_277ca_head",
    "ack_999",
    "ack_999_body",
    "interchange",
]

VERSION_837P = "005010X222A1"
VERSION_999 = "005010X231A1"
VERSION_277CA = "005010X214"
_CREATED = datetime(2025, 3, 5, 8, 0)


def interchange(
    functional_id: str,
    version: str,
    sets: Iterable[tuple[str, Sequence[str]]],
    *,
    sender: str = "CLEARHOUSE",
    receiver: str = "SUBMIT01",
    sender_qualifier: str = "ZZ",
    receiver_qualifier: str = "ZZ",
    control: int | str = 101,
    group: int | str = 101,
    created: datetime = _CREATED,
    usage: str = "T",
    line_breaks: bool = False,
    st03: bool = True,
) -> str:
    """ISA / GS / ST ... SE / GE / IEA around transaction sets given as (ST01, body segments without ST/SE).

    ``st03``: write the version in ST03 (the 835 guide does not use it).

    Transaction sets are numbered 0001, 0002 ...; ``control`` is ISA13 / IEA02, ``group`` GS06 / GE02.
    """
    isa13 = f"{int(control):09d}"
    segments = [
        f"ISA*00*{'':10}*00*{'':10}*{sender_qualifier}*{sender:<15}*{receiver_qualifier}*{receiver:<15}*"
        f"{created:%y%m%d}*{created:%H%M}*^*00501*{isa13}*0*{usage}*:",
        f"GS*{functional_id}*{sender}*{receiver}*{created:%Y%m%d}*{created:%H%M}*{group}*X*{version}",
    ]
    count = 0
    for count, (set_id, body) in enumerate(sets, start=1):
        segments.append(f"ST*{set_id}*{count:04d}*{version}" if st03 else f"ST*{set_id}*{count:04d}")
        segments += body
        segments.append(f"SE*{len(body) + 2}*{count:04d}")
    segments += [f"GE*{count}*{group}", f"IEA*1*{isa13}"]
    terminator = "~\n" if line_breaks else "~"
    return terminator.join(segments) + terminator


# --------------------------------------------------------------------------------------------
# 999


def ack_999_body(
    group_control_number: int | str,
    answers: Iterable[tuple[str, str, Sequence[str]]],
    *,
    group_status: str | None = None,
    group_errors: Sequence[str] = (),
    version: str = VERSION_837P,
) -> list[str]:
    """AK1 ... AK9 answering one 837P group: ``answers`` are (ST02, IK501 status A/E/R, IK3/IK4/CTX segments).

    A rejected set gets IK502 5 (segments in error); AK9 counts the sets and, unless ``group_status`` is
    given, is A (all accepted), R (none) or P.
    """
    body = [f"AK1*HC*{group_control_number}*{version}"]
    sets = accepted = 0
    for st, status, errors in answers:
        sets += 1
        accepted += status in ("A", "E")
        body.append(f"AK2*837*{st}*{version}")
        body += errors
        body.append(f"IK5*{status}*5" if status == "R" else f"IK5*{status}")
    if group_status is None:
        group_status = "A" if accepted == sets else "R" if not accepted else "P"
    body.append("*".join(["AK9", group_status, str(sets), str(sets), str(accepted), *group_errors]))
    return body


def ack_999(
    group_control_number: int | str,
    answers: Iterable[tuple[str, str, Sequence[str]]],
    **envelope: object,
) -> str:
    """A whole 999 answering one 837P group (see :func:`ack_999_body`; ``envelope``: :func:`interchange`)."""
    return interchange("FA", VERSION_999, [("999", ack_999_body(group_control_number, answers))], **envelope)


# --------------------------------------------------------------------------------------------
# 277CA


@dataclass(frozen=True, kw_only=True)
class Source277:
    """Who answers (loop 2100A), to whom (2100B) and for which provider (2100C) in a 277CA."""

    source: str = "NM1*PR*2*ACME HEALTH*****PI*ACME1"  # the whole 2100A NM1 segment
    trace: str = "0123456789"
    answered: date = date(2025, 3, 6)  # BHT04 and the receiver's status date
    receipt_date: date | None = date(2025, 3, 5)  # DTP*050
    process_date: date | None = date(2025, 3, 6)  # DTP*009
    submitter_name: str = "TEST PRACTICE BILLING"
    submitter_id: str = "SUB123"
    batch_trace: str = "BATCH"
    provider_name: str = "PRACTICE"
    provider_npi: str = ""
    provider_trace: str = "0"
    reference: str = "277CA0001"  # BHT03


@dataclass(frozen=True, kw_only=True)
class ClaimAck277:
    """One claim's answer (loops 2000D / 2200D): ``status`` is STC01 (``A2:20:PR``), ``action`` STC03."""

    patient_control_number: str
    status: str
    action: str = "WQ"
    amount: Decimal | float | None = None
    last_name: str = "ONE"
    first_name: str = "TEST"
    member_id: str = "ACM123456789"
    date: date | None = date(2025, 3, 6)
    message: str = ""  # STC12, free text
    extra: Sequence[str] = field(default_factory=tuple)  # REF, DTP, SVC ... after the STC


def _amount(value: Decimal | float | None) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else f"{value}"


def _stc(
    status: str, day: date | None, action: str, amount: Decimal | float | None, message: str = ""
) -> str:
    stc = "*".join(["STC", status, f"{day:%Y%m%d}" if day else "", action, _amount(amount)]).rstrip("*")
    return f"{stc}{'*' * 8}{message}" if message else stc


def ack_277ca_head(source: Source277, total: Decimal | float | None = None) -> list[str]:
    """BHT ... the receiver's STC of a 277CA transaction set: loops 2000A/2100A and 2000B/2100B/2200B."""
    day = source.answered
    body = [
        f"BHT*0085*08*{source.reference}*{day:%Y%m%d}*1200*TH",
        "HL*1**20*1",
        source.source,
        f"TRN*1*{source.trace}",
    ]
    if source.receipt_date:
        body.append(f"DTP*050*D8*{source.receipt_date:%Y%m%d}")
    if source.process_date:
        body.append(f"DTP*009*D8*{source.process_date:%Y%m%d}")
    body += [
        "HL*2*1*21*1",
        f"NM1*41*2*{source.submitter_name}*****46*{source.submitter_id}",
        f"TRN*2*{source.batch_trace}",
        _stc("A1:19:PR", day, "WQ", total),
    ]
    return body


def ack_277ca_body(
    source: Source277, claims: Sequence[ClaimAck277], total: Decimal | float | None = None
) -> list[str]:
    """BHT ... the last claim of one 277CA transaction set: information source, receiver, provider, claims."""
    body = ack_277ca_head(source, total)
    body += [
        "HL*3*2*19*1",
        f"NM1*85*2*{source.provider_name}*****XX*{source.provider_npi}",
        f"TRN*1*{source.provider_trace}",
        _stc("A1:19:PR", None, "WQ", total),
    ]
    for number, claim in enumerate(claims, start=4):
        body += [
            f"HL*{number}*3*PT",
            f"NM1*QC*1*{claim.last_name}*{claim.first_name}****MI*{claim.member_id}",
            f"TRN*2*{claim.patient_control_number}",
            _stc(claim.status, claim.date, claim.action, claim.amount, claim.message),
            *claim.extra,
        ]
    return body


def ack_277ca(
    source: Source277,
    claims: Sequence[ClaimAck277],
    total: Decimal | float | None = None,
    **envelope: object,
) -> str:
    """A whole 277CA of one transaction set (``envelope``: the keywords of :func:`interchange`)."""
    return interchange("HN", VERSION_277CA, [("277", ack_277ca_body(source, claims, total))], **envelope)
