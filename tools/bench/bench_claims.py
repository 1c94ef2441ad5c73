# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of claim creation and validation (medical_billing).

``claims_create_validate``: ``medical.encounter.action_create_claims`` on 2,000 checked encounters of 4
procedure lines each, then ``medical.claim.action_validate`` on the 2,000 claims (payer edits, one payer
invoice per claim created in one batch and posted), committed. Baseline, in the same run: Odoo creating
and posting 2,000 plain customer invoices of 4 lines (same products, same payer), committed.
Goal: ratio <= 1.3.

``run(env)`` is called by tools/bench/run.py on a throwaway database.
"""

import time

from run import create_checked_encounters, post_plain_invoices, report

from odoo import Command

ENCOUNTERS = 2_000
CODES = [("99213", 100.0), ("20610", 200.0), ("96372", 40.0), ("36415", 15.0)]


def _setup(env):
    quiet = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    encounter_ids, payer, procedures = create_checked_encounters(
        env,
        ENCOUNTERS,
        CODES,
        payer_name="Bench Payer",
        payer_code="BENCH",
        prefix="BENCHCLM/",
        days_ago=5,
        member_prefix="M",
    )
    quiet["medical.fee.schedule"].create(
        {
            "name": "Bench charge master",
            "line_ids": [
                Command.create({"code_id": c.id, "amount": price})
                for c, (_v, price) in zip(procedures, CODES, strict=True)
            ],
        }
    )
    products = env["medical.code"].union(*procedures)._get_service_products()
    env.cr.commit()
    return encounter_ids, payer, [products[c] for c in procedures]


def _baseline(env, payer, products):
    """2,000 plain 4-line customer invoices created in one batch and posted, committed."""
    env.invalidate_all()
    started = time.perf_counter()
    moves = post_plain_invoices(env, payer, products, CODES, ENCOUNTERS)
    env.cr.commit()
    return time.perf_counter() - started, moves


def _claims(env, encounter_ids):
    env.invalidate_all()
    started = time.perf_counter()
    encounters = env["medical.encounter"].browse(encounter_ids)
    encounters.action_create_claims()
    claims = encounters.claim_ids
    claims.action_validate()
    env.cr.commit()
    return time.perf_counter() - started, claims


def run(env):
    encounter_ids, payer, products = _setup(env)
    baseline, moves = _baseline(env, payer, products)
    assert len(moves) == ENCOUNTERS and set(moves.mapped("state")) == {"posted"}
    seconds, claims = _claims(env, encounter_ids)
    assert len(claims) == ENCOUNTERS, len(claims)
    states = set(claims.mapped("state"))
    assert states == {"ready"}, (states, claims.finding_ids[:5].mapped("message"))
    assert len(claims.invoice_id) == ENCOUNTERS and set(claims.invoice_id.mapped("state")) == {"posted"}
    report("claims_create_validate", seconds, "s", baseline)
