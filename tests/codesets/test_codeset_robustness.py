# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Code-set readers under hostile input: only CodeFileError, no entity expansion, zip bomb or recursion."""

import io
import zipfile

import pytest
from medical_codesets import common, hcpcs, icd10cm
from medical_codesets.errors import CodeFileError

SMALL = b"""<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2027</version>
  <chapter>
    <name>19</name>
    <desc>Injury, poisoning and certain other consequences of external causes (S00-T88)</desc>
    <section id="S06-S06">
      <desc>Intracranial injury</desc>
      <diag>
        <name>S06</name>
        <desc>Intracranial injury</desc>
        <notes>
<note>7th characters D and S do not apply to codes in category S06 with 6th character 7 - death</note>
        </notes>
        <sevenChrDef>
          <extension char="A">initial encounter</extension>
          <extension char="D">subsequent encounter</extension>
        </sevenChrDef>
        <diag>
          <name>S06.0</name>
          <desc>Concussion</desc>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""

LAUGHS = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lollollollollollollollollollol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ICD10CM.tabular>
  <version>&lol9;</version>
</ICD10CM.tabular>
"""


def refused(parse, data, filename=None):
    with pytest.raises(CodeFileError) as caught:
        parse(data, filename)
    assert type(caught.value) is CodeFileError
    return caught.value


def test_small_file_with_an_exclusion_note_parses():
    codes = [row.code for row in icd10cm.parse(SMALL, "icd10cm-tabular-2027.xml").rows]
    assert codes == ["19", "S06-S06", "S06", "S060", "S060XXA", "S060XXD"]


def test_billion_laughs_is_refused_before_parsing():
    error = refused(icd10cm.parse, LAUGHS)
    assert error.line == 2
    assert "declares a document type" in error.message and "not expanded" in error.message


@pytest.mark.parametrize(
    "data",
    [
        SMALL.decode().encode("utf-16"),
        SMALL.replace(b'encoding="utf-8"', b'encoding="utf-7"'),
        SMALL.replace(b'encoding="utf-8"', b'encoding="ebcdic-cp-us"'),
    ],
    ids=["utf-16", "utf-7", "ebcdic"],
)
def test_other_encodings_are_refused(data):
    assert "not a UTF-8 XML file" in refused(icd10cm.parse, data).message


@pytest.mark.parametrize("digit", [b"7", b"0", b"9"])
def test_exclusion_note_naming_a_character_after_the_6th_is_refused(digit):
    data = SMALL.replace(b"with 6th character 7", b"with " + digit + b"th character 7")
    error = refused(icd10cm.parse, data)
    assert error.line == 13
    assert f"names the {digit.decode()}th character of the code" in error.message


def test_deeply_nested_sections_are_refused_not_a_recursion_error():
    depth = 1200
    inner = b'<section id="J20-J22"><desc>x</desc>' * depth + b"</section>" * depth
    data = SMALL.replace(b'<section id="S06-S06">', inner + b'<section id="S06-S06">')
    error = refused(icd10cm.parse, data)
    assert "not well-formed XML" in error.message or "nested more than" in error.message


def test_sections_nested_past_the_bound_are_refused():
    depth = icd10cm.MAX_SECTION_DEPTH + 1
    inner = b"".join(b'<section id="J%02d-J%02d"><desc>x</desc>' % (i, i) for i in range(depth))
    data = SMALL.replace(b'<section id="S06-S06">', inner + b"</section>" * depth + b'<section id="S06-S06">')
    error = refused(icd10cm.parse, data)
    assert error.line == 7 and f"nested more than {icd10cm.MAX_SECTION_DEPTH} deep" in error.message


# --------------------------------------------------------------------------------------------
# zip inputs


def zipped(name, payload, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


def patched(data, local_offset, central_offset, value):
    """Overwrite a 2-byte field of the one member in both its local and its central header."""
    data = bytearray(data)
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data[local + local_offset : local + local_offset + 2] = value.to_bytes(2, "little")
    data[central + central_offset : central + central_offset + 2] = value.to_bytes(2, "little")
    return bytes(data)


ICD_ZIP = zipped("icd10cm-tabular-2027.xml", SMALL * 1)


def test_zip_of_the_small_file_parses():
    assert len(icd10cm.parse(ICD_ZIP).rows) == 6


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: d[: len(d) // 2], id="truncated"),
        pytest.param(lambda d: d[:60] + bytes(b ^ 0xFF for b in d[60:200]) + d[200:], id="flipped"),
        pytest.param(lambda d: patched(d, 8, 10, 99), id="unknown-compression"),
        pytest.param(lambda d: patched(d, 8, 10, zipfile.ZIP_BZIP2), id="wrong-compression"),
    ],
)
def test_damaged_zip_is_refused(damage):
    error = refused(icd10cm.parse, damage(ICD_ZIP))
    assert error.line == 0 and "zip archive" in error.message


def test_encrypted_zip_is_refused():
    error = refused(icd10cm.parse, patched(ICD_ZIP, 6, 8, 0x1))
    assert "'icd10cm-tabular-2027.xml' is encrypted" in error.message


def test_zip_bomb_is_refused_at_the_cap(monkeypatch):
    monkeypatch.setattr(common, "MAX_EXPANDED_SIZE", 4 * 1024 * 1024)
    bomb = zipped("HCPC2019_CONTR_ANWEB.txt", b"0" * (64 * 1024 * 1024))
    assert len(bomb) < 100_000
    error = refused(hcpcs.parse, bomb)
    assert "expands to more than 4 MB" in error.message


def test_zip_bomb_lying_about_its_size_is_refused(monkeypatch):
    monkeypatch.setattr(common, "MAX_EXPANDED_SIZE", 4 * 1024 * 1024)
    bomb = bytearray(zipped("HCPC2019_CONTR_ANWEB.txt", b"0" * (64 * 1024 * 1024)))
    # the headers claim 100 bytes: zipfile stops there, and the CRC check refuses the member
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = bomb.index(signature) + offset
        bomb[start : start + 4] = (100).to_bytes(4, "little")
    error = refused(hcpcs.parse, bytes(bomb))
    assert "it is damaged (BadZipFile)" in error.message
