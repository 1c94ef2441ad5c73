# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmarks of the coding edits.

``edits_check``: ``medical.encounter.action_check`` on 10,000 encounters, each with 3 diagnoses and 4
procedure lines, against an NCCI PTP table of 1,000,000 pairs and a 15,000-code MUE table, all made with SQL
``generate_series``. Baseline: a plain ``search_read`` of the same encounters. Goal: 500 encounters/s.

``ncci_ptp_import`` / ``ncci_ptp_reimport``: the streamed import of a 1,000,000-row file in the CMS NCCI
PTP layout (written by PostgreSQL), then the same file again (nothing changes). Baseline: a raw COPY of the
same rows into a plain table.

``run(env)`` is called by tools/bench/run.py on a throwaway database. Diagnosis codes U8000-U8999 and
procedure codes B0000-B9999 (CPT system) are made up for the bench.
"""

import io
import random
import time

from markupsafe import Markup
from run import create_patients, create_provider, report

ENCOUNTERS = 10_000
PATIENTS = 3_000
BENCH_CODES = 10_000  # procedure codes B0000..B9999
PARTNERS_PER_CODE = 100  # 10,000 codes x 100 column-2 partners = 1,000,000 PTP pairs
FILLER_MUE = 5_000
DIAGNOSES = 1_000
DAYS = 30


def _setup(env):
    cr = env.cr
    company = env.company
    uid = env.uid
    # Procedure and diagnosis codes.
    cr.execute(
        """
        INSERT INTO medical_code (code, display_code, name, system, billable, active, create_uid, create_date,
                                  write_uid, write_date)
        SELECT 'B' || lpad(n::text, 4, '0'), 'B' || lpad(n::text, 4, '0'), 'Bench procedure ' || n, 'cpt',
               true, true, %(uid)s, now(), %(uid)s, now()
          FROM generate_series(0, %(codes)s - 1) n
        ON CONFLICT DO NOTHING
        """,
        {"uid": uid, "codes": BENCH_CODES},
    )
    cr.execute(
        """
        INSERT INTO medical_code (code, display_code, name, system, billable, active, create_uid, create_date,
                                  write_uid, write_date)
        SELECT 'U8' || lpad(n::text, 3, '0'), 'U8' || lpad(n::text, 3, '0'), 'Bench diagnosis ' || n,
               'icd10cm', true, true, %(uid)s, now(), %(uid)s, now()
          FROM generate_series(0, %(dx)s - 1) n
        ON CONFLICT DO NOTHING
        """,
        {"uid": uid, "dx": DIAGNOSES},
    )
    cr.execute("SELECT code, id FROM medical_code WHERE system = 'cpt' AND code LIKE 'B____'")
    procedure_ids = dict(cr.fetchall())
    cr.execute("SELECT code, id FROM medical_code WHERE system = 'icd10cm' AND code LIKE 'U8___'")
    diagnosis_ids = sorted(dict(cr.fetchall()).values())

    # 1,000,000 NCCI PTP pairs: code i bundles codes i+97k (k = 1..100), indicators 0/1/9 mixed.
    cr.execute(
        """
        INSERT INTO medical_ncci_edit (column1_code, column2_code, prior_1996, date_start, date_end,
                                       modifier_indicator, rationale, release, create_uid, create_date,
                                       write_uid, write_date)
        SELECT 'B' || lpad(i::text, 4, '0'), 'B' || lpad(((i + 97 * k) %% %(codes)s)::text, 4, '0'), false,
               DATE '2020-01-01', CASE WHEN (i + k) %% 10 = 0 THEN DATE '2025-12-31' END,
               (ARRAY['0', '1', '1', '9'])[1 + (i + k) %% 4], 'Bench pair', 'bench', %(uid)s, now(),
               %(uid)s, now()
          FROM generate_series(0, %(codes)s - 1) i, generate_series(1, %(partners)s) k
        ON CONFLICT DO NOTHING
        """,
        {"uid": uid, "codes": BENCH_CODES, "partners": PARTNERS_PER_CODE},
    )
    # A full MUE table: every bench code plus filler codes.
    cr.execute(
        """
        INSERT INTO medical_mue (code, mue_value, adjudication_indicator, rationale, date_start,
                                 create_uid, create_date, write_uid, write_date)
        SELECT CASE WHEN n < %(codes)s THEN 'B' || lpad(n::text, 4, '0')
                    ELSE 'C' || lpad((n - %(codes)s)::text, 4, '0') END,
               1 + n %% 3, (1 + n %% 3)::text, 'Bench', DATE '2020-01-01', %(uid)s, now(), %(uid)s, now()
          FROM generate_series(0, %(codes)s + %(filler)s - 1) n
        ON CONFLICT DO NOTHING
        """,
        {"uid": uid, "codes": BENCH_CODES, "filler": FILLER_MUE},
    )
    cr.execute("ANALYZE medical_ncci_edit")
    cr.execute("ANALYZE medical_mue")

    quiet = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    patients = create_patients(quiet, company, PATIENTS)
    provider = create_provider(quiet)
    pos = quiet["medical.code"].search([("system", "=", "pos"), ("code", "=", "11")], limit=1) or quiet[
        "medical.code"
    ].create({"system": "pos", "code": "11", "name": "Office"})

    # Encounters and their lines, by SQL (the ORM create is not what is measured).
    rng = random.Random(42)
    patient_ids = patients.ids
    encounter_rows = [
        (
            f"BENCH/{n:05d}",
            company.id,
            rng.choice(patient_ids),
            f"2026-03-{1 + rng.randrange(DAYS) % 28:02d}",
            provider.id,
            pos.id,
        )
        for n in range(ENCOUNTERS)
    ]
    cr.execute(
        """
        INSERT INTO medical_encounter (name, company_id, patient_id, date_service, provider_id,
                                       place_of_service_id, state,
                                       create_uid, create_date, write_uid, write_date)
        SELECT name, company_id, patient_id, date_service::date, provider_id, pos_id, 'coded',
               %s, now(), %s, now()
          FROM unnest(%s::varchar[], %s::int[], %s::int[], %s::varchar[], %s::int[], %s::int[])
               AS t(name, company_id, patient_id, date_service, provider_id, pos_id)
        RETURNING id
        """,
        [uid, uid, *[list(col) for col in zip(*encounter_rows, strict=True)]],
    )
    encounter_ids = [row[0] for row in cr.fetchall()]
    dx_rows = []
    proc_rows = []
    codes = list(procedure_ids.values())
    for encounter_id in encounter_ids:
        for seq, code_id in enumerate(rng.sample(diagnosis_ids, 3)):
            dx_rows.append((encounter_id, company.id, seq, code_id))
        base = rng.randrange(BENCH_CODES)
        # one code near its NCCI partners now and then, the others anywhere
        picks = [
            base,
            (base + 97 * rng.randint(1, 150)) % BENCH_CODES,
            rng.randrange(BENCH_CODES),
            rng.randrange(BENCH_CODES),
        ]
        for seq, index in enumerate(picks):
            code_id = procedure_ids.get(f"B{index:04d}") or rng.choice(codes)
            proc_rows.append(
                (encounter_id, company.id, seq, code_id, rng.choice((1, 1, 1, 2)), "ABC"[: 1 + seq % 3])
            )
    cr.execute(
        """
        INSERT INTO medical_encounter_diagnosis (encounter_id, company_id, sequence, code_id,
                                                 create_uid, create_date, write_uid, write_date)
        SELECT e, c, s, d, %s, now(), %s, now()
          FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[]) AS t(e, c, s, d)
        """,
        [uid, uid, *[list(col) for col in zip(*dx_rows, strict=True)]],
    )
    cr.execute(
        """
        INSERT INTO medical_encounter_procedure (encounter_id, company_id, sequence, code_id, units,
                                                 diagnosis_pointers, create_uid, create_date, write_uid,
                                                 write_date)
        SELECT e, c, s, p, u, ptr, %s, now(), %s, now()
          FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::numeric[], %s::varchar[])
               AS t(e, c, s, p, u, ptr)
        """,
        [uid, uid, *[list(col) for col in zip(*proc_rows, strict=True)]],
    )
    cr.execute("ANALYZE medical_encounter")
    cr.execute("ANALYZE medical_encounter_procedure")
    cr.execute("ANALYZE medical_encounter_diagnosis")
    env.invalidate_all()
    return encounter_ids


def run(env):
    started = time.monotonic()
    encounter_ids = _setup(env)
    setup_seconds = time.monotonic() - started
    Encounter = env["medical.encounter"]

    env.invalidate_all()
    start = time.monotonic()
    Encounter.search_read(
        [("id", "in", encounter_ids)], ["name", "patient_id", "date_service", "provider_id", "state"]
    )
    baseline_seconds = time.monotonic() - start

    env.invalidate_all()
    encounters = Encounter.browse(encounter_ids)
    start = time.monotonic()
    encounters.action_check()
    env.flush_all()
    check_seconds = time.monotonic() - start

    env.cr.execute(
        """
        SELECT edit_code, count(*) FROM medical_edit_finding
         WHERE encounter_id = ANY(%s) GROUP BY 1 ORDER BY 1
        """,
        [encounter_ids],
    )
    findings = dict(env.cr.fetchall())
    env.cr.execute("SELECT count(*) FROM medical_ncci_edit")
    pairs = env.cr.fetchone()[0]
    print(
        f"# bench_edits: {len(encounter_ids)} encounters, {pairs} PTP pairs, setup {setup_seconds:.1f}s, "
        f"check {check_seconds:.2f}s, findings {findings}",
        flush=True,
    )
    count = len(encounter_ids)
    report("edits_check", count / check_seconds, "encounters/s", count / baseline_seconds)
    env.cr.commit()
    _bench_notes(env, encounters)
    _bench_ncci_import(env)


def _bench_notes(env, encounters):
    """``edits_notes``: the check's notes (one per encounter) through core's ``_message_log_batch``;
    baseline: the same notes by the single INSERT of ``medical.encounter._log_notes``."""
    bodies = dict.fromkeys(encounters.ids, "Coding edits: 0 error(s), 0 warning(s). Status: Checked.")
    env.invalidate_all()
    start = time.monotonic()
    encounters._log_notes(bodies)
    env.flush_all()
    raw_seconds = time.monotonic() - start
    env.cr.rollback()
    env.invalidate_all()
    start = time.monotonic()
    encounters._message_log_batch(bodies={key: Markup("<p>%s</p>") % body for key, body in bodies.items()})
    env.flush_all()
    orm_seconds = time.monotonic() - start
    env.cr.rollback()
    env.invalidate_all()
    count = len(bodies)
    report("edits_notes", count / orm_seconds, "notes/s", count / raw_seconds)


NCCI_HEADER = (
    b"CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t\r\n"
    b"Column1/Column2 Edits\t\t\t\t\t\t\r\n"
    b"Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\r\n"
    b"\t\tprior to 1996\tDate\tDate\t0=not allowed\t\r\n"
    b"\t\t\t\t*=no data\t1=allowed\t\r\n"
    b"\t\t\t\t\t9=not applicable\t\r\n"
)
NCCI_ROWS_SQL = """
    SELECT 'N' || lpad(i::text, 4, '0'), 'N' || lpad(((i + 97 * k) % 10000)::text, 4, '0'),
           CASE WHEN i % 7 = 0 THEN '*' ELSE '' END, '20200101',
           CASE WHEN (i + k) % 10 = 0 THEN '20251231' ELSE '*' END,
           (ARRAY['0', '1', '1', '9'])[1 + (i + k) % 4],
           'Misuse of Column Two code with Column One code'
      FROM generate_series(0, 9999) i, generate_series(1, 100) k
