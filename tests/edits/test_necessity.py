# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Medical necessity rules: each kind fires when it must and stays quiet when it must not."""

from datetime import date

import pytest
from medical_edits import engine, necessity
from medical_edits.engine import CodeInfo, DiagnosisLine, EncounterData, ProcedureLine
from medical_edits.necessity import (
    Patient,
    Payer,
    Policy,
    PolicyError,
    Rule,
    Service,
    parse_codes,
    parse_pairs,
)

DOS = date(2026, 3, 10)
_ids = iter(range(1, 10**6))


def dx(code):
    return CodeInfo(code=code.replace(".", ""), system="icd10cm", id=next(_ids), display=code)


def line(code, pointers="A", modifiers=(), units=1):
    system = "hcpcs" if code[0].isalpha() else "cpt"
    return ProcedureLine(
        id=next(_ids),
        sequence=10,
        code=CodeInfo(code=code, system=system, id=next(_ids)),
        modifiers=tuple(CodeInfo(code=m, system="modifier", id=next(_ids)) for m in modifiers),
        units=units,
        pointers=pointers,
    )


def encounter(diagnoses, procedures, day=DOS, patient=1, check=True):
    return EncounterData(
        id=next(_ids),
        patient=patient,
        date_service=day,
        diagnoses=[DiagnosisLine(next(_ids), i, dx(d)) for i, d in enumerate(diagnoses)],
        procedures=list(procedures),
        check=check,
    )


def policy(reference="L33333", **rule):
    procedures = rule.pop("procedures", "94010")
    for key in ("covered", "non_covered", "modifiers"):
        if isinstance(rule.get(key), str):
            rule[key] = parse_codes(rule[key]) if key != "modifiers" else tuple(rule[key].split())
    if isinstance(rule.get("pairs"), str):
        rule["pairs"] = parse_pairs(rule["pairs"])
    return Policy(reference, rules=(Rule(parse_codes(procedures), **rule),))


def run(encs, policies, **kw):
    return necessity.check(encs if isinstance(encs, list) else [encs], policies, **kw)


def codes(findings):
    return sorted(f.edit_code for f in findings)


# -------------------------------------------------------------------- code lists


def test_parse_codes_single_prefix_range():
    specs = parse_codes("J44.9, E11*; I10-I16 g0101-g0105")
    assert [s.text for s in specs] == ["J44.9", "E11*", "I10-I16", "g0101-g0105"]
    single, prefix, icd_range, hcpcs_range = specs
    assert single.matches("J449") and single.matches("J44.9") and not single.matches("J4490")
    assert prefix.matches("E11") and prefix.matches("E11.65") and not prefix.matches("E10.9")
    assert icd_range.matches("I10") and icd_range.matches("I13.0") and icd_range.matches("I16.1")
    assert not icd_range.matches("I17") and not icd_range.matches("I09.9")
    assert hcpcs_range.matches("G0104") and not hcpcs_range.matches("G0106")


@pytest.mark.parametrize("text", ["J44.9-J40", "9401$", "E11**", "-94010"])
def test_parse_codes_refuses_bad_items(text):
    with pytest.raises(PolicyError):
        parse_codes(text)


def test_parse_pairs_needs_both_sides():
    assert [(a.text, b.text) for a, b in parse_pairs("M81.0+Z79.3")] == [("M81.0", "Z79.3")]
    with pytest.raises(PolicyError, match="A\\+B"):
        parse_pairs("M81.0")


# -------------------------------------------------------------------- diagnoses


def test_covered_diagnosis_passes():
    enc = encounter(["J45.909"], [line("94010")])
    assert run(enc, [policy(covered="J45*, J44.0-J44.1")]) == []


def test_uncovered_diagnosis_names_policy_code_and_accepted_list():
    enc = encounter(["J44.9", "R05.9"], [line("94010", pointers="AB")])
    (finding,) = run(enc, [policy(covered="J45*, J44.0-J44.1")])
    assert finding.edit_code == "NEC_DX_NOT_COVERED" and finding.is_error
    assert finding.message == (
        "Line 1 (94010): L33333 does not cover J44.9, R05.9 for 94010; covered: J45*, J44.0-J44.1."
    )
    assert finding.related_code == "L33333"
    assert finding.diagnosis_id == enc.diagnoses[0].id


def test_only_pointed_diagnoses_count():
    enc = encounter(["R05.9", "J45.909"], [line("94010", pointers="A")])
    assert codes(run(enc, [policy(covered="J45*")])) == ["NEC_DX_NOT_COVERED"]
    enc = encounter(["R05.9", "J45.909"], [line("94010", pointers="AB")])
    assert run(enc, [policy(covered="J45*")]) == []


