# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Code sets: the full ICD-10-CM import, its re-import, and code search on the full table.

Baseline of the imports: a raw PostgreSQL COPY of the same rows into a plain table (no index, no upsert),
measured in the same run. Baseline of the search: a plain indexed equality select on (system, code).
"""

import io
import time

from run import report, timed

from odoo.addons.medical_coding.codesets import icd10cm
from odoo.addons.medical_coding.models.medical_code import _copy_lines

SEARCHES = [
    "J20.9",
    "j209",
    "bronch acute",
    "S52.521A",
    "type 2 diabetes without",
    "fracture shaft left femur",
    "E11",
    "a",
    "hypertens",
    "Z00.0",
]
REPEAT = 5
#: first of the benchmarks: the import is measured on a table without ICD-10-CM codes
ORDER = 0


def run(env):
    cr = env.cr
    cr.execute("SELECT count(*) FROM medical_code WHERE system = 'icd10cm'")
    if cr.fetchone()[0]:
        raise RuntimeError("the code-set bench needs a database without ICD-10-CM codes (it runs first)")
    data, filename = icd10cm.packaged_source()
    importer = env["medical.importer"]

    seconds_import, counts = timed(importer.import_file, "icd10cm", data, filename)
    assert counts["created"] == 98505, counts
    cr.commit()
    seconds_reimport, counts = timed(importer.import_file, "icd10cm", data, filename)
    assert counts["created"] == counts["updated"] == counts["ended"] == 0, counts
    cr.commit()

    rows = icd10cm.parse(data, filename).rows
    cr.execute(
        """CREATE TEMPORARY TABLE bench_code_copy (
               system varchar, code varchar, display_code varchar, name varchar, description text,
               billable boolean, level varchar, parent_code varchar, date_start date, date_end date)"""
    )
    buffer = io.StringIO("".join(_copy_lines(rows)))
    seconds_copy, _result = timed(cr.copy_expert, "COPY bench_code_copy FROM STDIN", buffer)
    cr.execute("DROP TABLE bench_code_copy")
    report("icd10cm_import", seconds_import, "s", seconds_copy)
    report("icd10cm_reimport", seconds_reimport, "s", seconds_copy)

    Code = env["medical.code"]
    domain = [("system", "=", "icd10cm")]
    for query in SEARCHES:  # warm the caches once
        Code.name_search(query, domain, limit=8)
    started = time.perf_counter()
    for _round in range(REPEAT):
        for query in SEARCHES:
            env.invalidate_all()
            Code.name_search(query, domain, limit=8)
    search_ms = 1000 * (time.perf_counter() - started) / (REPEAT * len(SEARCHES))
    started = time.perf_counter()
    for _round in range(REPEAT):
        for query in SEARCHES:
            cr.execute(
                "SELECT id, code, name FROM medical_code WHERE system = 'icd10cm' AND code = %s",
                [query.replace(".", "").upper()],
            )
            cr.fetchall()
    baseline_ms = 1000 * (time.perf_counter() - started) / (REPEAT * len(SEARCHES))
    report("code_search", search_ms, "ms", baseline_ms)
    slowest = []
    for query in SEARCHES:
        env.invalidate_all()
        seconds, _result = timed(Code.name_search, query, domain, limit=8)
        slowest.append((seconds * 1000, query))
    worst_ms, _worst_query = max(slowest)
    report("code_search_worst", worst_ms, "ms", baseline_ms)
    cr.commit()
