# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""277CA claim acknowledgement parser (005010X214).

Pure Python: no Odoo import. Anything that is not a well-formed 277CA raises :class:`X12Error` naming the
segment and its position in the file.

Over 500 lines: the 277CA's five levels (source, receiver, provider, claim, line) are read by one
walker whose per-segment methods share its state; split apart they would pass that state around.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .x12_common import (
    InterchangeInfo,
    Segment,
    TransactionSet,
    parse_date,
    parse_decimal,
    parse_period,
    read_interchange,
)

__all__ = [
    "ACCEPTED_CATEGORIES",
    "REJECTED_CATEGORIES",
    "Ack277CA",
    "ClaimStatus",
    "LineStatus",
    "ProviderStatus",
    "ReceiverStatus",
    "StatusInfo",
    "parse_277ca",
]

_frozen = dataclass(frozen=True, slots=True, kw_only=True)

# Claim status category codes (external code list 507) as a 277CA uses them.
ACCEPTED_CATEGORIES = frozenset({"A0", "A1", "A2", "A5"})  # forwarded, received, accepted, split
REJECTED_CATEGORIES = frozenset({"A3", "A4", "A6", "A7", "A8"})  # returned, not found, rejected

# --------------------------------------------------------------------------------------------
# 277CA
# --------------------------------------------------------------------------------------------


@_frozen
class StatusInfo:
    """One STC status composite (STC01, STC10 or STC11) with the segment's shared values."""

    category: str  # A1, A2, A3, A6, A7, A8 ...
    code: str  # claim status code (code list 508)
    entity: str  # entity identifier code, e.g. 85 billing provider, IL subscriber
    effective_date: date | None
    action: str  # STC03: WQ accepted, U rejected
    amount: Decimal | None  # STC04: total claim (or line) charge
    message: str = ""  # STC12 free-form text

    @property
    def accepted(self) -> bool:
        """True for an acceptance category (A0, A1, A2, A5)."""
        return self.category in ACCEPTED_CATEGORIES

    @property
    def rejected(self) -> bool:
        """True for a rejection category (A3, A4, A6, A7, A8)."""
        return self.category in REJECTED_CATEGORIES


@_frozen
class LineStatus:
    """Loop 2220D: a service line's status."""

    procedure_qualifier: str
    procedure_code: str
    modifiers: tuple[str, ...]
    charge: Decimal | None
    units: Decimal | None
    control_number: str  # REF*FJ = the 837 REF*6R
    statuses: tuple[StatusInfo, ...]
    service_date_from: date | None = None
    service_date_to: date | None = None

    @property
    def rejected(self) -> bool:
        """True when any status of the line carries a rejection category (A3, A4, A6, A7, A8)."""
        return any(s.rejected for s in self.statuses)


@_frozen
class ClaimStatus:
    """Loop 2200D: one claim's acceptance or rejection."""

    patient_control_number: str  # TRN02 = 837 CLM01
    statuses: tuple[StatusInfo, ...]
    payer_claim_control_number: str = ""  # REF*1K
    clearinghouse_trace_number: str = ""  # REF*D9
    bill_type: str = ""  # REF*BLT (institutional only)
    patient_account_number: str = ""  # REF*EJ, sent by some payers
    medical_record_number: str = ""  # REF*EA, sent by some payers
    service_date_from: date | None = None
    service_date_to: date | None = None
    patient_last_name: str = ""
    patient_first_name: str = ""
    member_id: str = ""
    billing_provider_id: str = ""  # 2100C NM109, usually the NPI
    billing_provider_name: str = ""
    payer_name: str = ""  # 2100A NM1*PR only: empty when the information source is a clearinghouse (AY)
    payer_id: str = ""
    source_entity: str = ""  # 2100A NM101: PR payer, AY clearinghouse
    source_name: str = ""  # 2100A NM103, whoever the information source is
    receipt_date: date | None = None  # 2200A DTP*050
    process_date: date | None = None  # 2200A DTP*009
    lines: tuple[LineStatus, ...] = ()
    position: int = 0  # segment number of the TRN in the file

    @property
    def rejected(self) -> bool:
        """True when any status of the claim, or of one of its service lines (2220D), is a rejection.

        A line rejected under a claim-level acceptance rejects the claim: it is never read as accepted.
        """
        return any(s.rejected for s in self.statuses) or any(line.rejected for line in self.lines)

    @property
    def rejected_lines(self) -> tuple[LineStatus, ...]:
        """The service lines (2220D) whose status is a rejection."""
        return tuple(line for line in self.lines if line.rejected)

    @property
    def accepted(self) -> bool:
        """True when a status accepts the claim and neither the claim nor a line is rejected."""
        return not self.rejected and any(s.accepted for s in self.statuses)

    @property
    def total_charge(self) -> Decimal | None:
        """The charge echoed in STC04."""
        return next((s.amount for s in self.statuses if s.amount is not None), None)


