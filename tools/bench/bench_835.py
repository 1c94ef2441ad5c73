# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of remittance posting (medical_billing): one ERA (835) of 1,000 claims of 4 lines each, from the
file to the posted journal entry with its reconciliations.

``era_post``: ``medical.importer.import_file("835", ...)`` of one transaction paying 1,000 submitted claims
(4 lines each): 93% paid with contractual (CO 45) and patient shares (PR 3 copay on the first line, PR 2
coinsurance on the others), 5% denied (CLP02 4, CO 50 on every line), 2% reversals (CLP02 22) of claims a
first ERA paid (that first ERA is posted before the timing, untimed). Timed with its commit: read, checks,
matching, one journal entry, the one-pass reconciliation with the claims' invoices, the claims' view, states
and denials. Baseline, in the same run: Odoo registering ONE grouped payment (``account.payment.register``,
``group_payment``) for 1,000 plain customer invoices of the same shape (4 lines, same payer), committed.
Goal (issue 12): at most 130 ms per claim, and a ratio of at most 1.5.

``era_post`` is reported in ms per claim against the baseline's ms per invoice; ``era_post_total`` in seconds.
``BENCH_835_CLAIMS`` (environment) sets another number of claims, to try the module on a small database.
``BENCH_835_PROFILE=<file>`` runs the timed import under cProfile and writes its statistics there.

