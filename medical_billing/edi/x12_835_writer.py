# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""835 writer: the remittance files a payer sends, for the demo data, the tests and the benchmark.

Pure Python: no Odoo import. The addon never sends remittances; this is the one way the project builds them,
balanced by construction (BPR02 is computed from the claims and provider adjustments unless given).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .x12_ack_writer import interchange

__all__ = ["VERSION_835", "EraClaim", "EraService", "era_835", "era_835_body"]

VERSION_835 = "005010X221A1"


def _amount(value) -> str:
    text = f"{Decimal(str(value)).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cas(adjustments: Sequence[tuple[str, str, object]]) -> list[str]:
    """CAS segments, one per group, up to six reasons each."""
    by_group: dict[str, list[tuple[str, object]]] = {}
    for group, reason, amount in adjustments:
        by_group.setdefault(group, []).append((reason, amount))
    segments = []
    for group, reasons in by_group.items():
        for start in range(0, len(reasons), 6):
            parts = [f"{reason}*{_amount(amount)}*" for reason, amount in reasons[start : start + 6]]
            segments.append((f"CAS*{group}*" + "*".join(parts)).rstrip("*"))
    return segments


@dataclass
class EraService:
    code: str
    charge: object
    paid: object
    modifiers: Sequence[str] = ()
    qualifier: str = "HC"
    units: object = 1
    date_service: date | None = None
    adjustments: Sequence[tuple[str, str, object]] = ()
    control_number: str = ""
    allowed: object = None
    remarks: Sequence[str] = ()


@dataclass
class EraClaim:
    pcn: str
    charge: object
    paid: object
    status: str = "1"
    patient_amount: object = None
    payer_claim_number: str = ""
    adjustments: Sequence[tuple[str, str, object]] = ()
    services: Sequence[EraService] = ()
    patient: tuple[str, str] = ("DOE", "JANE")
    member_id: str = "MEMBER01"
    crossover: str = ""
    filing_indicator: str = "12"
    remarks: Sequence[str] = ()


def _claim_segments(claim: EraClaim) -> list[str]:
    patient_amount = "" if claim.patient_amount is None else _amount(claim.patient_amount)
    segments = [
        f"CLP*{claim.pcn}*{claim.status}*{_amount(claim.charge)}*{_amount(claim.paid)}*{patient_amount}*"
        f"{claim.filing_indicator}*{claim.payer_claim_number or 'PCCN' + claim.pcn}",
        *_cas(claim.adjustments),
        f"NM1*QC*1*{claim.patient[0]}*{claim.patient[1]}****MI*{claim.member_id}",
    ]
    if claim.crossover:
        segments.append(f"NM1*TT*2*{claim.crossover}*****PI*CROSSOVER")
    if claim.remarks:
        segments.append("MOA***" + "*".join(claim.remarks))
    for svc in claim.services:
        code = ":".join([svc.qualifier, svc.code, *svc.modifiers])
        units = "" if svc.units in (None, 1) else f"{svc.units}"
        segments.append(f"SVC*{code}*{_amount(svc.charge)}*{_amount(svc.paid)}**{units}".rstrip("*"))
        if svc.date_service:
            segments.append(f"DTM*472*{svc.date_service:%Y%m%d}")
        segments += _cas(svc.adjustments)
        if svc.control_number:
            segments.append(f"REF*6R*{svc.control_number}")
        if svc.allowed is not None:
            segments.append(f"AMT*B6*{_amount(svc.allowed)}")
        if svc.remarks:
            segments += [f"LQ*HE*{remark}" for remark in svc.remarks]
    return segments


def era_835_body(
    claims: Sequence[EraClaim],
    *,
    trace: str,
    payer_name: str = "ACME HEALTH",
    payer_id: str = "ACME1",
    trace_payer_id: str = "1999999999",
    payee_name: str = "PRACTICE",
    payee_npi: str = "",
    payee_tin: str = "",
    method: str = "ACH",
    paid_on: date = date(2025, 3, 20),
    provider_adjustments: Sequence[tuple[str, str, object]] = (),
    amount: object = None,
) -> list[str]:
    """The segments of one 835 transaction (without ST/SE)."""
    if amount is None:
        total = sum((Decimal(str(c.paid)) for c in claims), Decimal(0))
        total -= sum((Decimal(str(a)) for _r, _ref, a in provider_adjustments), Decimal(0))
        amount = total
    credit = "D" if Decimal(str(amount)) < 0 else "C"
    shown = _amount(abs(Decimal(str(amount))))
    if method == "ACH":
        bpr = (
            f"BPR*I*{shown}*{credit}*ACH*CCP*01*999999992*DA*123456*{trace_payer_id}**01*999988880*DA*98765*"
            f"{paid_on:%Y%m%d}"
        )
    else:
        bpr = f"BPR*I*{shown}*{credit}*{method}************{paid_on:%Y%m%d}"
    payee = f"N1*PE*{payee_name}*XX*{payee_npi}" if payee_npi else f"N1*PE*{payee_name}*FI*{payee_tin}"
    segments = [
        bpr,
        f"TRN*1*{trace}*{trace_payer_id}",
        f"DTM*405*{paid_on:%Y%m%d}",
        f"N1*PR*{payer_name}",
        "N3*1 PAYER PLAZA",
        "N4*HARTFORD*CT*06103",
        f"REF*2U*{payer_id}",
        "PER*BL*CLAIMS*TE*8005551212",
        payee,
    ]
    for number, claim in enumerate(claims, start=1):
        if number == 1:
            segments.append("LX*1")
        segments += _claim_segments(claim)
    if provider_adjustments:
        pairs = "*".join(
            f"{reason}:{reference}*{_amount(amount)}" if reference else f"{reason}*{_amount(amount)}"
            for reason, reference, amount in provider_adjustments
        )
        segments.append(f"PLB*{payee_npi or payee_tin or 'PROVIDER'}*{paid_on.year}1231*{pairs}")
    return segments


def era_835(transactions: Sequence[list[str]], *, control: int | str = 835, **envelope) -> str:
    """An interchange of 835 transactions (bodies from :func:`era_835_body`)."""
    envelope.setdefault("sender", "PAYER01")
    envelope.setdefault("receiver", "PRACTICE01")
    return interchange(
        "HP",
        VERSION_835,
        [("835", body) for body in transactions],
        control=control,
        group=control,
        st03=False,
        **envelope,
    )
