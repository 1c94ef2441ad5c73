# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""837P professional claim data (005010X222A1): what a model maps its records onto.

Pure Python: no Odoo import. Money is ``Decimal`` (``int`` / ``str`` are accepted too), dates are
``datetime.date``. :func:`medical_billing.edi.x12_837.write_837p` writes these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

VERSION = "005010X222A1"
MAX_CLAIMS_PER_HL = 100  # loop 2300 repeats at most 100 times per 2000B / 2000C
MAX_LINES = 50  # loop 2400 repeats at most 50 times
MAX_DIAGNOSES = 12

_frozen = dataclass(frozen=True, slots=True, kw_only=True)


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@_frozen
class Address:
    """A street address (N3 / N4); ``country_code`` only outside the US."""

    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""
    country_code: str = ""


@_frozen
class Submitter:
    """Loop 1000A: who sends the file (``submitter_id`` is the ETIN given by the receiver)."""

    name: str
    submitter_id: str
    contact_name: str
    phone: str = ""
    phone_extension: str = ""
    email: str = ""


@_frozen
class Receiver:
    """Loop 1000B: the clearinghouse or payer receiving the file."""

    name: str
    receiver_id: str


@_frozen
class Interchange:
    """Envelope settings: ISA / GS / ST / BHT values, submitter and receiver."""

    sender_id: str
    receiver_id: str
    control_number: int  # ISA13, also GS06 unless group_control_number is set
    created: datetime
    submitter: Submitter
    receiver: Receiver
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    usage: str = "T"  # ISA15: T test, P production
    group_control_number: int | None = None  # GS06
    transaction_control_number: int = 1  # ST02 of the first transaction set, then +1 each
    application_sender_code: str = ""  # GS02, default sender_id
    application_receiver_code: str = ""  # GS03, default receiver_id
    batch_id: str = ""  # BHT03, default the control number
    acknowledgment_requested: bool = False  # ISA14 (TA1)
    transaction_type: str = "CH"  # BHT06: CH chargeable, RP encounter reporting
    max_claims_per_transaction: int = 5000  # the guide's advice; more claims start a new ST


@_frozen
class BillingProvider:
    """Loop 2000A / 2010AA. An individual biller sets ``first_name`` (``name`` = last name)."""

    name: str
    npi: str
    ein: str  # REF*EI, 9 digits (a dash is dropped)
    address: Address  # street address, not a PO box; 9-digit ZIP
    taxonomy: str = ""  # PRV*BI*PXC
    first_name: str = ""


@_frozen
class Subscriber:
    """Loop 2000B / 2010BA (and 2320 / 2330A for another payer's subscriber).

    ``address``, ``birth_date`` and ``sex`` are required when the subscriber is the patient, and written
    (2010BA N3 / N4 / DMG) only then: for a dependant, the patient's go in 2010CA.
    """

    last_name: str
    first_name: str
    member_id: str
    payer_responsibility: str = "P"  # SBR01: P, S, T (A..H, U)
    claim_filing_indicator: str = "CI"  # SBR09: MB, MC, CI, BL, HM, 12..17 ...
    group_number: str = ""
    group_name: str = ""
    insurance_type_code: str = ""  # SBR05, e.g. 12 for Medicare secondary payer
    middle_name: str = ""
    suffix: str = ""
    address: Address | None = None
    birth_date: date | None = None
    sex: str = ""  # M, F, U


@_frozen
class Patient:
    """Loop 2000C / 2010CA, only when the patient is not the subscriber."""

    last_name: str
    first_name: str
    relationship: str  # PAT01: 01 spouse, 19 child, 20 employee, 21 unknown, 53, G8 ...
    address: Address
    birth_date: date
    sex: str
    middle_name: str = ""
    suffix: str = ""


@_frozen
class Payer:
    """Loop 2010BB (and 2330B): payer name and id."""

    name: str
    payer_id: str
    id_qualifier: str = "PI"  # PI payer id, XV CMS plan id
    address: Address | None = None


@_frozen
class Provider:
    """Rendering (2310B) or referring (2310A) provider; ``organization`` for a group."""

    last_name: str
    npi: str
    first_name: str = ""
    middle_name: str = ""
    taxonomy: str = ""
    organization: bool = False


@_frozen
class ServiceFacility:
    """Loop 2310C: where the service was given, when not the billing address."""

    name: str
    address: Address  # 9-digit ZIP
    npi: str = ""


