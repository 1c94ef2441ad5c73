# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""835 health care claim payment / advice reader (005010X221A1) and its balancing rules.

Pure Python: no Odoo import. Anything that is not a well-formed 835 raises :class:`X12Error` naming the
segment and its position in the file, never a patient's name, member id or claim value.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from .x12_835_data import (
    ProviderAdjustment,
    RemitAdjustment,
    RemitClaim,
    RemitParty,
    RemitService,
    Remittance,
    Remittance835,
)
from .x12_common import (
    Segment,
    TransactionSet,
    X12Error,
    parse_date,
    parse_decimal,
    read_interchange,
)

__all__ = ["balance_errors", "parse_835"]  # the dataclasses it returns: x12_835_data

_CENT = Decimal("0.01")
ADJUSTMENT_GROUPS = frozenset({"CO", "CR", "OA", "PI", "PR"})
MAX_CAS_TRIPLETS = 6
MAX_PLB_PAIRS = 6


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _amount(seg: Segment, index: int, name: str) -> Decimal:
    value = parse_decimal(seg, index, name)
    if value is None:
        raise seg.error(f"{name} ({seg.id}{index:02d}) is required")
    return value


def _required(seg: Segment, index: int, name: str) -> str:
    if not seg[index]:
        raise seg.error(f"{name} ({seg.id}{index:02d}) is required")
    return seg[index]


def _date(seg: Segment, index: int, name: str) -> date:
    day = parse_date(seg, index, name)
    if day is None:
        raise seg.error(f"{name} ({seg.id}{index:02d}) is required")
    return day


def _procedure(seg: Segment, index: int) -> tuple[str, str, tuple[str, ...], str]:
    parts = seg.components(index) + [""] * 7
    if index == 1 and not (parts[0] and parts[1]):
        raise seg.error("SVC01 must hold a product/service qualifier and a code")
    return parts[0], parts[1], tuple(m for m in parts[2:6] if m), parts[6]


def _cas(seg: Segment) -> list[RemitAdjustment]:
    group = seg[1]
    if group not in ADJUSTMENT_GROUPS:
        raise seg.error("CAS01 must be CO, CR, OA, PI or PR")
    if len(seg) > 1 + 3 * MAX_CAS_TRIPLETS:
        raise seg.error(f"CAS has more than {MAX_CAS_TRIPLETS} adjustment triplets")
    out = []
    for triplet in range(1, MAX_CAS_TRIPLETS + 1):
        at = 3 * triplet - 1
        reason, amount, quantity = seg[at], seg[at + 1], seg[at + 2]
        if not (reason or amount or quantity):
            continue
        if not (reason and amount):
            raise seg.error(f"CAS{at:02d} reason and CAS{at + 1:02d} amount must come together")
        out.append(
            RemitAdjustment(
                group=group,
                reason=reason,
                amount=_amount(seg, at + 1, "adjustment amount"),
                quantity=parse_decimal(seg, at + 2, "adjustment quantity"),
                position=seg.position,
                triplet=triplet,
            )
        )
    if not out:
        raise seg.error("CAS has no adjustment (CAS02 and CAS03 are required)")
    return out


def _plb(seg: Segment) -> list[ProviderAdjustment]:
    provider = _required(seg, 1, "provider identifier")
    fiscal = _date(seg, 2, "fiscal period date")
    if len(seg) > 2 + 2 * MAX_PLB_PAIRS:
        raise seg.error(f"PLB has more than {MAX_PLB_PAIRS} adjustments")
    out = []
    for pair in range(1, MAX_PLB_PAIRS + 1):
        at = 2 * pair + 1
        if not (seg[at] or seg[at + 1]):
            continue
        parts = seg.components(at) or [""]
        if not (parts[0] and seg[at + 1]):
            raise seg.error(f"PLB{at:02d} reason and PLB{at + 1:02d} amount must come together")
        reference = seg.component_sep.join(parts[1:])
        amount = _amount(seg, at + 1, "provider adjustment amount")
        out.append(ProviderAdjustment(seg.position, provider, fiscal, parts[0], reference, amount, pair))
    if not out:
        raise seg.error("PLB has no adjustment (PLB03 and PLB04 are required)")
    return out


def _party(seg: Segment) -> RemitParty:
    return RemitParty(seg[1], seg[3], seg[4], seg[5], seg[8], seg[9])


_PARTIES = {
    "QC": "patient",
    "IL": "insured",
    "74": "corrected_insured",
    "82": "rendering",
    "TT": "crossover_carrier",
    "PR": "corrected_payer",
    "GB": "other_subscriber",
}
_MIA_REMARKS = (5, 20, 21, 22, 23)
_MOA_REMARKS = (3, 4, 5, 6, 7)
_SERVICE_DATES = {"472", "150", "151"}
# Valid 835 segments whose values nobody needs: skipped where the guide allows them, refused elsewhere.
_SKIPPED = {"N3": ("payer", "payee"), "N4": ("payer", "payee"), "RDM": ("payee",), "CUR": ("header",)}


