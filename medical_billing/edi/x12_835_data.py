# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""835 remittance data (005010X221A1): what :func:`medical_billing.edi.x12_835.parse_835` returns.

Pure Python: no Odoo import. Amounts are ``Decimal``, dates ``datetime.date``; every class is a frozen
dataclass of tuples, in file order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .x12_common import InterchangeInfo

__all__ = [
    "ProviderAdjustment",
    "RemitAdjustment",
    "RemitClaim",
    "RemitParty",
    "RemitService",
    "Remittance",
    "Remittance835",
]

_frozen = dataclass(frozen=True, slots=True)


@_frozen
class RemitAdjustment:
    """One CAS reason / amount / quantity triplet."""

    group: (
        str  # CAS01: CO contractual, PR patient responsibility, OA other, PI payer initiated, CR correction
    )
    reason: str  # claim adjustment reason code (code list 139)
    amount: Decimal
    quantity: Decimal | None
    position: int  # segment number of the CAS in the file
    triplet: int = 1  # 1 for CAS02-04, 2 for CAS05-07 ... 6 for CAS17-19


@_frozen
class RemitParty:
    """An NM1 of a claim: QC patient, IL insured, 74 corrected insured, 82 rendering, TT crossover carrier,
    PR corrected payer, GB other subscriber."""

    entity: str
    last_name: str
    first_name: str
    middle_name: str
    id_qualifier: str
    identifier: str


@_frozen
class RemitService:
    """Loop 2110: one adjudicated service line (SVC and what follows it)."""

    position: int  # segment number of the SVC
    qualifier: str  # SVC01-1: HC, AD, ER, IV, N4, NU, WK ...
    code: str
    modifiers: tuple[str, ...]
    charge: Decimal  # SVC02
    paid: Decimal  # SVC03
    revenue_code: str  # SVC04
    units: Decimal  # SVC05 (1 when absent)
    original_qualifier: str  # SVC06: the procedure as billed, when the payer changed it
    original_code: str
    original_modifiers: tuple[str, ...]
    original_units: Decimal | None  # SVC07
    date_start: date | None  # DTM*472, or DTM*150
    date_end: date | None  # DTM*472, or DTM*151
    adjustments: tuple[RemitAdjustment, ...]
    line_control_number: str  # REF*6R: the 837 line item control number ("" if none)
    references: tuple[tuple[str, str], ...]  # the other REFs (qualifier, value)
    allowed: Decimal | None  # AMT*B6
    amounts: tuple[tuple[str, Decimal], ...]  # every AMT (qualifier, amount)
    remarks: tuple[str, ...]  # LQ*HE remittance advice remark codes
    quantities: tuple[tuple[str, Decimal], ...] = ()  # QTY (qualifier, quantity)
    reject_codes: tuple[str, ...] = ()  # LQ*RX NCPDP reject reason codes
    description: str = ""  # SVC01-7

    @property
    def total_adjusted(self) -> Decimal:
        """The sum of the line's CAS amounts."""
        return sum((a.amount for a in self.adjustments), Decimal(0))


@_frozen
class RemitClaim:
    """Loop 2100: one claim payment (CLP), its adjustments and its service lines."""

    position: int  # segment number of the CLP
    header_number: str  # LX01 of the enclosing header number loop ("" if none)
    patient_control_number: str  # CLP01 = 837 CLM01
    status: str  # CLP02: 1 primary, 2 secondary, 3 tertiary, 4 denied, 19-23 ..., 22 reversal
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    filing_indicator: str  # CLP06
    payer_claim_control_number: str  # CLP07
    facility_code: str  # CLP08
    frequency: str  # CLP09
    drg: str  # CLP11
    adjustments: tuple[RemitAdjustment, ...]  # claim-level CAS
    patient: RemitParty | None
    insured: RemitParty | None
    corrected_insured: RemitParty | None
    rendering: RemitParty | None
    crossover_carrier: RemitParty | None
    remarks: tuple[str, ...]  # MIA05, MIA20-23, MOA03-07 remark codes
    dates: tuple[tuple[str, date], ...]  # DTM (qualifier, date): 232, 233, 036, 050
    amounts: tuple[tuple[str, Decimal], ...]  # AMT (qualifier, amount)
    quantities: tuple[tuple[str, Decimal], ...]  # QTY (qualifier, quantity)
    references: tuple[tuple[str, str], ...]  # REF (qualifier, value)
    services: tuple[RemitService, ...]
    corrected_payer: RemitParty | None = None  # NM1*PR
    other_subscriber: RemitParty | None = None  # NM1*GB

    @property
    def date_start(self) -> date | None:
        """The statement period start (DTM*232)."""
        return next((day for qualifier, day in self.dates if qualifier == "232"), None)

    @property
    def date_end(self) -> date | None:
        """The statement period end (DTM*233)."""
        return next((day for qualifier, day in self.dates if qualifier == "233"), None)

    @property
    def total_adjusted(self) -> Decimal:
        """The sum of every CAS amount of the claim: claim level and its service lines."""
        own = sum((a.amount for a in self.adjustments), Decimal(0))
        return own + sum((s.total_adjusted for s in self.services), Decimal(0))


