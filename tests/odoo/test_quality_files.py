# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The real CMS 2025 claims quality measures (../shared/cms/quality), imported through pytest-odoo on the
database of ``make test``: all 25 measures with their options, and a re-import that changes nothing."""

import os
from pathlib import Path

from odoo.addons.medical_coding.tests.code_set_common import CodeSetCase

#: the real CMS files beside the repository, as tests/conftest.py finds them
SHARED = Path(os.environ.get("MEDICAL_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")


def shared_file(*parts):
    """Bytes of a shared CMS file; its absence is a failure, never a skip."""
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        raise AssertionError(f"The shared test file {path} is missing")
    return path.read_bytes()


SINGLE_SOURCE = "qpp-single-source-2025.json"
MEASURES_DATA = "measures-data-2025-claims.json"
BENCHMARKS = "benchmarks-2025-claims.json"

#: per measure: eligibility options, performance options, quality data code rows, distinct quality data
#: codes, diagnosis rows, excluded diagnosis rows, encounter code rows (counted in the JSON by hand-run
#: scripts, see the report of issue 16)
EXPECTED = {
    "001": (1, 10, 10, 10, 279, 0, 47),
    "024": (2, 6, 6, 2, 7116, 0, 70),
    "039": (1, 4, 4, 4, 0, 316, 25),
    "047": (1, 4, 4, 3, 0, 0, 70),
    "112": (1, 8, 8, 8, 0, 0, 48),
    "113": (1, 8, 8, 7, 0, 0, 48),
    "128": (1, 9, 9, 9, 0, 0, 68),
    "134": (1, 6, 6, 6, 0, 37, 99),
    "141": (1, 4, 6, 5, 27, 0, 24),
    "145": (1, 2, 2, 2, 0, 0, 253),
    "181": (1, 5, 5, 5, 0, 0, 113),
    "226": (3, 11, 13, 9, 0, 0, 276),
    "236": (1, 12, 16, 12, 1, 0, 50),
    "249": (1, 4, 4, 2, 4, 0, 1),
    "250": (1, 4, 4, 2, 1, 0, 1),
    "261": (1, 3, 3, 3, 5, 0, 13),
    "317": (1, 6, 6, 6, 0, 0, 72),
    "320": (1, 3, 3, 3, 1, 0, 3),
    "395": (1, 4, 4, 4, 16, 0, 5),
    "396": (1, 4, 4, 4, 16, 0, 1),
    "397": (1, 4, 4, 4, 19, 0, 1),
    "405": (1, 4, 7, 5, 0, 0, 24),
    "406": (1, 4, 7, 5, 0, 0, 27),
    "418": (2, 22, 22, 10, 6492, 0, 107),
    "422": (1, 3, 3, 3, 8, 0, 26),
}

COUNTS_SQL = """
    SELECT m.measure_code,
           (SELECT count(*) FROM medical_quality_eligibility e WHERE e.measure_id = m.id),
           (SELECT count(*) FROM medical_quality_performance p WHERE p.measure_id = m.id),
           (SELECT count(*) FROM medical_quality_qdc q
              JOIN medical_quality_performance p ON p.id = q.performance_id WHERE p.measure_id = m.id),
           (SELECT count(DISTINCT q.code) FROM medical_quality_qdc q
              JOIN medical_quality_performance p ON p.id = q.performance_id WHERE p.measure_id = m.id),
           (SELECT count(*) FROM medical_quality_diagnosis d
              JOIN medical_quality_eligibility e ON e.id = d.eligibility_id
             WHERE e.measure_id = m.id AND NOT d.excluded),
           (SELECT count(*) FROM medical_quality_diagnosis d
              JOIN medical_quality_eligibility e ON e.id = d.eligibility_id
             WHERE e.measure_id = m.id AND d.excluded),
           (SELECT count(*) FROM medical_quality_procedure c
              JOIN medical_quality_eligibility e ON e.id = c.eligibility_id WHERE e.measure_id = m.id)
      FROM medical_quality_measure m WHERE m.year = 2025 ORDER BY m.measure_code