class _Reader835:
    """One 835 transaction set, after its BPR and TRN, read segment by segment: a method per segment id.

    ``area`` is where the reader stands: ``header`` (before N1*PR), ``payer``, ``payee``, ``detail``
    (LX / CLP loops) or ``plb`` (the provider adjustments that close the set).
    """

    def __init__(self, head: dict) -> None:
        self.head = head
        self.area = "header"
        self.header_number = ""
        self.claim: dict | None = None
        self.service: dict | None = None
        self.claims: list[RemitClaim] = []
        self.plbs: list[ProviderAdjustment] = []

    def take(self, seg: Segment) -> None:
        skipped = _SKIPPED.get(seg.id)
        if skipped is not None:
            if self.area not in skipped:
                raise seg.error(f"{seg.id} is not allowed here")
            return
        handler = self._HANDLERS.get(seg.id)
        if handler is None:
            raise seg.error("segment not allowed in an 835")
        if self.area == "plb" and seg.id != "PLB":
            raise seg.error("segment after the provider adjustments (PLB)")
        handler(self, seg)

    def close_service(self) -> None:
        if self.service is not None:
            service, self.service = self.service, None
            self.claim["services"].append(RemitService(**{k: _frozen_value(v) for k, v in service.items()}))

    def close_claim(self) -> None:
        self.close_service()
        if self.claim is not None:
            claim, self.claim = self.claim, None
            self.claims.append(RemitClaim(**{k: _frozen_value(v) for k, v in claim.items()}))

    def _open_claim(self, seg: Segment) -> dict:
        if self.claim is None:
            raise seg.error(f"{seg.id} outside a claim payment (CLP)")
        return self.claim

    def _claim_level(self, seg: Segment) -> dict:
        claim = self._open_claim(seg)
        if self.service is not None:
            raise seg.error(f"{seg.id} after a service line (SVC) belongs before the claim's first SVC")
        return claim

    def _detail(self, seg: Segment) -> None:
        if self.area not in ("payee", "detail"):
            raise seg.error(f"{seg.id} before the payer (N1*PR) and payee (N1*PE) identification")
        self.close_claim()
        self.area = "detail"

    def _n1(self, seg: Segment) -> None:
        if seg[1] == "PR" and self.area == "header":
            self.area = "payer"
        elif seg[1] == "PE" and self.area == "payer":
            self.area = "payee"
        else:
            raise seg.error("N101 must be PR (payer), then PE (payee), before the claims")
        prefix = "payer" if seg[1] == "PR" else "payee"
        name = _required(seg, 2, f"{prefix} name")
        self.head.update(
            {f"{prefix}_name": name, f"{prefix}_id_qualifier": seg[3], f"{prefix}_identifier": seg[4]}
        )

    def _ref(self, seg: Segment) -> None:
        pair = (_required(seg, 1, "reference qualifier"), _required(seg, 2, "reference"))
        if self.service is not None:
            if pair[0] == "6R":
                self.service["line_control_number"] = pair[1]
            else:
                self.service["references"].append(pair)
        elif self.claim is not None:
            self.claim["references"].append(pair)
        elif self.area == "header":
            if pair[0] not in ("EV", "F2"):
                raise seg.error("REF01 must be EV or F2 before the payer identification")
            self.head["receiver_id" if pair[0] == "EV" else "version"] = pair[1]
        elif self.area in ("payer", "payee"):
            self.head[f"{self.area}_references"].append(pair)
        else:
            raise seg.error("REF outside the payer, payee, claim or service line")

    def _dtm(self, seg: Segment) -> None:
        qualifier = _required(seg, 1, "date qualifier")
        day = _date(seg, 2, "date")
        if self.service is not None:
            if qualifier not in _SERVICE_DATES:
                raise seg.error("DTM01 of a service line must be 472, 150 or 151")
            if qualifier in ("472", "150"):
                self.service["date_start"] = day
            if qualifier in ("472", "151"):
                self.service["date_end"] = day
        elif self.claim is not None:
            self.claim["dates"].append((qualifier, day))
        elif self.area == "header" and qualifier == "405":
            self.head["date_production"] = day
        else:
            raise seg.error("DTM outside the header (405), a claim or a service line")

    def _per(self, seg: Segment) -> None:
        if self.area == "payer":
            self.head["payer_contacts"].append((_required(seg, 1, "contact function"), seg[2]))
        else:
            self._claim_level(seg)  # a claim contact (PER*CX): not kept

    def _lx(self, seg: Segment) -> None:
        self._detail(seg)
        self.header_number = _required(seg, 1, "assigned number")

    def _ts(self, seg: Segment) -> None:
        if self.area != "detail" or self.claim is not None:
            raise seg.error(f"{seg.id} must follow the LX header number")

    def _clp(self, seg: Segment) -> None:
        self._detail(seg)
        status = _required(seg, 2, "claim status")
        self.claim = {
            "position": seg.position,
            "header_number": self.header_number,
            "patient_control_number": _required(seg, 1, "patient control number"),
            "status": status,
            "charge": _amount(seg, 3, "total claim charge"),
            "paid": _amount(seg, 4, "claim payment"),
            "patient_responsibility": parse_decimal(seg, 5, "patient responsibility"),
            "filing_indicator": seg[6],
            "payer_claim_control_number": seg[7],
            "facility_code": seg[8],
            "frequency": seg[9],
            "drg": seg[11],
            "adjustments": [],
            **dict.fromkeys(("patient", "insured", "corrected_insured", "rendering", "crossover_carrier")),
            **{key: [] for key in ("remarks", "dates", "amounts", "quantities", "references", "services")},
        }

    def _cas(self, seg: Segment) -> None:
        target = self.service if self.service is not None else self._open_claim(seg)
        target["adjustments"].extend(_cas(seg))

    def _nm1(self, seg: Segment) -> None:
        claim = self._claim_level(seg)
        field = _PARTIES.get(seg[1])
        if field is None:
            raise seg.error("NM101 must be QC, IL, 74, 82, TT, PR or GB in a claim payment")
        claim[field] = _party(seg)

    def _remarks(self, seg: Segment) -> None:
        claim = self._claim_level(seg)
        indexes = _MIA_REMARKS if seg.id == "MIA" else _MOA_REMARKS
        claim["remarks"].extend(seg[i] for i in indexes if seg[i])

    def _amt(self, seg: Segment) -> None:
        target = self.service if self.service is not None else self._open_claim(seg)
        qualifier = _required(seg, 1, "amount qualifier")
        amount = _amount(seg, 2, "amount")
        target["amounts"].append((qualifier, amount))
        if self.service is not None and qualifier == "B6":
            target["allowed"] = amount

    def _qty(self, seg: Segment) -> None:
        target = self.service if self.service is not None else self._open_claim(seg)
        target["quantities"].append((_required(seg, 1, "quantity qualifier"), _amount(seg, 2, "quantity")))

    def _svc(self, seg: Segment) -> None:
        self._open_claim(seg)
        self.close_service()
        qualifier, code, modifiers, description = _procedure(seg, 1)
        original = _procedure(seg, 6)
        units = parse_decimal(seg, 5, "units paid")
        self.service = {
            "position": seg.position,
            "qualifier": qualifier,
            "code": code,
            "modifiers": modifiers,
            "charge": _amount(seg, 2, "line charge"),
            "paid": _amount(seg, 3, "line payment"),
            "revenue_code": seg[4],
            "units": Decimal(1) if units is None else units,
            "original_qualifier": original[0],
            "original_code": original[1],
            "original_modifiers": original[2],
            "original_units": parse_decimal(seg, 7, "original units"),
            "date_start": None,
            "date_end": None,
            "adjustments": [],
            "line_control_number": "",
            "references": [],
            "allowed": None,
            "amounts": [],
            "remarks": [],
            "quantities": [],
            "reject_codes": [],
            "description": description,
        }

    def _lq(self, seg: Segment) -> None:
        if self.service is None:
            raise seg.error("LQ outside a service line (SVC)")
        if seg[1] not in ("HE", "RX"):
            raise seg.error("LQ01 must be HE or RX")
        code = _required(seg, 2, "remark code")
        self.service["remarks" if seg[1] == "HE" else "reject_codes"].append(code)

    def _plb(self, seg: Segment) -> None:
        if self.area not in ("payee", "detail", "plb"):
            raise seg.error("PLB before the payer (N1*PR) and payee (N1*PE) identification")
        self.close_claim()
        self.area = "plb"
        self.plbs.extend(_plb(seg))

    def _once(self, seg: Segment) -> None:
        raise seg.error(f"{seg.id} appears once, at the start of the transaction set")

    _HANDLERS = {
        "BPR": _once,
        "TRN": _once,
        "N1": _n1,
        "REF": _ref,
        "DTM": _dtm,
        "PER": _per,
        "LX": _lx,
        "TS3": _ts,
        "TS2": _ts,
        "CLP": _clp,
        "CAS": _cas,
        "NM1": _nm1,
        "MIA": _remarks,
        "MOA": _remarks,
        "AMT": _amt,
        "QTY": _qty,
        "SVC": _svc,
        "LQ": _lq,
        "PLB": _plb,
    }


