# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""271 eligibility, coverage or benefit information reader (005010X279A1).

Pure Python: no Odoo import. Anything that is not a well-formed 271 raises :class:`X12Error`
naming the segment and its position in the file (never the element values, which may be patient
data); nothing else escapes :func:`parse_271`.

Each 2000C subscriber or 2000D dependent level of the file becomes one :class:`EligibilityResponse`,
matched to its 270 by the trace number the payer echoes (TRN*2). Rejections (AAA) of the payer
(2000A) or provider (2000B) level apply to every response beneath them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .x12_common import (
    InterchangeInfo,
    Segment,
    TransactionSet,
    X12Error,
    parse_decimal,
    parse_period,
    read_interchange,
)

__all__ = [
    "ACTIVE_CODES",
    "INACTIVE_CODES",
    "Benefit",
    "Eligibility271",
    "EligibilityResponse",
    "Rejection",
    "RelatedEntity",
    "parse_271",
]

_frozen = dataclass(frozen=True, slots=True, kw_only=True)

ACTIVE_CODES = frozenset("12345")  # EB01: active coverage (1) and its capitated / pending variants
INACTIVE_CODES = frozenset("678")  # EB01: inactive (6), pending update (7), pending investigation (8)
# EB01 eligibility or benefit information codes (X12 code list 1390) a 271 may carry.
EB01_CODES = frozenset("1 2 3 4 5 6 7 8 A B C CB D E F G H I J K L M MC N O P Q R S T U V W X Y".split())
_HL_LEVELS = {"20": "source", "21": "receiver", "22": "subscriber", "23": "dependent"}
_YES_NO = {"Y": True, "N": False}
# 2100C/2100D DTP qualifiers of the plan's dates.
_PLAN_BEGIN = frozenset({"346", "356", "348"})
_PLAN_END = frozenset({"347", "357", "349"})
_PLAN_PERIOD = frozenset({"291", "307"})
# 2000C / 2000D segments read without keeping anything.
_MEMBER_SKIPPED = frozenset({"N3", "N4", "PER", "PRV", "DMG", "INS", "HI", "MPI"})


@_frozen
class Rejection:
    """AAA: the request could not be answered (``level`` is source, receiver, subscriber, dependent
    or benefit)."""

    level: str
    valid_request: bool  # AAA01
    reason: str  # AAA03: 42 unable to respond now, 72 invalid member id, 75 subscriber not found, ...
    follow_up: str  # AAA04: C correct and resubmit, R resubmission allowed, N not allowed, ...
    position: int


@_frozen
class RelatedEntity:
    """Loop 2120C/2120D: someone an EB names (another payer for EB*R, a primary care provider...)."""

    entity_code: str  # NM101: PR payer, P3 primary care provider, ...
    name: str
    id_qualifier: str
    identifier: str


