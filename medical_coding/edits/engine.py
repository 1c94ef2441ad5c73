# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The coding edit engine: plain values in, findings out. No Odoo import.

The caller (``medical.encounter.action_check``) reads every line of a batch of encounters at once,
looks up the NCCI PTP pairs and MUE values those lines need, and calls :func:`check`. Encounters of the
same patient and date of service that are not being checked are passed with ``check=False``: they count for
the date-of-service edits (NCCI PTP, MUE per day) but receive no finding.

Messages are written for the coder and name the codes concerned; they must never be logged.

Over 500 lines on purpose: the plain values, the edit titles and every rule of the one engine read together
(the rules are small functions: header, diagnoses, lines, modifiers, NCCI PTP, MUE); the other checks
(e.g. payer edits, medical necessity) come as their own modules beside it, called by their models.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

ERROR = "error"
WARNING = "warning"

# edit code: (title, severity). The title is what a manager groups findings by.
EDITS = {
    "DX_MISSING": ("No diagnosis", ERROR),
    "DX_NOT_ICD10CM": ("Diagnosis is not an ICD-10-CM code", ERROR),
    "DX_NOT_BILLABLE": ("Diagnosis not billable (header code)", ERROR),
    "DX_NOT_EFFECTIVE": ("Diagnosis not valid on the date of service", ERROR),
    "DX_DUPLICATE": ("Diagnosis listed twice", ERROR),
    "DX_TOO_MANY": ("More than 12 diagnoses", ERROR),
    "PROC_MISSING": ("No procedure", ERROR),
    "PROC_UNKNOWN": ("Procedure code unknown", ERROR),
    "PROC_NOT_EFFECTIVE": ("Procedure code not effective on the date of service", ERROR),
    "MOD_UNKNOWN": ("Modifier unknown", ERROR),
    "MOD_NOT_EFFECTIVE": ("Modifier not effective on the date of service", ERROR),
    "MOD_DUPLICATE": ("Modifier repeated on a line", WARNING),
    "UNITS_INVALID": ("Units not positive", ERROR),
    "PTR_MISSING": ("Procedure line without diagnosis pointer", ERROR),
    "PTR_INVALID": ("Pointer to a missing diagnosis", ERROR),
    "LINE_DUPLICATE": ("Duplicate procedure line", ERROR),
    "NDC_INCOMPLETE": ("NDC without quantity or unit", ERROR),
    "NCCI_PTP": ("NCCI procedure-to-procedure edit", ERROR),
    "NCCI_PTP_BYPASSED": ("NCCI pair bypassed by a modifier", WARNING),
    "MUE": ("Medically unlikely edit (units)", ERROR),
    "PROVIDER_MISSING": ("No rendering provider", ERROR),
    "POS_MISSING": ("No place of service", ERROR),
    "PATIENT_INCOMPLETE": ("Patient data incomplete for billing", ERROR),
    # medical necessity and frequency (coverage policies), see necessity.py
    "NEC_DX_NOT_COVERED": ("Diagnosis not covered for the service (medical necessity)", ERROR),
    "NEC_AGE": ("Outside the policy's age limits", ERROR),
    "NEC_SEX": ("Outside the policy's sex limit", ERROR),
    "NEC_FREQUENCY": ("Frequency limit reached", ERROR),
    "NEC_MODIFIER": ("Modifier required by a coverage policy", ERROR),
    "NEC_PRIOR_AUTH": ("Prior authorization required by a coverage policy", ERROR),
    "NEC_DOCUMENTATION": ("Documentation required by a coverage policy", WARNING),
    "NEC_ABN": ("Expected denial: ABN on file", WARNING),
    "NEC_NO_ABN": ("Expected denial without ABN", WARNING),
    "NEC_SELF_PAY": ("Not billed to the payer: self-pay", WARNING),
    "NDC_MISSING": ("Drug line without NDC (the payer requires it)", ERROR),
    "DME_MODIFIER": ("Equipment line without RR, NU or UE", ERROR),
    "DME_RENTAL_MONTH": ("Capped rental month (KH, KI, KJ)", ERROR),
    # MIPS claims quality measures, see quality.py
    "QUALITY_MISSING": ("Quality data code to report", WARNING),
    "QUALITY_STRAY": ("Quality data code for no eligible measure", WARNING),
}

MAX_DIAGNOSES = 12
LETTERS = "ABCDEFGHIJKL"
PROCEDURE_SYSTEMS = ("cpt", "hcpcs")