def _frozen_value(value):
    return tuple(value) if isinstance(value, list) else value


def _bpr_trn(ts: TransactionSet) -> dict:
    segments = ts.segments
    bpr = segments[0] if segments else ts.se
    if bpr.id != "BPR":
        raise bpr.error("BPR financial information expected after ST")
    trn = segments[1] if len(segments) > 1 else ts.se
    if trn.id != "TRN":
        raise trn.error("TRN reassociation trace number expected after BPR")
    if bpr[3] not in ("C", "D"):
        raise bpr.error("BPR03 must be C (credit) or D (debit)")
    return {
        "position": ts.st.position,
        "control_number": ts.control_number,
        "handling_code": _required(bpr, 1, "transaction handling code"),
        "amount": _amount(bpr, 2, "total payment"),
        "credit_debit": bpr[3],
        "method": _required(bpr, 4, "payment method"),
        "payment_format": bpr[5],
        "sender_bank": (bpr[7], bpr[9]),
        "receiver_bank": (bpr[13], bpr[15]),
        "originating_company": bpr[10],
        "date_payment": parse_date(bpr, 16, "payment date"),
        "trace_type": _required(trn, 1, "trace type"),
        "trace_number": _required(trn, 2, "trace number"),
        "trace_payer_id": _required(trn, 3, "payer identifier"),
        "trace_payer_extra": trn[4],
        "date_production": None,
        "receiver_id": "",
        "version": "",
        **dict.fromkeys(("payer_name", "payer_id_qualifier", "payer_identifier"), ""),
        **dict.fromkeys(("payee_name", "payee_id_qualifier", "payee_identifier"), ""),
        **{key: [] for key in ("payer_references", "payer_contacts", "payee_references")},
        "bpr_position": bpr.position,
        "group_control_number": ts.group_control_number,
        "version_code": ts.version,
    }


