# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The payer edit engine (medical_billing/edits/payer_edits.py, imported as ``medical_billing_edits``):
every edit, one case that fires it and one that must not. No database."""

from dataclasses import replace
from datetime import date

import pytest
from medical_billing_edits import payer_edits
from medical_billing_edits.payer_edits import (
    Address,
    Authorization,
    BillingProvider,
    Claim,
    Eligibility,
    Line,
)

DOS = date(2026, 3, 10)
TODAY = date(2026, 4, 1)
HOME = Address(street="1 Main St", city="Springfield", state="IL", zip="62701")
PRACTICE = BillingProvider(npi="1234567893", tax_id="123456789", address=HOME)
PAYER, PATIENT, CODE, OTHER_CODE = 10, 20, 30, 31


def claim(**kw):
    values = {
        "id": 1,
        "billing_provider": PRACTICE,
        "payer_id": PAYER,
        "payer_name": "Acme Health",
        "payer_code": "ACME1",
        "timely_filing_days": 90,
        "date_filing_deadline": date(2026, 6, 8),
        "patient_id": PATIENT,
        "patient_address": HOME,
        "member_id": "M123",
        "date_service": DOS,
        "eligibility": Eligibility(result="active", date_service=DOS, reference="ELG0001"),
        "lines": (Line(id=100, sequence_number=1, code_id=CODE, code="99213", units=1, charge=120.0),),
    }
    values.update(kw)
    return Claim(**values)


def auth(**kw):
    values = {
        "id": 5,
        "name": "PA-1",
        "payer_id": PAYER,
        "patient_id": PATIENT,
        "date_start": date(2026, 1, 1),
        "date_end": date(2026, 12, 31),
        "code_ids": frozenset({CODE}),
        "units_authorized": 0,
    }
    values.update(kw)
    return Authorization(**values)


def codes(*claims, units_used=None):
    return [(f.claim_id, f.edit_code) for f in payer_edits.check(claims, TODAY, units_used)]


def messages(*claims):
    return [
        f.message % {k: ", ".join(v) if isinstance(v, tuple) else v for k, v in f.params.items()}
        for f in payer_edits.check(claims, TODAY)
    ]


def test_clean_claim_has_no_finding():
    assert codes(claim()) == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"billing_provider": replace(PRACTICE, npi="")}, "CLM_BILLING_NPI"),
        ({"billing_provider": replace(PRACTICE, tax_id="")}, "CLM_TAX_ID"),
        ({"billing_provider": replace(PRACTICE, address=replace(HOME, zip=""))}, "CLM_BILLING_ADDRESS"),
        ({"billing_provider": replace(PRACTICE, po_box=True)}, "CLM_BILLING_ADDRESS"),
        ({"frequency": "7"}, "CLM_PAYER_CLAIM_NUMBER"),
        ({"has_subscriber": False}, "CLM_SUBSCRIBER_MISSING"),
        ({"member_id": "  "}, "CLM_MEMBER_ID_MISSING"),
        ({"coverage_in_force": False}, "CLM_COVERAGE_NOT_IN_FORCE"),
        ({"payer_code": ""}, "CLM_PAYER_ID_MISSING"),
        ({"patient_address": replace(HOME, city="")}, "CLM_PATIENT_ADDRESS"),
        ({"rendering_npi": ""}, "CLM_RENDERING_NPI"),
        ({"date_filing_deadline": date(2026, 3, 31)}, "CLM_TIMELY_FILING"),
    ],
)
def test_each_claim_edit_fires(changes, code):
    assert codes(claim(**changes)) == [(1, code)]


def test_edits_that_must_not_fire():
    # A rendering provider with an NPI, or none at all; the deadline is today; a replacement quoting the
    # payer's claim number.
    assert codes(claim(rendering_npi="1234567893")) == []
    assert codes(claim(rendering_npi=None)) == []
    assert codes(claim(date_filing_deadline=TODAY)) == []
    assert codes(claim(frequency="7", payer_claim_number="PCN9")) == []


def test_void_is_checked_for_its_provider_and_payer_claim_number_only():
    void = claim(frequency="8", has_subscriber=False, member_id="", payer_code="", lines=())
    assert codes(void) == [(1, "CLM_PAYER_CLAIM_NUMBER")]
    assert codes(replace(void, payer_claim_number="PCN9")) == []


def test_line_without_charge_names_the_line():
    lines = (
        Line(id=100, sequence_number=1, code_id=CODE, code="99213", units=1, charge=0.004),
        Line(id=101, sequence_number=2, code_id=CODE, code="99213", units=1, charge=0.005),
        Line(id=102, sequence_number=3, code_id=CODE, code="99213", units=1, charge=-5.0),
    )
    findings = payer_edits.check([claim(lines=lines)], TODAY)
    assert [(f.edit_code, f.line_id) for f in findings] == [("CLM_NO_CHARGE", 100), ("CLM_NO_CHARGE", 102)]
    assert messages(claim(lines=lines[:1])) == ["Line 1 has no charge."]


def test_missing_address_parts_are_listed_in_order():
    bare = Address(street="1 Main St")
    assert messages(claim(patient_address=bare)) == ["The patient's address lacks: city, state, ZIP code."]


def test_prior_authorization_required():
    needing = claim(prior_auth_code_ids=frozenset({CODE}))
    assert codes(needing) == [(1, "CLM_AUTH_MISSING")]
    assert messages(needing) == ["Acme Health requires a prior authorization for 99213."]
    assert codes(replace(needing, authorization=auth())) == []
    # Codes the payer does not list need no authorization.
    assert codes(claim(prior_auth_code_ids=frozenset({OTHER_CODE}))) == []


@pytest.mark.parametrize(
    ("authorization", "code", "message"),
    [
        (
            auth(code_ids=frozenset({OTHER_CODE})),
            "CLM_AUTH_MISSING",
            "Authorization PA-1 does not cover 99213.",
        ),
        (auth(payer_id=99), "CLM_AUTH_MISSING", "Authorization PA-1 belongs to another payer or patient."),
        (auth(patient_id=99), "CLM_AUTH_MISSING", "Authorization PA-1 belongs to another payer or patient."),
        (
            auth(date_end=date(2026, 3, 9)),
            "CLM_AUTH_EXPIRED",
            "Authorization PA-1 is valid from 2026-01-01 to 2026-03-09, not on the date of service.",
        ),
    ],
)
def test_prior_authorization_problems(authorization, code, message):
    subject = claim(prior_auth_code_ids=frozenset({CODE}), authorization=authorization)
    assert codes(subject) == [(1, code)]
    assert messages(subject) == [message]


def test_authorization_valid_on_first_but_not_last_day_of_service():
    subject = claim(
        prior_auth_code_ids=frozenset({CODE}),
        authorization=auth(date_end=DOS),
        date_service_end=date(2026, 3, 11),
    )
    assert codes(subject) == [(1, "CLM_AUTH_EXPIRED")]


def test_authorization_units_are_drawn_by_the_claims_of_a_batch_in_turn():
    lines = (Line(id=100, sequence_number=1, code_id=CODE, code="99213", units=2, charge=50.0),)
    first = claim(prior_auth_code_ids=frozenset({CODE}), authorization=auth(units_authorized=5), lines=lines)
    second = replace(first, id=2)
    # 2 used elsewhere: the first claim brings it to 4, the second would need 6 of 5.
    units_used = {5: 2}
    assert codes(first, second, units_used=units_used) == [(2, "CLM_AUTH_EXHAUSTED")]
    assert units_used == {5: 2}, "the caller's figures are not changed"
    findings = payer_edits.check([first, second], TODAY, units_used)
    assert findings[0].params == {"auth": "PA-1", "allowed": 5, "used": 4, "needed": 2}


def test_every_finding_has_a_declared_edit_and_severity():
    everything = claim(
        billing_provider=BillingProvider(),
        frequency="7",
        has_subscriber=False,
        coverage_in_force=False,
        payer_code="",
        patient_address=Address(),
        rendering_npi="",
        date_filing_deadline=date(2026, 1, 1),
        prior_auth_code_ids=frozenset({CODE}),
        lines=(Line(id=100, sequence_number=1, code_id=CODE, code="99213", units=1, charge=0),),
        member_id="",
    )
    findings = payer_edits.check([everything], TODAY)
    assert {f.edit_code for f in findings} == set(payer_edits.EDITS) - {
        "CLM_AUTH_EXPIRED",
        "CLM_AUTH_EXHAUSTED",
        # an active answer is on file: see test_eligibility_missing_warns_and_inactive_is_an_error
        "CLM_ELIGIBILITY_MISSING",
        "CLM_ELIGIBILITY_INACTIVE",
    }
    assert all(f.severity == "error" for f in findings)


def test_eligibility_missing_warns_and_inactive_is_an_error():
    [missing] = payer_edits.check([claim(eligibility=None)], TODAY)
    assert (missing.edit_code, missing.severity) == ("CLM_ELIGIBILITY_MISSING", "warning")
    assert missing.params == {"payer": "Acme Health"}
    [unknown] = payer_edits.check([claim(eligibility=Eligibility(result="error"))], TODAY)
    assert unknown.edit_code == "CLM_ELIGIBILITY_MISSING"
    inactive = Eligibility(result="inactive", date_service=DOS, reference="ELG0002")
    [error] = payer_edits.check([claim(eligibility=inactive)], TODAY)
    assert (error.edit_code, error.severity) == ("CLM_ELIGIBILITY_INACTIVE", "error")
    assert error.message % error.params == (
        "Acme Health answered on 2026-03-10 that the coverage is inactive (check ELG0002)."
    )


def test_quality_data_code_line_at_zero_is_no_error():
    lines = (
        Line(id=100, sequence_number=1, code_id=CODE, code="99213", units=1, charge=120.0),
        Line(
            id=101, sequence_number=2, code_id=CODE + 1, code="G8420", units=1, charge=0.0, quality_code=True
        ),
        Line(
            id=102, sequence_number=3, code_id=CODE + 1, code="G8420", units=1, charge=-1.0, quality_code=True
        ),
        Line(id=103, sequence_number=4, code_id=CODE + 2, code="99214", units=1, charge=0.0),
    )
    findings = payer_edits.check([claim(lines=lines)], TODAY)
    assert [(f.edit_code, f.line_id) for f in findings] == [("CLM_NO_CHARGE", 102), ("CLM_NO_CHARGE", 103)]