@_frozen
class ProviderStatus:
    """Loop 2000C: billing provider level status and totals."""

    name: str
    id_qualifier: str
    provider_id: str
    trace_number: str
    statuses: tuple[StatusInfo, ...]
    accepted_count: int | None = None
    rejected_count: int | None = None
    accepted_amount: Decimal | None = None
    rejected_amount: Decimal | None = None


@_frozen
class ReceiverStatus:
    """Loops 2000A/2000B: who reports (payer or clearinghouse), to whom, and file totals."""

    source_name: str
    source_id: str
    source_trace_number: str
    receipt_date: date | None
    process_date: date | None
    receiver_name: str
    receiver_id: str
    trace_number: str  # 2200B TRN02: often the batch id (BHT03) of the 837
    statuses: tuple[StatusInfo, ...]
    accepted_count: int | None = None
    rejected_count: int | None = None
    accepted_amount: Decimal | None = None
    rejected_amount: Decimal | None = None
    source_entity: str = ""  # 2100A NM101: PR payer, AY clearinghouse


@_frozen
class Ack277CA:
    """A parsed 277CA file, flattened: summaries, providers and claims in file order."""

    interchange: InterchangeInfo
    control_numbers: tuple[str, ...]  # ST02 of each 277
    receivers: tuple[ReceiverStatus, ...]
    providers: tuple[ProviderStatus, ...]
    claims: tuple[ClaimStatus, ...]


def _stc(seg: Segment) -> list[StatusInfo]:
    effective = parse_date(seg, 2, "status effective date")
    amount = parse_decimal(seg, 4, "total charge")
    out = []
    for index in (1, 10, 11):
        parts = seg.components(index)
        if not parts:
            if index == 1:
                raise seg.error("STC01 claim status is required")
            continue
        if not parts[0]:
            raise seg.error(f"STC{index:02d} has no status category code")
        parts += ["", ""]
        out.append(
            StatusInfo(
                category=parts[0],
                code=parts[1],
                entity=parts[2],
                effective_date=effective,
                action=seg[3],
                amount=amount,
                message=seg[12],
            )
        )
    return out


class _Builder:
    """Mutable state while walking one 277CA transaction set."""

    def __init__(self) -> None:
        self.receivers: list[ReceiverStatus] = []
        self.providers: list[ProviderStatus] = []
        self.claims: list[ClaimStatus] = []
        self.source: dict = {}
        self.receiver: dict | None = None
        self.provider: dict | None = None
        self.patient: dict = {}
        self.claim: dict | None = None
        self.line: dict | None = None

    # Each level is a dict until closed; closing a level closes the levels below it.
    def _closed(self, level: str, record: type, no_status: str = ""):
        """Close the open ``level`` (an attribute: "line", "claim"...): its dict becomes a ``record``, its
        lists tuples; ``no_status`` is the error when it holds no STC status (empty: none needed).
        None when the level is not open."""
        values = getattr(self, level)
        if values is None:
            return None
        setattr(self, level, None)
        seg = values.pop("seg", None)
        if no_status and not values["statuses"]:
            raise seg.error(no_status)
        for key in ("statuses", "lines"):
            if key in values:
                values[key] = tuple(values[key])
        return record(**values)

    def close_line(self) -> None:
        line = self._closed("line", LineStatus, "the service line has no STC status")
        if line is not None:
            self.claim["lines"].append(line)

    def close_claim(self) -> None:
        self.close_line()
        claim = self._closed("claim", ClaimStatus, "the claim has no STC status")
        if claim is not None:
            self.claims.append(claim)

    def close_provider(self) -> None:
        self.close_claim()
        provider = self._closed("provider", ProviderStatus)
        if provider is not None:
            self.providers.append(provider)

    def close_receiver(self) -> None:
        self.close_provider()
        receiver = self._closed(
            "receiver", ReceiverStatus, "the information receiver level has no STC status"
        )
        if receiver is not None:
            self.receivers.append(receiver)


_CLAIM_REFS = {
    "1K": "payer_claim_control_number",
    "D9": "clearinghouse_trace_number",
    "BLT": "bill_type",
    "EJ": "patient_account_number",
    "EA": "medical_record_number",
}