"""


def _bench_ncci_import(env):
    cr = env.cr
    rows = io.BytesIO()
    cr.copy_expert(f"COPY ({NCCI_ROWS_SQL}) TO STDOUT", rows)
    data = NCCI_HEADER + rows.getvalue()
    count = 1_000_000
    Edit = env["medical.ncci.edit"]

    start = time.monotonic()
    counts = Edit._import_cms_file(data, "ccipra-v999r0-f1.txt")
    import_seconds = time.monotonic() - start
    assert counts["created"] == count, counts
    cr.commit()
    start = time.monotonic()
    counts = Edit._import_cms_file(data, "ccipra-v999r0-f1.txt")
    reimport_seconds = time.monotonic() - start
    assert counts["unchanged"] == count, counts
    cr.commit()

    cr.execute(
        """CREATE TEMPORARY TABLE bench_ncci_copy (c1 varchar, c2 varchar, prior varchar, start varchar,
                                                   deletion varchar, indicator varchar, rationale varchar)"""
    )
    rows.seek(0)
    start = time.monotonic()
    cr.copy_expert("COPY bench_ncci_copy FROM STDIN", rows)
    copy_seconds = time.monotonic() - start
    cr.execute("DROP TABLE bench_ncci_copy")
    report("ncci_ptp_import", count / import_seconds, "rows/s", count / copy_seconds)
    report("ncci_ptp_reimport", count / reimport_seconds, "rows/s", count / copy_seconds)