@_frozen
class Benefit:
    """One EB segment with what follows it in its 2110 loop."""

    code: str  # EB01
    coverage_level: str  # EB02: IND, FAM, EMP ...
    service_types: tuple[str, ...]  # EB03 (repeated)
    insurance_type: str  # EB04
    description: str  # EB05: plan coverage description
    period: str  # EB06: 23 calendar year, 29 remaining, 27 visit ...
    amount: Decimal | None  # EB07
    percent: Decimal | None  # EB08 (0.2 = 20 %)
    quantity_qualifier: str  # EB09
    quantity: Decimal | None  # EB10
    authorization_required: bool | None  # EB11
    in_network: str  # EB12: Y, N, U, W (not applicable)
    messages: tuple[str, ...] = ()  # MSG01 free text
    entities: tuple[RelatedEntity, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    date_from: date | None = None  # DTP*292 / 348 benefit dates
    date_to: date | None = None
    position: int = 0


@_frozen
class EligibilityResponse:
    """The answer about one subscriber or dependent."""

    level: str  # subscriber or dependent
    trace_numbers: tuple[str, ...]  # TRN02 of the TRN*2 segments (the 270's trace numbers)
    payer_name: str
    payer_id: str
    provider_name: str
    provider_id: str
    member_id: str
    group_number: str  # REF*6P REF02
    group_name: str  # REF*6P REF03
    plan_number: str  # REF*18 REF02
    plan_name: str  # REF*18 REF03, else the EB05 of the active coverage
    plan_begin: date | None
    plan_end: date | None
    benefits: tuple[Benefit, ...]
    rejections: tuple[Rejection, ...]  # its own and its payer's / provider's
    position: int  # segment number of its HL

    @property
    def status(self) -> str:
        """``rejected`` (an AAA), ``active`` (EB01 1-5), ``inactive`` (EB01 6-8) or ``unknown``."""
        if self.rejections:
            return "rejected"
        codes = {b.code for b in self.benefits}
        if codes & ACTIVE_CODES:
            return "active"
        if codes & INACTIVE_CODES:
            return "inactive"
        return "unknown"

    def benefits_for(self, code: str, service_type: str = "30") -> tuple[Benefit, ...]:
        """The EBs with EB01 ``code`` for a service type (an EB without service type counts for 30)."""
        return tuple(
            b
            for b in self.benefits
            if b.code == code
            and (service_type in b.service_types or (not b.service_types and service_type == "30"))
        )

    @property
    def other_payers(self) -> tuple[RelatedEntity, ...]:
        """The payers an EB*R (other or additional payer) names."""
        return tuple(e for b in self.benefits if b.code == "R" for e in b.entities)


@_frozen
class Eligibility271:
    """A parsed 271 file."""

    interchange: InterchangeInfo
    control_numbers: tuple[str, ...]
    responses: tuple[EligibilityResponse, ...]
    # Rejections of a payer or provider level that has no subscriber level beneath it, with the BHT03
    # of their transaction set (the 270's BHT03, which names the inquiry file they answer).
    unmatched_rejections: tuple[tuple[str, Rejection], ...] = ()

    def find(self, trace_number: str) -> EligibilityResponse | None:
        """The response to the 270 inquiry with this trace number."""
        for response in self.responses:
            if trace_number in response.trace_numbers:
                return response
        return None


def _aaa(seg: Segment, level: str) -> Rejection:
    if seg[1] not in ("Y", "N"):
        raise seg.error("AAA01 must be Y or N")
    if not seg[3]:
        raise seg.error("AAA03 reject reason code is required")
    return Rejection(
        level=level, valid_request=seg[1] == "Y", reason=seg[3], follow_up=seg[4], position=seg.position
    )


class _Member:
    """A 2000C / 2000D level being read."""

    def __init__(self, level: str, hl: Segment, parents: list[Rejection]) -> None:
        self.level = level
        self.hl = hl
        self.inherited = parents
        self.traces: list[str] = []
        self.member_id = ""
        self.group_number = self.group_name = self.plan_number = self.plan_name = ""
        self.plan_begin: date | None = None
        self.plan_end: date | None = None
        self.rejections: list[Rejection] = []
        self.benefits: list[Benefit] = []
        self.eb: Segment | None = None
        self.eb_values: dict = {}


class _Reader:
    def __init__(self, ts: TransactionSet, repetition_sep: str) -> None:
        self.ts = ts
        self.repetition_sep = repetition_sep
        self.responses: list[EligibilityResponse] = []
        self.unmatched: list[Rejection] = []
        self.reference = ""
        self.payer_name = self.payer_id = self.provider_name = self.provider_id = ""
        self.levels: dict[str, Segment] = {}  # HL01 -> HL
        self.source_rejections: list[Rejection] = []
        self.receiver_rejections: list[Rejection] = []
        self.member: _Member | None = None
        self.level = ""  # source, receiver, subscriber, dependent
        self.members_under_source = 0
        self.members_under_receiver = 0
        self.in_2120 = False

    # ---------------------------------------------------------------- members

    def close_eb(self) -> None:
        member = self.member
        if member is None or member.eb is None:
            return
        eb, values = member.eb, member.eb_values
        member.benefits.append(
            Benefit(
                code=eb[1],
                coverage_level=eb[2],
                service_types=tuple(t for t in eb[3].split(self.repetition_sep) if t) if eb[3] else (),
                insurance_type=eb[4],
                description=eb[5],
                period=eb[6],
                amount=parse_decimal(eb, 7, "benefit amount"),
                percent=parse_decimal(eb, 8, "benefit percent"),
                quantity_qualifier=eb[9],
                quantity=parse_decimal(eb, 10, "benefit quantity"),
                authorization_required=_YES_NO.get(eb[11]),
                in_network=eb[12],
                messages=tuple(values["messages"]),
                entities=tuple(values["entities"]),
                rejections=tuple(values["rejections"]),
                date_from=values["date_from"],
                date_to=values["date_to"],
                position=eb.position,
            )
        )
        member.eb, member.eb_values = None, {}

    def close_member(self) -> None:
        member = self.member
        if member is None:
            return
        if self.in_2120:
            raise member.hl.error("loop 2120 opened by LS has no LE")
        self.close_eb()
        self.member = None
        if not member.traces and member.hl[4] == "1":
            # A subscriber level above a dependent: the dependent carries the answer.
            return
        benefit_rejections = [r for b in member.benefits for r in b.rejections]
        plan_name = member.plan_name or next(
            (b.description for b in member.benefits if b.code in ACTIVE_CODES and b.description), ""
        )
        self.responses.append(
            EligibilityResponse(
                level=member.level,
                trace_numbers=tuple(member.traces),
                payer_name=self.payer_name,
                payer_id=self.payer_id,
                provider_name=self.provider_name,
                provider_id=self.provider_id,
                member_id=member.member_id,
                group_number=member.group_number,
                group_name=member.group_name,
                plan_number=member.plan_number,
                plan_name=plan_name,
                plan_begin=member.plan_begin,
                plan_end=member.plan_end,
                benefits=tuple(member.benefits),
                rejections=tuple(member.inherited + member.rejections + benefit_rejections),
                position=member.hl.position,
            )
        )

    # ---------------------------------------------------------------- segments

    def hl(self, seg: Segment) -> None:
        self.close_member()
        level = _HL_LEVELS.get(seg[3])
        if level is None:
            raise seg.error("HL03 must be 20, 21, 22 or 23")
        if not seg[1] or seg[1] in self.levels:
            raise seg.error("HL01 must be a new hierarchical id")
        parent = self.levels.get(seg[2]) if seg[2] else None
        expected_parent = {"source": None, "receiver": "20", "subscriber": "21", "dependent": "22"}[level]
        if (parent[3] if parent is not None else None) != expected_parent:
            raise seg.error("HL02 does not point to the level above this one")
        self.levels[seg[1]] = seg
        if level == "source":
            self.flush_unmatched()
            self.payer_name = self.payer_id = ""
            self.source_rejections = []
            self.members_under_source = 0
        if level in ("source", "receiver"):
            self.provider_name = self.provider_id = ""
            self.receiver_rejections = []
            self.members_under_receiver = 0
        if level in ("subscriber", "dependent"):
            self.members_under_source += 1
            self.members_under_receiver += 1
            self.member = _Member(level, seg, self.source_rejections + self.receiver_rejections)
        self.level = level

    def flush_unmatched(self) -> None:
        if not self.members_under_source:
            self.unmatched.extend(self.source_rejections)
        if not self.members_under_receiver:
            self.unmatched.extend(r for r in self.receiver_rejections if r not in self.unmatched)

    def run(self) -> None:
        segments = self.ts.segments
        if not segments or segments[0].id != "BHT":
            raise (segments[0] if segments else self.ts.se).error("BHT beginning segment expected")
        bht = segments[0]
        if bht[1] != "0022" or bht[2] not in ("11", "06"):
            raise bht.error("BHT01 must be 0022 and BHT02 11 (response) or 06 (confirmation)")
        self.reference = bht[3]
        for seg in segments[1:]:
            if seg.id == "HL":
                self.hl(seg)
            elif not self.level:
                raise seg.error("segment before the first HL level")
            elif self.member is not None:
                self.member_segment(seg)
            else:
                self.top_segment(seg)
        if not self.level:
            raise self.ts.se.error("the 271 has no HL level")
        self.close_member()
        self.flush_unmatched()

    def top_segment(self, seg: Segment) -> None:
        """2000A / 2000B segments (payer, provider)."""
        if seg.id == "NM1":
            if self.level == "source":
                self.payer_name, self.payer_id = seg[3], seg[9]
            else:
                self.provider_name, self.provider_id = seg[3], seg[9]
        elif seg.id == "AAA":
            target = self.source_rejections if self.level == "source" else self.receiver_rejections
            target.append(_aaa(seg, self.level))
        elif seg.id not in ("PER", "REF", "N3", "N4", "PRV", "TRN"):
            raise seg.error(f"segment not allowed in the {self.level} level of a 271")

    def member_segment(self, seg: Segment) -> None:
        """2000C / 2000D and their 2100 / 2110 / 2120 loops."""
        if self.in_2120:
            self.loop_2120_segment(seg)
        elif seg.id == "EB":
            self.open_eb(seg)
        elif self.member.eb is not None:
            self.loop_2110_segment(seg)
        else:
            handler = self._MEMBER_SEGMENTS.get(seg.id)
            if handler is not None:
                handler(self, seg)
            elif seg.id not in _MEMBER_SKIPPED:
                raise seg.error(f"segment not allowed in the {self.member.level} level of a 271")

    def loop_2120_segment(self, seg: Segment) -> None:
        """Loop 2120C / 2120D: an entity the EB names, from LS to LE."""
        if seg.id == "LE":
            self.in_2120 = False
        elif seg.id == "NM1":
            self.member.eb_values["entities"].append(
                RelatedEntity(entity_code=seg[1], name=seg[3], id_qualifier=seg[8], identifier=seg[9])
            )
        elif seg.id not in ("N3", "N4", "PER", "PRV"):
            raise seg.error("segment not allowed in loop 2120")

    def open_eb(self, seg: Segment) -> None:
        """EB: closes the previous benefit and opens a 2110 loop."""
        self.close_eb()
        if seg[1] not in EB01_CODES:
            raise seg.error("EB01 is not an eligibility or benefit information code")
        if seg[11] and seg[11] not in ("Y", "N", "U"):
            raise seg.error("EB11 must be Y, N or U")
        member = self.member
        member.eb = seg
        member.eb_values = {
            "messages": [],
            "entities": [],
            "rejections": [],
            "date_from": None,
            "date_to": None,
        }
        # Read the numbers now, so a bad one is reported at its own segment.
        for index, name in ((7, "benefit amount"), (8, "benefit percent"), (10, "benefit quantity")):
            parse_decimal(seg, index, name)

    def loop_2110_segment(self, seg: Segment) -> None:
        """Loop 2110C / 2110D: what follows an EB."""
        values = self.member.eb_values
        sid = seg.id
        if sid == "MSG":
            values["messages"].append(seg[1])
        elif sid == "AAA":
            values["rejections"].append(_aaa(seg, "benefit"))
        elif sid == "DTP":
            start, end = parse_period(seg, 2, f"DTP*{seg[1]} date")
            if values["date_from"] is None:
                values["date_from"], values["date_to"] = start, end
        elif sid == "LS":
            self.in_2120 = True
        elif sid == "LE":
            raise seg.error("LE without its LS")
        elif sid not in ("HSD", "REF", "III"):
            raise seg.error("segment not allowed in loop 2110 of a 271")

    # 2000C / 2000D and 2100C / 2100D segments before the first EB.

    def member_trn(self, seg: Segment) -> None:
        if seg[1] not in ("1", "2"):
            raise seg.error("TRN01 must be 1 or 2")
        if not seg[2]:
            raise seg.error("TRN02 trace number is required")
        if seg[1] == "2":
            self.member.traces.append(seg[2])

    def member_nm1(self, seg: Segment) -> None:
        member = self.member
        if seg[8] == "MI" or (seg[9] and not member.member_id):
            member.member_id = seg[9]

    def member_ref(self, seg: Segment) -> None:
        member = self.member
        if seg[1] == "6P":
            member.group_number, member.group_name = seg[2], seg[3]
        elif seg[1] == "18":
            member.plan_number, member.plan_name = seg[2], seg[3]

    def member_dtp(self, seg: Segment) -> None:
        member = self.member
        start, end = parse_period(seg, 2, f"DTP*{seg[1]} date")
        if seg[1] in _PLAN_BEGIN:
            member.plan_begin = start
            if seg[2] == "RD8":
                member.plan_end = end
        elif seg[1] in _PLAN_END:
            member.plan_end = end
        elif seg[1] in _PLAN_PERIOD and seg[2] == "RD8":
            member.plan_begin, member.plan_end = start, end

    def member_aaa(self, seg: Segment) -> None:
        self.member.rejections.append(_aaa(seg, self.member.level))

    _MEMBER_SEGMENTS = {
        "TRN": member_trn,
        "NM1": member_nm1,
        "REF": member_ref,
        "DTP": member_dtp,
        "AAA": member_aaa,
    }


def parse_271(data: str | bytes) -> Eligibility271:
    """Parse a 271 eligibility response; raise :class:`X12Error` for anything else."""
    info, sets = read_interchange(
        data,
        functional_id="HB",
        set_id="271",
        versions=("005010X279",),
        kind="271 eligibility response",
    )
    text = data.decode("ascii") if isinstance(data, bytes | bytearray) else data
    repetition_sep = text.lstrip("\ufeff \t\r\n")[82]  # ISA11, read_interchange checked the ISA
    responses: list[EligibilityResponse] = []
    unmatched: list[tuple[str, Rejection]] = []
    for ts in sets:
        reader = _Reader(ts, repetition_sep)
        try:
            reader.run()
        except X12Error:
            raise
        except (ValueError, IndexError, KeyError, TypeError, ArithmeticError) as err:
            # A defect of this reader must never leak as a crash: report it at the set.
            raise ts.st.error(f"the 271 transaction set could not be read ({type(err).__name__})") from None
        responses.extend(reader.responses)
        unmatched.extend((reader.reference, rejection) for rejection in reader.unmatched)
    return Eligibility271(
        interchange=info,
        control_numbers=tuple(ts.control_number for ts in sets),
        responses=tuple(responses),
        unmatched_rejections=tuple(unmatched),
    )