# CMS NCCI-associated modifiers (NCCI Policy Manual, chapter I, "Modifiers and Modifier Indicators"):
# anatomic, global surgery and other modifiers that may bypass a PTP edit whose modifier indicator is 1.
ANATOMIC_MODIFIERS = frozenset(
    "E1 E2 E3 E4 FA F1 F2 F3 F4 F5 F6 F7 F8 F9 LC LD LM LT RC RI RT TA T1 T2 T3 T4 T5 T6 T7 T8 T9".split()
)
NCCI_MODIFIERS = ANATOMIC_MODIFIERS | frozenset("24 25 27 57 58 59 78 79 91 XE XP XS XU".split())

MUE_INDICATORS = {
    "1": "per line",
    "2": "per day, policy",
    "3": "per day, clinical",
}


@dataclass(frozen=True)
class CodeInfo:
    """A code as the engine needs it. ``display`` is the code as coders write it (ICD-10-CM with its dot)."""

    code: str
    system: str
    billable: bool = True
    active: bool = True
    date_start: date | None = None
    date_end: date | None = None
    display: str | None = None
    id: int | None = None

    def in_force(self, day):
        return (self.date_start is None or self.date_start <= day) and (
            self.date_end is None or day <= self.date_end
        )

    @property
    def label(self):
        return self.display or self.code


@dataclass
class DiagnosisLine:
    id: int
    sequence: int
    code: CodeInfo


@dataclass
class ProcedureLine:
    id: int
    sequence: int
    code: CodeInfo
    modifiers: tuple = ()
    units: float = 1.0
    pointers: str = ""
    ndc_code: str | None = None
    ndc_quantity: float = 0.0
    ndc_unit: str | None = None

    @property
    def modifier_codes(self):
        return tuple(m.code for m in self.modifiers)

    @property
    def label(self):
        return "-".join((self.code.label, *self.modifier_codes))


@dataclass
class EncounterData:
    id: int
    patient: object
    date_service: date
    diagnoses: list = field(default_factory=list)
    procedures: list = field(default_factory=list)
    has_provider: bool = True
    has_place_of_service: bool = True
    patient_missing: tuple = ()
    check: bool = True


@dataclass(frozen=True)
class PtpEdit:
    """One row of the NCCI PTP table. ``date_end`` is the deletion date (last day in force), or None."""

    column1: str
    column2: str
    date_start: date
    date_end: date | None
    modifier_indicator: str

    def in_force(self, day):
        return self.date_start <= day and (self.date_end is None or day <= self.date_end)


@dataclass(frozen=True)
class MueValue:
    code: str
    value: int
    indicator: str
    date_start: date


@dataclass(frozen=True)
class Finding:
    encounter_id: int
    edit_code: str
    message: str
    procedure_id: int | None = None
    diagnosis_id: int | None = None
    code: str | None = None
    code_id: int | None = None
    related_code: str | None = None

    @classmethod
    def on_line(cls, encounter_id, edit_code, message, line, **more):
        """A finding on the procedure line ``line``: its id, code and code id."""
        return cls(
            encounter_id,
            edit_code,
            message,
            procedure_id=line.id,
            code=line.code.code,
            code_id=line.code.id,
            **more,
        )

    @property
    def severity(self):
        return EDITS[self.edit_code][1]

    @property
    def is_error(self):
        return self.severity == ERROR


def ordered(lines):
    """Lines in claim order: by sequence, then by id (the order of creation)."""
    return sorted(lines, key=lambda line: (line.sequence, line.id))


def letter_of(index):
    """Diagnosis letter of the 0-based position ``index`` (A-L), '' beyond the 12th."""
    return LETTERS[index] if index < len(LETTERS) else ""


def ptp_pairs(encounters):
    """The ordered code pairs the PTP edit must look up: every two distinct procedure codes billed for one
    patient on one date of service. Returns a set of (column 1, column 2) tuples."""
    pairs = set()
    for group in _date_of_service_groups(encounters):
        codes = {line.code.code for enc in group for line in enc.procedures}
        pairs.update((a, b) for a in codes for b in codes if a != b)
    return pairs


