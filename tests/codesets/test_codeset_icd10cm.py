# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""ICD-10-CM tabular XML parser: the packaged CDC release code by code, and refusals of bad files."""

import io
import re
import warnings
import zipfile
from collections import Counter
from datetime import date

import pytest
from medical_codesets import icd10cm
from medical_codesets.errors import CodeFileError

with warnings.catch_warnings():  # the package still calls deprecated importlib.resources functions
    warnings.simplefilter("ignore", DeprecationWarning)
    import simple_icd_10_cm as sicd

SMALL = b"""<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2027</version>
  <chapter>
    <name>10</name>
    <desc>Diseases of the respiratory system (J00-J99)</desc>
    <section id="J20-J22">
      <desc>Other acute lower respiratory infections (J20-J22)</desc>
      <diag>
        <name>J20</name>
        <desc>Acute bronchitis</desc>
        <diag>
          <name>J20.9</name>
          <desc>Acute bronchitis, unspecified</desc>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""


def _bad(data, filename="icd10cm-tabular-2027.xml"):
    with pytest.raises(CodeFileError) as info:
        icd10cm.parse(data, filename)
    return info.value


def _billable(code):
    # the release's valid (billable) codes: categories and subcategories without children
    return sicd.is_leaf(code) and (sicd.is_category(code) or sicd.is_subcategory(code))


def _normalized(text):
    # simple_icd_10_cm keeps the XML text as is (tabs, the spaces of continuation notes); we collapse them
    return " ".join(text.split()).replace("/ ", "/")


def test_packaged_release_equals_simple_icd_10_cm_code_by_code(icd_packaged):
    _data, _filename, code_set = icd_packaged
    package_codes = sicd.get_all_codes(with_dots=False)
    ours = [row.code for row in code_set.rows]
    # the CDC names the 39 blocks holding one category like the category (B20 …); ours are ranges (B20-B20)
    renamed = {
        row.code: row.code.split("-")[0] for row in code_set.rows if re.fullmatch(r"(\w+)-\1", row.code)
    }
    doubles = {code for code, count in Counter(package_codes).items() if count > 1}
    assert set(renamed.values()) == doubles and len(doubles) == 39 and "B20" in doubles
    assert [renamed.get(code, code) for code in ours] == package_codes
    assert len(ours) == len(set(ours)) == 98505

    disagreements = set()
    for row, name in zip(code_set.rows, package_codes, strict=True):
        block = row.level == "block"
        assert row.name == _normalized(sicd.get_description(name, prioritize_blocks=block)), row.code
        if row.billable != (row.level in ("category", "code") and _billable(name)):
            disagreements.add(row.code)
        parent = sicd.get_parent(name, prioritize_blocks=block).replace(".", "") or None
        if row.level == "category":  # the parent is a block, named by its range here
            parent = parent if "-" in parent else f"{parent}-{parent}"
        assert row.parent_code == parent, row.code
    # billable is the release's valid-code test, entry by entry: a category or subcategory without children;
    # a range heading never is, not one with nothing filed under it (C00-C96), not one named like its only
    # category (B20-B20, while the category B20 itself is billable)
    assert not disagreements
    billable = {row.code for row in code_set.rows if row.billable}
    assert billable == {code for code in package_codes if _billable(code)}
    for heading in ("C00-C96", "B20-B20", "F99-F99", "A00-A09"):
        assert not code_set.rows[ours.index(heading)].billable, heading
    assert "B20" in billable and "F99" in billable


def test_packaged_release_counts(icd_packaged):
    _data, _filename, code_set = icd_packaged
    rows = code_set.rows
    assert len(rows) == 98505
    billable = sum(row.billable for row in rows)
    assert billable == 74719  # the FY2026 release's valid-code count
    package_valid = {code for code in sicd.get_all_codes(with_dots=False) if _billable(code)}
    assert len(package_valid) == 74719
    assert Counter(row.level for row in rows)["chapter"] == 22
    assert not any(row.billable for row in rows if row.level == "chapter")
    assert not any(row.billable for row in rows if row.level == "block")
    assert code_set.release_date == date(2026, 4, 1)
    assert code_set.label == "ICD-10-CM 2026 (April 1, 2026)"
    assert code_set.systems == ("icd10cm",)


def test_hierarchy_and_seventh_characters(icd_packaged):
    _data, _filename, code_set = icd_packaged
    rows = {row.code: row for row in code_set.rows}
    assert rows["J209"].parent_code == "J20" and rows["J209"].billable
    assert rows["J20"].parent_code == "J20-J22" and not rows["J20"].billable
    assert rows["J20-J22"].parent_code == "10" and rows["J20-J22"].level == "block"
    assert rows["10"].parent_code is None and rows["10"].level == "chapter"
    # 7th characters from the category's sevenChrDef, with the X placeholder when the code is short
    assert rows["S52521A"].billable and rows["S52521A"].parent_code == "S52521"
    assert not rows["S52521"].billable
    assert rows["S52521A"].name.endswith(", initial encounter for closed fracture")
    assert rows["T07XXXA"].parent_code == "T07" and not rows["T07"].billable
    # "7th characters D and S do not apply to codes in category S06 with 6th character 7 … or 8"
    assert "S061X7A" in rows and "S061X7D" not in rows and "S061X8S" not in rows
    assert "S061X1D" in rows and "S061X7" in rows and not rows["S061X7"].billable


def test_small_file_and_zip():
    code_set = icd10cm.parse(SMALL, "icd10cm-tabular-2027.xml")
    assert [(r.code, r.level, r.parent_code, r.billable) for r in code_set.rows] == [
        ("10", "chapter", None, False),
        ("J20-J22", "block", "10", False),
        ("J20", "category", "J20-J22", False),
        ("J209", "code", "J20", True),
    ]
    assert code_set.release_date == date(2026, 10, 1)  # FY2027 starts October 1, 2026
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("icd10cm-table-index-2027/icd10cm-tabular-2027.xml", SMALL)
        zipped.writestr("icd10cm-table-index-2027/icd10cm-index-2027.xml", b"<index/>")
    assert len(icd10cm.parse(archive.getvalue(), "icd10cm-table-index-2027.zip").rows) == 4


def test_truncated_file_names_its_last_line(icd_packaged):
    data = icd_packaged[0]
    cut = data[: len(data) // 2]
    error = _bad(cut)
    assert error.line == cut.count(b"\n") + 1
    assert "not well-formed XML" in error.message


def test_undecodable_byte_names_its_line():
    data = SMALL.replace(b"Acute bronchitis, unspecified", b"Acute bronchitis, \xff\xfe unspecified")
    error = _bad(data)
    assert error.line == SMALL[: SMALL.index(b"Acute bronchitis, unspecified")].count(b"\n") + 1 == 14
    assert "not well-formed XML" in error.message


def test_wrong_format_is_refused(hcpcs_2019):
    error = _bad(b"<?xml version='1.0'?>\n<CodeSystem/>")
    assert error.line == 2 and "this is not a CDC ICD-10-CM tabular XML file" in error.message
    error = _bad(hcpcs_2019)
    assert error.line == 1 and "not well-formed XML" in error.message
    assert _bad(b"").message == "the file is empty"


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (b"<name>J20.9</name>", b"<name>J20.99999</name>", 12, "<diag> has no valid code name"),
        (b"<name>J20.9</name>", b"<name>J21.9</name>", 12, "is filed under J20, which is not its stem"),
        (b"<name>J20.9</name>", b"<name>J20</name>", 12, "code J20 appears twice (first on line 9)"),
        (b"<desc>Acute bronchitis, unspecified</desc>", b"<desc> </desc>", 12, "J20.9 has no description"),
        (b'<section id="J20-J22">', b'<section id="J20 to J22">', 7, "is not a code range"),
        (b"<name>10</name>", b"<name>X</name>", 4, "chapter has no valid number"),
    ],
)
def test_unparsable_entry_names_its_line(old, new, line, message):
    error = _bad(SMALL.replace(old, new))
    assert (error.line, message in error.message) == (line, True), error
    assert str(error).startswith(f"Line {line}: ")
