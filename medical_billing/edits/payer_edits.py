# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The payer edit engine: plain values of claims in, findings out. No Odoo import.

The caller (``medical.claim.action_validate``, see ``models/medical_claim_payer_edits.py``) reads a batch of
claims at once, maps each onto a :class:`Claim` and calls :func:`check`. A finding carries an edit code,
its severity, a message *template* and the values to put into it: the model translates the template
(``_lt`` below only marks it for Odoo's translation extraction) and formats it. Messages name the payer,
codes and authorization numbers, never patient data.

Adding an edit: add its code to :data:`EDITS` and a function ``(claim, state) -> iterable of Finding`` to
:data:`CHECKS` (or to :data:`CHECKS_ON_VOIDS` when a void, which carries no services, needs it too).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from math import floor

ERROR = "error"
WARNING = "warning"


def _lt(source):
    """Mark ``source`` for translation: Odoo's extractor collects ``_lt("...")`` calls of the addon's files.
    The model translates the template when it shows the finding."""
    return source


# edit code: (title, severity). The title is what a manager groups findings by.
EDITS = {
    "CLM_SUBSCRIBER_MISSING": ("Subscriber missing", ERROR),
    "CLM_MEMBER_ID_MISSING": ("Member id missing", ERROR),
    "CLM_COVERAGE_NOT_IN_FORCE": ("Coverage not in force on the date of service", ERROR),
    "CLM_PAYER_ID_MISSING": ("Payer has no electronic payer id", ERROR),
    "CLM_AUTH_MISSING": ("Prior authorization required but missing", ERROR),
    "CLM_AUTH_EXPIRED": ("Prior authorization not valid on the date of service", ERROR),
    "CLM_AUTH_EXHAUSTED": ("Prior authorization units used up", ERROR),
    "CLM_BILLING_NPI": ("Billing provider NPI missing", ERROR),
    "CLM_TAX_ID": ("Billing provider tax id missing", ERROR),
    "CLM_BILLING_ADDRESS": ("Billing provider address incomplete", ERROR),
    "CLM_PATIENT_ADDRESS": ("Patient address incomplete", ERROR),
    "CLM_RENDERING_NPI": ("Rendering provider NPI missing", ERROR),
    "CLM_TIMELY_FILING": ("Timely filing limit passed", ERROR),
    "CLM_PAYER_CLAIM_NUMBER": ("Payer claim number missing for a replacement or void", ERROR),
    "CLM_NO_CHARGE": ("Line without charge", ERROR),
    "CLM_ELIGIBILITY_MISSING": ("No active eligibility check on or before the date of service", WARNING),
    "CLM_ELIGIBILITY_INACTIVE": ("The payer answered the coverage is inactive", ERROR),
}

# The parts of an address a claim needs (837P N3/N4), with the label a message names them by.
ADDRESS_PARTS = (
    ("street", _lt("street")),
    ("city", _lt("city")),
    ("state", _lt("state")),
    ("zip", _lt("ZIP code")),
)


@dataclass(frozen=True)
class Address:
    street: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""

    def missing(self):
        """The labels (templates) of the parts this address lacks."""
        return tuple(label for part, label in ADDRESS_PARTS if not getattr(self, part))


@dataclass(frozen=True)
class BillingProvider:
    """The practice billing the claim (837P loop 2010AA). ``po_box``: its street lines are a post office
    box (decided by ``medical_billing/edi/address.py``, the rule the 837P writer applies too)."""

    npi: str = ""
    tax_id: str = ""
    address: Address = Address()
    po_box: bool = False


@dataclass(frozen=True)
class Authorization:
    id: int
    name: str
    payer_id: int
    patient_id: int
    date_start: date
    date_end: date
    code_ids: frozenset = frozenset()
    units_authorized: int = 0

    def is_valid_on(self, day):
        return bool(day and self.date_start <= day <= self.date_end)


@dataclass(frozen=True)
class Line:
    id: int
    sequence_number: int
    code_id: int | None
    code: str
    units: float
    charge: float
    #: a quality data code (CPT Category II, HCPCS G-code of a MIPS measure): reported at 0.00
    quality_code: bool = False


@dataclass(frozen=True)
class Eligibility:
    """The latest eligibility check answering for the claim's date of service (or a day before it):
    ``result`` as ``medical.coverage.eligibility`` stores it (active, inactive, ...)."""

    result: str
    date_service: date | None = None
    reference: str = ""


@dataclass(frozen=True)
class Claim:
    """A claim as the payer edits see it. ``rounding``: the smallest amount of its currency.
    ``coverage_in_force``: the coverage is active on the date of service (``medical.coverage.is_in_force``).
    ``rendering_npi`` is None when the claim names no rendering provider."""

    id: int
    billing_provider: BillingProvider
    frequency: str = "1"
    payer_claim_number: str = ""
    payer_id: int | None = None
    payer_name: str = ""
    payer_code: str = ""
    timely_filing_days: int = 0
    date_filing_deadline: date | None = None
    patient_id: int | None = None
    patient_address: Address = Address()
    has_subscriber: bool = True
    member_id: str = ""
    coverage_in_force: bool = True
    eligibility: Eligibility | None = None
    rendering_npi: str | None = None
    date_service: date | None = None
    date_service_end: date | None = None
    prior_auth_code_ids: frozenset = frozenset()
    authorization: Authorization | None = None
    lines: tuple = ()
    rounding: float = 0.01


@dataclass(frozen=True)
class Finding:
    claim_id: int
    edit_code: str
    message: str  # a template: the model translates it, then formats it with ``params``
    params: dict = field(default_factory=dict)
    line_id: int | None = None

    @property
    def severity(self):
        return EDITS[self.edit_code][1]


@dataclass
class CheckState:
    """What the checks of one batch share: today's date, and the units each authorization has used so far
    (claims of the same batch draw on the same authorization one after the other)."""

    today: date
    units_used: dict


def _positive(amount, rounding):
    """``amount`` is more than zero once rounded to the currency (as Odoo's ``compare_amounts``)."""
    return floor(abs(amount) / rounding + 0.5 + 1e-9) > 0 and amount > 0


# ------------------------------------------------------------------ checks


def _address_finding(claim, address, edit_code, template):
    """The finding naming the parts ``address`` lacks (``%(missing)s`` of ``template``), or None."""
    missing = address.missing()
    return Finding(claim.id, edit_code, template, {"missing": missing}) if missing else None


def check_billing_provider(claim, state):
    provider = claim.billing_provider
    if not provider.npi:
        yield Finding(claim.id, "CLM_BILLING_NPI", _lt("The practice has no billing NPI (company settings)."))
    if not provider.tax_id:
        yield Finding(claim.id, "CLM_TAX_ID", _lt("The practice has no tax id (EIN) (company settings)."))
    incomplete = _address_finding(
        claim, provider.address, "CLM_BILLING_ADDRESS", _lt("The practice's address lacks: %(missing)s.")
    )
    if incomplete:
        yield incomplete
    elif provider.po_box:
        yield Finding(
            claim.id,
            "CLM_BILLING_ADDRESS",
            _lt("The billing provider address must be a street address, not a post office box."),
        )


def check_correction(claim, state):
    if claim.frequency in ("7", "8") and not claim.payer_claim_number:
        yield Finding(
            claim.id,
            "CLM_PAYER_CLAIM_NUMBER",
            _lt("A replacement or void must quote the payer's claim number of the original claim."),
        )


def check_coverage(claim, state):
    if not claim.has_subscriber:
        yield Finding(claim.id, "CLM_SUBSCRIBER_MISSING", _lt("The coverage has no subscriber."))
    if not (claim.member_id or "").strip():
        yield Finding(claim.id, "CLM_MEMBER_ID_MISSING", _lt("The coverage has no member id."))
    if not claim.coverage_in_force:
        yield Finding(
            claim.id,
            "CLM_COVERAGE_NOT_IN_FORCE",
            _lt("The %(payer)s coverage is not in force on the date of service."),
            {"payer": claim.payer_name},
        )
    yield from check_eligibility(claim, state)
    if not (claim.payer_code or "").strip():
        yield Finding(
            claim.id, "CLM_PAYER_ID_MISSING", _lt("%(payer)s has no payer id."), {"payer": claim.payer_name}
        )


def check_eligibility(claim, state):
    """No active answer on or before the date of service warns (a warning does not block the claim); an
    inactive answer is an error."""
    answer = claim.eligibility
    if answer and answer.result == "inactive":
        yield Finding(
            claim.id,
            "CLM_ELIGIBILITY_INACTIVE",
            _lt("%(payer)s answered on %(date)s that the coverage is inactive (check %(ref)s)."),
            {"payer": claim.payer_name, "date": answer.date_service, "ref": answer.reference},
        )
    elif not answer or answer.result != "active":
        yield Finding(
            claim.id,
            "CLM_ELIGIBILITY_MISSING",
            _lt("The %(payer)s coverage has no active eligibility check on or before the date of service."),
            {"payer": claim.payer_name},
        )


def check_patient(claim, state):
    incomplete = _address_finding(
        claim, claim.patient_address, "CLM_PATIENT_ADDRESS", _lt("The patient's address lacks: %(missing)s.")
    )
    if incomplete:
        yield incomplete


def check_rendering_provider(claim, state):
    if claim.rendering_npi is not None and not claim.rendering_npi:
        yield Finding(claim.id, "CLM_RENDERING_NPI", _lt("The rendering provider has no NPI."))


def check_timely_filing(claim, state):
    if claim.date_filing_deadline and state.today > claim.date_filing_deadline:
        yield Finding(
            claim.id,
            "CLM_TIMELY_FILING",
            _lt(
                "%(payer)s must receive claims within %(days)s days of the date of service: "
                "the limit was %(deadline)s."
            ),
            {
                "payer": claim.payer_name,
                "days": claim.timely_filing_days,
                "deadline": claim.date_filing_deadline,
            },
        )


def check_charges(claim, state):
    for line in claim.lines:
        if line.quality_code and abs(line.charge) < claim.rounding / 2:
            continue  # a quality data code line is billed at 0.00 (CMS: a charge of 0.00 or a nominal one)
        if not _positive(line.charge, claim.rounding):
            yield Finding(
                claim.id,
                "CLM_NO_CHARGE",
                _lt("Line %(line)s has no charge."),
                {"line": line.sequence_number},
                line.id,
            )


def check_prior_authorization(claim, state):
    needing = [line for line in claim.lines if line.code_id in claim.prior_auth_code_ids]
    if not needing:
        return
    auth = claim.authorization
    if auth is None:
        template = _lt("%(payer)s requires a prior authorization for %(code)s.")
        params = {"payer": claim.payer_name}
        uncovered = needing
    else:
        template = _lt("Authorization %(auth)s does not cover %(code)s.")
        params = {"auth": auth.name}
        uncovered = [line for line in needing if line.code_id not in auth.code_ids]
    for line in uncovered:
        yield Finding(claim.id, "CLM_AUTH_MISSING", template, {**params, "code": line.code}, line.id)
    if auth is None:
        return
    covered = [line for line in needing if line.code_id in auth.code_ids]
    if auth.payer_id != claim.payer_id or auth.patient_id != claim.patient_id:
        yield Finding(
            claim.id,
            "CLM_AUTH_MISSING",
            _lt("Authorization %(auth)s belongs to another payer or patient."),
            {"auth": auth.name},
        )
    last_day = claim.date_service_end or claim.date_service
    if not (auth.is_valid_on(claim.date_service) and auth.is_valid_on(last_day)):
        yield Finding(
            claim.id,
            "CLM_AUTH_EXPIRED",
            _lt("Authorization %(auth)s is valid from %(start)s to %(end)s, not on the date of service."),
            {"auth": auth.name, "start": auth.date_start, "end": auth.date_end},
        )
    if auth.units_authorized and covered:
        needed = sum(line.units for line in covered)
        used = state.units_used.get(auth.id, 0)
        if used + needed > auth.units_authorized:
            yield Finding(
                claim.id,
                "CLM_AUTH_EXHAUSTED",
                _lt(
                    "Authorization %(auth)s allows %(allowed)s units; %(used)s are used and this "
                    "claim needs %(needed)s."
                ),
                {"auth": auth.name, "allowed": auth.units_authorized, "used": used, "needed": needed},
            )
        state.units_used[auth.id] = used + needed


Check = Callable[[Claim, CheckState], Iterable[Finding]]
# Checks of every claim, voids included (a void carries no services: only who bills and what it voids).
CHECKS_ON_VOIDS: list[Check] = [check_billing_provider, check_correction]
# Checks of the claims that bill services (frequency 1 and 7), in the order their findings are listed.
CHECKS: list[Check] = [
    check_coverage,
    check_patient,
    check_rendering_provider,
    check_timely_filing,
    check_charges,
    check_prior_authorization,
]


def check(claims, today, units_used=None):
    """The findings of ``claims`` (:class:`Claim`), in claim order.

    ``units_used``: {authorization id: units billed on other claims}; not changed.
    """
    state = CheckState(today=today, units_used=dict(units_used or {}))
    findings = []
    for claim in claims:
        for rule in CHECKS_ON_VOIDS:
            findings.extend(rule(claim, state))
        if claim.frequency == "8":
            continue
        for rule in CHECKS:
            findings.extend(rule(claim, state))
    return findings