def test_range_of_procedures_and_diagnoses():
    rule = {"procedures": "82947-82952", "covered": "E08.00-E13.9"}
    assert run(encounter(["E11.65"], [line("82950")]), [policy(**rule)]) == []
    assert codes(run(encounter(["E14.9"], [line("82950")]), [policy(**rule)])) == ["NEC_DX_NOT_COVERED"]
    # a code outside the procedure range is not concerned
    assert run(encounter(["E14.9"], [line("82960")]), [policy(**rule)]) == []


def test_non_covered_diagnosis_refuses_even_with_a_covered_one():
    enc = encounter(["Z00.00", "E11.9"], [line("82947", pointers="AB")])
    (finding,) = run(enc, [policy(procedures="82947", covered="E11*", non_covered="Z00.00-Z00.01")])
    assert (
        finding.message == "Line 1 (82947): L33333 does not cover Z00.00 for 82947 (listed as not covered)."
    )


def test_non_covered_list_alone():
    pol = policy(procedures="82947", non_covered="Z00*")
    assert codes(run(encounter(["Z00.00"], [line("82947")]), [pol])) == ["NEC_DX_NOT_COVERED"]
    assert run(encounter(["E11.9"], [line("82947")]), [pol]) == []


def test_pair_covered_only_together():
    pol = policy(procedures="77080", covered="M81.0", pairs="Z79.3+N95.1")
    assert run(encounter(["Z79.3", "N95.1"], [line("77080", pointers="AB")]), [pol]) == []
    (finding,) = run(encounter(["Z79.3"], [line("77080")]), [pol])
    assert finding.message.endswith("covered: M81.0, Z79.3 with N95.1.")
    # the same diagnosis twice does not make a pair
    assert codes(run(encounter(["Z79.3", "Z79.3"], [line("77080", pointers="AB")]), [pol])) == [
        "NEC_DX_NOT_COVERED"
    ]


# -------------------------------------------------------------------- age and sex


def test_age_limits_on_the_date_of_service():
    pol = policy(procedures="G0121", age_min=50, age_max=75)
    enc = encounter(["Z12.11"], [line("G0121")])
    birthday_50 = {1: Patient(birthdate=date(1976, 3, 10), sex="female")}
    day_before = {1: Patient(birthdate=date(1976, 3, 11), sex="female")}
    assert run(enc, [pol], patients=birthday_50) == []
    (finding,) = run(enc, [pol], patients=day_before)
    assert finding.edit_code == "NEC_AGE"
    assert (
        finding.message
        == "Line 1 (G0121): L33333 covers G0121 for ages 50 to 75: the patient is 49 on the date of service."
    )
    too_old = {1: Patient(birthdate=date(1950, 1, 1))}
    assert codes(run(enc, [pol], patients=too_old)) == ["NEC_AGE"]
    assert "no birth date" in run(enc, [pol], patients={})[0].message


def test_sex_limit():
    pol = policy(procedures="G0101", sex="female")
    enc = encounter(["Z01.419"], [line("G0101")])
    assert run(enc, [pol], patients={1: Patient(sex="female")}) == []
    (finding,) = run(enc, [pol], patients={1: Patient(sex="male")})
    assert finding.edit_code == "NEC_SEX"
    assert finding.message == "Line 1 (G0101): L33333 covers G0101 for female patients only."
    with pytest.raises(PolicyError):
        Rule(parse_codes("G0101"), sex="other")


# -------------------------------------------------------------------- frequency


def colonoscopy():
    return Policy(
        "NCD 210.3",
        rules=(
            Rule(parse_codes("G0121"), frequency_units=1, frequency_window=120, frequency_period="months"),
        ),
    )


def test_frequency_calendar_months_exact_next_date():
    history = [Service(1, "G0121", date(2016, 6, 15), 1)]
    # 119 full months after June 2016 end with May 2026: covered from 2026-06-01
    enc = encounter(["Z12.11"], [line("G0121")], day=date(2026, 5, 31))
    (finding,) = run(enc, [colonoscopy()], history=history)
    assert finding.edit_code == "NEC_FREQUENCY"
    assert finding.message == (
        "Line 1 (G0121): G0121 was billed for this patient on 2016-06-15 (at most 1 per 120 calendar months "
        "under NCD 210.3): covered again from 2026-06-01."
    )
    enc = encounter(["Z12.11"], [line("G0121")], day=date(2026, 6, 1))
    assert run(enc, [colonoscopy()], history=history) == []