def _parse_835_set(ts: TransactionSet) -> Remittance:
    reader = _Reader835(_bpr_trn(ts))
    for seg in ts.segments[2:]:
        reader.take(seg)
    if reader.area in ("header", "payer"):
        missing = "payer (N1*PR)" if reader.area == "header" else "payee (N1*PE)"
        raise ts.se.error(f"the 835 has no {missing} identification")
    reader.close_claim()
    head = {k: _frozen_value(v) for k, v in reader.head.items()}
    return Remittance(**head, claims=tuple(reader.claims), provider_adjustments=tuple(reader.plbs))


def parse_835(data: str | bytes) -> Remittance835:
    """Parse an 835 remittance interchange (every ST of every GS). Raises :class:`X12Error` only."""
    info, sets = read_interchange(
        data, functional_id="HP", set_id="835", versions=("005010X221",), kind="remittance advice (835)"
    )
    return Remittance835(interchange=info, transactions=tuple(_parse_835_set(ts) for ts in sets))


# --------------------------------------------------------------------------------------------
# Balancing
# --------------------------------------------------------------------------------------------


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _unbalanced(
    what: str, expected: Decimal, paid: Decimal, position: int, segment_id: str
) -> X12Error | None:
    if expected == _cents(paid):
        return None
    message = f"the {what} does not balance: {expected} expected, {segment_id} says {paid}"
    return X12Error(message, position=position, segment_id=segment_id)


def balance_errors(remittance: Remittance) -> list[X12Error]:
    """The 835 balancing rules, one error per failing SVC, CLP or BPR (at its position in the file).

    Line: SVC02 - its CAS = SVC03. Claim: CLP03 - every CAS of the claim and its lines = CLP04.
    Transaction: the sum of CLP04 - the sum of PLB amounts = BPR02 (negative for a BPR03 debit).
    Amounts are compared to the cent; they are shown, since they identify nobody.
    """
    found = []
    # exact sums whatever the file holds: 20-character amounts, any number of them
    with localcontext(Context(prec=200)):
        for claim in remittance.claims:
            for line in claim.services:
                expected = _cents(line.charge - line.total_adjusted)
                found.append(
                    _unbalanced("line (charge - adjustments)", expected, line.paid, line.position, "SVC")
                )
            expected = _cents(claim.charge - claim.total_adjusted)
            found.append(
                _unbalanced("claim (charge - adjustments)", expected, claim.paid, claim.position, "CLP")
            )
        expected = _cents(remittance.total_paid - remittance.total_provider_adjustments)
        what = "payment (claim payments - provider adjustments)"
        found.append(_unbalanced(what, expected, remittance.signed_amount, remittance.bpr_position, "BPR"))
    return [error for error in found if error is not None]