def check(encounters, ptp=None, mue=None):
    """Run every edit on ``encounters`` (a list of :class:`EncounterData`).

    :param ptp: mapping (column1, column2) -> list of :class:`PtpEdit` (at least the pairs of
        :func:`ptp_pairs`; missing pairs have no edit)
    :param mue: mapping code -> list of :class:`MueValue` (one per effective date)
    :return: list of :class:`Finding`, for the encounters with ``check`` set only
    """
    ptp = ptp or {}
    mue = mue or {}
    findings = []
    for enc in encounters:
        if enc.check:
            findings.extend(_check_encounter(enc))
    for group in _date_of_service_groups(encounters):
        if any(enc.check for enc in group):
            findings.extend(_check_ptp(group, ptp))
            findings.extend(_check_mue(group, mue))
    return findings


def _date_of_service_groups(encounters):
    """The encounters grouped by patient and date of service (a list of lists)."""
    groups = defaultdict(list)
    for enc in encounters:
        groups[(enc.patient, enc.date_service)].append(enc)
    return list(groups.values())


def _check_encounter(enc):
    """The edits of one encounter alone: its header, its diagnoses, its procedure lines."""
    diagnoses = ordered(enc.diagnoses)
    return [*_check_header(enc), *_check_diagnoses(enc, diagnoses), *_check_lines(enc, diagnoses)]


def _check_header(enc):
    """Provider, place of service and the patient data a claim needs."""
    out = []
    add = out.append
    if not enc.has_provider:
        add(Finding(enc.id, "PROVIDER_MISSING", "The encounter has no rendering provider."))
    if not enc.has_place_of_service:
        add(Finding(enc.id, "POS_MISSING", "The encounter has no place of service."))
    if enc.patient_missing:
        add(
            Finding(
                enc.id,
                "PATIENT_INCOMPLETE",
                "The patient record lacks data needed on a claim: %s." % ", ".join(enc.patient_missing),
            )
        )
    return out


def _check_diagnoses(enc, diagnoses):
    """At least one and at most twelve diagnoses, each listed once, current, billable and in force."""
    out = []
    add = out.append
    dos = enc.date_service
    if not diagnoses:
        add(Finding(enc.id, "DX_MISSING", "Code at least one diagnosis (the first one is the principal)."))
    if len(diagnoses) > MAX_DIAGNOSES:
        add(
            Finding(
                enc.id,
                "DX_TOO_MANY",
                f"{len(diagnoses)} diagnoses: a claim carries at most {MAX_DIAGNOSES} (A to L). "
                "Keep the ones the procedures point to.",
                diagnosis_id=diagnoses[MAX_DIAGNOSES].id,
            )
        )
    seen = {}
    for index, dx in enumerate(diagnoses):
        code = dx.code
        where = f"Diagnosis {letter_of(index) or index + 1} ({code.label})"
        if code.code in seen:
            add(
                _dx_finding(
                    enc,
                    dx,
                    "DX_DUPLICATE",
                    f"{where} is already listed as diagnosis {seen[code.code]}.",
                )
            )
        else:
            seen[code.code] = letter_of(index) or index + 1
        if code.system != "icd10cm" or not code.active:
            add(
                _dx_finding(
                    enc,
                    dx,
                    "DX_NOT_ICD10CM",
                    f"{where} is not a current ICD-10-CM code.",
                )
            )
            continue
        if not code.billable:
            add(
                _dx_finding(
                    enc,
                    dx,
                    "DX_NOT_BILLABLE",
                    f"{where} is a header code, not billable: choose a more specific code below it.",
                )
            )
        if not code.in_force(dos):
            add(
                _dx_finding(
                    enc,
                    dx,
                    "DX_NOT_EFFECTIVE",
                    f"{where} is not valid on the date of service {dos.isoformat()}{_validity(code)}.",
                )
            )

    return out


def _check_lines(enc, diagnoses):
    """Each procedure line (see :func:`_check_line`) and lines repeating an earlier one."""
    out = []
    add = out.append
    procedures = ordered(enc.procedures)
    if not procedures:
        add(Finding(enc.id, "PROC_MISSING", "Code at least one procedure line."))
    line_keys = {}
    for number, line in enumerate(procedures, start=1):
        out.extend(_check_line(enc, number, line, diagnoses))
        code = line.code
        where = f"Line {number} ({line.label})"
        key = (code.code, frozenset(line.modifier_codes))
        if key in line_keys:
            add(
                _line_finding(
                    enc,
                    line,
                    code,
                    "LINE_DUPLICATE",
                    f"{where} repeats line {line_keys[key]}: add the units to one line, or add the modifier "
                    "that tells the two services apart.",
                )
            )
        else:
            line_keys[key] = number
    return out


