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

from run import create_patients, create_provider, report

from odoo import Command

ENCOUNTERS = 2_000
CODES = [("99213", 100.0), ("20610", 200.0), ("96372", 40.0), ("36415", 15.0)]


def _setup(env):
    cr = env.cr
    quiet = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    company = env.company
    state = env.ref("base.state_us_5")
    company.write(
        {
            "medical_billing_npi": "1234567893",
            "medical_tax_id": "12-3456789",
            "street": "10 Practice Way",
            "city": "Sacramento",
            "state_id": state.id,
            "zip": "95814",
        }
    )
    company._medical_check_accounting()
    Code = quiet["medical.code"].with_context(active_test=False)

    def code(system, value, name):
        return Code.search([("system", "=", system), ("code", "=", value)], limit=1) or Code.create(
            {"system": system, "code": value, "name": name}
        )

    procedures = [code("cpt", value, f"CPT {value}") for value, _price in CODES]
    diagnoses = [code("icd10cm", "J209", "Acute bronchitis"), code("icd10cm", "I10", "Hypertension")]
    pos = code("pos", "11", "Office")
    payer = quiet["res.partner"].create(
        {
            "name": "Bench Payer",
            "is_company": True,
            "is_payer": True,
            "payer_code": "BENCH",
            "claim_filing_indicator": "CI",
        }
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
    provider = create_provider(quiet)
    patients = create_patients(quiet, company, ENCOUNTERS)
    quiet["medical.coverage"].create(
        [
            {
                "patient_id": patient.id,
                "payer_id": payer.id,
                "member_id": f"M{patient.id:09d}",
                "relationship": "18",
                "priority": "primary",
                "date_start": "2025-01-01",
                "company_id": company.id,
            }
            for patient in patients
        ]
    )
    # Checked encounters and their lines by SQL: creating and checking them is not what is measured.
    uid = env.uid
    cr.execute(
        """
        INSERT INTO medical_encounter (name, company_id, patient_id, date_service, provider_id,
                                       place_of_service_id, state, create_uid, create_date, write_uid,
                                       write_date)
        SELECT 'BENCHCLM/' || lpad(n::text, 5, '0'), %(company)s, p, CURRENT_DATE - 5, %(provider)s, %(pos)s,
               'checked', %(uid)s, now(), %(uid)s, now()
          FROM unnest(%(patients)s::int[]) WITH ORDINALITY AS t(p, n)
        RETURNING id
        """,
        {"company": company.id, "provider": provider.id, "pos": pos.id, "uid": uid, "patients": patients.ids},
    )
    encounter_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        INSERT INTO medical_encounter_diagnosis (encounter_id, company_id, sequence, code_id,
                                                 create_uid, create_date, write_uid, write_date)
        SELECT e, %(company)s, s, d, %(uid)s, now(), %(uid)s, now()
          FROM unnest(%(encounters)s::int[]) e, unnest(%(dx)s::int[]) WITH ORDINALITY AS t(d, s)
        """,
        {"company": company.id, "uid": uid, "encounters": encounter_ids, "dx": [d.id for d in diagnoses]},
    )
    cr.execute(
        """
        INSERT INTO medical_encounter_procedure (encounter_id, company_id, sequence, code_id, units,
                                                 diagnosis_pointers, charge_amount, create_uid, create_date,
                                                 write_uid, write_date)
        SELECT e, %(company)s, s, c, 1, 'A', price, %(uid)s, now(), %(uid)s, now()
          FROM unnest(%(encounters)s::int[]) e,
               unnest(%(codes)s::int[], %(prices)s::numeric[]) WITH ORDINALITY AS t(c, price, s)
        """,
        {
            "company": company.id,
            "uid": uid,
            "encounters": encounter_ids,
            "codes": [c.id for c in procedures],
            "prices": [price for _v, price in CODES],
        },
    )
    for table in ("medical_encounter", "medical_encounter_procedure", "medical_encounter_diagnosis"):
        cr.execute(f"ANALYZE {table}")
    env.invalidate_all()
    products = env["medical.code"].union(*procedures)._get_service_products()
    env.cr.commit()
    return encounter_ids, payer, [products[c] for c in procedures]


def _baseline(env, payer, products):
    """2,000 plain 4-line customer invoices created in one batch and posted, committed."""
    env.invalidate_all()
    started = time.perf_counter()
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": payer.id,
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": 1, "price_unit": price})
                    for product, (_v, price) in zip(products, CODES, strict=True)
                ],
            }
            for _n in range(ENCOUNTERS)
        ]
    )
    moves.action_post()
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
