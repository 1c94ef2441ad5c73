# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every edit of the engine: one case that fires it, one that must not."""

from datetime import date

import pytest
from medical_edits import engine
from medical_edits.engine import CodeInfo, DiagnosisLine, EncounterData, MueValue, ProcedureLine, PtpEdit

DOS = date(2026, 3, 10)
_ids = iter(range(1, 10**6))


def dx(code, **kw):
    return CodeInfo(code=code, system=kw.pop("system", "icd10cm"), id=next(_ids), **kw)


def cpt(code, **kw):
    return CodeInfo(code=code, system=kw.pop("system", "cpt"), id=next(_ids), **kw)


def mod(code, **kw):
    return CodeInfo(code=code, system=kw.pop("system", "modifier"), id=next(_ids), **kw)


def line(code, modifiers=(), units=1, pointers="A", **kw):
    return ProcedureLine(
        id=next(_ids),
        sequence=kw.pop("sequence", 10),
        code=code if isinstance(code, CodeInfo) else cpt(code),
        modifiers=tuple(m if isinstance(m, CodeInfo) else mod(m) for m in modifiers),
        units=units,
        pointers=pointers,
        **kw,
    )


def encounter(diagnoses=("J209",), procedures=(), **kw):
    kw.setdefault("patient", 1)
    kw.setdefault("date_service", DOS)
    diagnosis_lines = [
        DiagnosisLine(next(_ids), i, d if isinstance(d, CodeInfo) else dx(d)) for i, d in enumerate(diagnoses)
    ]
    return EncounterData(id=next(_ids), diagnoses=diagnosis_lines, procedures=list(procedures), **kw)


def codes(findings):
    return sorted(f.edit_code for f in findings)


def run(*encounters, ptp=None, mue=None):
    return engine.check(list(encounters), ptp=ptp, mue=mue)


def ptp_table(*edits):
    table = {}
    for edit in edits:
        table.setdefault((edit.column1, edit.column2), []).append(edit)
    return table


def test_clean_encounter_has_no_finding():
    assert run(encounter(procedures=[line("99213")])) == []


def test_every_edit_has_a_title_and_severity():
    for title, severity in engine.EDITS.values():
        assert title
        assert severity in (engine.ERROR, engine.WARNING)


# ------------------------------------------------------------------ header data


def test_required_data():
    enc = encounter(procedures=[line("99213")], has_provider=False, has_place_of_service=False)
    assert codes(run(enc)) == ["POS_MISSING", "PROVIDER_MISSING"]
    enc = encounter(procedures=[line("99213")], patient_missing=("street", "birth date"))
    (finding,) = run(enc)
    assert finding.edit_code == "PATIENT_INCOMPLETE"
    assert "street, birth date" in finding.message
    assert finding.is_error


# ------------------------------------------------------------------ diagnoses


def test_no_diagnosis_no_procedure():
    assert codes(run(encounter(diagnoses=()))) == ["DX_MISSING", "PROC_MISSING"]


def test_diagnosis_not_billable():
    header = dx("J20", billable=False, display="J20")
    findings = run(encounter(diagnoses=[header], procedures=[line("99213")]))
    assert codes(findings) == ["DX_NOT_BILLABLE"]
    assert findings[0].code_id == header.id
    assert "J20" in findings[0].message
    assert run(encounter(diagnoses=[dx("J209", billable=True)], procedures=[line("99213")])) == []


@pytest.mark.parametrize(
    ("start", "end", "fires"),
    [
        (None, None, False),
        (date(2025, 10, 1), None, False),
        (DOS, DOS, False),  # both bounds inclusive
        (date(2026, 3, 11), None, True),
        (None, date(2026, 3, 9), True),
    ],
)
def test_diagnosis_dates(start, end, fires):
    code = dx("R059", date_start=start, date_end=end)
    findings = run(encounter(diagnoses=[code], procedures=[line("99213")]))
    assert codes(findings) == (["DX_NOT_EFFECTIVE"] if fires else [])


def test_diagnosis_other_system_or_inactive():
    assert codes(run(encounter(diagnoses=[cpt("99213")], procedures=[line("99213")]))) == ["DX_NOT_ICD10CM"]
    inactive = dx("J209", active=False)
    assert codes(run(encounter(diagnoses=[inactive], procedures=[line("99213")]))) == ["DX_NOT_ICD10CM"]


