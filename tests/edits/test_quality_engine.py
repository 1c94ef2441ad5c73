# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The quality engine on plain values: eligibility, reported outcomes, prompts, strays, deciles."""

from datetime import date

from medical_edits import quality as q

DOS = date(2025, 6, 15)


def measure(code="128", per_patient=True, **option):
    eligibility = q.Eligibility(
        group="00",
        min_age=option.get("min_age", 18.0),
        max_age=option.get("max_age", -1.0),
        sex=option.get("sex"),
        diagnoses=frozenset(option.get("diagnoses", ())),
        exclusions=frozenset(option.get("exclusions", ())),
        procedures=option.get("procedures", {"99213": (frozenset({"02", "10"}), frozenset({"GT"}))}),
    )
    return q.Measure(
        id=int(code),
        code=code,
        title=f"Measure {code}",
        year=2025,
        per_patient=per_patient,
        eligibility=[eligibility],
        performance=[
            q.Performance(1, "00", "met", (q.Qdc("G8420", name="BMI normal"),)),
            q.Performance(2, "00", "not_met", (q.Qdc("G8420", ("8P",)),)),
            q.Performance(3, "00", "exclusion", (q.Qdc("G9996"),)),
            q.Performance(4, "00", "met", (q.Qdc("G8752"), q.Qdc("G8754"))),
        ],
    )


def visit(
    lines=(("99213", ()),), diagnoses=("J209",), birthdate=date(1970, 6, 15), sex="F", pos="11", **values
):
    return q.Visit(
        id=values.get("id", 1),
        date_service=values.get("date_service", DOS),
        birthdate=birthdate,
        sex=sex,
        pos=pos,
        diagnoses=tuple(diagnoses),
        lines=tuple(q.Line(n + 1, code, tuple(mods), "A") for n, (code, mods) in enumerate(lines)),
        patient=values.get("patient", 7),
        provider=values.get("provider", 9),
    )


def outcomes(visits, measures, reported=frozenset()):
    return q.evaluate(visits, measures, reported)


def test_age_on_the_day_of_service():
    assert q.age_on(date(2007, 6, 15), DOS) == 18
    assert q.age_on(date(2007, 6, 16), DOS) == 17
    assert q.age_on(None, DOS) is None
    found, _findings = outcomes([visit(birthdate=date(2007, 6, 16))], [measure()])
    assert found == []
    found, _findings = outcomes([visit(birthdate=None)], [measure()])
    assert found == []  # no birth date: an age bound cannot hold


def test_bounds_sex_diagnoses_and_exclusions():
    bounded = measure("39", min_age=65.0, max_age=85.0, sex="F", exclusions={"M8000XA"})
    assert outcomes([visit(birthdate=date(1940, 6, 15))], [bounded])[0][0].groups == ("00",)
    assert outcomes([visit(birthdate=date(1940, 6, 14))], [bounded])[0] != []  # 85 and a day: still 85, in
    assert outcomes([visit(birthdate=date(1939, 6, 15))], [bounded])[0] == []  # 86
    assert outcomes([visit(birthdate=date(1950, 1, 1), sex="M")], [bounded])[0] == []
    assert outcomes([visit(birthdate=date(1950, 1, 1), diagnoses=("J209", "M8000XA"))], [bounded])[0] == []
    diabetic = measure("1", diagnoses={"E119", "E1165"})
    assert outcomes([visit()], [diabetic])[0] == []
    [found], _findings = outcomes([visit(diagnoses=("J209", "I10", "E1165"))], [diabetic])
    assert found.pointer == "C"  # the QDC line points to the diagnosis that made the visit eligible


def test_place_of_service_and_modifier_exclusions():
    assert outcomes([visit(pos="02")], [measure()])[0] == []
    assert outcomes([visit(lines=(("99213", ("GT",)),))], [measure()])[0] == []
    assert outcomes([visit(lines=(("99213", ("25",)),))], [measure()])[0] != []
    assert outcomes([visit(lines=(("99214", ()),))], [measure()])[0] == []


def test_reported_outcome_prompt_and_modifiers():
    [found], [finding] = outcomes([visit()], [measure()])
    assert (found.kind, found.prompt, finding.edit_code, finding.severity) == (
        "not_reported",
        True,
        "QUALITY_MISSING",
        "warning",
    )
    assert (
        "Report one of: performance met: G8420 BMI normal; performance not met: G8420-8P" in finding.message
    )
    assert [o.id for o in found.options] == [1, 2, 3, 4]
    [found], findings = outcomes([visit(lines=(("99213", ()), ("G8420", ("8P",))))], [measure()])
    assert (found.kind, findings) == ("not_met", [])
    [found], findings = outcomes([visit(lines=(("99213", ()), ("G8420", ())))], [measure()])
    assert found.kind == "met"
    # both codes of a two-code option are needed
    [found], findings = outcomes([visit(lines=(("99213", ()), ("G8752", ())))], [measure()])
    assert found.kind == "not_reported"
    [found], findings = outcomes([visit(lines=(("99213", ()), ("G8752", ()), ("G8754", ())))], [measure()])
    assert (found.kind, found.reported.id) == ("met", 4)


def test_patient_based_stop_and_encounter_based():
    reported = {(7, 9, 128)}
    [found], findings = outcomes([visit()], [measure()], reported)
    assert (found.prompt, findings) == (False, [])
    assert outcomes([visit(provider=10)], [measure()], reported)[1] != []  # another provider
    assert outcomes([visit()], [measure(per_patient=False)], reported)[1] != []
    assert outcomes([visit(date_service=date(2026, 1, 2))], [measure()])[0] == []  # the 2025 measures only


def test_stray_quality_code():
    _found, findings = outcomes(
        [visit(birthdate=date(2010, 1, 1), lines=(("99213", ()), ("G8420", ())))], [measure()]
    )
    assert [(f.edit_code, f.procedure_id, f.code) for f in findings] == [("QUALITY_STRAY", 2, "G8420")]


def test_patient_outcome_and_deciles():
    assert q.patient_outcome({"not_met", "met"}) == "met"
    assert q.patient_outcome({"not_met", "exclusion"}) == "exclusion"
    assert q.patient_outcome(set()) == "not_reported"
    steps = {10: 20, 20: 30, 30: 40, 40: 50, 50: 60, 60: 65, 70: 70, 80: 80, 90: 90}
    assert [q.decile(rate, steps) for rate in (0, 19.99, 20, 71.43, 90, 100)] == [1, 1, 2, 8, 10, 10]
    inverse = {10: 0, 20: 0, 30: 0, 40: 0, 50: 0, 60: 0, 70: 0, 80: 3.85, 90: 30.43}
    assert [q.decile(rate, inverse, inverse=True) for rate in (0, 2, 30.43, 50)] == [10, 3, 2, 1]
