# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""999 implementation acknowledgement parser (005010X231A1).

Pure Python: no Odoo import. Anything that is not a well-formed 999 raises :class:`X12Error` naming the
segment and its position in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .x12_common import (
    MAX_INTEGER_DIGITS,
    InterchangeInfo,
    Segment,
    TransactionSet,
    read_interchange,
    same_control_number,
)

__all__ = [
    "Ack999",
    "ElementError",
    "ErrorContext",
    "FunctionalGroupAck",
    "SegmentError",
    "TransactionSetAck",
    "parse_999",
]

_frozen = dataclass(frozen=True, slots=True, kw_only=True)

_IK5_CODES = frozenset("AEMRWX")
_POSITION = re.compile(r"[0-9]{1,%d}\Z" % MAX_INTEGER_DIGITS)
_AK9_CODES = frozenset("AEMPRWX")

# --------------------------------------------------------------------------------------------
# 999
# --------------------------------------------------------------------------------------------


@_frozen
class ElementError:
    """IK4: an element in error (``position`` is IK401-1)."""

    position: int
    component: int | None
    repetition: int | None
    reference: str  # data element reference number
    code: str  # IK403 implementation data element syntax error code
    bad_value: str  # IK404 copy of the bad data (may hold patient data)


@_frozen
class ErrorContext:
    """CTX in loops 2100 / 2110: where an error sits beyond its segment position.

    Business unit identifier (``CTX*CLM01:PCN0001``): ``name`` CLM01, ``reference`` the claim's patient
    control number. Segment context (``CTX*SITUATIONAL TRIGGER*CLM*22*2300``): ``name`` SITUATIONAL TRIGGER,
    ``segment_id`` / ``segment_position`` / ``loop_id`` the segment that triggered the error.
    """

    name: str  # CTX01-1
    reference: str = ""  # CTX01-2
    segment_id: str = ""  # CTX02
    segment_position: int | None = None  # CTX03
    loop_id: str = ""  # CTX04
    element: str = ""  # CTX05, the element position composite as sent
    element_reference: str = ""  # CTX06


@_frozen
class SegmentError:
    """IK3: a segment in error (``position`` counts from the ST of the acknowledged set)."""

    segment_id: str
    position: int
    loop_id: str
    code: str  # IK304 implementation segment syntax error code
    element_errors: tuple[ElementError, ...] = ()
    contexts: tuple[ErrorContext, ...] = ()  # the CTX segments of the IK3 and of its IK4s

    @property
    def claim_reference(self) -> str:
        """The claim the error is in (CTX*CLM01: its patient control number), or ''."""
        return next((c.reference for c in self.contexts if c.name == "CLM01" and c.reference), "")


@_frozen
class TransactionSetAck:
    """AK2 .. IK5: the outcome for one acknowledged transaction set."""

    set_id: str
    control_number: str
    version: str
    status: str  # A accepted, E accepted with errors, R rejected, M / W / X rejected
    error_codes: tuple[str, ...] = ()
    segment_errors: tuple[SegmentError, ...] = ()

    @property
    def accepted(self) -> bool:
        """True for A and E (accepted, possibly with errors noted)."""
        return self.status in ("A", "E")


@_frozen
class FunctionalGroupAck:
    """One 999 transaction set: AK1 .. AK9 for one acknowledged functional group."""

    ack_control_number: str  # ST02 of the 999
    functional_id: str  # AK101, HC for 837
    group_control_number: str  # AK102 = GS06 of the acknowledged file
    version: str  # AK103
    status: str  # AK901: A, E, P partially accepted, R, M, W, X
    included: int
    received: int
    accepted_count: int
    error_codes: tuple[str, ...] = ()
    transaction_sets: tuple[TransactionSetAck, ...] = ()

    @property
    def accepted(self) -> bool:
        """True when the whole group was accepted (A or E)."""
        return self.status in ("A", "E")


@_frozen
class Ack999:
    """A parsed 999 file."""

    interchange: InterchangeInfo
    groups: tuple[FunctionalGroupAck, ...]

    def find(self, group_control_number: str, control_number: str) -> TransactionSetAck | None:
        """The outcome for one sent transaction set (GS06, ST02), if the 999 lists it."""
        for group in self.groups:
            if same_control_number(group.group_control_number, group_control_number):
                for ts in group.transaction_sets:
                    if same_control_number(ts.control_number, control_number):
                        return ts
        return None


def _optional_int(seg: Segment, value: str, name: str) -> int | None:
    if not value:
        return None
    # ASCII digits only (str.isdigit accepts "²"), and short enough for int()
    if not _POSITION.match(value):
        raise seg.error(f"{name} must be a number of at most {MAX_INTEGER_DIGITS} digits")
    return int(value)


def _codes(seg: Segment, first: int, last: int) -> tuple[str, ...]:
    return tuple(seg[i] for i in range(first, last + 1) if seg[i])