def test_duplicate_diagnosis():
    same = dx("J209")
    enc = encounter(diagnoses=[same, same], procedures=[line("99213", pointers="A")])
    assert codes(run(enc)) == ["DX_DUPLICATE"]
    enc = encounter(diagnoses=["J209", "E119"], procedures=[line("99213", pointers="AB")])
    assert run(enc) == []


def test_more_than_12_diagnoses():
    twelve = [f"Z{n:04d}" for n in range(12)]
    assert run(encounter(diagnoses=twelve, procedures=[line("99213", pointers="L")])) == []
    findings = run(encounter(diagnoses=[*twelve, "Z9999"], procedures=[line("99213")]))
    assert codes(findings) == ["DX_TOO_MANY"]


# ------------------------------------------------------------------ procedures and modifiers


@pytest.mark.parametrize(
    ("code", "fires"),
    [
        (cpt("99213"), None),
        (cpt("J1100", system="hcpcs"), None),
        (cpt("J209", system="icd10cm"), "PROC_UNKNOWN"),
        (cpt("99213", active=False), "PROC_UNKNOWN"),
        (cpt("99213", date_start=date(2026, 3, 11)), "PROC_NOT_EFFECTIVE"),
        (cpt("99213", date_end=date(2026, 3, 9)), "PROC_NOT_EFFECTIVE"),
        (cpt("99213", date_start=DOS, date_end=DOS), None),
    ],
)
def test_procedure_code(code, fires):
    findings = run(encounter(procedures=[line(code)]))
    assert codes(findings) == ([fires] if fires else [])


@pytest.mark.parametrize(
    ("modifier", "fires"),
    [
        (mod("25"), None),
        (mod("25", system="pos"), "MOD_UNKNOWN"),
        (mod("Q0", active=False), "MOD_UNKNOWN"),
        (mod("Q0", date_end=date(2020, 12, 31)), "MOD_NOT_EFFECTIVE"),
        (mod("X1", date_start=date(2027, 1, 1)), "MOD_NOT_EFFECTIVE"),
    ],
)
def test_modifier_code(modifier, fires):
    findings = run(encounter(procedures=[line("99213", [modifier])]))
    assert codes(findings) == ([fires] if fires else [])


def test_modifier_repeated_is_a_warning():
    ga = mod("GA")
    findings = run(encounter(procedures=[line("99213", [ga, ga])]))
    assert codes(findings) == ["MOD_DUPLICATE"]
    assert not findings[0].is_error
    assert run(encounter(procedures=[line("99213", ["GA", "GY"])])) == []


def test_units():
    assert codes(run(encounter(procedures=[line("99213", units=0)]))) == ["UNITS_INVALID"]
    assert codes(run(encounter(procedures=[line("99213", units=-1)]))) == ["UNITS_INVALID"]
    assert run(encounter(procedures=[line("99213", units=0.5)])) == []


def test_pointers():
    two = ("J209", "E119")
    assert codes(run(encounter(diagnoses=two, procedures=[line("99213", pointers="")]))) == ["PTR_MISSING"]
    findings = run(encounter(diagnoses=two, procedures=[line("99213", pointers="AC")]))
    assert codes(findings) == ["PTR_INVALID"]
    assert "C" in findings[0].message and "A to B" in findings[0].message
    assert codes(run(encounter(diagnoses=two, procedures=[line("99213", pointers="M")]))) == ["PTR_INVALID"]
    assert run(encounter(diagnoses=two, procedures=[line("99213", pointers="BA")])) == []


def test_duplicate_lines():
    enc = encounter(procedures=[line("36415"), line("36415")])
    findings = run(enc)
    assert codes(findings) == ["LINE_DUPLICATE"]
    assert findings[0].procedure_id == enc.procedures[1].id
    # a distinguishing modifier or a different code is not a duplicate
    assert run(encounter(procedures=[line("36415"), line("36415", ["59"])])) == []
    assert run(encounter(procedures=[line("36415"), line("36416")])) == []
    # the order of modifiers does not make lines different
    assert codes(run(encounter(procedures=[line("20610", ["59", "RT"]), line("20610", ["RT", "59"])]))) == [
        "LINE_DUPLICATE"
    ]