def _check_line(enc, number, line, diagnoses):
    """One procedure line: its code, modifiers, units, diagnosis pointers and NDC."""
    out = []
    add = out.append
    dos = enc.date_service
    code = line.code
    where = f"Line {number} ({line.label})"
    if code.system not in PROCEDURE_SYSTEMS or not code.active:
        add(
            _line_finding(
                enc,
                line,
                code,
                "PROC_UNKNOWN",
                f"{where}: {code.label} is not a current CPT or HCPCS code.",
            )
        )
    elif not code.in_force(dos):
        add(
            _line_finding(
                enc,
                line,
                code,
                "PROC_NOT_EFFECTIVE",
                f"{where}: {code.label} is not effective on the date of service {dos.isoformat()}"
                f"{_validity(code)}.",
            )
        )
    out.extend(_check_modifiers(enc, line, where))
    if not line.units or line.units <= 0:
        add(
            _line_finding(
                enc,
                line,
                code,
                "UNITS_INVALID",
                f"{where}: units must be more than zero.",
            )
        )
    pointers = line.pointers or ""
    if not pointers:
        add(
            _line_finding(
                enc,
                line,
                code,
                "PTR_MISSING",
                f"{where} points to no diagnosis: give one to four letters (A is the principal).",
            )
        )
    missing = [p for p in pointers if LETTERS.find(p) < 0 or LETTERS.find(p) >= min(len(diagnoses), 12)]
    if missing:
        add(
            _line_finding(
                enc,
                line,
                code,
                "PTR_INVALID",
                f"{where} points to diagnosis {', '.join(missing)}, which is not coded"
                f" (the encounter has {_letter_range(len(diagnoses))}).",
            )
        )
    if line.ndc_code and (not line.ndc_quantity or line.ndc_quantity <= 0 or not line.ndc_unit):
        add(
            _line_finding(
                enc,
                line,
                code,
                "NDC_INCOMPLETE",
                f"{where}: the NDC {line.ndc_code} needs a quantity and a unit (F2, GR, ME, ML or UN).",
            )
        )
    return out


def _check_modifiers(enc, line, where):
    """The modifiers of one line: each entered once, current and in force."""
    out = []
    add = out.append
    dos = enc.date_service
    seen_modifiers = set()
    for modifier in line.modifiers:
        if modifier.code in seen_modifiers:
            add(
                _line_finding(
                    enc,
                    line,
                    modifier,
                    "MOD_DUPLICATE",
                    f"{where}: modifier {modifier.code} is entered twice.",
                )
            )
        seen_modifiers.add(modifier.code)
        if modifier.system != "modifier" or not modifier.active:
            add(
                _line_finding(
                    enc,
                    line,
                    modifier,
                    "MOD_UNKNOWN",
                    f"{where}: {modifier.code} is not a current modifier.",
                )
            )
        elif not modifier.in_force(dos):
            add(
                _line_finding(
                    enc,
                    line,
                    modifier,
                    "MOD_NOT_EFFECTIVE",
                    f"{where}: modifier {modifier.code} is not effective on the date of service "
                    f"{dos.isoformat()}{_validity(modifier)}.",
                )
            )
    return out


def _dx_finding(enc, dx, edit_code, message):
    """A finding of ``enc`` on its diagnosis ``dx``."""
    return Finding(enc.id, edit_code, message, diagnosis_id=dx.id, code=dx.code.code, code_id=dx.code.id)


def _line_finding(enc, line, code, edit_code, message):
    """A finding of ``enc`` on its procedure ``line``, about ``code`` (the line's or a modifier)."""
    return Finding(enc.id, edit_code, message, procedure_id=line.id, code=code.code, code_id=code.id)


def _validity(code):
    if code.date_start and code.date_end:
        return f" (valid {code.date_start.isoformat()} to {code.date_end.isoformat()})"
    if code.date_start:
        return f" (valid from {code.date_start.isoformat()})"
    if code.date_end:
        return f" (valid until {code.date_end.isoformat()})"
    return ""


def _letter_range(count):
    if not count:
        return "no diagnosis"
    count = min(count, MAX_DIAGNOSES)
    return "diagnosis A" if count == 1 else f"diagnoses A to {LETTERS[count - 1]}"


