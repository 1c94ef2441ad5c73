# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""CMS MIPS claims quality measures, from the JSON files of ``CMSgov/qpp-measures-data``.

Three layouts, told apart by their content (any order of import works, each completes the measures of
the year):

- the claims "single source" (``qpp-single-source-<year>.json``): ``{"001": {"measureId": "001",
  "eligibilityOptions": [...], "performanceOptions": [...]}, ...}``, the criteria;
- the measures data (``measures-data-<year>-claims.json``, or ``measures-data.json``): a list of
  ``{"measureId", "title", "description", "measureType", "isInverse", "isHighPriority", ...}`` (the
  criteria it may carry too are read as well, when the list holds them);
- the benchmarks (``benchmarks-<year>-claims.json``, ``benchmarks/<year>.json``): a list of
  ``{"measureId", "performanceYear", "submissionMethod", "percentiles": {"1": .., "10": .., ...},
  "averagePerformanceRate"}``; only the ``claims`` rows are read.

Codes are returned as this suite keeps them: ICD-10-CM without its dot (``E11.9`` -> ``E119``),
procedure and quality codes upper case. Every problem raises :class:`~.errors.CodeFileError` naming the
measure and option concerned (or the JSON line when the file is not JSON).
"""

import json
import re
from dataclasses import dataclass, field

from .common import shown
from .errors import CodeFileError

OPTION_KINDS = {
    "performanceMet": "met",
    "performanceNotMet": "not_met",
    "eligiblePopulationException": "exception",
    "eligiblePopulationExclusion": "exclusion",
}
#: the benchmark percentiles CMS publishes (1st, each decile, 99th)
PERCENTILES = (1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99)
MEASURE_RE = re.compile(r"[0-9A-Z]{3,8}")
CODE_RE = re.compile(r"[0-9A-Z]{1,8}")
DIAGNOSIS_RE = re.compile(r"[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?")
POS_RE = re.compile(r"\d{2}")
MODIFIER_RE = re.compile(r"[0-9A-Z]{2}")
PERCENTILE_RE = re.compile(r"[0-9]{1,2}")


@dataclass
class ProcedureCriterion:
    """An encounter code of an eligibility option, with the places of service and modifiers that keep a
    line of it out of the measure."""

    code: str
    pos_exclusions: tuple = ()
    modifier_exclusions: tuple = ()


@dataclass
class EligibilityOption:
    option_group: str
    min_age: float | None = None
    max_age: float | None = None
    sex: str | None = None
    diagnoses: tuple = ()
    diagnosis_exclusions: tuple = ()
    procedures: tuple = ()


@dataclass
class QualityCode:
    """A quality data code (CPT Category II or HCPCS G-code) with the modifiers it is reported with."""

    code: str
    modifiers: tuple = ()


@dataclass
class PerformanceOption:
    option_group: str
    kind: str
    codes: tuple = ()


@dataclass
class MeasureSpec:
    """What one file tells of a measure; ``None`` where the file says nothing (another file tells it)."""

    measure: str
    title: str | None = None
    description: str | None = None
    measure_type: str | None = None
    metric_type: str | None = None
    inverse: bool | None = None
    high_priority: bool | None = None
    eligibility: list | None = None
    performance: list | None = None


@dataclass
class Benchmark:
    measure: str
    year: int
    benchmark_year: int | None
    percentiles: dict
    average: float | None = None
    inverse: bool | None = None


@dataclass
class QualityFile:
    layout: str  # "single-source", "measures" or "benchmarks"
    measures: list = field(default_factory=list)
    benchmarks: list = field(default_factory=list)

    @property
    def label(self):
        return {
            "single-source": "claims single source",
            "measures": "measures data",
            "benchmarks": "benchmarks",
        }[self.layout]


def parse(data, filename=None):
    """Read one quality JSON file (bytes); return a :class:`QualityFile`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodeFileError(0, "the file is not UTF-8 text (a JSON file of CMS's qpp-measures-data)") from exc
    try:
        content = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CodeFileError(exc.lineno, f"the file is not valid JSON: {exc.msg}") from exc
    except ValueError as exc:  # a number of more than 4,300 digits
        raise CodeFileError(0, "the file holds a number too long to be read") from exc
    except RecursionError as exc:
        raise CodeFileError(0, "the file nests its values too deeply to be a measures file") from exc
    if isinstance(content, dict):
        measures = [_measure(key, value, criteria=True) for key, value in content.items()]
        return QualityFile("single-source", measures=_unique(measures))
    if not isinstance(content, list) or not content:
        raise CodeFileError(0, "the file holds no measure (expected the CMS quality measures JSON)")
    for index, item in enumerate(content, 1):
        if not isinstance(item, dict) or "measureId" not in item:
            raise CodeFileError(0, f"entry {index} of the list is not a measure (no measureId)")
    if all("percentiles" in item or "performanceYear" in item for item in content):
        rows = [item for item in content if (item.get("submissionMethod") or "claims") == "claims"]
        return QualityFile("benchmarks", benchmarks=[_benchmark(item) for item in rows])
    measures = [_measure(item["measureId"], item, criteria="eligibilityOptions" in item) for item in content]
    return QualityFile("measures", measures=_unique(measures))


