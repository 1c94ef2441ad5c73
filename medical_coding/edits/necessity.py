# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Medical necessity and frequency edits: coverage policies as plain data, evaluated on encounter lines.

No Odoo import. ``medical.coverage.policy`` records are turned into :class:`Policy` values by the model;
``medical.encounter.action_check`` calls :func:`check` with the encounters' :class:`engine.EncounterData`,
the patients' age and sex, each encounter's payer and the patients' history of billed services.

Code lists (procedures and diagnoses) are written as in coverage articles, separated by commas, spaces
or semicolons; each item is one of:

* a code, ``J44.9`` or ``94010`` (dots and case do not matter);
* a code and everything below it, ``E11*`` (E11, E11.9, E11.65...);
* an inclusive range, ``G0101-G0105`` or ``I10-I16``: the bounds compare as text on codes of the
  same kind; a code below the upper bound (``I16.1`` under ``I16``) is inside the range.

A rule's diagnoses are covered when a procedure line points to a *covered* diagnosis, or to both
diagnoses of one *pair* ("covered only together with": ``M81.0+Z79.3``); a pointed *non-covered*
diagnosis makes the line not covered whatever else it points to. A rule without covered diagnoses or
pairs covers any diagnosis that is not listed as non-covered.

Frequency: at most ``units`` per patient within a window of ``window`` days or calendar months.
With days, a service on day D counts until D + window - 1 (the next one is covered from D + window).
With calendar months (Medicare's counting, e.g. "at least 11 full months after the month of the last
annual wellness visit"), a service in month M counts until the end of month M + window - 1 (the next one
is covered from the first day of month M + window).

Messages are written for the coder and name codes; they must never be logged.

Over 500 lines: the policy data (code lists, rules, policies) and the checks that read them are one rule
language, documented above; each check is a small function beside the rule field it gives meaning to.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from . import dme, engine

#: the edit codes of this module (their titles and severities are in engine.EDITS, with the others)
EDITS = {code: engine.EDITS[code] for code in engine.EDITS if code.startswith("NEC_")}

#: the edit codes a resolution (ABN, self-pay) turns into a warning
RESOLVABLE = frozenset({"NEC_DX_NOT_COVERED", "NEC_AGE", "NEC_SEX", "NEC_FREQUENCY"})

SEXES = {"male": "male", "female": "female", "m": "male", "f": "female"}
PERIODS = ("days", "months")
PAYER_CLASSES = ("medicare", "medicaid", "commercial", "any")
DOCUMENTS = {"prior_auth": "a prior authorization", "cmn": "a certificate of medical necessity"}

_SPLIT_RE = re.compile(r"[\s,;]+")
_CODE_RE = re.compile(r"^[A-Z0-9]{2,8}$")


class PolicyError(ValueError):
    """A policy rule that cannot be read (bad code list, unknown sex, period...)."""


def normalize_code(code):
    """A code as the engine compares it: upper case, without dot or blanks."""
    return (code or "").replace(".", "").replace(" ", "").upper()


@dataclass(frozen=True)
class CodeSpec:
    """One item of a code list: a code (``start`` only), a code and its children (``prefix``) or a range."""

    start: str
    end: str | None = None
    prefix: bool = False
    text: str = ""

    def matches(self, code):
        code = normalize_code(code)
        if self.prefix:
            return code.startswith(self.start)
        if self.end is None:
            return code == self.start
        if len(code) < len(self.start) and not self.start.startswith(code):
            return False
        return self.start <= code and (code <= self.end or code.startswith(self.end))

    def __str__(self):
        return self.text