def _in_force_edit(edits, day):
    """The PTP row in force on ``day`` (the latest effective one), or None."""
    best = None
    for edit in edits or ():
        if edit.in_force(day) and (best is None or edit.date_start > best.date_start):
            best = edit
    return best


def _check_ptp(group, ptp):
    """NCCI PTP over every procedure line of one patient on one date of service."""
    out = []
    dos = group[0].date_service
    lines = [(enc, line) for enc in group for line in enc.procedures]
    done = set()
    for enc2, line2 in lines:
        if not enc2.check:
            continue
        for _enc1, line1 in lines:
            column1, column2 = line1.code.code, line2.code.code
            if column1 == column2 or (line2.id, column1) in done:
                continue
            edit = _in_force_edit(ptp.get((column1, column2)), dos)
            if edit is None or edit.modifier_indicator not in ("0", "1"):
                continue
            done.add((line2.id, column1))
            where = f"{line2.label}"
            if edit.modifier_indicator == "0":
                out.append(
                    Finding.on_line(
                        enc2.id,
                        "NCCI_PTP",
                        f"{where} is bundled into {column1} billed the same date of service (NCCI PTP, "
                        "modifier indicator 0): they are never paid together, no modifier allows it.",
                        line2,
                        related_code=column1,
                    )
                )
                continue
            bypass = _bypass_modifiers(line1, line2)
            if bypass:
                out.append(
                    Finding.on_line(
                        enc2.id,
                        "NCCI_PTP_BYPASSED",
                        f"{where} is a column-2 code of {column1} (NCCI PTP) billed with modifier "
                        f"{', '.join(bypass)}: the record must document a distinct service.",
                        line2,
                        related_code=column1,
                    )
                )
            else:
                out.append(
                    Finding.on_line(
                        enc2.id,
                        "NCCI_PTP",
                        f"{where} is bundled into {column1} billed the same date of service (NCCI PTP, "
                        "modifier indicator 1): add an NCCI-associated modifier (59, XE, XS, XP, XU, 25, "
                        "91, anatomic...) only if the record documents a distinct service.",
                        line2,
                        related_code=column1,
                    )
                )
    return out


def _bypass_modifiers(line1, line2):
    """The NCCI-associated modifiers that let the pair be billed (indicator 1), on either line. Anatomic
    modifiers count only when they tell two sites apart: the same ones on both lines (e.g. RT and RT) do
    not."""
    codes1, codes2 = set(line1.modifier_codes), set(line2.modifier_codes)
    anatomic1, anatomic2 = codes1 & ANATOMIC_MODIFIERS, codes2 & ANATOMIC_MODIFIERS
    found = (codes1 | codes2) & (NCCI_MODIFIERS - ANATOMIC_MODIFIERS)
    if anatomic1 != anatomic2:
        found |= anatomic1 | anatomic2
    return sorted(found)


def _mue_value(values, day):
    """The MUE row in force on ``day``: the one with the latest effective date not after it."""
    best = None
    for value in values or ():
        if value.date_start <= day and (best is None or value.date_start > best.date_start):
            best = value
    return best


def _units(value):
    return int(value) if float(value).is_integer() else value


def _check_mue(group, mue):
    """MUE units per line (indicator 1) or per patient and date of service (2, 3)."""
    out = []
    dos = group[0].date_service
    by_code = defaultdict(list)
    for enc in group:
        for line in ordered(enc.procedures):
            by_code[line.code.code].append((enc, line))
    for code, entries in by_code.items():
        limit = _mue_value(mue.get(code), dos)
        if limit is None:
            continue
        kind = MUE_INDICATORS.get(limit.indicator, limit.indicator)
        if limit.indicator == "1":
            for enc, line in entries:
                if enc.check and (line.units or 0) > limit.value:
                    out.append(
                        Finding.on_line(
                            enc.id,
                            "MUE",
                            f"{line.label}: {_units(line.units)} units on one line, the MUE allows "
                            f"{limit.value} ({kind}).",
                            line,
                        )
                    )
            continue
        total = sum(line.units or 0 for _enc, line in entries)
        if total <= limit.value:
            continue
        flagged = set()
        for enc, line in entries:
            if enc.check and enc.id not in flagged:
                flagged.add(enc.id)
                out.append(
                    Finding.on_line(
                        enc.id,
                        "MUE",
                        f"{code}: {_units(total)} units for this patient on the date of service, the MUE "
                        f"allows {limit.value} ({kind}).",
                        line,
                    )
                )
    return out