def _unique(measures):
    seen = set()
    for spec in measures:
        if spec.measure in seen:
            raise CodeFileError(0, f"measure {spec.measure} appears twice")
        seen.add(spec.measure)
    return measures


def _measure_id(value):
    measure = str(value or "").strip().upper()
    if not MEASURE_RE.fullmatch(measure):
        raise CodeFileError(0, f"{shown(value)} is not a quality measure id like 001 or 128")
    return measure


def _measure(key, item, criteria):
    if not isinstance(item, dict):
        raise CodeFileError(0, f"measure {shown(key)}: not a JSON object")
    measure = _measure_id(item.get("measureId", key))
    if str(key) != str(item.get("measureId", key)):
        raise CodeFileError(
            0, f"measure {shown(key)[1:-1]}: its measureId says {shown(item['measureId'])[1:-1]}"
        )
    spec = MeasureSpec(
        measure,
        title=_text(item.get("title")),
        description=_text(item.get("description")),
        measure_type=_text(item.get("measureType")),
        metric_type=_text(item.get("metricType")),
        inverse=_flag(item, "isInverse", measure),
        high_priority=_flag(item, "isHighPriority", measure),
    )
    if criteria:
        eligibility = item.get("eligibilityOptions")
        performance = item.get("performanceOptions")
        if not isinstance(eligibility, list) or not eligibility:
            raise CodeFileError(0, f"measure {measure}: no eligibilityOptions")
        if not isinstance(performance, list) or not performance:
            raise CodeFileError(0, f"measure {measure}: no performanceOptions")
        spec.eligibility = [_eligibility(measure, n, o) for n, o in enumerate(eligibility, 1)]
        spec.performance = [_performance(measure, n, o) for n, o in enumerate(performance, 1)]
        groups = {o.option_group for o in spec.eligibility}
        for n, option in enumerate(spec.performance, 1):
            if option.option_group not in groups:
                raise CodeFileError(
                    0,
                    f"measure {measure}, performance option {n}: option group {option.option_group} "
                    "has no eligibility option",
                )
    return spec


def _text(value):
    return " ".join(str(value).split()) if value not in (None, "") else None


def _flag(item, key, measure):
    value = item.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise CodeFileError(0, f"measure {measure}: {key} is not true or false")


def _age(option, key, where):
    value = option.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 150:
        raise CodeFileError(0, f"{where}: {key} {shown(value)} is not an age in years")
    return float(value)


def _codes(values, where, key, pattern, strip_dot=False):
    if values is None:
        return ()
    if not isinstance(values, list):
        raise CodeFileError(0, f"{where}: {key} is not a list")
    codes = []
    for value in values:
        code = str(value or "").strip().upper()
        if not pattern.fullmatch(code):
            raise CodeFileError(0, f"{where}: {key} holds {shown(value)}, which is not a code")
        codes.append(code.replace(".", "") if strip_dot else code)
    return tuple(dict.fromkeys(codes))