def parse_codes(text):
    """A list of :class:`CodeSpec` from ``text`` (see the module's docstring); raises :class:`PolicyError`."""
    specs = []
    for item in _SPLIT_RE.split((text or "").strip()):
        if not item:
            continue
        raw = item
        item = item.upper().replace(".", "")
        if item.endswith("*"):
            start = item[:-1]
            _check_code(start, raw)
            specs.append(CodeSpec(start, prefix=True, text=raw))
        elif "-" in item:
            start, _dash, end = item.partition("-")
            _check_code(start, raw)
            _check_code(end, raw)
            if end < start:
                raise PolicyError(f"the range {raw} ends before it starts")
            specs.append(CodeSpec(start, end, text=raw))
        else:
            _check_code(item, raw)
            specs.append(CodeSpec(item, text=raw))
    return tuple(specs)


def parse_pairs(text):
    """Pairs ``A+B`` (each side a code list item) separated by commas, spaces or semicolons."""
    pairs = []
    for item in _SPLIT_RE.split((text or "").strip()):
        if not item:
            continue
        first, plus, second = item.partition("+")
        if not plus or not first or not second:
            raise PolicyError(f"{item} is not a pair of diagnoses written A+B")
        pairs.append((parse_codes(first)[0], parse_codes(second)[0]))
    return tuple(pairs)


def _check_code(code, raw):
    if not _CODE_RE.match(code):
        raise PolicyError(f"{raw} is not a code, a code followed by *, or a range of codes")


def _any(specs, code):
    return any(spec.matches(code) for spec in specs)


@dataclass(frozen=True)
class Rule:
    """One rule line of a policy: what a procedure needs to be covered."""

    procedures: tuple
    covered: tuple = ()
    pairs: tuple = ()
    non_covered: tuple = ()
    age_min: int | None = None
    age_max: int | None = None
    sex: str | None = None
    frequency_units: float = 0.0
    frequency_window: int = 0
    frequency_period: str = "days"
    modifiers: tuple = ()
    documents: tuple = ()
    capped_rental: bool = False
    id: int | None = None

    def __post_init__(self):
        if self.sex is not None and self.sex not in ("male", "female"):
            raise PolicyError(f"the sex limit is male or female, not {self.sex}")
        if self.frequency_period not in PERIODS:
            raise PolicyError(f"a frequency window counts days or months, not {self.frequency_period}")
        if self.frequency_units and self.frequency_window <= 0:
            raise PolicyError("a frequency limit needs a window of at least one day or month")
        unknown = set(self.documents) - set(DOCUMENTS)
        if unknown:
            raise PolicyError(f"unknown documentation {', '.join(sorted(unknown))}")

    def applies_to(self, code):
        return _any(self.procedures, code)

    @property
    def limits_diagnoses(self):
        return bool(self.covered or self.pairs)


@dataclass(frozen=True)
class Policy:
    """A coverage policy (NCD, LCD/article or payer policy) with its rules."""

    reference: str
    title: str = ""
    rules: tuple = ()
    date_start: date | None = None
    date_end: date | None = None
    payer_class: str = "medicare"
    payer_ids: frozenset = frozenset()
    id: int | None = None
    company_id: int | None = None

    def in_force(self, day):
        return (self.date_start is None or self.date_start <= day) and (
            self.date_end is None or day <= self.date_end
        )

    def applies_to_payer(self, payer):
        """``payer`` is a :class:`Payer` (``Payer(None, None)``: no payer, self-pay) or None (unknown: every
        policy applies)."""
        if payer is None:
            return True
        if payer.id is None:
            return False
        if self.payer_ids:
            return payer.id in self.payer_ids
        return self.payer_class == "any" or self.payer_class == payer.payer_class


@dataclass(frozen=True)
class Payer:
    id: int | None
    payer_class: str | None


@dataclass(frozen=True)
class Patient:
    birthdate: date | None = None
    sex: str | None = None


@dataclass(frozen=True)
class Service:
    """A service of the patient's history: a procedure billed on a claim submitted or paid."""

    patient: object
    code: str
    date: date
    units: float = 1.0
    encounter_id: int | None = None
    modifiers: tuple = ()


# ---------------------------------------------------------------------------------------- dates


