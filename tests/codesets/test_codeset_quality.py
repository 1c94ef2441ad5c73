# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The quality measures reader on the real CMS 2025 files and on broken copies of them."""

import json

import pytest
from medical_codesets import quality
from medical_codesets.errors import CodeFileError


@pytest.fixture(scope="module")
def quality_dir(shared_dir):
    return shared_dir / "cms" / "quality"


def test_single_source_2025(quality_dir):
    parsed = quality.parse((quality_dir / "qpp-single-source-2025.json").read_bytes())
    assert parsed.layout == "single-source"
    measures = {m.measure: m for m in parsed.measures}
    assert len(measures) == 25
    assert sum(len(m.eligibility) for m in measures.values()) == 29
    assert sum(len(m.performance) for m in measures.values()) == 154
    assert sum(len(o.codes) for m in measures.values() for o in m.performance) == 168
    kinds = [o.kind for m in measures.values() for o in m.performance]
    assert (
        kinds.count("exclusion"),
        kinds.count("met"),
        kinds.count("not_met"),
        kinds.count("exception"),
    ) == (
        56,
        41,
        41,
        16,
    )
    option = measures["039"].eligibility[0]
    assert (option.min_age, option.max_age, option.sex, option.diagnoses) == (65.0, 85.0, "F", ())
    assert len(option.diagnosis_exclusions) == 316 and "M8000XA" in option.diagnosis_exclusions
    assert "E119" in measures["001"].eligibility[0].diagnoses
    bmi = {p.code: p for p in measures["128"].eligibility[0].procedures}["99213"]
    assert (bmi.pos_exclusions, bmi.modifier_exclusions) == (("02", "10", "12"), ("GQ", "GT", "FQ", "93"))
    not_met = next(o for o in measures["024"].performance if o.kind == "not_met")
    assert not_met.codes == (quality.QualityCode("5015F", ("8P",)),)
    assert measures["001"].title is None  # the single source has criteria only


def test_measures_data_and_benchmarks_2025(quality_dir):
    parsed = quality.parse((quality_dir / "measures-data-2025-claims.json").read_bytes())
    assert parsed.layout == "measures"
    inverse = sorted(m.measure for m in parsed.measures if m.inverse)
    assert inverse == ["001", "406"]
    assert sum(bool(m.high_priority) for m in parsed.measures) == 15
    benchmarks = quality.parse((quality_dir / "benchmarks-2025-claims.json").read_bytes())
    assert benchmarks.layout == "benchmarks"
    assert len(benchmarks.benchmarks) == 21
    by_measure = {b.measure: b for b in benchmarks.benchmarks}
    assert by_measure["405"].percentiles[10] == 9.305
    assert (by_measure["039"].year, by_measure["039"].benchmark_year, by_measure["039"].average) == (
        2025,
        2023,
        76.14,
    )


def broken(quality_dir, change):
    content = json.loads((quality_dir / "qpp-single-source-2025.json").read_bytes())
    change(content)
    return json.dumps(content).encode()


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda c: c["128"]["eligibilityOptions"][0].update(minAge="eighteen"),
            "measure 128, eligibility option 1: minAge 'eighteen' is not an age in years",
        ),
        (
            lambda c: c["001"]["eligibilityOptions"][0].update(maxAge=10.0),
            "measure 001, eligibility option 1: minAge 18 is above maxAge 10",
        ),
        (
            lambda c: c["226"]["performanceOptions"][3].update(optionType="performanceMaybe"),
            "measure 226, performance option 4: optionType 'performanceMaybe' is not one of",
        ),
        (
            lambda c: c["024"]["performanceOptions"][0].update(optionGroup="07"),
            "measure 024, performance option 1: option group 07 has no eligibility option",
        ),
        (
            lambda c: c["236"]["eligibilityOptions"][0]["diagnosisCodes"].append("not a code"),
            "measure 236, eligibility option 1: diagnosisCodes holds 'not a code', which is not a code",
        ),
        (
            lambda c: c["047"]["eligibilityOptions"][0]["procedureCodes"][0].update(
                placesOfServiceExclusions=["2"]
            ),
            "measure 047, eligibility option 1: placesOfServiceExclusions holds '2', which is not a code",
        ),
        (lambda c: c["181"].update(measureId="182"), "measure 181: its measureId says 182"),
        (lambda c: c["145"].pop("performanceOptions"), "measure 145: no performanceOptions"),
    ],
)
def test_broken_criteria_are_named(quality_dir, change, message):
    with pytest.raises(CodeFileError) as caught:
        quality.parse(broken(quality_dir, change))
    assert message in caught.value.message


def test_not_json_names_the_line():
    with pytest.raises(CodeFileError) as caught:
        quality.parse(b'{\n "001": {\n  "measureId": "001",\n  oops\n }\n}')
    assert (caught.value.line, caught.value.message[:29]) == (4, "the file is not valid JSON: E")
    with pytest.raises(CodeFileError, match="not UTF-8"):
        quality.parse(b"\xff\xfe{}")
    with pytest.raises(CodeFileError, match="holds no measure"):
        quality.parse(b"[]")