def test_ndc_needs_quantity_and_unit():
    hcpcs = cpt("J1100", system="hcpcs")
    enc = encounter(procedures=[line(hcpcs, ndc_code="00009004735")])
    assert codes(run(enc)) == ["NDC_INCOMPLETE"]
    enc = encounter(procedures=[line(hcpcs, ndc_code="00009004735", ndc_quantity=1, ndc_unit=None)])
    assert codes(run(enc)) == ["NDC_INCOMPLETE"]
    enc = encounter(procedures=[line(hcpcs, ndc_code="00009004735", ndc_quantity=1, ndc_unit="ML")])
    assert run(enc) == []
    assert run(encounter(procedures=[line(hcpcs)])) == []


# ------------------------------------------------------------------ NCCI PTP


def ptp(c1, c2, indicator, start=date(2020, 1, 1), end=None):
    return PtpEdit(c1, c2, start, end, indicator)


def test_ptp_indicator_0_fires_on_the_column_2_line_whatever_the_modifier():
    table = ptp_table(ptp("20610", "96372", "0"))
    enc = encounter(procedures=[line("20610"), line("96372", ["59"])])
    findings = run(enc, ptp=table)
    assert codes(findings) == ["NCCI_PTP"]
    assert findings[0].procedure_id == enc.procedures[1].id
    assert findings[0].related_code == "20610"
    # the reverse order of the pair is not an edit
    assert (
        run(encounter(procedures=[line("96372"), line("20610")]), ptp=ptp_table(ptp("96372", "99999", "0")))
        == []
    )


def test_ptp_indicator_1_needs_an_ncci_modifier():
    table = ptp_table(ptp("20610", "99213", "1"))
    assert codes(run(encounter(procedures=[line("20610"), line("99213")]), ptp=table)) == ["NCCI_PTP"]
    assert codes(run(encounter(procedures=[line("20610"), line("99213", ["GA"])]), ptp=table)) == ["NCCI_PTP"]
    for modifier in (
        "25",
        "59",
        "XE",
        "XS",
        "XP",
        "XU",
        "91",
        "LT",
        "RT",
        "F1",
        "F9",
        "TA",
        "T9",
        "E1",
        "E4",
        "LC",
        "LD",
        "RC",
        "LM",
        "RI",
    ):
        findings = run(encounter(procedures=[line("20610"), line("99213", ["GA", modifier])]), ptp=table)
        assert codes(findings) == ["NCCI_PTP_BYPASSED"], modifier
        assert not findings[0].is_error
    # anatomic modifiers bypass only when they tell the sites apart
    assert codes(run(encounter(procedures=[line("20610", ["RT"]), line("99213", ["RT"])]), ptp=table)) == [
        "NCCI_PTP"
    ]
    assert codes(run(encounter(procedures=[line("20610", ["RT"]), line("99213", ["LT"])]), ptp=table)) == [
        "NCCI_PTP_BYPASSED"
    ]
    assert codes(
        run(encounter(procedures=[line("20610", ["F1"]), line("99213", ["F1", "59"])]), ptp=table)
    ) == ["NCCI_PTP_BYPASSED"]
    # the modifier may be on the column 1 line too
    assert codes(run(encounter(procedures=[line("20610", ["59"]), line("99213")]), ptp=table)) == [
        "NCCI_PTP_BYPASSED"
    ]


def test_ptp_indicator_9_is_ignored():
    table = ptp_table(ptp("20610", "99213", "9"))
    assert run(encounter(procedures=[line("20610"), line("99213")]), ptp=table) == []


@pytest.mark.parametrize(
    ("start", "end", "fires"),
    [
        (date(2020, 1, 1), None, True),
        (DOS, None, True),
        (date(2020, 1, 1), DOS, True),  # the deletion date is the last day in force
        (date(2026, 3, 11), None, False),
        (date(2020, 1, 1), date(2026, 3, 9), False),
    ],
)
def test_ptp_dates(start, end, fires):
    table = ptp_table(ptp("20610", "96372", "0", start, end))
    findings = run(encounter(procedures=[line("20610"), line("96372")]), ptp=table)
    assert codes(findings) == (["NCCI_PTP"] if fires else [])