def test_frequency_days_window_exact_next_date():
    pol = Policy("L1", rules=(Rule(parse_codes("83036"), frequency_units=1, frequency_window=90),))
    history = [Service(1, "83036", date(2026, 1, 1), 1)]
    (finding,) = run(encounter(["E11.9"], [line("83036")], day=date(2026, 3, 31)), [pol], history=history)
    assert finding.message.endswith(
        "on 2026-01-01 (at most 1 per 90 days under L1): covered again from 2026-04-01."
    )
    assert run(encounter(["E11.9"], [line("83036")], day=date(2026, 4, 1)), [pol], history=history) == []


def test_frequency_several_units_next_date_when_enough_leave_the_window():
    pol = Policy("L2", rules=(Rule(parse_codes("97110"), frequency_units=2, frequency_window=30),))
    history = [Service(1, "97110", date(2026, 3, 1), 1), Service(1, "97110", date(2026, 3, 5), 1)]
    (finding,) = run(encounter(["M54.5"], [line("97110")]), [pol], history=history)
    assert finding.message.endswith(
        "on 2026-03-05 (at most 2 per 30 days under L2): covered again from 2026-03-31."
    )
    # only one earlier service: within the limit
    assert run(encounter(["M54.5"], [line("97110")]), [pol], history=history[1:]) == []


def test_frequency_other_patient_and_earlier_encounter_in_the_batch():
    history = [Service(2, "G0121", date(2020, 1, 1), 1)]
    enc = encounter(["Z12.11"], [line("G0121")])
    assert run(enc, [colonoscopy()], history=history) == []
    earlier = encounter(["Z12.11"], [line("G0121")], day=date(2025, 1, 8), check=False)
    (finding,) = run([earlier, enc], [colonoscopy()])
    assert finding.encounter_id == enc.id and finding.message.endswith("covered again from 2035-01-01.")


def test_frequency_units_on_one_date():
    pol = Policy(
        "AWV",
        rules=(
            Rule(parse_codes("G0439"), frequency_units=1, frequency_window=12, frequency_period="months"),
        ),
    )
    (finding,) = run(encounter(["Z00.00"], [line("G0439", units=2)]), [pol])
    assert (
        finding.message == "Line 1 (G0439): 2 units on this date, at most 1 per 12 calendar months under AWV."
    )


def test_add_months_clamps_and_covered_again():
    assert necessity.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert necessity.add_months(date(2024, 12, 15), 14) == date(2026, 2, 15)
    assert necessity.covered_again(date(2025, 3, 15), 12, "months") == date(2026, 3, 1)
    assert necessity.covered_again(date(2025, 3, 15), 365, "days") == date(2026, 3, 15)


# -------------------------------------------------------------------- modifiers, documentation, payers


def test_required_modifier():
    pol = policy(procedures="E0601", modifiers="KX")
    (finding,) = run(encounter(["G47.33"], [line("E0601", modifiers=("RR",))]), [pol])
    assert finding.edit_code == "NEC_MODIFIER"
    assert finding.message.startswith("Line 1 (E0601-RR): L33333 requires modifier KX on E0601")
    assert run(encounter(["G47.33"], [line("E0601", modifiers=("RR", "KX"))]), [pol]) == []


def test_documentation_prior_auth_and_cmn():
    pol = policy(procedures="E0601", documents=("prior_auth", "cmn"))
    enc = encounter(["G47.33"], [line("E0601")])
    assert codes(run(enc, [pol])) == ["NEC_DOCUMENTATION", "NEC_PRIOR_AUTH"]
    assert codes(run(enc, [pol], prior_auth={enc.id})) == ["NEC_DOCUMENTATION"]
    assert not run(enc, [pol], prior_auth={enc.id})[0].is_error


def test_policy_dates_and_payers():
    enc = encounter(["R05.9"], [line("94010")])
    dated = Policy("L3", rules=policy(covered="J45*").rules, date_start=date(2026, 4, 1))
    assert run(enc, [dated]) == []
    medicare = Policy("L3", rules=policy(covered="J45*").rules)
    assert codes(run(enc, [medicare], payers={enc.id: Payer(7, "medicare")})) == ["NEC_DX_NOT_COVERED"]
    assert run(enc, [medicare], payers={enc.id: Payer(8, "commercial")}) == []
    own = Policy("P1", rules=medicare.rules, payer_ids=frozenset({8}))
    assert codes(run(enc, [own], payers={enc.id: Payer(8, "commercial")})) == ["NEC_DX_NOT_COVERED"]
    assert run(enc, [own], payers={enc.id: Payer(7, "medicare")}) == []


