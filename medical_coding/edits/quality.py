# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""MIPS claims quality measures at coding time: plain values in, outcomes and findings out. No Odoo import.

A measure applies to an encounter when every criterion of one of its eligibility options holds: the
patient's age on the date of service (completed years) within the bounds, the sex when the option names
one, a diagnosis of the option's list (when it has one) and none of its excluded diagnoses, and a
procedure line of one of its encounter codes whose place of service and modifiers are not excluded.

The encounter reports the measure when its lines hold every quality data code (with its modifiers) of a
performance option of an eligible option group. Otherwise the coder is prompted (``QUALITY_MISSING``),
unless the measure is reported once per patient and year and that patient's outcome is already on a
claim of the same provider (``reported``). A quality data code line that answers no measure the encounter
is eligible for is flagged (``QUALITY_STRAY``). Both are warnings: they never block the claim.
"""

from dataclasses import dataclass, field
from datetime import date

from .engine import LETTERS, Finding

#: the edit codes of the quality findings (titles and severities in :data:`.engine.EDITS`)
QUALITY_EDITS = ("QUALITY_MISSING", "QUALITY_STRAY")

KIND_LABELS = {
    "met": "performance met",
    "not_met": "performance not met",
    "exception": "denominator exception",
    "exclusion": "population exclusion",
}
#: when a patient's encounters of a year report different outcomes, the one that counts
OUTCOME_PRIORITY = ("exclusion", "exception", "met", "not_met")


@dataclass(frozen=True)
class Qdc:
    code: str
    modifiers: tuple = ()
    code_id: int | None = None
    name: str | None = None

    @property
    def label(self):
        code = "-".join((self.code, *self.modifiers))
        return f"{code} {self.name}" if self.name else code


@dataclass(frozen=True)
class Performance:
    id: int
    group: str
    kind: str
    qdcs: tuple = ()

    @property
    def label(self):
        return f"{KIND_LABELS.get(self.kind, self.kind)}: " + " + ".join(q.label for q in self.qdcs)


@dataclass
class Eligibility:
    group: str
    min_age: float | None = None  # None or negative: no bound
    max_age: float | None = None
    sex: str | None = None  # "M", "F" or None
    diagnoses: frozenset = frozenset()  # ICD-10-CM codes without dot; empty: any diagnosis
    exclusions: frozenset = frozenset()
    procedures: dict = field(default_factory=dict)  # code -> (excluded POS, excluded modifiers)


@dataclass
class Measure:
    id: int
    code: str
    title: str
    year: int
    inverse: bool = False
    per_patient: bool = True
    eligibility: list = field(default_factory=list)
    performance: list = field(default_factory=list)

    @property
    def qdc_codes(self):
        return {q.code for option in self.performance for q in option.qdcs}


@dataclass
class Line:
    id: int
    code: str
    modifiers: tuple = ()
    pointers: str = ""


@dataclass
class Visit:
    """An encounter as the quality engine needs it. ``sex``: "M", "F" or None; ``diagnoses``: codes
    without dot in claim order (A first); ``pos``: the place of service of its lines."""

    id: int
    date_service: date
    birthdate: date | None = None
    sex: str | None = None
    pos: str | None = None
    diagnoses: tuple = ()
    lines: tuple = ()
    patient: object = None
    provider: object = None


@dataclass
class Outcome:
    """A measure the visit is eligible for: the option groups, the reported option (or None), the
    pointer a quality data code line takes, and whether a prompt is due."""

    visit_id: int
    measure: Measure
    groups: tuple
    reported: Performance | None = None
    pointer: str = "A"
    prompt: bool = False

    @property
    def kind(self):
        return self.reported.kind if self.reported else "not_reported"

    @property
    def options(self):
        """The performance options of the eligible groups, each once (codes and kind)."""
        seen, options = set(), []
        for option in self.measure.performance:
            key = (option.kind, tuple((q.code, q.modifiers) for q in option.qdcs))
            if option.group in self.groups and key not in seen:
                seen.add(key)
                options.append(option)
        return options


@dataclass(frozen=True)
class QualityFinding(Finding):
    measure_id: int | None = None


def age_on(birthdate, day):
    """Completed years on ``day``, or None without a birth date."""
    if not birthdate:
        return None
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))


def option_holds(option, visit, age):
    """The line id and pointer when ``option`` holds for ``visit``, else None."""
    if option.min_age is not None and option.min_age >= 0 and (age is None or age < option.min_age):
        return None
    if option.max_age is not None and option.max_age >= 0 and (age is None or age > option.max_age):
        return None
    if option.sex and visit.sex != option.sex:
        return None
    if any(code in option.exclusions for code in visit.diagnoses):
        return None
    pointer = None
    if option.diagnoses:
        index = next((i for i, code in enumerate(visit.diagnoses) if code in option.diagnoses), None)
        if index is None:
            return None
        pointer = LETTERS[index] if index < len(LETTERS) else None
    for line in visit.lines:
        excluded = option.procedures.get(line.code)
        if excluded is None:
            continue
        places, modifiers = excluded
        if visit.pos in places or modifiers.intersection(line.modifiers):
            continue
        return line, pointer or (line.pointers or "A")[:1]
    return None


def reported_option(measure, groups, visit):
    """The performance option of ``groups`` whose quality data codes are all on the visit's lines (the one
    with most codes when several are), else None."""
    on_claim = {(line.code, frozenset(line.modifiers)) for line in visit.lines}
    best = None
    for option in measure.performance:
        if option.group not in groups or not option.qdcs:
            continue
        if all((q.code, frozenset(q.modifiers)) in on_claim for q in option.qdcs) and (
            best is None or len(option.qdcs) > len(best.qdcs)
        ):
            best = option
    return best


def evaluate(visits, measures, reported=frozenset()):
    """The outcomes of ``visits`` for ``measures`` (of the visits' years) and the findings.

    ``reported``: ``{(patient, provider, measure id)}`` whose outcome of the year is already on a claim;
    a patient-based measure does not prompt for them. Returns ``(outcomes, findings)``.
    """
    by_year = {}
    for measure in measures:
        by_year.setdefault(measure.year, []).append(measure)
    outcomes, findings = [], []
    for visit in visits:
        year_measures = by_year.get(visit.date_service.year, [])
        visit_outcomes = [o for o in (_outcome(visit, m, reported) for m in year_measures) if o]
        outcomes += visit_outcomes
        findings += [_prompt(o) for o in visit_outcomes if o.prompt]
        findings += _strays(visit, year_measures, visit_outcomes)
    return outcomes, findings


def _outcome(visit, measure, reported):
    age = age_on(visit.birthdate, visit.date_service)
    groups, pointer = [], None
    for option in measure.eligibility:
        held = option_holds(option, visit, age)
        if held and option.group not in groups:
            groups.append(option.group)
            pointer = pointer or held[1]
    if not groups:
        return None
    outcome = Outcome(
        visit.id, measure, tuple(groups), reported_option(measure, groups, visit), pointer or "A"
    )
    outcome.prompt = outcome.reported is None and not (
        measure.per_patient and (visit.patient, visit.provider, measure.id) in reported
    )
    return outcome


def _prompt(outcome):
    measure = outcome.measure
    choices = "; ".join(option.label for option in outcome.options)
    message = (
        f"Quality measure {measure.code} ({measure.title}) applies to this visit and no quality data "
        f"code reports it. Report one of: {choices}."
    )
    return QualityFinding(outcome.visit_id, "QUALITY_MISSING", message, measure_id=measure.id)


def _strays(visit, measures, outcomes):
    """Quality data code lines that answer no measure the visit is eligible for."""
    all_qdcs = set().union(*(m.qdc_codes for m in measures)) if measures else set()
    answered = set()
    for outcome in outcomes:
        for option in outcome.measure.performance:
            if option.group in outcome.groups:
                answered.update(q.code for q in option.qdcs)
    findings = []
    for line in visit.lines:
        if line.code in all_qdcs and line.code not in answered:
            findings.append(
                QualityFinding(
                    visit.id,
                    "QUALITY_STRAY",
                    f"Quality data code {line.code} reports a measure this visit is not eligible for "
                    "(age, sex, diagnoses, encounter code or place of service): remove it or correct the "
                    "coding.",
                    procedure_id=line.id,
                    code=line.code,
                )
            )
    return findings


def patient_outcome(kinds):
    """The outcome of a patient-based measure from the kinds of the patient's encounters of the year."""
    for kind in OUTCOME_PRIORITY:
        if kind in kinds:
            return kind
    return "not_reported"


def decile(rate, percentiles, inverse=False):
    """The benchmark decile (1-10) of ``rate`` (0-100) against ``percentiles`` ({10: .., ..., 90: ..}):
    decile 10 at or beyond the 90th percentile; for an inverse measure (lower is better) the scale is
    turned over."""
    steps = [percentiles.get(p) for p in (10, 20, 30, 40, 50, 60, 70, 80, 90)]
    if inverse:
        return 1 + sum(1 for value in steps if value is not None and rate <= value)
    return 1 + sum(1 for value in steps if value is not None and rate >= value)