"""


class TestQualityFiles(CodeSetCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = {
            name: shared_file("cms", "quality", name) for name in (SINGLE_SOURCE, MEASURES_DATA, BENCHMARKS)
        }

    def import_all(self, year=None):
        effective = f"{year}-01-01" if year else None
        return [
            self.importer.import_file("quality", data, name, effective) for name, data in self.files.items()
        ]

    def snapshot(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT m.id, m.write_date, count(e.id), max(e.id) FROM medical_quality_measure m"
            "  LEFT JOIN medical_quality_eligibility e ON e.measure_id = m.id GROUP BY m.id ORDER BY m.id"
        )
        measures = self.env.cr.fetchall()
        self.env.cr.execute("SELECT count(*), max(id) FROM medical_quality_diagnosis")
        return measures, self.env.cr.fetchall()

    def test_2025_files(self):
        single, data, benchmarks = self.import_all(2025)
        self.assertEqual((single["total"], single["created"]), (25, 25))
        self.assertEqual((single["options"], single["performance_options"]), (29, 154))
        self.assertEqual((data["total"], data["updated"]), (25, 25))
        self.assertEqual((benchmarks["total"], benchmarks["updated"]), (21, 21))
        self.env.flush_all()
        self.env.cr.execute(COUNTS_SQL)
        found = {row[0]: tuple(row[1:]) for row in self.env.cr.fetchall()}
        self.assertEqual(found, EXPECTED)
        measures = {
            m.measure_code: m for m in self.env["medical.quality.measure"].search([("year", "=", 2025)])
        }
        self.assertEqual(sorted(code for code, m in measures.items() if m.inverse), ["001", "406"])
        self.assertEqual(sum(m.high_priority for m in measures.values()), 15)
        self.assertEqual(sum(m.has_benchmark for m in measures.values()), 21)
        self.assertEqual(set(measures["128"].mapped("reporting")), {"patient"})
        self.assertEqual(measures["128"].title[:54], "Preventive Care and Screening: Body Mass Index (BMI) S")
        self.assertEqual((measures["039"].percentile_10, measures["039"].percentile_90), (34.67, 100.0))
        # the dot is the JSON's spelling: E11.9 is kept as E119
        option = measures["001"].eligibility_ids
        self.assertIn("E119", option.diagnosis_ids.mapped("code"))
        self.assertEqual((option.min_age, option.max_age), (18.0, 75.0))
        self.assertEqual(measures["039"].eligibility_ids.sex, "F")
        procedure = measures["128"].eligibility_ids.procedure_ids.filtered(lambda p: p.code == "99213")
        self.assertEqual(
            (procedure.pos_exclusions, procedure.modifier_exclusions), ("02,10,12", "GQ,GT,FQ,93")
        )
        not_met = measures["024"].performance_ids.filtered(lambda p: p.kind == "not_met")
        self.assertEqual(set(not_met.qdc_ids.mapped("modifiers")), {"8P"})
        # every quality data code can go on a line
        self.env.cr.execute("SELECT count(*) FROM medical_quality_qdc WHERE code_id IS NULL")
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        codes = measures["001"].search([("year", "=", 2025)]).performance_ids.qdc_ids.mapped("code")
        self.assertEqual(len(set(codes)), 133)
        self.assertEqual(
            self.env["medical.code"].search_count(
                [("code", "in", codes), ("system", "in", ("cpt", "hcpcs"))]
            ),
            133,
        )

        # the same files again: nothing changes
        before = self.snapshot()
        again = self.import_all(2025)
        for counts in again:
            self.assertEqual((counts["created"], counts["updated"]), (0, 0), counts)
        self.assertEqual(self.snapshot(), before)

    def test_year_from_the_file_name(self):
        counts = self.importer.import_file("quality", self.files[SINGLE_SOURCE], SINGLE_SOURCE)
        self.assertEqual((counts["year"], counts["created"]), (2025, 25))