# -------------------------------------------------------------------- resolutions


def test_abn_and_self_pay_turn_necessity_errors_into_warnings():
    pol = policy(covered="J45*", modifiers="KX")
    enc = encounter(["R05.9"], [line("94010")])
    line_id = enc.procedures[0].id
    assert codes(run(enc, [pol])) == ["NEC_DX_NOT_COVERED", "NEC_MODIFIER"]
    abn = run(enc, [pol], resolutions={line_id: "abn"})
    # the ABN resolves the necessity, not a missing modifier
    assert codes(abn) == ["NEC_ABN", "NEC_MODIFIER"]
    (warning,) = [f for f in abn if f.edit_code == "NEC_ABN"]
    assert not warning.is_error and warning.message.endswith("billed with modifier GA.")
    self_pay = run(encounter(["R05.9"], [line("94010")]), [policy(covered="J45*")])
    assert codes(self_pay) == ["NEC_DX_NOT_COVERED"]
    enc2 = encounter(["R05.9"], [line("94010")])
    (warning,) = run(enc2, [policy(covered="J45*")], resolutions={enc2.procedures[0].id: "self_pay"})
    assert warning.edit_code == "NEC_SELF_PAY" and not warning.is_error


def test_necessity_titles_are_engine_edits():
    assert set(necessity.EDITS) == {code for code in engine.EDITS if code.startswith("NEC_")}
    assert necessity.RESOLVABLE <= set(necessity.EDITS)


def test_company_policy_applies_to_its_company_only():
    enc = encounter(["R05.9"], [line("94010")])
    own = Policy("P2", rules=policy(covered="J45*").rules, company_id=3)
    assert codes(run(enc, [own], companies={enc.id: 3})) == ["NEC_DX_NOT_COVERED"]
    assert run(enc, [own], companies={enc.id: 4}) == []


def test_no_payer_no_policy():
    enc = encounter(["R05.9"], [line("94010")])
    anyone = Policy("P3", rules=policy(covered="J45*").rules, payer_class="any")
    assert codes(run(enc, [anyone], payers={enc.id: Payer(9, "commercial")})) == ["NEC_DX_NOT_COVERED"]
    assert run(enc, [anyone], payers={enc.id: Payer(None, None)}) == []


@pytest.mark.parametrize(
    "resolution, edit, modifier",
    [("abn", "NEC_ABN", "GA"), ("abn_voluntary", "NEC_ABN", "GX"), ("no_abn", "NEC_NO_ABN", "GZ")],
)
def test_abn_resolutions_name_their_modifier(resolution, edit, modifier):
    enc = encounter(["R05.9"], [line("94010")])
    (warning,) = run(enc, [policy(covered="J45*")], resolutions={enc.procedures[0].id: resolution})
    assert warning.edit_code == edit and not warning.is_error
    assert f"modifier {modifier}" in warning.message


# -------------------------------------------------------------------- equipment


def test_dme_lines_need_rental_or_purchase_modifier():
    from medical_edits import dme

    enc = encounter(["G47.33"], [line("E0601"), line("E0562", modifiers=("NU",)), line("99213")])
    (finding,) = dme.check_lines([enc])
    assert finding.edit_code == "DME_MODIFIER" and finding.procedure_id == enc.procedures[0].id
    assert finding.message.startswith("Line 1 (E0601): equipment is billed as a rental (RR)")


@pytest.mark.parametrize(
    "months, modifier, expected",
    [
        (0, "KH", None),
        (0, "KI", "bill it with KH"),
        (1, "KI", None),
        (2, "KI", None),
        (3, "KI", "rental month 4 of E0601 under CPAP: bill it with KJ"),
        (3, "KJ", None),
        (12, "KJ", None),
        (13, "KJ", "rented 13 months already"),
    ],
)
def test_capped_rental_month_modifiers_from_rental_history(months, modifier, expected):
    pol = Policy("CPAP", rules=(Rule(parse_codes("E0601"), capped_rental=True),))
    history = [
        Service(1, "E0601", necessity.add_months(date(2025, 1, 15), n), 1, modifiers=("RR", "KX"))
        for n in range(months)
    ]
    # a purchase of the same item is no rental month
    history.append(Service(1, "E0601", date(2024, 1, 2), 1, modifiers=("NU",)))
    enc = encounter(["G47.33"], [line("E0601", modifiers=("RR", modifier))], day=date(2026, 3, 10))
    findings = run(enc, [pol], history=history)
    if expected is None:
        assert findings == []
    else:
        (finding,) = findings
        assert finding.edit_code == "DME_RENTAL_MONTH" and expected in finding.message