def add_months(day, months):
    """``day`` moved by ``months`` calendar months, the day clamped to the month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def covered_again(day, window, period):
    """The first date a service done on ``day`` no longer counts in a window of ``window`` ``period``."""
    if period == "days":
        return day + timedelta(days=window)
    return add_months(day.replace(day=1), window)


def age_on(birthdate, day):
    """Age in whole years on ``day``."""
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))


# ---------------------------------------------------------------------------------------- check


def relevant_codes(policies):
    """Every procedure code spec of ``policies``: the caller reads the history of matching codes only."""
    return tuple(spec for policy in policies for rule in policy.rules for spec in rule.procedures)


def frequency_codes(policies, codes):
    """The codes among ``codes`` whose history some rule of ``policies`` needs: limited in frequency, or
    capped rentals."""
    return {
        code
        for code in codes
        for policy in policies
        for rule in policy.rules
        if (rule.frequency_units or rule.capped_rental) and rule.applies_to(code)
    }


def check(
    encounters,
    policies,
    patients=None,
    payers=None,
    history=(),
    resolutions=None,
    prior_auth=None,
    companies=None,
):
    """The necessity findings of ``encounters`` (those with ``check`` set).

    :param policies: list of :class:`Policy`
    :param patients: mapping patient -> :class:`Patient`
    :param payers: mapping encounter id -> :class:`Payer` (missing: payer unknown, every policy applies)
    :param history: iterable of :class:`Service` of the patients, other encounters than ``encounters``
    :param resolutions: mapping procedure line id -> ``"abn"`` or ``"self_pay"``
    :param prior_auth: set of encounter ids that carry a prior authorization
    :param companies: mapping encounter id -> company id; a policy with a company applies to that company's
        encounters only
    :return: list of :class:`engine.Finding`
    """
    patients = patients or {}
    payers = payers or {}
    resolutions = resolutions or {}
    prior_auth = prior_auth or set()
    companies = companies or {}
    past = defaultdict(list)
    given = {enc.id for enc in encounters}
    for service in history:
        if service.encounter_id in given:
            continue
        past[(service.patient, normalize_code(service.code))].append(service)
    # the other encounters given count as history too, when earlier than the one checked
    for enc in encounters:
        for line in enc.procedures:
            past[(enc.patient, normalize_code(line.code.code))].append(
                Service(
                    enc.patient,
                    line.code.code,
                    enc.date_service,
                    line.units or 0,
                    enc.id,
                    line.modifier_codes,
                )
            )
    findings = []
    for enc in encounters:
        if not enc.check:
            continue
        payer = payers.get(enc.id)
        company = companies.get(enc.id)
        in_force = [
            p
            for p in policies
            if p.in_force(enc.date_service)
            and p.applies_to_payer(payer)
            and (p.company_id is None or p.company_id == company)
        ]
        if not in_force:
            continue
        patient = patients.get(enc.patient) or Patient()
        for number, line in enumerate(engine.ordered(enc.procedures), start=1):
            line_findings = []
            for policy in in_force:
                for rule in policy.rules:
                    if rule.applies_to(line.code.code):
                        line_findings.extend(
                            _check_line(enc, number, line, policy, rule, patient, past, enc.id in prior_auth)
                        )
            findings.extend(_resolve(line_findings, resolutions.get(line.id)))
    return findings


#: resolution of a line -> (edit code of its warning, what happens to the line)
RESOLUTIONS = {
    "abn": ("NEC_ABN", "The patient signed an ABN: the line is billed with modifier GA."),
    "abn_voluntary": (
        "NEC_ABN",
        "Voluntary ABN for a service Medicare never covers: the line is billed with modifier GX.",
    ),
    "no_abn": (
        "NEC_NO_ABN",
        "Billed without ABN, with modifier GZ: a denial is written off, never billed to the patient.",
    ),
    "self_pay": ("NEC_SELF_PAY", "Not billed to the payer: the patient pays it (self-pay, consent on file)."),
}


def _resolve(findings, resolution):
    """A resolution of the line (ABN, no ABN, self-pay) turns its necessity errors into one warning each."""
    if resolution not in RESOLUTIONS:
        return findings
    edit, note = RESOLUTIONS[resolution]
    out = []
    for finding in findings:
        if finding.edit_code not in RESOLVABLE:
            out.append(finding)
            continue
        out.append(
            engine.Finding(
                finding.encounter_id,
                edit,
                f"{finding.message} {note}",
                procedure_id=finding.procedure_id,
                code=finding.code,
                code_id=finding.code_id,
                related_code=finding.related_code,
            )
        )
    return out


def _pointed(enc, line):
    diagnoses = engine.ordered(enc.diagnoses)
    pointed = []
    for letter in line.pointers or "":
        index = engine.LETTERS.find(letter)
        if 0 <= index < len(diagnoses):
            pointed.append(diagnoses[index])
    return pointed


def _check_line(enc, number, line, policy, rule, patient, past, has_prior_auth):
    out = []
    dos = enc.date_service
    code = line.code
    where = f"Line {number} ({line.label})"

    def finding(edit, message, **kw):
        return engine.Finding.on_line(
            enc.id, edit, f"{where}: {message}", line, related_code=policy.reference, **kw
        )

    pointed = _pointed(enc, line)
    if pointed:
        refused = [dx for dx in pointed if _any(rule.non_covered, dx.code.code)]
        if refused:
            dx = refused[0]
            out.append(
                finding(
                    "NEC_DX_NOT_COVERED",
                    f"{policy.reference} does not cover {dx.code.label} for {code.label} "
                    f"(listed as not covered).",
                    diagnosis_id=dx.id,
                )
            )
        elif rule.limits_diagnoses and not _covered(rule, pointed):
            labels = ", ".join(dx.code.label for dx in pointed)
            accepted = [str(spec) for spec in rule.covered]
            accepted += [f"{a} with {b}" for a, b in rule.pairs]
            out.append(
                finding(
                    "NEC_DX_NOT_COVERED",
                    f"{policy.reference} does not cover {labels} for {code.label}; covered: "
                    f"{', '.join(accepted)}.",
                    diagnosis_id=pointed[0].id,
                )
            )
    if rule.age_min is not None or rule.age_max is not None:
        if patient.birthdate is None:
            out.append(
                finding("NEC_AGE", f"{policy.reference} has age limits: the patient has no birth date.")
            )
        else:
            age = age_on(patient.birthdate, dos)
            if (rule.age_min is not None and age < rule.age_min) or (
                rule.age_max is not None and age > rule.age_max
            ):
                out.append(
                    finding(
                        "NEC_AGE",
                        f"{policy.reference} covers {code.label} for ages {_age_limits(rule)}: "
                        f"the patient is {age} on the date of service.",
                    )
                )
    if rule.sex:
        sex = SEXES.get((patient.sex or "").lower())
        if sex != rule.sex:
            out.append(
                finding(
                    "NEC_SEX",
                    f"{policy.reference} covers {code.label} for {rule.sex} patients only.",
                )
            )
    if rule.frequency_units:
        out.extend(_check_frequency(enc, line, policy, rule, past, finding))
    if rule.capped_rental and "RR" in line.modifier_codes:
        out.extend(_check_rental_month(enc, line, policy, past, finding))
    present = set(line.modifier_codes)
    missing = [m for m in rule.modifiers if m not in present]
    if missing:
        out.append(
            finding(
                "NEC_MODIFIER",
                f"{policy.reference} requires modifier {', '.join(missing)} on {code.label} "
                "(add it only when the policy's requirements are met and documented).",
            )
        )
    for document in rule.documents:
        if document == "prior_auth":
            if not has_prior_auth:
                out.append(
                    finding(
                        "NEC_PRIOR_AUTH",
                        f"{policy.reference} requires a prior authorization for {code.label}: "
                        "enter its number on the encounter.",
                    )
                )
        else:
            out.append(
                finding(
                    "NEC_DOCUMENTATION",
                    f"{policy.reference} requires {DOCUMENTS[document]} for {code.label}: keep it on file.",
                )
            )
    return out


def _covered(rule, pointed):
    codes = [dx.code.code for dx in pointed]
    if any(_any(rule.covered, c) for c in codes):
        return True
    for first, second in rule.pairs:
        for i, a in enumerate(codes):
            if first.matches(a) and any(second.matches(b) for j, b in enumerate(codes) if j != i):
                return True
    return False


def _age_limits(rule):
    if rule.age_min is not None and rule.age_max is not None:
        return f"{rule.age_min} to {rule.age_max}"
    if rule.age_min is not None:
        return f"{rule.age_min} and over"
    return f"up to {rule.age_max}"


def _units(value):
    return int(value) if float(value).is_integer() else value


def _check_frequency(enc, line, policy, rule, past, finding):
    """At most ``rule.frequency_units`` in the window ending on the date of service (this line and the
    earlier services of the patient, plus the other lines of the code on this encounter)."""
    dos = enc.date_service
    window, period = rule.frequency_window, rule.frequency_period
    code = normalize_code(line.code.code)
    earlier = [
        s
        for s in past.get((enc.patient, code), ())
        if s.encounter_id != enc.id and s.date < dos and covered_again(s.date, window, period) > dos
    ]
    same_encounter = sum(
        (other.units or 0)
        for other in enc.procedures
        if normalize_code(other.code.code) == code and other.id != line.id
    )
    units = (line.units or 0) + same_encounter
    total = units + sum(s.units for s in earlier)
    if total <= rule.frequency_units:
        return []
    span = f"{window} {'days' if period == 'days' else 'calendar months'}"
    limit = f"at most {_units(rule.frequency_units)} per {span} under {policy.reference}"
    if not earlier:
        return [finding("NEC_FREQUENCY", f"{_units(units)} units on this date, {limit}.")]
    # the first date on which enough earlier services have left the window
    earlier.sort(key=lambda s: s.date)
    remaining = sum(s.units for s in earlier)
    next_date = None
    for service in earlier:
        remaining -= service.units
        if units + remaining <= rule.frequency_units:
            next_date = covered_again(service.date, window, period)
            break
    previous = earlier[-1].date
    message = f"{line.code.label} was billed for this patient on {previous.isoformat()} ({limit})"
    if next_date:
        message += f": covered again from {next_date.isoformat()}."
    else:
        message += f": {_units(units)} units on this date exceed the limit."
    return [finding("NEC_FREQUENCY", message)]


def _check_rental_month(enc, line, policy, past, finding):
    """The capped-rental month of an RR line: the patient's earlier rentals of the item, plus one."""
    code = normalize_code(line.code.code)
    earlier = [
        s
        for s in past.get((enc.patient, code), ())
        if s.encounter_id != enc.id and s.date < enc.date_service and "RR" in s.modifiers
    ]
    month = len(earlier) + 1
    expected = dme.rental_month_modifier(month)
    present = set(line.modifier_codes) & {"KH", "KI", "KJ"}
    if expected is None:
        return [
            finding(
                "DME_RENTAL_MONTH",
                f"{line.code.label} was rented {len(earlier)} months already: a capped rental is paid "
                f"{dme.CAP_MONTHS} months under {policy.reference}, the patient owns the item.",
            )
        ]
    if present == {expected}:
        return []
    return [
        finding(
            "DME_RENTAL_MONTH",
            f"rental month {month} of {line.code.label} under {policy.reference}: bill it with {expected} "
            "(KH month 1, KI months 2-3, KJ months 4-13).",
        )
    ]
