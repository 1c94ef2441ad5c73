# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shared X12 plumbing: errors, delimiters, a tokenizer, envelope checks and pyx12 validation.

Pure Python: no Odoo import. Nothing here logs or echoes element values of a claim file,
so protected health information never reaches a server log through this module.

Over 500 lines: the errors, tokenizer, envelope reader, element parsers and pyx12 bridge every X12
reader here shares; each is short.
"""

from __future__ import annotations

import importlib
import io
import json
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

__all__ = [
    "InterchangeInfo",
    "Segment",
    "TransactionSet",
    "X12DataError",
    "X12Error",
    "npi_is_valid",
    "parse_date",
    "parse_decimal",
    "parse_period",
    "read_interchange",
    "tokenize",
    "validate",
]

ISA_LENGTH = 106
# Offsets of the 16 element separators inside the fixed-width ISA segment.
_ISA_SEPARATOR_OFFSETS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")
_DIGITS = re.compile(r"[0-9]+\Z")
# X12 numbers are short (counts: at most 10 digits, amounts R18); bounding them before conversion keeps
# int() under Python's 4,300-digit limit and Decimal arithmetic cheap. No exponent: X12 "R" has none.
MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_LENGTH = 20
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
_CCYYMMDD = re.compile(r"[0-9]{8}\Z")


class X12Error(ValueError):
    """An X12 file that cannot be read: not X12, foreign, truncated or inconsistent.

    ``str(error)`` reads ``"segment 14 (IK5): ..."``; the parts are also attributes.
    """

    def __init__(self, message: str, *, position: int, segment_id: str = "") -> None:
        self.position = position
        self.segment_id = segment_id
        self.detail = message
        super().__init__(f"segment {position} ({segment_id or '?'}): {message}")


class X12DataError(ValueError):
    """Claim data that cannot be written as a valid 837P; ``errors`` lists (claim, message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = list(errors)
        shown = "; ".join(f"{key}: {msg}" if key else msg for key, msg in self.errors[:20])
        more = len(self.errors) - 20
        if more > 0:
            shown += f"; and {more} more"
        super().__init__(shown)


def _coding_npi_module():
    """The NPI rule of the coding addon (``medical_coding/edits/npi.py``): one check-digit function for both
    addons. The coding addon cannot import billing (it does not depend on it), so billing imports it.

    Found by module name, without importing Odoo here: inside Odoo it is
    ``odoo.addons.medical_coding.edits.npi`` (medical_billing depends on medical_coding, which Odoo loaded
    first); the repository tests load ``medical_coding/edits`` as ``medical_edits`` (tests/conftest.py).
    """
    for name in ("medical_edits.npi", "odoo.addons.medical_coding.edits.npi"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError("medical_billing/edi needs medical_coding/edits/npi.py (the NPI check digit)")


_NPI = _coding_npi_module()


def npi_is_valid(npi: str) -> bool:
    """Check a 10-digit NPI (starting with 1 or 2) with the Luhn digit computed over ``80840`` + its first
    9 digits."""
    return isinstance(npi, str) and _NPI.is_valid_npi(npi)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


class Segment:
    """One segment: ``seg[1]`` is element 01, ``seg.components(1)`` splits a composite."""

    __slots__ = ("component_sep", "elements", "id", "position")

    def __init__(self, position: int, elements: list[str], component_sep: str) -> None:
        self.position = position
        self.elements = elements
        self.id = elements[0]
        self.component_sep = component_sep

    def __getitem__(self, index: int) -> str:
        return self.elements[index] if index < len(self.elements) else ""

    def __len__(self) -> int:
        return len(self.elements) - 1

    def __repr__(self) -> str:
        return f"<Segment {self.position} {self.id}>"

    def components(self, index: int) -> list[str]:
        """Components of a composite element (a one-item list for a simple element)."""
        value = self[index]
        return value.split(self.component_sep) if value else []

    def error(self, message: str) -> X12Error:
        """An :class:`X12Error` pointing at this segment."""
        return X12Error(message, position=self.position, segment_id=self.id)

    def integer(self, index: int, name: str) -> int:
        """Element ``index`` as a non-negative integer, or raise."""
        value = self[index]
        if not _DIGITS.match(value):
            raise self.error(f"{name} ({self.id}{index:02d}) must be a number")
        if len(value) > MAX_INTEGER_DIGITS:
            message = f"{name} ({self.id}{index:02d}) has more than {MAX_INTEGER_DIGITS} digits"
            raise self.error(message)
        return int(value)


@dataclass(frozen=True, slots=True)
class InterchangeInfo:
    """The ISA header of a received file."""

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    control_number: str
    created: datetime | None
    usage: str


@dataclass(frozen=True, slots=True)
class TransactionSet:
    """One ST..SE with the GS it sits in (``segments`` excludes ST and SE)."""

    group_control_number: str
    version: str
    set_id: str
    control_number: str
    st: Segment
    segments: tuple[Segment, ...]
    se: Segment


@dataclass(frozen=True)
class OutgoingEnvelope:
    """ISA / GS (``head``) and GE / IEA (:meth:`tail`) of an interchange written here (837P, 270)."""

    head: tuple[str, str]
    date: str  # CCYYMMDD of GS04, also the BHT date
    time: str  # HHMM of ISA10 / GS05, also the BHT time
    isa_control: str
    group_control: str

    def tail(self, sets: int) -> list[str]:
        return [f"GE*{sets}*{self.group_control}", f"IEA*1*{self.isa_control}"]


def outgoing_envelope(ic, functional_id: str, version: str) -> OutgoingEnvelope:
    """The envelope of the 837P or 270 interchange ``ic`` (sender, receiver, control numbers, created)."""
    created = ic.created
    day, time = created.strftime("%Y%m%d"), created.strftime("%H%M")
    isa_control = f"{ic.control_number:09d}"
    group_control = str(ic.group_control_number or ic.control_number)
    head = (
        f"ISA*00*{'':10}*00*{'':10}*{ic.sender_qualifier}*{ic.sender_id:<15}*"
        f"{ic.receiver_qualifier}*{ic.receiver_id:<15}*{created:%y%m%d}*{time}*^*00501*{isa_control}*"
        f"{1 if ic.acknowledgment_requested else 0}*{ic.usage}*:",
        f"GS*{functional_id}*{ic.application_sender_code or ic.sender_id}*"
        f"{ic.application_receiver_code or ic.receiver_id}*{day}*{time}*{group_control}*X*{version}",
    )
    return OutgoingEnvelope(head, day, time, isa_control, group_control)


def same_control_number(a: object, b: object) -> bool:
    """Control numbers compare as numbers (``000000042`` is ``42``); anything else as text."""
    a, b = str(a or "").strip(), str(b or "").strip()
    if _DIGITS.match(a) and _DIGITS.match(b):
        return int(a) == int(b)
    return a == b


def tokenize(data: str | bytes) -> list[Segment]:
    """Split an interchange into segments, reading the delimiters from its ISA."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("ascii")
        except UnicodeDecodeError as err:
            message = f"not an X12 interchange: byte {err.start + 1} is not ASCII"
            raise X12Error(message, position=1) from None
    if not isinstance(data, str):
        raise TypeError("X12 data must be str or bytes")
    text = data.lstrip("\ufeff \t\r\n")
    if not text.startswith("ISA"):
        raise X12Error("not an X12 interchange: the data does not start with ISA", position=1)
    if len(text) < ISA_LENGTH:
        raise X12Error(
            f"truncated interchange header: {ISA_LENGTH} characters expected, {len(text)} found",
            position=1,
            segment_id="ISA",
        )
    element_sep = text[3]
    if any(text[i] != element_sep for i in _ISA_SEPARATOR_OFFSETS):
        raise X12Error("the ISA is not fixed width (106 characters)", position=1, segment_id="ISA")
    component_sep = text[104]
    segment_term = text[105]
    repetition_sep = text[82]
    delimiters = {element_sep, component_sep, segment_term}
    if len(delimiters) != 3 or any(ch.isalnum() or ch == " " for ch in delimiters):
        message = "the ISA delimiters are not distinct special characters"
        raise X12Error(message, position=1, segment_id="ISA")
    if repetition_sep.isalnum() and text[84:89] == "00501":
        raise X12Error(
            "the repetition separator (ISA11) is not a special character",
            position=1,
            segment_id="ISA",
        )
    pieces = text.split(segment_term)
    tail = pieces.pop()
    if tail.strip("\r\n \t\x00\x1a"):
        raise X12Error(
            "the data ends inside a segment (truncated, or a wrong segment terminator)",
            position=len(pieces) + 1,
            segment_id=_shown_id(tail.split(element_sep, 1)[0].strip()),
        )
    segments = []
    for position, raw in enumerate(pieces, start=1):
        if segment_term not in "\r\n":
            raw = raw.strip("\r\n")
        else:
            raw = raw.strip("\r")
        elements = raw.split(element_sep)
        seg_id = elements[0]
        if not _SEGMENT_ID.match(seg_id):
            message = "not a valid segment identifier"
            raise X12Error(message, position=position, segment_id=_shown_id(seg_id))
        segments.append(Segment(position, elements, component_sep))
    return segments


def _shown_id(seg_id: str) -> str:
    """A segment id fit for a message, or "" for garbage."""
    return seg_id if _SEGMENT_ID.match(seg_id) else ""


def _shown_value(value: str) -> str:
    """An envelope value (GS01, GS08, ST01) for a message, shortened: named, never copied whole."""
    return repr(value if len(value) <= 20 else value[:20] + "…")


def _isa_datetime(isa: Segment) -> datetime | None:
    try:
        return datetime.strptime(isa[9] + isa[10], "%y%m%d%H%M")
    except ValueError:
        return None


def read_interchange(
    data: str | bytes,
    *,
    functional_id: str,
    set_id: str,
    versions: tuple[str, ...],
    kind: str,
) -> tuple[InterchangeInfo, list[TransactionSet]]:
    """Check the ISA/GS/ST envelopes and their counts; return the transaction sets.

    ``kind`` names the expected document in messages (e.g. ``"999 acknowledgement"``).
    """
    segments = tokenize(data)
    isa = segments[0]
    info = _read_isa(isa)
    sets: list[TransactionSet] = []
    group_count = 0
    index = 1
    total = len(segments)
    while index < total:
        seg = segments[index]
        if seg.id == "IEA":
            _check_iea(segments, index, group_count)
            if not sets:
                raise seg.error(f"the interchange holds no {kind}")
            return info, sets
        if seg.id == "TA1":
            index += 1
            continue
        if seg.id != "GS":
            raise seg.error("segment outside a functional group (GS expected)")
        group_count += 1
        _check_gs(seg, functional_id, versions, kind)
        index = _read_group(segments, index, set_id, kind, sets)
    raise _missing(segments, "IEA interchange trailer")


def _missing(segments: list[Segment], what: str) -> X12Error:
    return segments[-1].error(f"the file ends before the {what} (truncated?)")


def _read_isa(isa: Segment) -> InterchangeInfo:
    if len(isa) != 16:
        raise isa.error("the ISA segment must have 16 elements")
    if isa[12] != "00501":
        raise isa.error(f"interchange version {isa[12]!r} is not 00501")
    return InterchangeInfo(
        sender_qualifier=isa[5].strip(),
        sender_id=isa[6].strip(),
        receiver_qualifier=isa[7].strip(),
        receiver_id=isa[8].strip(),
        control_number=isa[13],
        created=_isa_datetime(isa),
        usage=isa[15],
    )


def _check_iea(segments: list[Segment], index: int, group_count: int) -> None:
    seg = segments[index]
    if seg[2] != segments[0][13]:
        raise seg.error("IEA02 does not match the ISA13 interchange control number")
    if seg.integer(1, "number of functional groups") != group_count:
        raise seg.error(f"IEA01 counts {seg[1]} groups, the interchange has {group_count}")
    if index != len(segments) - 1:
        raise segments[index + 1].error("data after the IEA interchange trailer")


def _check_gs(seg: Segment, functional_id: str, versions: tuple[str, ...], kind: str) -> None:
    if seg[1] != functional_id:
        expected = f"(GS01 {functional_id} expected)"
        raise seg.error(f"functional group {_shown_value(seg[1])} is not a {kind} {expected}")
    if not any(seg[8].startswith(v) for v in versions):
        raise seg.error(f"version {_shown_value(seg[8])} is not a {kind} ({' or '.join(versions)})")


def _read_group(
    segments: list[Segment], index: int, set_id: str, kind: str, sets: list[TransactionSet]
) -> int:
    """Read the functional group whose GS is at ``index`` into ``sets``; return the index after its GE."""
    gs = segments[index]
    total = len(segments)
    st_count = 0
    index += 1
    while True:
        if index >= total:
            raise _missing(segments, "GE group trailer")
        seg = segments[index]
        if seg.id == "GE":
            if seg[2] != gs[6]:
                raise seg.error("GE02 does not match the GS06 group control number")
            if seg.integer(1, "number of transaction sets") != st_count:
                raise seg.error(f"GE01 counts {seg[1]} sets, the group has {st_count}")
            return index + 1
        if seg.id != "ST":
            raise seg.error("segment outside a transaction set (ST expected)")
        if seg[1] != set_id:
            raise seg.error(f"transaction set {_shown_value(seg[1])} is not a {kind} (ST01 {set_id})")
        st_count += 1
        transaction_set, index = _read_set(segments, index, gs)
        sets.append(transaction_set)


def _read_set(segments: list[Segment], start: int, gs: Segment) -> tuple[TransactionSet, int]:
    """The transaction set whose ST is at ``start``, and the index after its SE."""
    st = segments[start]
    total = len(segments)
    index = start + 1
    while True:
        if index >= total:
            raise _missing(segments, "SE transaction set trailer")
        seg = segments[index]
        if seg.id == "SE":
            break
        if seg.id in ("ST", "GE", "GS", "IEA", "ISA"):
            raise seg.error("the transaction set has no SE trailer")
        index += 1
    if seg[2] != st[2]:
        raise seg.error("SE02 does not match the ST02 transaction set control number")
    count = index - start + 1
    if seg.integer(1, "number of included segments") != count:
        raise seg.error(f"SE01 counts {seg[1]} segments, the transaction set has {count}")
    transaction_set = TransactionSet(
        group_control_number=gs[6],
        version=gs[8],
        set_id=st[1],
        control_number=st[2],
        st=st,
        segments=tuple(segments[start + 1 : index]),
        se=seg,
    )
    return transaction_set, index + 1


def parse_date(seg: Segment, index: int, name: str) -> date | None:
    """A CCYYMMDD element as a date (None when empty)."""
    value = seg[index]
    if not value:
        return None
    day = _ccyymmdd(value)
    if day is None:
        raise seg.error(f"{name} ({seg.id}{index:02d}) is not a CCYYMMDD date")
    return day


def _ccyymmdd(value: str) -> date | None:
    if not _CCYYMMDD.match(value):
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def parse_period(seg: Segment, qualifier_index: int, name: str) -> tuple[date, date]:
    """A D8 date or RD8 period (qualifier, then value) as (start, end)."""
    qualifier, value = seg[qualifier_index], seg[qualifier_index + 1]
    if qualifier == "D8":
        start = end = _ccyymmdd(value)
    elif qualifier == "RD8" and value.count("-") == 1:
        start, end = (_ccyymmdd(part) for part in value.split("-"))
    else:
        start = end = None
    if start is None or end is None or end < start:
        raise seg.error(f"{name} is not a D8 date or RD8 period")
    return start, end


def parse_decimal(seg: Segment, index: int, name: str) -> Decimal | None:
    """A numeric element as a Decimal (None when empty)."""
    value = seg[index]
    if not value:
        return None
    if not _DECIMAL.match(value):
        raise seg.error(f"{name} ({seg.id}{index:02d}) is not a number")
    if len(value) > MAX_DECIMAL_LENGTH:
        message = f"{name} ({seg.id}{index:02d}) is longer than {MAX_DECIMAL_LENGTH} characters"
        raise seg.error(message)
    return Decimal(value)


# --------------------------------------------------------------------------------------------
# pyx12 validation
# --------------------------------------------------------------------------------------------

_PYX12_LOG_LOCK = threading.Lock()
_pyx12_quiet_state = {"depth": 0, "saved": (True, False)}
_PYX12_NULL_HANDLER = logging.NullHandler()


@contextmanager
def _pyx12_quiet() -> Iterator[None]:
    """Keep ``pyx12`` log records (they quote element values, possibly PHI) out of the logs."""
    logger = logging.getLogger("pyx12")
    state = _pyx12_quiet_state
    with _PYX12_LOG_LOCK:
        if state["depth"] == 0:
            state["saved"] = (logger.propagate, logger.disabled)
            logger.propagate = False
            logger.disabled = True
            logger.addHandler(_PYX12_NULL_HANDLER)
        state["depth"] += 1
    try:
        yield
    finally:
        with _PYX12_LOG_LOCK:
            state["depth"] -= 1
            if state["depth"] == 0:
                logger.propagate, logger.disabled = state["saved"]
                logger.removeHandler(_PYX12_NULL_HANDLER)


def _flatten_pyx12_errors(doc: dict) -> list[str]:
    errors = []
    for isa in doc.get("interchanges", []):
        errors += [f"ISA {isa['isa_trn_set_id']}: {e['err_str']}" for e in isa["errors"]]
        for gs in isa["groups"]:
            errors += [f"GS {gs['gs_control_num']}: {e['err_str']}" for e in gs["errors"]]
            for st in gs["transactions"]:
                where = f"ST {st['trn_set_control_num']}"
                errors += [f"{where}: {e['err_str']}" for e in st["errors"]]
                for seg in st["segments"]:
                    prefix = f"{where} segment {seg['seg_count']} ({seg['seg_id']})"
                    errors += [f"{prefix}: {e['err_str']}" for e in seg["errors"]]
                    for ele in seg["elements"]:
                        ref = f"{seg['seg_id']}{ele['ele_pos']:02d}"
                        if ele["subele_pos"]:
                            ref += f"-{ele['subele_pos']}"
                        errors += [f"{prefix} {ref}: {e['err_str']}" for e in ele["errors"]]
    return errors


def _run_pyx12(text: str, want_999: bool) -> tuple[bool, list[str], str]:
    import pyx12.errors
    import pyx12.params
    import pyx12.x12n_document

    json_out = io.StringIO()
    ack_out = io.StringIO() if want_999 else None
    with _pyx12_quiet():
        param = pyx12.params.params()
        try:
            ok = pyx12.x12n_document.x12n_document(
                param=param,
                src_file=io.StringIO(text),
                fd_997=ack_out,
                fd_html=None,
                fd_json=json_out,
            )
        except (pyx12.errors.X12Error, pyx12.errors.EngineError) as err:
            return False, [f"pyx12: {err}"], ""
        except Exception as err:  # pyx12 trips over some malformed input; report, never raise
            return False, [f"pyx12 could not read the data ({type(err).__name__})"], ""
    raw = json_out.getvalue()
    errors = _flatten_pyx12_errors(json.loads(raw)) if raw else []
    if not ok and not errors:
        errors = ["pyx12: the data is not a readable X12 interchange"]
    return ok and not errors, errors, ack_out.getvalue() if ack_out else ""


def _as_text(data: str | bytes) -> str | None:
    if isinstance(data, bytes | bytearray):
        try:
            return bytes(data).decode("ascii")
        except UnicodeDecodeError:
            return None
    return data


def validate(data: str | bytes) -> tuple[bool, list[str]]:
    """Validate an X12 interchange against pyx12's implementation-guide maps.

    Returns ``(ok, errors)``; never raises for bad input. Messages may quote element values.
    """
    text = _as_text(data)
    if text is None:
        return False, ["the data is not ASCII text"]
    ok, errors, _ack = _run_pyx12(text, want_999=False)
    return ok, errors


def pyx12_999(data: str | bytes) -> str:
    """The 999 acknowledgement pyx12 generates for an interchange (empty for a 999 input)."""
    text = _as_text(data)
    return _run_pyx12(text, want_999=True)[2] if text is not None else ""