@_frozen
class Adjustment:
    """A CAS adjustment: group (CO, PR, OA, PI, CR), CARC reason, amount, optional units."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@_frozen
class OtherPayer:
    """Loops 2320 / 2330A / 2330B: another payer on the claim (the primary, on a secondary)."""

    payer: Payer
    subscriber: Subscriber  # its payer_responsibility is the other payer's rank
    relationship: str = "18"  # 2320 SBR02: patient's relationship to that subscriber
    paid_amount: Decimal | None = None  # AMT*D, when that payer has adjudicated
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    non_covered_amount: Decimal | None = None  # AMT*A8
    remaining_patient_liability: Decimal | None = None  # AMT*EAF
    adjudication_date: date | None = None  # 2330B DTP*573
    claim_control_number: str = ""  # 2330B REF*F8: that payer's claim number
    benefits_assignment: str = "Y"  # OI03: Y, N, W
    release_of_information: str = "Y"  # OI06: I, Y


@_frozen
class LineAdjudication:
    """Loop 2430: how another payer paid one line (SVD, CAS, DTP*573)."""

    payer_id: str  # the OtherPayer's payer.payer_id
    paid_amount: Decimal
    adjudication_date: date
    adjustments: tuple[Adjustment, ...] = ()
    paid_units: Decimal | None = None  # default: the line's units
    procedure_code: str = ""  # default: the line's code and modifiers
    modifiers: tuple[str, ...] | None = None
    remaining_patient_liability: Decimal | None = None
    bundled_line_number: int | None = None  # SVD06


@_frozen
class Line:
    """Loop 2400 service line (with 2410 drug data and 2430 adjudications)."""

    procedure_code: str
    charge: Decimal
    service_date: date
    diagnosis_pointers: tuple[int, ...] = (1,)
    modifiers: tuple[str, ...] = ()
    units: Decimal = Decimal(1)
    unit_code: str = "UN"  # UN units, MJ minutes
    place_of_service: str = ""  # only when it differs from the claim's
    service_date_end: date | None = None
    control_number: str = ""  # REF*6R, echoed back in the 835
    description: str = ""  # SV101-7, for unlisted (NOC) codes
    emergency: bool = False  # SV109
    ndc: str = ""  # 11 digits (5-4-2), or a dashed NDC
    ndc_quantity: Decimal | None = None
    ndc_unit: str = "UN"  # CTP05: F2, GR, ME, ML, UN
    adjudications: tuple[LineAdjudication, ...] = ()
    procedure_qualifier: str = "HC"


@_frozen
class Claim:
    """Loop 2300 claim with its subscriber, payer and (dependent) patient."""

    patient_control_number: str  # CLM01, echoed back in 835 CLP01
    subscriber: Subscriber
    payer: Payer
    diagnoses: tuple[str, ...]  # ICD-10-CM, principal first; a dot is dropped
    lines: tuple[Line, ...]
    patient: Patient | None = None
    total_charge: Decimal | None = None  # default: the sum of the lines
    place_of_service: str = "11"
    frequency: str = "1"  # 1 original, 7 replacement, 8 void
    payer_claim_control_number: str = ""  # REF*F8, required for 7 / 8
    prior_authorization: str = ""  # REF*G1
    referral_number: str = ""  # REF*9F
    medical_record_number: str = ""  # REF*EA
    provider_signature: bool = True  # CLM06
    assignment: str = "A"  # CLM07: A, B, C
    benefits_assignment: str = "Y"  # CLM08: Y, N, W
    release_of_information: str = "Y"  # CLM09: I, Y
    related_causes: tuple[str, ...] = ()  # CLM11: AA auto, EM employment, OA other accident
    accident_state: str = ""  # CLM11-4, required with AA
    accident_date: date | None = None  # DTP*439, required with related causes
    onset_date: date | None = None  # DTP*431
    initial_treatment_date: date | None = None  # DTP*454
    last_seen_date: date | None = None  # DTP*304
    admission_date: date | None = None  # DTP*435
    discharge_date: date | None = None  # DTP*096
    patient_paid_amount: Decimal | None = None  # AMT*F5
    note: str = ""  # NTE*ADD
    referring_provider: Provider | None = None
    rendering_provider: Provider | None = None  # omitted when its NPI is the billing NPI
    service_facility: ServiceFacility | None = None
    other_payers: tuple[OtherPayer, ...] = ()