``run(env)`` is called by tools/bench/run.py on a throwaway database.
"""

import cProfile
import os
import time
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from run import create_checked_encounters, post_plain_invoices, report

from odoo import fields

from odoo.addons.medical_billing.edi.x12_835_writer import EraClaim, EraService, era_835, era_835_body
from odoo.addons.medical_billing.tools.person_name import split_person_name

CLAIMS = int(os.environ.get("BENCH_835_CLAIMS") or 1_000)
DENIED_EVERY = 20  # 5%
REVERSED = max(1, CLAIMS // 50)  # 2%
CODES = [("99213", 100.0), ("20610", 200.0), ("96372", 40.0), ("36415", 15.0)]
PAYER_CODE = "BENCH835"
TRACE_PAYER = "1999999999"
CENT = Decimal("0.01")


def _cents(value):
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _setup(env):
    """Submitted claims (CLAIMS, 4 lines), their payer, and the products of the lines; committed."""
    quiet = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    encounter_ids, payer, procedures = create_checked_encounters(
        env,
        CLAIMS,
        CODES,
        payer_name="Bench ERA Payer",
        payer_code=PAYER_CODE,
        prefix="BENCHERA/",
        days_ago=20,
        member_prefix="E",
    )
    encounters = quiet["medical.encounter"].browse(encounter_ids)
    encounters.action_create_claims()
    claims = encounters.claim_ids.sorted("id")
    claims.action_validate()
    states = set(claims.mapped("state"))
    assert states == {"ready"}, (states, claims.finding_ids[:5].mapped("message"))
    claims.action_submit()
    products = env["medical.code"].union(*procedures)._get_service_products()
    env.cr.commit()
    return claims, payer, [products[c] for c in procedures]


def _services(claim, kind):
    """(EraService list, paid, patient share) of a claim paid (``paid``) or denied (``denied``)."""
    services = []
    paid_total = patient_total = Decimal(0)
    for number, line in enumerate(claim.line_ids.sorted("sequence")):
        charge = _cents(line.charge_amount)
        if kind == "denied":
            adjustments = [("CO", "50", charge)]
            paid = Decimal(0)
        else:
            allowed = _cents(charge * Decimal("0.8"))
            patient = Decimal(20) if number == 0 else _cents(allowed * Decimal("0.2"))
            paid = allowed - patient
            adjustments = [("CO", "45", charge - allowed), ("PR", "3" if number == 0 else "2", patient)]
            patient_total += patient
        paid_total += paid
        services.append(
            EraService(
                code=line.code_id.code,
                charge=charge,
                paid=paid,
                date_service=claim.date_service,
                adjustments=adjustments,
            )
        )
    return services, paid_total, patient_total


def _era_claim(claim, kind):
    last, first = split_person_name(claim.patient_id.name)[:2]
    services, paid, patient = _services(claim, "denied" if kind == "denied" else "paid")
    values = {
        "pcn": claim.patient_control_number,
        "charge": _cents(claim.amount_total),
        "paid": paid,
        "patient_amount": patient,
        "patient": (last.upper(), first.upper()),
        "payer_claim_number": f"P{claim.patient_control_number}",
        "services": services,
    }
    if kind == "denied":
        values.update(status="4", patient_amount=Decimal(0))
    elif kind == "reversal":
        # At claim level (the earlier payment's adjustments, negated): a reversal's SVC lines, negated as the
        # guide wants them, match no claim line yet (see the report of tests/odoo/test_835_files.py).
        values.update(
            status="22",
            charge=-values["charge"],
            paid=-paid,
            patient_amount=-patient,
            services=[],
            adjustments=[
                (group, reason, -Decimal(amount))
                for service in services
                for group, reason, amount in service.adjustments
            ],
        )
    return EraClaim(**values)


def _era(claims, kinds, trace, company):
    body = era_835_body(
        [_era_claim(claim, kind) for claim, kind in zip(claims, kinds, strict=True)],
        trace=trace,
        payer_name="BENCH ERA PAYER",
        payer_id=PAYER_CODE,
        trace_payer_id=TRACE_PAYER,
        payee_npi=company.medical_billing_npi,
        paid_on=fields.Date.context_today(company) - timedelta(days=2),
    )
    return era_835([body], control=int(trace[-6:])).encode()


def _baseline(env, payer, products):
    """One grouped payment registered for CLAIMS plain 4-line customer invoices of the payer, committed."""
    moves = post_plain_invoices(env, payer, products, CODES, CLAIMS)
    journal = env["account.journal"].search(
        [("company_id", "=", env.company.id), ("type", "=", "bank")], order="id", limit=1
    )
    env.cr.commit()
    env.invalidate_all()
    started = time.perf_counter()
    wizard = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=moves.ids)
        .create({"group_payment": True, "journal_id": journal.id})
    )
    payments = wizard._create_payments()
    env.cr.commit()
    seconds = time.perf_counter() - started
    assert len(payments) == 1, payments
    assert set(moves.mapped("payment_state")) <= {"paid", "in_payment"}, set(moves.mapped("payment_state"))
    return seconds


def _post(env, data, name):
    env.invalidate_all()
    profile = os.environ.get("BENCH_835_PROFILE")
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    counts = env["medical.importer"].import_file("835", data, name)
    env.cr.commit()
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    return time.perf_counter() - started, counts


def run(env):
    claims, payer, products = _setup(env)
    company = env.company
    baseline = _baseline(env, payer, products)
    # The first ERA (untimed) pays the claims the second one reverses.
    reversed_claims = claims[:REVERSED]
    first = _era(reversed_claims, ["paid"] * REVERSED, "835000001", company)
    counts = env["medical.importer"].import_file("835", first, "bench-first.835")
    assert counts["claims_matched"] == REVERSED and counts["exceptions"] == 0, counts
    env.cr.commit()
    kinds = ["reversal"] * REVERSED + [
        "denied" if n % DENIED_EVERY == 0 else "paid" for n in range(1, CLAIMS - REVERSED + 1)
    ]
    second = _era(claims, kinds, "835000002", company)
    seconds, counts = _post(env, second, "bench-second.835")
    remittance = env["medical.remittance"].search([("trace_number", "=", "835000002")])
    exceptions = remittance.claim_ids.filtered(lambda c: c.match_state != "matched")
    assert not exceptions, exceptions[:5].mapped("exception_reason")
    assert remittance.state == "posted" and counts["claims_matched"] == CLAIMS, counts
    assert counts["denials"] == kinds.count("denied"), counts
    paid = claims.filtered(lambda c: c.state == "paid")
    assert len(paid) == kinds.count("paid"), (len(paid), set(claims.mapped("state")))
    assert set(claims[:REVERSED].mapped("state")) == {"accepted"}, set(claims[:REVERSED].mapped("state"))
    report("era_post", seconds * 1000 / CLAIMS, "ms/claim", baseline * 1000 / CLAIMS)
    report("era_post_total", seconds, "s", baseline)
