# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a dropped file is, from its envelope: an 835 is recognised by GS01 HP or ST01 835, anything else keeps
the folder's kind."""

from medical_billing_edi.x12_835_writer import EraClaim, era_835, era_835_body
from medical_billing_edi.x12_kind import interchange_kind


def test_an_835_is_recognised_whatever_the_folder():
    text = era_835(
        [era_835_body([EraClaim(pcn="C1", charge=10, paid=10)], trace="T1", payee_npi="1234567893")]
    )
    assert interchange_kind(text, "271") == "835"
    assert interchange_kind(text.encode(), "271") == "835"
    # another segment terminator and separators: read from the ISA
    assert interchange_kind(text.replace("~", "\n").replace("*", "|"), "271") == "835"


def test_other_files_keep_the_folder_kind():
    text = era_835(
        [era_835_body([EraClaim(pcn="C1", charge=10, paid=10)], trace="T1", payee_npi="1234567893")]
    )
    answer = text.replace("GS*HP*", "GS*HB*").replace("ST*835*", "ST*271*")
    assert interchange_kind(answer, "271") == "271"
    assert interchange_kind(b"not an X12 file", "271") == "271"
    assert interchange_kind(b"ISA*00*truncated~", "271") == "271"
    assert interchange_kind(b"\xff\xfe", "271") == "271"