class _Reader999:
    """One 999 transaction set read segment by segment after its AK1: a method per segment id."""

    def __init__(self) -> None:
        self.done: list[TransactionSetAck] = []
        self.ak2: Segment | None = None
        self.seg_errors: list[SegmentError] = []
        self.ik3: Segment | None = None
        self.ele_errors: list[ElementError] = []
        self.contexts: list[ErrorContext] = []
        self.ak9: Segment | None = None

    def take(self, seg: Segment) -> None:
        if self.ak9 is not None:
            raise seg.error("segment after the AK9 group trailer")
        handler = self._HANDLERS.get(seg.id)
        if handler is None:
            raise seg.error("segment not allowed in a 999 acknowledgement")
        handler(self, seg)

    def _close_ik3(self) -> None:
        ik3 = self.ik3
        if ik3 is not None:
            self.seg_errors.append(
                SegmentError(
                    segment_id=ik3[1],
                    position=ik3.integer(2, "segment position in transaction set"),
                    loop_id=ik3[3],
                    code=ik3[4],
                    element_errors=tuple(self.ele_errors),
                    contexts=tuple(self.contexts),
                )
            )
        self.ik3, self.ele_errors, self.contexts = None, [], []

    def _ak2(self, seg: Segment) -> None:
        if self.ak2 is not None:
            raise seg.error("AK2 before the IK5 of the previous transaction set")
        if not seg[1] or not seg[2]:
            raise seg.error("AK201 and AK202 are required")
        self.ak2 = seg

    def _ik3(self, seg: Segment) -> None:
        if self.ak2 is None:
            raise seg.error("IK3 outside an AK2 transaction set response")
        self._close_ik3()
        if not seg[1]:
            raise seg.error("IK301 segment id is required")
        seg.integer(2, "segment position in transaction set")
        self.ik3 = seg

    def _ik4(self, seg: Segment) -> None:
        if self.ik3 is None:
            raise seg.error("IK4 outside an IK3 segment error")
        parts = seg.components(1)
        if not parts or not _POSITION.match(parts[0]):
            raise seg.error("IK401 element position must be a number")
        self.ele_errors.append(
            ElementError(
                position=int(parts[0]),
                component=_optional_int(seg, parts[1] if len(parts) > 1 else "", "IK401-2"),
                repetition=_optional_int(seg, parts[2] if len(parts) > 2 else "", "IK401-3"),
                reference=seg[2],
                code=seg[3],
                bad_value=seg[4],
            )
        )

    def _ctx(self, seg: Segment) -> None:
        if self.ak2 is None:
            raise seg.error("CTX outside an AK2 transaction set response")
        if self.ik3 is not None:  # kept with its IK3: CTX*CLM01:<CLM01> names the claim in error
            name, *rest = seg.components(1) or [""]
            self.contexts.append(
                ErrorContext(
                    name=name,
                    reference=rest[0] if rest else "",
                    segment_id=seg[2],
                    segment_position=_optional_int(seg, seg[3], "CTX03"),
                    loop_id=seg[4],
                    element=seg[5],
                    element_reference=seg[6],
                )
            )

    def _ik5(self, seg: Segment) -> None:
        ak2 = self.ak2
        if ak2 is None:
            raise seg.error("IK5 without its AK2")
        if seg[1] not in _IK5_CODES:
            raise seg.error("IK501 must be A, E, M, R, W or X")
        self._close_ik3()
        self.done.append(
            TransactionSetAck(
                set_id=ak2[1],
                control_number=ak2[2],
                version=ak2[3],
                status=seg[1],
                error_codes=_codes(seg, 2, 6),
                segment_errors=tuple(self.seg_errors),
            )
        )
        self.ak2, self.seg_errors = None, []

    def _ak9(self, seg: Segment) -> None:
        if self.ak2 is not None:
            raise seg.error("AK9 before the IK5 of the last transaction set")
        if seg[1] not in _AK9_CODES:
            raise seg.error("AK901 must be A, E, M, P, R, W or X")
        self.ak9 = seg

    _HANDLERS = {"AK2": _ak2, "IK3": _ik3, "IK4": _ik4, "CTX": _ctx, "IK5": _ik5, "AK9": _ak9}


def _parse_999_set(ts: TransactionSet) -> FunctionalGroupAck:
    segments = ts.segments
    if not segments or segments[0].id != "AK1":
        raise (segments[0] if segments else ts.se).error("AK1 functional group header expected")
    ak1 = segments[0]
    if not ak1[1] or not ak1[2]:
        raise ak1.error("AK101 and AK102 are required")
    reader = _Reader999()
    for seg in segments[1:]:
        reader.take(seg)
    ak9 = reader.ak9
    if ak9 is None:
        if reader.ak2 is not None:
            raise ts.se.error("the last AK2 transaction set response has no IK5")
        raise ts.se.error("the 999 has no AK9 group trailer")
    return FunctionalGroupAck(
        ack_control_number=ts.control_number,
        functional_id=ak1[1],
        group_control_number=ak1[2],
        version=ak1[3],
        status=ak9[1],
        included=ak9.integer(2, "number of transaction sets included"),
        received=ak9.integer(3, "number of received transaction sets"),
        accepted_count=ak9.integer(4, "number of accepted transaction sets"),
        error_codes=_codes(ak9, 5, 9),
        transaction_sets=tuple(reader.done),
    )


def parse_999(data: str | bytes) -> Ack999:
    """Parse a 999 implementation acknowledgement (one FunctionalGroupAck per 999 ST)."""
    info, sets = read_interchange(
        data,
        functional_id="FA",
        set_id="999",
        versions=("005010X231",),
        kind="999 acknowledgement",
    )
    return Ack999(interchange=info, groups=tuple(_parse_999_set(ts) for ts in sets))
