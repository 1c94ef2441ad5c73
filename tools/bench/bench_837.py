# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the 837P: one file for 10,000 claims of 4 lines each, end to end (database read and text).

Measures ``medical.claim.batch._render_837p`` (read the claims, lines, diagnoses, partners, coverages and
codes of the batch, map them, write the X12 text), in claims per second, against a plain ``search_read`` of
the same claims and lines (the fields the mapping reads) as the baseline. Goal: at least 2,000 claims per
second and at most twice the baseline's time. Also reports the whole ``action_generate`` (file kept as an
attachment, claims submitted). No pyx12 validation here: the tests validate small batches.

The claims are made with SQL (3,000 patients and coverages through the ORM, in batches).
"""

import random
import time
from datetime import date, timedelta

from run import report

CLAIMS = 10_000
LINES = 4
PATIENTS = 3_000
CLAIM_FIELDS = [
    "patient_control_number",
    "company_id",
    "patient_id",
    "coverage_id",
    "payer_id",
    "billing_provider_id",
    "rendering_provider_id",
    "referring_provider_id",
    "facility_id",
    "place_of_service_id",
    "date_service",
    "date_service_end",
    "prior_authorization",
    "frequency",
    "payer_claim_control_number",
    "primary_claim_id",
    "amount_paid",
    "date_adjudicated",
    "state",
]
LINE_FIELDS = [
    "claim_id",
    "code_id",
    "modifier1_id",
    "modifier2_id",
    "modifier3_id",
    "modifier4_id",
    "units",
    "diagnosis_pointers",
    "charge_amount",
    "ndc_code",
    "ndc_quantity",
    "ndc_unit",
    "line_control_number",
    "primary_line_id",
    "amount_paid",
]


def _codes(env, system, codes):
    Code = env["medical.code"].with_context(active_test=False)
    existing = {c.code: c.id for c in Code.search([("system", "=", system), ("code", "in", codes)])}
    missing = [code for code in codes if code not in existing]
    for record in Code.create(
        [{"system": system, "code": code, "name": f"Bench {code}"} for code in missing]
    ):
        existing[record.code] = record.id
    return [existing[code] for code in codes]


def _setup(env):
    cr = env.cr
    uid = env.uid
    company = env.company
    quiet = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
    state = env.ref("base.state_us_5")
    company.write(
        {
            "medical_billing_npi": "1234567893",
            "medical_tax_id": "12-3456789",
            "medical_taxonomy_code": "207Q00000X",
            "street": "10 Bench Way",
            "city": "Sacramento",
            "state_id": state.id,
            "zip": "95814-2001",
            "country_id": env.ref("base.us").id,
        }
    )
    payer = quiet["res.partner"].create(
        {"name": "Bench Health", "is_payer": True, "payer_code": "BENCH1", "claim_filing_indicator": "CI"}
    )
    provider = quiet["res.partner"].create(
        {"name": "Dr Bench Provider", "is_provider": True, "npi": "1245319599", "taxonomy_code": "207X00000X"}
    )
    receiver = quiet["medical.edi.receiver"].create(
        {
            "name": "Bench Clearinghouse",
            "is_default": True,
            "receiver_code": "BENCHCH",
            "sender_code": "BENCHSENDER",
            "receiver_interchange_code": "BENCHCH",
            "submitter_code": "BENCHSUB",
            "contact_name": "Bench",
            "contact_phone": "9165550100",
        }
    )
    procedures = _codes(env, "cpt", ["99213", "99214", "20610", "96372", "36415"])
    modifiers = _codes(env, "modifier", ["25", "59", "RT"])
    diagnoses = _codes(env, "icd10cm", ["J209", "E119", "I10", "M1711", "Z0000", "R051", "K219", "N390"])
    pos = _codes(env, "pos", ["11"])[0]
    patients = quiet["res.partner"].create(
        [
            {
                "name": f"Bench Patient{n} Number{n}",
                "is_patient": True,
                "birthdate": date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
                "gender": "f" if n % 2 else "m",
                "street": f"{n} Bench Street",
                "city": "Sacramento",
                "state_id": state.id,
                "zip": "95814",
                "company_id": company.id,
            }
            for n in range(PATIENTS)
        ]
    )
    cr.execute(
        """
        INSERT INTO medical_coverage (patient_id, payer_id, subscriber_id, company_id, member_id,
                                      group_number, relationship, priority, priority_rank, active, plan_name,
                                      date_start,
                                      create_uid, create_date, write_uid, write_date)
        SELECT p, %(payer)s, p, %(company)s, 'BM' || p, 'GRP1', '18', 'primary', 1, true, 'Bench PPO',
               DATE '2020-01-01', %(uid)s, now(), %(uid)s, now()
          FROM unnest(%(patients)s::int[]) AS p
        RETURNING id, patient_id
        """,
        {"payer": payer.id, "company": company.id, "uid": uid, "patients": patients.ids},
    )
    coverage_of = {patient_id: coverage_id for coverage_id, patient_id in cr.fetchall()}
    rng = random.Random(837)
    claim_rows = []
    for n in range(CLAIMS):
        patient_id = patients.ids[rng.randrange(PATIENTS)]
        claim_rows.append(
            (f"BENCH{n:07d}", patient_id, coverage_of[patient_id], date(2026, 3, 1) + timedelta(days=n % 28))
        )
    cr.execute(
        """
        INSERT INTO medical_claim (patient_control_number, company_id, patient_id, coverage_id, payer_id,
                                   billing_provider_id, rendering_provider_id, place_of_service_id,
                                   date_service, frequency, state, payer_responsibility, amount_total,
                                   create_uid, create_date, write_uid, write_date)
        SELECT pcn, %(company)s, patient_id, coverage_id, %(payer)s, %(billing)s, %(provider)s, %(pos)s, dos,
               '1', 'ready', 'primary', 0, %(uid)s, now(), %(uid)s, now()
          FROM unnest(%(pcns)s::varchar[], %(patients)s::int[], %(coverages)s::int[], %(dates)s::date[])
               AS t(pcn, patient_id, coverage_id, dos)
        RETURNING id, patient_control_number
        """,
        {
            "company": company.id,
            "payer": payer.id,
            "billing": company.partner_id.id,
            "provider": provider.id,
            "pos": pos,
            "uid": uid,
            "pcns": [row[0] for row in claim_rows],
            "patients": [row[1] for row in claim_rows],
            "coverages": [row[2] for row in claim_rows],
            "dates": [row[3] for row in claim_rows],
        },
    )
    claims = cr.fetchall()
    line_rows, dx_rows = [], []
    for claim_id, pcn in claims:
        for seq, code_id in enumerate(rng.sample(diagnoses, 2), start=1):
            dx_rows.append((claim_id, seq, code_id))
        for seq in range(1, LINES + 1):
            modifier = modifiers[seq % 3] if seq == 1 else None
            charge = rng.choice((40.0, 75.5, 100.0, 125.25, 200.0))
            line_rows.append(
                (
                    claim_id,
                    seq,
                    rng.choice(procedures),
                    modifier,
                    rng.choice((1, 1, 2)),
                    "AB"[: 1 + seq % 2],
                    charge,
                    f"{pcn}-{seq}",
                )
            )
    cr.execute(
        """
        INSERT INTO medical_claim_line (claim_id, company_id, sequence, code_id, modifier1_id, units,
                                        diagnosis_pointers, charge_amount, line_control_number,
                                        create_uid, create_date, write_uid, write_date)
        SELECT c, %(company)s, s, p, m, u, ptr, ch, lcn, %(uid)s, now(), %(uid)s, now()
          FROM unnest(%(c)s::int[], %(s)s::int[], %(p)s::int[], %(m)s::int[], %(u)s::numeric[],
                      %(ptr)s::varchar[], %(ch)s::numeric[], %(lcn)s::varchar[])
               AS t(c, s, p, m, u, ptr, ch, lcn)
        """,
        {
            "company": company.id,
            "uid": uid,
            **dict(
                zip(
                    ("c", "s", "p", "m", "u", "ptr", "ch", "lcn"),
                    map(list, zip(*line_rows, strict=True)),
                    strict=True,
                )
            ),
        },
    )
    cr.execute(
        """
        INSERT INTO medical_claim_diagnosis (claim_id, company_id, sequence, code_id,
                                             create_uid, create_date, write_uid, write_date)
        SELECT c, %(company)s, s, d, %(uid)s, now(), %(uid)s, now()
          FROM unnest(%(c)s::int[], %(s)s::int[], %(d)s::int[]) AS t(c, s, d)
        """,
        {
            "company": company.id,
            "uid": uid,
            **dict(zip(("c", "s", "d"), map(list, zip(*dx_rows, strict=True)), strict=True)),
        },
    )
    cr.execute(
        """
        UPDATE medical_claim c SET amount_total = l.total
          FROM (SELECT claim_id, sum(charge_amount) AS total FROM medical_claim_line
                 WHERE claim_id = ANY(%s) GROUP BY claim_id) l
         WHERE l.claim_id = c.id
        """,
        [[claim_id for claim_id, _pcn in claims]],
    )
    for table in ("medical_claim", "medical_claim_line", "medical_claim_diagnosis", "medical_coverage"):
        cr.execute(f"ANALYZE {table}")
    env.invalidate_all()
    claim_ids = [claim_id for claim_id, _pcn in claims]
    batch = quiet["medical.claim.batch"].create(
        {"receiver_id": receiver.id, "claim_ids": [(6, 0, claim_ids)]}
    )
    env.flush_all()
    return claim_ids, batch


def run(env):
    started = time.monotonic()
    claim_ids, batch = _setup(env)
    setup_seconds = time.monotonic() - started
    count = len(claim_ids)
    Claim, Line = env["medical.claim"], env["medical.claim.line"]

    baseline = []
    for _attempt in range(2):
        env.invalidate_all()
        start = time.monotonic()
        Claim.search_read([("id", "in", claim_ids)], CLAIM_FIELDS)
        Line.search_read([("claim_id", "in", claim_ids)], LINE_FIELDS)
        baseline.append(time.monotonic() - start)
    baseline_seconds = min(baseline)

    ours = []
    for _attempt in range(2):
        env.invalidate_all()
        start = time.monotonic()
        text, st_by_claim, numbers = batch._render_837p()
        ours.append(time.monotonic() - start)
    render_seconds = min(ours)
    assert text.count("~CLM*") == count, "every claim is in the file"
    assert text.count("~SV1*") == count * LINES, "every line is in the file"
    assert len(st_by_claim) == count

    env.invalidate_all()
    start = time.monotonic()
    batch.action_generate()
    env.flush_all()
    generate_seconds = time.monotonic() - start
    env.cr.execute(
        "SELECT count(*) FROM medical_claim WHERE id = ANY(%s) AND state = 'submitted'", [claim_ids]
    )
    submitted = env.cr.fetchone()[0]
    print(
        f"# bench_837: {count} claims x {LINES} lines, {len(text) / 1e6:.1f} MB, "
        f"{len(numbers[2])} transaction sets, setup {setup_seconds:.1f}s, baseline search_read "
        f"{baseline_seconds:.2f}s, read+text {render_seconds:.2f}s, action_generate {generate_seconds:.2f}s "
        f"({submitted} claims submitted)",
        flush=True,
    )
    report("837p_claims_per_second", count / render_seconds, "claims/s", count / baseline_seconds)
    report("837p_seconds", render_seconds, "s", baseline_seconds)
    report("837p_generate_claims_per_second", count / generate_seconds, "claims/s", count / baseline_seconds)
