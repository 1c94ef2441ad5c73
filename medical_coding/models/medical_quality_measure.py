# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A measure and its options are one specification: kept together in this file.
# pylint: disable=consider-merging-classes-inherited
import hashlib
import json
from datetime import date, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import file_open

from ..codesets import quality as quality_file
from ..edits import quality as quality_engine
from .medical_code import format_code

PERFORMANCE_KINDS = [
    ("met", "Performance Met"),
    ("not_met", "Performance Not Met"),
    ("exception", "Denominator Exception"),
    ("exclusion", "Population Exclusion"),
]
REPORTING = [
    ("patient", "Once per patient per year"),
    ("encounter", "Each eligible encounter"),
]
PERCENTILE_FIELDS = {p: f"percentile_{p:02d}" for p in quality_file.PERCENTILES}


class MedicalQualityMeasure(models.Model):
    """A MIPS claims quality measure of one performance year, imported from CMS's own data.

    A later year imports beside the earlier one: the encounters of a year are evaluated against the
    measures of that year only. ``reporting`` (not in the CMS files) says whether the outcome is reported
    once per patient and year or at each eligible visit.
    """

    _name = "medical.quality.measure"
    _description = "Quality Measure"
    _order = "year desc, measure_code"
    _rec_names_search = ["measure_code", "title"]

    year = fields.Integer(string="Performance Year", required=True, index=True)
    measure_code = fields.Char(
        string="Measure", required=True, index=True, help="The CMS measure id: 001, 128..."
    )
    title = fields.Char()
    description = fields.Text()
    measure_type = fields.Char(
        string="Type", help="CMS measure type: process, outcome, intermediateOutcome..."
    )
    metric_type = fields.Char(help="singlePerformanceRate or multiPerformanceRate.")
    inverse = fields.Boolean(help="A lower performance rate is better (e.g. HbA1c poor control).")
    high_priority = fields.Boolean()
    reporting = fields.Selection(
        REPORTING,
        required=True,
        default="patient",
        help="Patient-based measures are reported once per patient and year: they stop prompting once the "
        "patient's outcome of the year is on a submitted claim of the same provider. Encounter-based ones "
        "prompt at each eligible visit. The CMS files do not say it: set it per measure.",
    )
    active = fields.Boolean(default=True, help="Archived measures are not evaluated.")
    eligibility_ids = fields.One2many(
        "medical.quality.eligibility", "measure_id", string="Eligibility Options"
    )
    performance_ids = fields.One2many(
        "medical.quality.performance", "measure_id", string="Performance Options"
    )
    benchmark_year = fields.Integer(help="The year of the data the benchmark was computed from.")
    benchmark_average = fields.Float(string="Average Rate (%)")
    has_benchmark = fields.Boolean(readonly=True)
    percentile_01 = fields.Float(string="1st Percentile")
    percentile_10 = fields.Float(string="10th Percentile")
    percentile_20 = fields.Float(string="20th Percentile")
    percentile_30 = fields.Float(string="30th Percentile")
    percentile_40 = fields.Float(string="40th Percentile")
    percentile_50 = fields.Float(string="50th Percentile")
    percentile_60 = fields.Float(string="60th Percentile")
    percentile_70 = fields.Float(string="70th Percentile")
    percentile_80 = fields.Float(string="80th Percentile")
    percentile_90 = fields.Float(string="90th Percentile")
    percentile_99 = fields.Float(string="99th Percentile")
    criteria_hash = fields.Char(readonly=True, copy=False, help="Digest of the imported criteria.")
    eligibility_count = fields.Integer(compute="_compute_counts")
    performance_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        ("year_measure_uniq", "unique(year, measure_code)", "A measure exists once per performance year."),
    ]

    @api.depends("measure_code", "title", "year")
    def _compute_display_name(self):
        for measure in self:
            measure.display_name = f"{measure.measure_code} {measure.title or ''} ({measure.year})".strip()

    @api.depends("eligibility_ids", "performance_ids")
    def _compute_counts(self):
        for measure in self:
            measure.eligibility_count = len(measure.eligibility_ids)
            measure.performance_count = len(measure.performance_ids)

    def decile(self, rate):
        """The benchmark decile (1-10) of a performance rate (0-100), or 0 without benchmark."""
        self.ensure_one()
        if not self.has_benchmark or rate is None:
            return 0
        return quality_engine.decile(rate, self._percentiles(), self.inverse)

    def _percentiles(self):
        return {p: self[name] for p, name in PERCENTILE_FIELDS.items()}

    # ------------------------------------------------------------------ engine data

    @api.model
    def _engine_measures(self, years):
        """The active measures of ``years`` as :class:`quality_engine.Measure` values, read in a few
        queries (no query per measure)."""
        measures = self.search([("year", "in", list(years))])
        if not measures:
            return []
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """
            SELECT e.id, e.measure_id, e.option_group, e.min_age, e.max_age, e.sex
              FROM medical_quality_eligibility e WHERE e.measure_id = ANY(%s) ORDER BY e.id
            """,
            [measures.ids],
        )
        options = cr.fetchall()
        option_ids = [row[0] for row in options]
        cr.execute(
            "SELECT eligibility_id, code, excluded FROM medical_quality_diagnosis"
            " WHERE eligibility_id = ANY(%s)",
            [option_ids],
        )
        diagnoses = {}
        for option_id, code, excluded in cr.fetchall():
            diagnoses.setdefault((option_id, bool(excluded)), set()).add(code)
        cr.execute(
            """
            SELECT eligibility_id, code, pos_exclusions, modifier_exclusions
              FROM medical_quality_procedure WHERE eligibility_id = ANY(%s)
            """,
            [option_ids],
        )
        procedures = {}
        for option_id, code, pos, mods in cr.fetchall():
            procedures.setdefault(option_id, {})[code] = (
                frozenset((pos or "").split(",")) - {""},
                frozenset((mods or "").split(",")) - {""},
            )
        cr.execute(
            """
            SELECT p.id, p.measure_id, p.option_group, p.kind, q.code, q.modifiers, q.code_id, c.name
              FROM medical_quality_performance p
              JOIN medical_quality_qdc q ON q.performance_id = p.id
              LEFT JOIN medical_code c ON c.id = q.code_id
             WHERE p.measure_id = ANY(%s)
             ORDER BY p.measure_id, p.sequence, p.id, q.sequence, q.id
            """,
            [measures.ids],
        )
        performance = {}
        for perf_id, measure_id, group, kind, code, mods, code_id, name in cr.fetchall():
            option = performance.setdefault(perf_id, (measure_id, group, kind, []))
            option[3].append(
                quality_engine.Qdc(code, tuple(m for m in (mods or "").split(",") if m), code_id, name)
            )
        result = []
        for measure in measures:
            result.append(
                quality_engine.Measure(
                    id=measure.id,
                    code=measure.measure_code,
                    title=measure.title or "",
                    year=measure.year,
                    inverse=measure.inverse,
                    per_patient=measure.reporting == "patient",
                    eligibility=[
                        quality_engine.Eligibility(
                            group=group,
                            min_age=min_age,
                            max_age=max_age,
                            sex=sex or None,
                            diagnoses=frozenset(diagnoses.get((option_id, False), ())),
                            exclusions=frozenset(diagnoses.get((option_id, True), ())),
                            procedures=procedures.get(option_id, {}),
                        )
                        for option_id, measure_id, group, min_age, max_age, sex in options
                        if measure_id == measure.id
                    ],
                    performance=[
                        quality_engine.Performance(perf_id, group, kind, tuple(qdcs))
                        for perf_id, (measure_id, group, kind, qdcs) in performance.items()
                        if measure_id == measure.id
                    ],
                )
            )
        return result

    # ------------------------------------------------------------------ demo data

    @api.model
    def _demo_import(self):
        """Demo data: import the shipped excerpt (demo/quality_*_demo.json, written for this suite in
        CMS's layouts) for the years of the demo visits (this year, and the last one in January)."""
        today = fields.Date.context_today(self)
        importer = self.env["medical.importer"]
        measures = file_open("medical_coding/demo/quality_measures_demo.json", "rb").read()
        benchmarks = json.loads(file_open("medical_coding/demo/quality_benchmarks_demo.json", "rb").read())
        for year in sorted({today.year, (today - timedelta(days=60)).year}):
            importer.import_file("quality", measures, "quality_measures_demo.json", date(year, 1, 1))
            for row in benchmarks:
                row["performanceYear"] = year
            importer.import_file(
                "quality", json.dumps(benchmarks).encode(), "quality_benchmarks_demo.json", date(year, 1, 1)
            )

    # ------------------------------------------------------------------ import

    @api.model
    def _import_quality_file(self, parsed, year):
        """Write one parsed quality file (:class:`..codesets.quality.QualityFile`) for ``year``; return the
        counts. A measure whose criteria did not change is not touched, so a re-import changes nothing."""
        counts = {"total": 0, "created": 0, "updated": 0, "unchanged": 0}
        existing = {
            m.measure_code: m for m in self.with_context(active_test=False).search([("year", "=", year)])
        }
        if parsed.layout == "benchmarks":
            for benchmark in parsed.benchmarks:
                if benchmark.year != year:
                    raise UserError(
                        _(
                            "The benchmark of measure %(measure)s is for %(found)s, not %(year)s: "
                            "nothing was imported.",
                            measure=benchmark.measure,
                            found=benchmark.year,
                            year=year,
                        )
                    )
            for benchmark in parsed.benchmarks:
                self._import_benchmark(existing, benchmark, year, counts)
            return counts
        codes = self._quality_code_ids(parsed.measures)
        for spec in parsed.measures:
            counts["total"] += 1
            measure = existing.get(spec.measure)
            values = {
                key: value
                for key, value in (
                    ("title", spec.title),
                    ("description", spec.description),
                    ("measure_type", spec.measure_type),
                    ("metric_type", spec.metric_type),
                    ("inverse", spec.inverse),
                    ("high_priority", spec.high_priority),
                )
                if value is not None
            }
            digest = _criteria_hash(spec) if spec.eligibility is not None else None
            if digest:
                values["criteria_hash"] = digest
            rewrite = bool(digest) and (not measure or measure.criteria_hash != digest)
            if measure:
                changed = {k: v for k, v in values.items() if measure[k] != v}
                if not changed:
                    counts["unchanged"] += 1
                    continue
                measure.write(changed)
                counts["updated"] += 1
            else:
                measure = self.create(dict(values, year=year, measure_code=spec.measure))
                existing[spec.measure] = measure
                counts["created"] += 1
            if rewrite:
                measure._write_criteria(spec, codes)
        counts["options"] = sum(len(m.eligibility_ids) for m in existing.values())
        counts["performance_options"] = sum(len(m.performance_ids) for m in existing.values())
        return counts

    @api.model
    def _import_benchmark(self, existing, benchmark, year, counts):
        counts["total"] += 1
        measure = existing.get(benchmark.measure)
        values = {PERCENTILE_FIELDS[p]: rate for p, rate in benchmark.percentiles.items()}
        values.update(
            has_benchmark=True,
            benchmark_year=benchmark.benchmark_year or 0,
            benchmark_average=benchmark.average or 0.0,
        )
        if not measure:
            measure = self.create(dict(values, year=year, measure_code=benchmark.measure))
            existing[benchmark.measure] = measure
            counts["created"] += 1
            return
        changed = {k: v for k, v in values.items() if measure[k] != v}
        if changed:
            measure.write(changed)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1

    @api.model
    def _quality_code_ids(self, specs):
        """``{(system, code): id}`` of the codes the measures name, creating the quality data codes and
        their modifiers that the code sets of the database lack (a QDC must be codable on a line)."""
        wanted = set()
        qdcs = {}
        for spec in specs:
            for option in spec.eligibility or ():
                wanted.update(("icd10cm", code) for code in option.diagnoses + option.diagnosis_exclusions)
                wanted.update(("proc", p.code) for p in option.procedures)
            for option in spec.performance or ():
                for qdc in option.codes:
                    qdcs.setdefault(qdc.code, spec.measure)
                    wanted.add(("proc", qdc.code))
                    wanted.update(("modifier", m) for m in qdc.modifiers)
        Code = self.env["medical.code"].with_context(active_test=False)
        self.env.cr.execute(
            "SELECT id, system, code FROM medical_code WHERE code = ANY(%s)"
            " ORDER BY date_end DESC NULLS FIRST, id",
            [list({code for _system, code in wanted})],
        )
        ids = {}
        for code_id, system, code in self.env.cr.fetchall():
            key = ("proc", code) if system in ("cpt", "hcpcs") else (system, code)
            ids.setdefault(key, code_id)
        missing = []
        for code, measure in sorted(qdcs.items()):
            if ("proc", code) not in ids:
                system = "cpt" if code[:4].isdigit() else "hcpcs"
                missing.append(
                    {
                        "system": system,
                        "code": code,
                        "name": _("Quality data code (measure %s)", measure),
                        "origin": "quality",
                    }
                )
        for code in sorted({c for s, c in wanted if s == "modifier"}):
            if ("modifier", code) not in ids:
                missing.append(
                    {
                        "system": "modifier",
                        "code": code,
                        "name": _("Quality data code modifier %s", code),
                        "origin": "quality",
                    }
                )
        for record in Code.create(missing):
            key = ("modifier", record.code) if record.system == "modifier" else ("proc", record.code)
            ids[key] = record.id
        return ids

    def _write_criteria(self, spec, codes):
        """Replace the options of ``self`` by those of ``spec``: diagnosis and procedure rows in one
        INSERT each (thousands of diagnoses per option)."""
        self.ensure_one()
        self.eligibility_ids.unlink()
        self.performance_ids.unlink()
        options = self.env["medical.quality.eligibility"].create(
            [
                {
                    "measure_id": self.id,
                    "sequence": index,
                    "option_group": option.option_group,
                    "min_age": option.min_age if option.min_age is not None else -1.0,
                    "max_age": option.max_age if option.max_age is not None else -1.0,
                    "sex": option.sex,
                }
                for index, option in enumerate(spec.eligibility)
            ]
        )
        diagnosis_rows, procedure_rows = [], []
        for record, option in zip(options, spec.eligibility, strict=True):
            for excluded, group in ((False, option.diagnoses), (True, option.diagnosis_exclusions)):
                diagnosis_rows += [
                    (record.id, code, format_code("icd10cm", code), codes.get(("icd10cm", code)), excluded)
                    for code in group
                ]
            procedure_rows += [
                (
                    record.id,
                    p.code,
                    codes.get(("proc", p.code)),
                    ",".join(p.pos_exclusions) or None,
                    ",".join(p.modifier_exclusions) or None,
                )
                for p in option.procedures
            ]
        self.env.flush_all()
        cr = self.env.cr
        if diagnosis_rows:
            cr.execute(
                """
                INSERT INTO medical_quality_diagnosis (eligibility_id, code, display_code, code_id, excluded)
                SELECT * FROM unnest(%s::int[], %s::varchar[], %s::varchar[], %s::int[], %s::bool[])
                """,
                [list(column) for column in zip(*diagnosis_rows, strict=True)],
            )
        if procedure_rows:
            cr.execute(
                """
                INSERT INTO medical_quality_procedure (eligibility_id, code, code_id, pos_exclusions,
                                                       modifier_exclusions)
                SELECT * FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::varchar[], %s::varchar[])
                """,
                [list(column) for column in zip(*procedure_rows, strict=True)],
            )
        self.env["medical.quality.diagnosis"].invalidate_model()
        self.env["medical.quality.procedure"].invalidate_model()
        self.env["medical.quality.performance"].create(
            [
                {
                    "measure_id": self.id,
                    "sequence": index,
                    "option_group": option.option_group,
                    "kind": option.kind,
                    "qdc_ids": [
                        (
                            0,
                            0,
                            {
                                "sequence": n,
                                "code": qdc.code,
                                "code_id": codes.get(("proc", qdc.code)),
                                "modifiers": ",".join(qdc.modifiers) or False,
                            },
                        )
                        for n, qdc in enumerate(option.codes)
                    ],
                }
                for index, option in enumerate(spec.performance)
            ]
        )