def _quantity(seg: Segment) -> int:
    value = parse_decimal(seg, 2, "quantity")
    if value is None or value != value.to_integral_value() or value < 0:
        raise seg.error("QTY02 must be a whole number")
    return int(value)


_PARENT_LEVELS = {"20": "", "21": "20", "19": "21", "PT": "19"}  # HL03 -> HL03 of its parent
_DEPTH = ("20", "21", "19", "PT")


class _Reader277:
    """One 277CA transaction set read segment by segment after its BHT: a method per segment id.

    ``level`` is the HL03 of the level open now; the levels themselves are built by the shared
    :class:`_Builder`, which outlives the transaction set.
    """

    def __init__(self, b: _Builder) -> None:
        self.b = b
        self.count = 0
        self.level = ""
        self.open_levels: dict[str, str] = {}  # level code -> HL01 of the level open now

    def take(self, seg: Segment) -> None:
        if seg.id == "HL":
            self._hl(seg)
            return
        if not self.level:
            raise seg.error("segment before the first HL")
        handler = self._HANDLERS.get(seg.id)
        if handler is None:
            raise seg.error("segment not allowed in a 277CA")
        handler(self, seg)

    def _hl(self, seg: Segment) -> None:
        code = seg[3]
        if code not in _PARENT_LEVELS:
            raise seg.error("HL03 must be 20, 21, 19 or PT")
        if seg[1] != str(self.count + 1):
            raise seg.error("HL01 numbers are not sequential")
        # the parent is the level of the parent kind open now (not one closed by a later HL)
        expected_parent = _PARENT_LEVELS[code]
        parent = self.open_levels.get(expected_parent) if expected_parent else ""
        if parent is None or seg[2] != parent:
            raise seg.error("HL02 does not point at the parent level")
        self.count += 1
        for deeper in _DEPTH[_DEPTH.index(code) :]:
            self.open_levels.pop(deeper, None)
        self.open_levels[code] = seg[1]
        self.level = code
        self._open_level(code, seg)

    def _open_level(self, code: str, seg: Segment) -> None:
        b = self.b
        if code == "20":
            b.close_receiver()
            b.source = {
                "source_entity": "",
                "source_name": "",
                "source_id": "",
                "source_trace_number": "",
                "receipt_date": None,
                "process_date": None,
            }
        elif code == "21":
            b.close_receiver()
            b.receiver = {
                **b.source,
                "seg": seg,
                "receiver_name": "",
                "receiver_id": "",
                "trace_number": "",
                "statuses": [],
            }
        elif code == "19":
            b.close_provider()
            b.provider = {
                "name": "",
                "id_qualifier": "",
                "provider_id": "",
                "trace_number": "",
                "statuses": [],
            }
        else:
            b.close_claim()
            b.patient = {"patient_last_name": "", "patient_first_name": "", "member_id": ""}

    def _nm1(self, seg: Segment) -> None:
        b, level = self.b, self.level
        if level == "20":
            b.source.update(source_entity=seg[1], source_name=seg[3], source_id=seg[9])
        elif level == "21":
            b.receiver.update(receiver_name=seg[3], receiver_id=seg[9])
        elif level == "19":
            name = " ".join(x for x in (seg[4], seg[3]) if x) if seg[2] == "1" else seg[3]
            b.provider.update(name=name, id_qualifier=seg[8], provider_id=seg[9])
        else:
            b.patient = {"patient_last_name": seg[3], "patient_first_name": seg[4], "member_id": seg[9]}

    def _trn(self, seg: Segment) -> None:
        b, level = self.b, self.level
        if not seg[2]:
            raise seg.error("TRN02 trace number is required")
        if level == "20":
            b.source["source_trace_number"] = seg[2]
        elif level == "21":
            b.receiver["trace_number"] = seg[2]
        elif level == "19":
            b.provider["trace_number"] = seg[2]
        else:
            b.close_claim()
            from_payer = b.source["source_entity"] == "PR"
            b.claim = {
                **b.patient,
                "seg": seg,
                "position": seg.position,
                "patient_control_number": seg[2],
                "statuses": [],
                "lines": [],
                "billing_provider_id": b.provider["provider_id"],
                "billing_provider_name": b.provider["name"],
                # the payer is the information source only when 2100A is NM1*PR; NM1*AY is the
                # clearinghouse, which never names the claim's payer
                "payer_name": b.source["source_name"] if from_payer else "",
                "payer_id": b.source["source_id"] if from_payer else "",
                "source_entity": b.source["source_entity"],
                "source_name": b.source["source_name"],
                "receipt_date": b.source["receipt_date"],
                "process_date": b.source["process_date"],
            }

    def _stc(self, seg: Segment) -> None:
        b, level = self.b, self.level
        target = b.line or b.claim or (b.provider if level == "19" else None)
        if target is None and level == "21":
            target = b.receiver
        if target is None:
            raise seg.error("STC outside a receiver, provider, claim or line level")
        target["statuses"].extend(_stc(seg))

    def _dtp(self, seg: Segment) -> None:
        b = self.b
        if self.level == "20":
            day = parse_date(seg, 3, "date")
            if seg[1] == "050":
                b.source["receipt_date"] = day
            elif seg[1] == "009":
                b.source["process_date"] = day
            else:
                raise seg.error("DTP01 must be 050 or 009 at the information source level")
        elif seg[1] == "472" and (b.line or b.claim):
            start, end = parse_period(seg, 2, "service date")
            target = b.line or b.claim
            target["service_date_from"], target["service_date_to"] = start, end
        else:
            raise seg.error("unexpected date in a 277CA")

    def _summary_level(self) -> dict | None:
        """The provider or receiver level QTY and AMT count at, if one is open."""
        return self.b.provider if self.level == "19" else self.b.receiver if self.level == "21" else None

    def _qty(self, seg: Segment) -> None:
        target = self._summary_level()
        if target is None:
            raise seg.error("QTY outside a receiver or provider level")
        if seg[1] in ("90", "QA"):
            target["accepted_count"] = _quantity(seg)
        elif seg[1] in ("AA", "QC"):
            target["rejected_count"] = _quantity(seg)
        else:
            raise seg.error("QTY01 must be 90, AA, QA or QC")

    def _amt(self, seg: Segment) -> None:
        target = self._summary_level()
        if target is None:
            raise seg.error("AMT outside a receiver or provider level")
        if seg[1] == "YU":
            target["accepted_amount"] = parse_decimal(seg, 2, "amount")
        elif seg[1] == "YY":
            target["rejected_amount"] = parse_decimal(seg, 2, "amount")
        else:
            raise seg.error("AMT01 must be YU or YY")

    def _ref(self, seg: Segment) -> None:
        b = self.b
        if b.line is not None:
            if seg[1] == "FJ":
                b.line["control_number"] = seg[2]
        elif b.claim is not None:
            field = _CLAIM_REFS.get(seg[1])
            if field:
                b.claim[field] = seg[2]
        elif self.level != "19":
            raise seg.error("REF outside a provider, claim or line level")

    def _svc(self, seg: Segment) -> None:
        b = self.b
        if b.claim is None:
            raise seg.error("SVC service line outside a claim")
        b.close_line()
        parts = seg.components(1)
        if len(parts) < 2:
            raise seg.error("SVC01 must hold a qualifier and a procedure code")
        b.line = {
            "seg": seg,
            "procedure_qualifier": parts[0],
            "procedure_code": parts[1],
            "modifiers": tuple(m for m in parts[2:6] if m),
            "charge": parse_decimal(seg, 2, "line charge"),
            "units": parse_decimal(seg, 7, "units"),
            "control_number": "",
            "statuses": [],
        }

    _HANDLERS = {
        "NM1": _nm1,
        "TRN": _trn,
        "STC": _stc,
        "DTP": _dtp,
        "QTY": _qty,
        "AMT": _amt,
        "REF": _ref,
        "SVC": _svc,
    }


def _parse_277_set(ts: TransactionSet, b: _Builder) -> None:
    segments = ts.segments
    if not segments or segments[0].id != "BHT":
        raise (segments[0] if segments else ts.se).error("BHT expected after ST")
    bht = segments[0]
    if bht[1] != "0085" or bht[2] != "08":
        raise bht.error("BHT01/BHT02 are not 0085/08: not a claim acknowledgement")
    reader = _Reader277(b)
    for seg in segments[1:]:
        reader.take(seg)
    b.close_receiver()


def parse_277ca(data: str | bytes) -> Ack277CA:
    """Parse a 277CA claim acknowledgement into per-claim statuses."""
    info, sets = read_interchange(
        data,
        functional_id="HN",
        set_id="277",
        versions=("005010X214",),
        kind="277CA claim acknowledgement",
    )
    builder = _Builder()
    for ts in sets:
        _parse_277_set(ts, builder)
    return Ack277CA(
        interchange=info,
        control_numbers=tuple(ts.control_number for ts in sets),
        receivers=tuple(builder.receivers),
        providers=tuple(builder.providers),
        claims=tuple(builder.claims),
    )