@_frozen
class ProviderAdjustment:
    """One PLB adjustment pair: positive takes money back from the provider, negative pays more."""

    position: int  # segment number of the PLB
    provider_identifier: str  # PLB01
    date_fiscal: date | None  # PLB02
    reason: (
        str  # PLB03-1: L6 interest, WO overpayment recovery, FB forwarding balance, 72 authorized return ...
    )
    reference: str  # PLB03-2 ("" if none)
    amount: Decimal
    pair: int = 1  # 1 for PLB03/04 ... 6 for PLB13/14


@_frozen
class Remittance:
    """One 835 transaction set: a payment (or notice) and the claims it settles."""

    position: int  # segment number of the ST
    control_number: str  # ST02
    handling_code: str  # BPR01: I remittance and payment, C payment with remittance, H notification only ...
    amount: Decimal  # BPR02 as written (see signed_amount)
    credit_debit: str  # BPR03: C credit, D debit
    method: str  # BPR04: ACH, CHK, NON, BOP, FWT
    payment_format: str  # BPR05: CCP, CTX
    sender_bank: tuple[str, str]  # (BPR07 DFI id, BPR09 account)
    receiver_bank: tuple[str, str]  # (BPR13 DFI id, BPR15 account)
    originating_company: str  # BPR10
    date_payment: date | None  # BPR16
    trace_type: str  # TRN01
    trace_number: str  # TRN02: check or EFT trace number
    trace_payer_id: str  # TRN03
    trace_payer_extra: str  # TRN04
    date_production: date | None  # DTM*405
    receiver_id: str  # REF*EV
    version: str  # REF*F2
    payer_name: str
    payer_id_qualifier: str
    payer_identifier: str
    payer_references: tuple[tuple[str, str], ...]
    payer_contacts: tuple[tuple[str, str], ...]  # PER (function, name)
    payee_name: str
    payee_id_qualifier: str  # XX NPI, FI TIN, XV ...
    payee_identifier: str
    payee_references: tuple[tuple[str, str], ...]
    claims: tuple[RemitClaim, ...]
    provider_adjustments: tuple[ProviderAdjustment, ...]
    bpr_position: int = 0  # segment number of the BPR
    group_control_number: str = ""  # GS06 of the enclosing group
    version_code: str = ""  # GS08, e.g. 005010X221A1

    @property
    def signed_amount(self) -> Decimal:
        """BPR02 with its sign: negative for a debit (BPR03 D)."""
        return -self.amount if self.credit_debit == "D" else self.amount

    @property
    def total_charge(self) -> Decimal:
        return sum((c.charge for c in self.claims), Decimal(0))

    @property
    def total_paid(self) -> Decimal:
        return sum((c.paid for c in self.claims), Decimal(0))

    @property
    def total_provider_adjustments(self) -> Decimal:
        return sum((p.amount for p in self.provider_adjustments), Decimal(0))


@_frozen
class Remittance835:
    """A parsed 835 interchange: its ISA and every transaction set of every group, in file order."""

    interchange: InterchangeInfo
    transactions: tuple[Remittance, ...]