def _criteria_hash(spec):
    """A digest of a measure's criteria as read: equal digests, nothing to rewrite."""
    payload = json.dumps(
        [
            [
                [o.option_group, o.min_age, o.max_age, o.sex, o.diagnoses, o.diagnosis_exclusions]
                + [[p.code, p.pos_exclusions, p.modifier_exclusions] for p in o.procedures]
                for o in spec.eligibility
            ],
            [[o.option_group, o.kind, [[q.code, q.modifiers] for q in o.codes]] for o in spec.performance],
        ],
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


class MedicalQualityEligibility(models.Model):
    """One eligibility option: the encounter is in the measure's population when every criterion holds."""

    _name = "medical.quality.eligibility"
    _description = "Quality Measure Eligibility Option"
    _order = "measure_id, sequence, id"

    measure_id = fields.Many2one("medical.quality.measure", required=True, index=True, ondelete="cascade")
    year = fields.Integer(related="measure_id.year", store=True)
    sequence = fields.Integer()
    option_group = fields.Char(required=True)
    min_age = fields.Float(string="Minimum Age", default=-1.0, help="-1: no lower bound.")
    max_age = fields.Float(string="Maximum Age", default=-1.0, help="-1: no upper bound.")
    sex = fields.Selection([("F", "Female"), ("M", "Male")])
    diagnosis_ids = fields.One2many(
        "medical.quality.diagnosis", "eligibility_id", string="Diagnoses", domain=[("excluded", "=", False)]
    )
    exclusion_ids = fields.One2many(
        "medical.quality.diagnosis",
        "eligibility_id",
        string="Excluded Diagnoses",
        domain=[("excluded", "=", True)],
    )
    procedure_ids = fields.One2many("medical.quality.procedure", "eligibility_id", string="Encounter Codes")
    diagnosis_count = fields.Integer(compute="_compute_counts")
    exclusion_count = fields.Integer(compute="_compute_counts")
    procedure_count = fields.Integer(compute="_compute_counts")

    @api.depends("diagnosis_ids", "exclusion_ids", "procedure_ids")
    def _compute_counts(self):
        for option in self:
            option.diagnosis_count = len(option.diagnosis_ids)
            option.exclusion_count = len(option.exclusion_ids)
            option.procedure_count = len(option.procedure_ids)


class MedicalQualityDiagnosis(models.Model):
    _name = "medical.quality.diagnosis"
    _description = "Quality Measure Diagnosis Criterion"
    _order = "eligibility_id, code"
    _rec_name = "display_code"

    eligibility_id = fields.Many2one(
        "medical.quality.eligibility", required=True, index=True, ondelete="cascade"
    )
    code = fields.Char(required=True, index=True, help="ICD-10-CM code without its dot.")
    display_code = fields.Char(string="Diagnosis")
    code_id = fields.Many2one(
        "medical.code",
        string="Linked Code",
        ondelete="set null",
        help="The code, when the code set holds it.",
    )
    excluded = fields.Boolean(help="A diagnosis that keeps the encounter out of the measure.")


class MedicalQualityProcedure(models.Model):
    _name = "medical.quality.procedure"
    _description = "Quality Measure Encounter Code"
    _order = "eligibility_id, code"
    _rec_name = "code"

    eligibility_id = fields.Many2one(
        "medical.quality.eligibility", required=True, index=True, ondelete="cascade"
    )
    code = fields.Char(required=True, index=True)
    code_id = fields.Many2one(
        "medical.code",
        string="Linked Code",
        ondelete="set null",
        help="The code, when the code set holds it.",
    )
    pos_exclusions = fields.Char(string="Excluded Places of Service", help="Comma-separated, e.g. 02,10.")
    modifier_exclusions = fields.Char(string="Excluded Modifiers", help="Comma-separated, e.g. GQ,GT.")


class MedicalQualityPerformance(models.Model):
    """One way of reporting the outcome: the quality data codes (with modifiers) that go on the claim."""

    _name = "medical.quality.performance"
    _description = "Quality Measure Performance Option"
    _order = "measure_id, sequence, id"

    measure_id = fields.Many2one("medical.quality.measure", required=True, index=True, ondelete="cascade")
    year = fields.Integer(related="measure_id.year", store=True)
    sequence = fields.Integer()
    option_group = fields.Char(required=True)
    kind = fields.Selection(PERFORMANCE_KINDS, required=True)
    qdc_ids = fields.One2many("medical.quality.qdc", "performance_id", string="Quality Data Codes")
    qdc_label = fields.Char(string="Codes", compute="_compute_qdc_label")

    @api.depends("qdc_ids.code", "qdc_ids.modifiers", "qdc_ids.code_id.name")
    def _compute_qdc_label(self):
        for option in self:
            option.qdc_label = " + ".join(option.qdc_ids.mapped("label"))

    @api.depends("measure_id", "kind", "qdc_label")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for option in self:
            option.display_name = f"{kinds.get(option.kind, '')}: {option.qdc_label or ''}"


class MedicalQualityQdc(models.Model):
    _name = "medical.quality.qdc"
    _description = "Quality Data Code"
    _order = "performance_id, sequence, id"
    _rec_name = "code"

    performance_id = fields.Many2one(
        "medical.quality.performance", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    code = fields.Char(required=True, index=True)
    code_id = fields.Many2one("medical.code", string="Linked Code", ondelete="restrict")
    modifiers = fields.Char(help="Modifiers the code is reported with, comma-separated (e.g. 8P).")
    label = fields.Char(compute="_compute_label")

    @api.depends("code", "modifiers", "code_id.name")
    def _compute_label(self):
        for qdc in self:
            code = "-".join([qdc.code, *(qdc.modifiers or "").split(",")]).rstrip("-")
            qdc.label = f"{code} {qdc.code_id.name or ''}".strip()


class MedicalCode(models.Model):
    _inherit = "medical.code"

    @api.model
    def _quality_code_ids(self, code_ids):
        """The ids among ``code_ids`` that are quality data codes of a measure (of any year), in one query:
        their lines are billed at 0.00."""
        if not code_ids:
            return set()
        self.env["medical.quality.qdc"].flush_model(["code_id"])
        self.env.cr.execute(
            "SELECT DISTINCT code_id FROM medical_quality_qdc WHERE code_id = ANY(%s)", [list(code_ids)]
        )
        return {row[0] for row in self.env.cr.fetchall()}