def test_ptp_latest_row_in_force_wins():
    table = ptp_table(
        ptp("20610", "99213", "0", date(2020, 1, 1), date(2025, 12, 31)),
        ptp("20610", "99213", "1", date(2026, 1, 1)),
    )
    findings = run(encounter(procedures=[line("20610"), line("99213", ["25"])]), ptp=table)
    assert codes(findings) == ["NCCI_PTP_BYPASSED"]


def test_ptp_across_encounters_of_the_same_patient_and_date():
    table = ptp_table(ptp("20610", "96372", "0"))
    morning = encounter(procedures=[line("20610")], check=False)
    afternoon = encounter(procedures=[line("96372")])
    findings = run(morning, afternoon, ptp=table)
    assert codes(findings) == ["NCCI_PTP"]
    assert findings[0].encounter_id == afternoon.id
    # no finding for an encounter that is only context
    assert (
        run(
            encounter(procedures=[line("20610")]),
            encounter(procedures=[line("96372")], check=False),
            ptp=table,
        )
        == []
    )
    # another patient, or another date, is not the same date of service
    assert run(encounter(procedures=[line("20610")], patient=2), afternoon, ptp=table) == []
    other_day = encounter(procedures=[line("96372")], date_service=date(2026, 3, 11))
    assert run(morning, other_day, ptp=table) == []


def test_ptp_pairs_to_look_up():
    a = encounter(procedures=[line("20610"), line("96372")])
    b = encounter(procedures=[line("99213")], check=False)
    c = encounter(procedures=[line("11111")], patient=2)
    pairs = engine.ptp_pairs([a, b, c])
    assert ("20610", "96372") in pairs and ("96372", "20610") in pairs and ("99213", "20610") in pairs
    assert not any("11111" in pair for pair in pairs)


# ------------------------------------------------------------------ MUE


def mue(code, value, indicator, start=date(2020, 1, 1)):
    return {code: [MueValue(code, value, indicator, start)]}


def test_mue_per_line():
    table = mue("96372", 2, "1")
    assert (
        run(encounter(procedures=[line("96372", units=2), line("96372", ["59"], units=2)]), mue=table) == []
    )
    findings = run(encounter(procedures=[line("96372", units=3)]), mue=table)
    assert codes(findings) == ["MUE"]
    assert "3 units" in findings[0].message and "allows 2" in findings[0].message


@pytest.mark.parametrize("indicator", ["2", "3"])
def test_mue_per_day(indicator):
    table = mue("36415", 2, indicator)
    assert run(encounter(procedures=[line("36415", units=2)]), mue=table) == []
    findings = run(encounter(procedures=[line("36415"), line("36415", ["91"], units=2)]), mue=table)
    assert codes(findings) == ["MUE"]
    morning = encounter(procedures=[line("36415", units=2)], check=False)
    afternoon = encounter(procedures=[line("36415", units=1)])
    assert codes(run(morning, afternoon, mue=table)) == ["MUE"]
    assert (
        run(morning, encounter(procedures=[line("36415")], date_service=date(2026, 3, 11)), mue=table) == []
    )


def test_mue_table_in_force_on_the_date_of_service():
    table = {
        "96372": [
            MueValue("96372", 1, "2", date(2025, 1, 1)),
            MueValue("96372", 3, "2", date(2026, 1, 1)),
            MueValue("96372", 1, "2", date(2026, 7, 1)),
        ]
    }
    assert run(encounter(procedures=[line("96372", units=3)]), mue=table) == []
    later = encounter(procedures=[line("96372", units=3)], date_service=date(2026, 7, 1))
    assert codes(run(later, mue=table)) == ["MUE"]
    earlier = encounter(procedures=[line("96372", units=3)], date_service=date(2019, 1, 1))
    assert run(earlier, mue=table) == []


def test_letters():
    assert engine.letter_of(0) == "A"
    assert engine.letter_of(11) == "L"
    assert engine.letter_of(12) == ""
