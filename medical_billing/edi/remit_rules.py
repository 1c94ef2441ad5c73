# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How a remittance's adjudication lands in the books: plain rules over plain values, no Odoo import.

The models (``medical_remittance_posting.py``) call :func:`plan_line` for every service line (and once for the
claim-level adjustments) and turn the plan into journal items.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)

# CLP02 claim status codes (005010X221A1).
CLAIM_STATUSES = {
    "1": "Processed as Primary",
    "2": "Processed as Secondary",
    "3": "Processed as Tertiary",
    "4": "Denied",
    "19": "Processed as Primary, Forwarded to Additional Payer(s)",
    "20": "Processed as Secondary, Forwarded to Additional Payer(s)",
    "21": "Processed as Tertiary, Forwarded to Additional Payer(s)",
    "22": "Reversal of Previous Payment",
    "23": "Not Our Claim, Forwarded to Additional Payer(s)",
    "25": "Predetermination Pricing Only - No Payment",
}
DENIED_STATUS = "4"
REVERSAL_STATUS = "22"
# The payer forwarded the claim to the next payer itself (crossover): we must not bill it again.
FORWARDED_STATUSES = frozenset({"19", "20", "21"})

# Reason codes (CARC) that price a service rather than refuse it: a line paid nothing only because of them is
# not a denial (deductible, coinsurance, copay, fee schedule, prior payer, sequestration, ...).
PRICING_REASONS = frozenset(
    {"1", "2", "3", "23", "42", "44", "45", "59", "66", "94", "100", "131", "144", "237", "253", "A2"}
)
# Provider-level adjustment reasons (PLB03-1) and where they post.
PLB_INTEREST = frozenset({"L6"})
PLB_BALANCE = frozenset({"WO", "72", "FB", "J1", "B2", "CS", "E3", "L3", "IR"})
# The prior payer's part of a next payer's claim (never billed to this payer): not posted on such claims.
PRIOR_PAYER_REASONS = frozenset({"23"})


@dataclass(frozen=True)
class Adj:
    group: str
    reason: str
    amount: Decimal


@dataclass
class LinePlan:
    """What one service line (or the claim-level adjustments, ``paid`` 0) posts.

    ``receivable``: the payer receivable it settles (credit when positive); ``buckets``: group code -> amount
    debited to that group's account (PR: the patient's receivable); ``skipped``: adjustments not posted
    (denied line, prior payer's part, patient responsibility left for the next payer).
    """

    receivable: Decimal = ZERO
    buckets: dict[str, Decimal] = field(default_factory=dict)
    skipped: list[Adj] = field(default_factory=list)
    denied: bool = False


def is_denial(paid: Decimal, adjustments: Iterable[Adj]) -> bool:
    """A line (or claim) the payer refused: nothing paid, and a reason that is not pricing."""
    if paid != ZERO:
        return False
    return any(adj.group != "PR" and adj.reason not in PRICING_REASONS for adj in adjustments)


def plan_line(
    paid: Decimal,
    adjustments: Iterable[Adj],
    *,
    patient_to_next_payer: bool = False,
    next_payer_claim: bool = False,
    denied: bool = False,
) -> LinePlan:
    """The postings of one line: paid and each posted adjustment settle the payer receivable.

    ``patient_to_next_payer``: the patient has a next coverage, PR stays with this payer's receivable until
    the next payer's claim moves it; ``next_payer_claim``: our claim bills what a previous payer left, so the
    prior payer's part (OA 23) was never billed here; ``denied``: nothing but the paid amount posts.
    """
    plan = LinePlan(receivable=paid, denied=denied)
    for adj in adjustments:
        skip = (
            denied
            or (adj.group == "PR" and patient_to_next_payer)
            or (next_payer_claim and adj.group == "OA" and adj.reason in PRIOR_PAYER_REASONS)
        )
        if skip:
            plan.skipped.append(adj)
            continue
        plan.buckets[adj.group] = plan.buckets.get(adj.group, ZERO) + adj.amount
        plan.receivable += adj.amount
    return plan


def plb_target(reason: str) -> str:
    """Where a provider-level adjustment posts: ``interest``, ``balance`` (a claim or the payer's credit
    balance) or ``other``."""
    if reason in PLB_INTEREST:
        return "interest"
    if reason in PLB_BALANCE:
        return "balance"
    return "other"