def _eligibility(measure, number, option):
    where = f"measure {measure}, eligibility option {number}"
    if not isinstance(option, dict):
        raise CodeFileError(0, f"{where}: not a JSON object")
    min_age, max_age = _age(option, "minAge", where), _age(option, "maxAge", where)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise CodeFileError(0, f"{where}: minAge {min_age:g} is above maxAge {max_age:g}")
    sex = option.get("sexCode")
    if sex not in (None, "M", "F"):
        raise CodeFileError(0, f"{where}: sexCode {shown(sex)} is neither M nor F")
    procedures = option.get("procedureCodes")
    if not isinstance(procedures, list) or not procedures:
        raise CodeFileError(0, f"{where}: no procedureCodes")
    criteria = {}
    for entry in procedures:
        if not isinstance(entry, dict):
            raise CodeFileError(0, f"{where}: a procedure code is not a JSON object")
        code = _codes([entry.get("code")], where, "procedureCodes", CODE_RE)[0]
        criteria[code] = ProcedureCriterion(
            code,
            _codes(entry.get("placesOfServiceExclusions"), where, "placesOfServiceExclusions", POS_RE),
            _codes(entry.get("modifierExclusions"), where, "modifierExclusions", MODIFIER_RE),
        )
    return EligibilityOption(
        option_group=_group(option, where),
        min_age=min_age,
        max_age=max_age,
        sex=sex,
        diagnoses=_codes(option.get("diagnosisCodes"), where, "diagnosisCodes", DIAGNOSIS_RE, True),
        diagnosis_exclusions=_codes(
            option.get("diagnosisExclusionCodes"), where, "diagnosisExclusionCodes", DIAGNOSIS_RE, True
        ),
        procedures=tuple(criteria.values()),
    )


def _group(option, where):
    group = str(option.get("optionGroup") or "").strip()
    if not group or len(group) > 8:
        raise CodeFileError(0, f"{where}: no optionGroup")
    return group


def _performance(measure, number, option):
    where = f"measure {measure}, performance option {number}"
    if not isinstance(option, dict):
        raise CodeFileError(0, f"{where}: not a JSON object")
    kind = OPTION_KINDS.get(option.get("optionType"))
    if not kind:
        raise CodeFileError(
            0,
            f"{where}: optionType {shown(option.get('optionType'))} is not one of {', '.join(OPTION_KINDS)}",
        )
    codes = option.get("qualityCodes")
    if not isinstance(codes, list) or not codes:
        raise CodeFileError(0, f"{where}: no qualityCodes")
    quality = []
    for entry in codes:
        if not isinstance(entry, dict):
            raise CodeFileError(0, f"{where}: a quality code is not a JSON object")
        code = _codes([entry.get("code")], where, "qualityCodes", CODE_RE)[0]
        quality.append(QualityCode(code, _codes(entry.get("modifiers"), where, "modifiers", MODIFIER_RE)))
    return PerformanceOption(_group(option, where), kind, tuple(quality))


def _benchmark(item):
    measure = _measure_id(item.get("measureId"))
    where = f"benchmark of measure {measure}"
    year = item.get("performanceYear")
    if not isinstance(year, int) or isinstance(year, bool):
        raise CodeFileError(0, f"{where}: no performanceYear")
    raw = item.get("percentiles") or {}
    if not isinstance(raw, dict):
        raise CodeFileError(0, f"{where}: percentiles is not an object")
    percentiles = {}
    for key, value in raw.items():
        if not PERCENTILE_RE.fullmatch(str(key)) or int(key) not in PERCENTILES:
            raise CodeFileError(0, f"{where}: unknown percentile {shown(key)}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise CodeFileError(0, f"{where}: percentile {key} {shown(value)} is not a rate from 0 to 100")
        percentiles[int(key)] = float(value)
    average = item.get("averagePerformanceRate")
    if average is not None and (
        isinstance(average, bool) or not isinstance(average, int | float) or not 0 <= average <= 100
    ):
        raise CodeFileError(0, f"{where}: averagePerformanceRate is not a number")
    return Benchmark(
        measure,
        year,
        item.get("benchmarkYear") if isinstance(item.get("benchmarkYear"), int) else None,
        percentiles,
        float(average) if average is not None else None,
        _flag(item, "isInverse", measure),
    )
