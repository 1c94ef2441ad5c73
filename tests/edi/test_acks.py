# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""999 and 277CA parsers: good files parse, anything else raises X12Error naming the segment.

Over 500 lines: the sample acknowledgements are written out segment by segment in the module (the
good files and each way to break them), the tests themselves are short.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from functools import partial

import medical_billing_edi as edi
import pytest
from medical_billing_edi import x12_ack_writer

ERROR_FORMAT = re.compile(r"^segment \d+ \([A-Z0-9?]{1,3}\): \S")


# An interchange around transaction sets given as (ST01, body segments without ST/SE).
envelope = x12_ack_writer.interchange


def ack_999(*bodies):
    return envelope("FA", "005010X231A1", [("999", body) for body in bodies])


ACCEPTED_999 = [
    "AK1*HC*42*005010X222A1",
    "AK2*837*0001*005010X222A1",
    "IK5*A",
    "AK9*A*1*1*1",
]

REJECTED_999 = x12_ack_writer.ack_999_body(
    43,
    [
        (
            "0001",
            "R",
            ["IK3*CLM*22*2300*8", "CTX*CLM01:PCN0001", "IK4*2*782*6*12A", "IK3*NM1*9*2010*8", "IK4*9*67*7"],
        )
    ],
)

PARTIAL_999 = [
    "AK1*HC*44*005010X222A1",
    "AK2*837*0001*005010X222A1",
    "IK5*E",
    "AK2*837*0002*005010X222A1",
    "IK3*SV1*31*2400*8",
    "IK4*1:2*235*7",
    "IK5*R*5",
    "AK9*P*2*2*1",
]

# Loops 2000A-2200B of the sample 277CA: BIG PAYER answering ACME BILLING's batch 42 (total 225.50).
HEAD_277 = x12_ack_writer.ack_277ca_head(
    x12_ack_writer.Source277(
        source="NM1*PR*2*BIG PAYER*****PI*12345",
        submitter_name="ACME BILLING",
        submitter_id="SUBMIT01",
        batch_trace="42",
    ),
    225.5,
)

ACK_277CA = [
    *HEAD_277,
    "QTY*90*1",
    "QTY*AA*1",
    "AMT*YU*125.5",
    "AMT*YY*100",
    "HL*3*2*19*1",
    "NM1*85*2*SPRINGFIELD FAMILY PRACTICE*****XX*1234567893",
    "TRN*1*42-1",
    "STC*A1:19:PR**WQ*225.5",
    "QTY*QA*1",
    "QTY*QC*1",
    "AMT*YU*125.5",
    "AMT*YY*100",
    "HL*4*3*PT",
    "NM1*QC*1*SMITH*JOHN****MI*W123456789",
    "TRN*2*PCN0001",
    "STC*A2:20:PR*20250306*WQ*125.5",
    "REF*1K*PAYERCLM0001",
    "REF*D9*TRACE0001",
    "DTP*472*D8*20250301",
    "HL*5*3*PT",
    "NM1*QC*1*SMITH*AMY****MI*W123456789",
    "TRN*2*PCN0002",
    "STC*A7:562:85*20250306*U*100******A6:21:IL**NPI NOT ON FILE",
    "REF*D9*TRACE0002",
    "DTP*472*RD8*20250301-20250302",
    "SVC*HC:99213:25*100*****1",
    "STC*A7:454*20250306*U",
    "REF*FJ*PCN0002-1",
    "DTP*472*D8*20250301",
]


def ack_277(*bodies):
    return envelope("HN", "005010X214", [("277", body) for body in bodies])


def assert_x12_error(parse, data, fragment, segment=None):
    with pytest.raises(edi.X12Error) as caught:
        parse(data)
    message = str(caught.value)
    assert ERROR_FORMAT.match(message), message
    assert fragment in message, message
    if segment is not None:
        assert message.startswith(segment), message
    return caught.value


# --------------------------------------------------------------------------------------------
# 999


def test_test_files_are_valid_x12():
    for text in (
        ack_999(ACCEPTED_999),
        ack_999(REJECTED_999),
        ack_999(PARTIAL_999),
        ack_277(ACK_277CA),
    ):
        assert edi.validate(text) == (True, [])


def test_999_accepted():
    ack = edi.parse_999(ack_999(ACCEPTED_999))
    assert ack.interchange.control_number == "000000101"
    assert ack.interchange.sender_id == "CLEARHOUSE"
    assert ack.interchange.created == datetime(2025, 3, 5, 8, 0)
    (group,) = ack.groups
    assert (group.functional_id, group.group_control_number, group.version) == (
        "HC",
        "42",
        "005010X222A1",
    )
    assert group.status == "A" and group.accepted
    assert (group.included, group.received, group.accepted_count) == (1, 1, 1)
    (ts,) = group.transaction_sets
    assert (ts.set_id, ts.control_number, ts.status) == ("837", "0001", "A")
    assert ts.accepted and ts.segment_errors == () and ts.error_codes == ()
    assert ack.find("42", "0001") is ts
    assert ack.find(42, "0002") is None


def test_999_rejected_with_segment_and_element_errors():
    ack = edi.parse_999(ack_999(REJECTED_999))
    (group,) = ack.groups
    assert group.status == "R" and not group.accepted
    assert group.accepted_count == 0
    ts = ack.find("43", "0001")
    assert ts.status == "R" and not ts.accepted
    assert ts.error_codes == ("5",)
    clm, nm1 = ts.segment_errors
    assert (clm.segment_id, clm.position, clm.loop_id, clm.code) == ("CLM", 22, "2300", "8")
    assert clm.element_errors == (
        edi.ElementError(
            position=2, component=None, repetition=None, reference="782", code="6", bad_value="12A"
        ),
    )
    assert (nm1.segment_id, nm1.position, nm1.element_errors[0].position) == ("NM1", 9, 9)


def test_999_partially_accepted_group():
    (group,) = edi.parse_999(ack_999(PARTIAL_999)).groups
    assert group.status == "P" and not group.accepted
    first, second = group.transaction_sets
    assert first.status == "E" and first.accepted
    assert second.status == "R" and not second.accepted
    (error,) = second.segment_errors
    assert error.element_errors[0].position == 1 and error.element_errors[0].component == 2


def test_999_several_groups():
    ack = edi.parse_999(ack_999(ACCEPTED_999, REJECTED_999))
    assert [g.ack_control_number for g in ack.groups] == ["0001", "0002"]
    assert ack.find("42", "0001").accepted and not ack.find("43", "0001").accepted


def test_999_generated_by_pyx12_for_a_bad_837(shared_dir):
    oxygen = (shared_dir / "x12" / "samples" / "X222-oxygen.edi").read_text()
    ack = edi.parse_999(edi.pyx12_999(oxygen))  # GS08 005010X231, a newline after each ~
    ts = ack.find("20213", "0001")
    assert ts.status == "R"
    assert [(e.segment_id, e.position, e.code) for e in ts.segment_errors] == [
        ("PWK", 22, "8"),
        ("PWK", 45, "8"),
    ]
    assert ts.segment_errors[0].element_errors[0].bad_value == "AD"
    assert ack.groups[0].status == "R"


def test_999_generated_by_pyx12_for_our_837():
    address = edi.Address(line1="1 Main St", city="Salem", state="IL", postal_code="627011234")
    member = edi.Subscriber(
        last_name="Doe",
        first_name="Ann",
        member_id="M1",
        address=address,
        birth_date=date(1980, 1, 1),
        sex="F",
    )
    visit = edi.Line(procedure_code="99213", charge=Decimal(80), service_date=date(2025, 3, 3))
    claim = edi.Claim(
        patient_control_number="PCN1",
        subscriber=member,
        payer=edi.Payer(name="Payer", payer_id="P1"),
        diagnoses=("R05.1",),
        lines=(visit,),
    )
    npi, ein = "1234567893", "12-3456789"
    provider = edi.BillingProvider(name="Clinic", npi=npi, ein=ein, address=address)
    submitter = edi.Submitter(name="Bills", submitter_id="SUB1", contact_name="Jo", email="j@x.org")
    interchange = edi.Interchange(
        sender_id="SUBMIT01",
        receiver_id="CLEARHOUSE",
        control_number=7,
        group_control_number=70,
        created=datetime(2025, 3, 4, 10, 30),
        submitter=submitter,
        receiver=edi.Receiver(name="Clearing House", receiver_id="CLEARHOUSE"),
    )
    text = edi.write_837p(interchange, {provider: [claim]}).text
    ack = edi.parse_999(edi.pyx12_999(text))
    assert ack.find("70", "0001").accepted
    assert ack.groups[0].status == "A"


def test_999_context_segments_are_kept_with_their_error():
    """005010X231A1 loop 2100: the CTX of an IK3 names the claim (business unit identifier CLM01) or the
    segment that triggered the error; the error points at that claim, not at the whole transaction set."""
    body = [
        "AK1*HC*45*005010X222A1",  # 2000A functional group response header
        "AK2*837*0001*005010X222A1",  # 2000B transaction set response header
        "IK3*NM1*14*2010*8",  # 2100 error identification: NM1 at position 14 of the set, in a 2010 loop
        "CTX*CLM01:PCN0002",  # 2100 business unit identifier: the claim's patient control number (CLM01)
        "IK4*9*67*7*BADID",  # 2110 implementation data element note: NM109 invalid
        "IK3*SV1*25*2400*8",  # 2100 error identification: a second error
        "CTX*SITUATIONAL TRIGGER*CLM*19*2300",  # 2100 segment context: the CLM whose rule triggers it
        "IK4*1:2*235*7",  # 2110 implementation data element note
        "IK5*R*5",  # 2000B transaction set response trailer: rejected, segments in error
        "AK9*R*1*1*0",  # 2000A functional group response trailer
    ]
    text = ack_999(body)
    assert edi.validate(text) == (True, [])
    ts = edi.parse_999(text).find("45", "0001")
    nm1, sv1 = ts.segment_errors
    assert nm1.contexts == (edi.ErrorContext(name="CLM01", reference="PCN0002"),)
    assert nm1.claim_reference == "PCN0002"
    assert nm1.element_errors[0].bad_value == "BADID"
    assert sv1.contexts == (
        edi.ErrorContext(name="SITUATIONAL TRIGGER", segment_id="CLM", segment_position=19, loop_id="2300"),
    )
    assert sv1.claim_reference == ""
    # both kinds in one IK3, as the guide allows (pyx12's map takes one CTX per IK3, so not validated here)
    both = [*body[:3], "CTX*SITUATIONAL TRIGGER*CLM*19*2300", *body[3:5], *body[8:]]
    (error,) = edi.parse_999(ack_999(both)).find("45", "0001").segment_errors
    assert [c.name for c in error.contexts] == ["SITUATIONAL TRIGGER", "CLM01"]
    assert error.claim_reference == "PCN0002"
    # the context of an IK3 stays with it: REJECTED_999 names PCN0001 for its CLM error only
    clm, nm1 = edi.parse_999(ack_999(REJECTED_999)).find("43", "0001").segment_errors
    assert (clm.claim_reference, nm1.claim_reference) == ("PCN0001", "")


def test_999_structure_errors_name_the_segment():
    no_ik5 = ["AK1*HC*42*005010X222A1", "AK2*837*0001*005010X222A1", "AK9*A*1*1*1"]
    assert_x12_error(edi.parse_999, ack_999(no_ik5), "AK9 before the IK5", "segment 6 (AK9)")
    bad_ik5 = ["AK1*HC*42*005010X222A1", "AK2*837*0001*005010X222A1", "IK5*Q", "AK9*A*1*1*1"]
    assert_x12_error(edi.parse_999, ack_999(bad_ik5), "IK501", "segment 6 (IK5)")
    no_ak9 = ["AK1*HC*42*005010X222A1", "AK2*837*0001*005010X222A1", "IK5*A"]
    assert_x12_error(edi.parse_999, ack_999(no_ak9), "no AK9", "segment 7 (SE)")
    no_ak1 = ["AK2*837*0001*005010X222A1", "IK5*A", "AK9*A*1*1*1"]
    assert_x12_error(edi.parse_999, ack_999(no_ak1), "AK1", "segment 4 (AK2)")
    stray_ik4 = [
        "AK1*HC*42*005010X222A1",
        "AK2*837*0001*005010X222A1",
        "IK4*2*782*6",
        "IK5*R*5",
        "AK9*R*1*1*0",
    ]
    assert_x12_error(edi.parse_999, ack_999(stray_ik4), "outside an IK3", "segment 6 (IK4)")
    foreign_segment = [*ACCEPTED_999[:3], "CLP*1*2", "AK9*A*1*1*1"]
    assert_x12_error(edi.parse_999, ack_999(foreign_segment), "not allowed", "segment 7 (CLP)")
    bad_count = [*ACCEPTED_999[:3], "AK9*A*one*1*1"]
    assert_x12_error(edi.parse_999, ack_999(bad_count), "AK902", "segment 7 (AK9)")


# --------------------------------------------------------------------------------------------
# 277CA


def test_277ca_claim_statuses():
    ack = edi.parse_277ca(ack_277(ACK_277CA))
    assert ack.control_numbers == ("0001",)
    (summary,) = ack.receivers
    assert (summary.source_name, summary.source_id, summary.trace_number) == (
        "BIG PAYER",
        "12345",
        "42",
    )
    assert (summary.receipt_date, summary.process_date) == (date(2025, 3, 5), date(2025, 3, 6))
    assert (summary.accepted_count, summary.rejected_count) == (1, 1)
    assert (summary.accepted_amount, summary.rejected_amount) == (Decimal("125.5"), Decimal("100"))
    assert summary.statuses[0].category == "A1"
    (provider,) = ack.providers
    assert provider.provider_id == "1234567893" and provider.id_qualifier == "XX"

    accepted, rejected = ack.claims
    assert accepted.patient_control_number == "PCN0001"
    assert accepted.payer_claim_control_number == "PAYERCLM0001"
    assert accepted.clearinghouse_trace_number == "TRACE0001"
    assert accepted.accepted and not accepted.rejected
    assert accepted.total_charge == Decimal("125.5")
    (status,) = accepted.statuses
    assert (status.category, status.code, status.entity, status.action) == ("A2", "20", "PR", "WQ")
    assert status.effective_date == date(2025, 3, 6)
    assert accepted.service_date_from == accepted.service_date_to == date(2025, 3, 1)
    assert (accepted.patient_last_name, accepted.member_id) == ("SMITH", "W123456789")
    assert accepted.billing_provider_id == "1234567893"
    assert (accepted.payer_name, accepted.receipt_date) == ("BIG PAYER", date(2025, 3, 5))

    assert rejected.patient_control_number == "PCN0002"
    assert rejected.rejected and not rejected.accepted
    assert rejected.payer_claim_control_number == ""
    assert [(s.category, s.code, s.entity) for s in rejected.statuses] == [
        ("A7", "562", "85"),
        ("A6", "21", "IL"),
    ]
    assert rejected.statuses[0].message == "NPI NOT ON FILE"
    assert (rejected.service_date_from, rejected.service_date_to) == (
        date(2025, 3, 1),
        date(2025, 3, 2),
    )
    (line,) = rejected.lines
    assert (line.procedure_code, line.modifiers, line.charge, line.units) == (
        "99213",
        ("25",),
        Decimal("100"),
        Decimal("1"),
    )
    assert line.control_number == "PCN0002-1"
    assert line.statuses[0].category == "A7" and line.statuses[0].rejected


def test_277ca_several_transaction_sets():
    ack = edi.parse_277ca(ack_277(ACK_277CA, ACK_277CA))
    assert ack.control_numbers == ("0001", "0002")
    assert [c.patient_control_number for c in ack.claims] == ["PCN0001", "PCN0002"] * 2


def _277ca(source, claim_stc, line_stc=None):
    """A 277CA of one claim (with one rejected service line), written segment by segment from 005010X214."""
    body = [
        "BHT*0085*08*277CA0009*20250306*1200*TH",  # header
        "HL*1**20*1",  # 2000A information source level
        source,  # 2100A information source name: PR payer or AY clearinghouse
        "TRN*1*0123456789",  # 2200A transmission receipt control identifier
        "DTP*050*D8*20250305",  # 2200A information source receipt date
        "DTP*009*D8*20250306",  # 2200A information source process date
        "HL*2*1*21*1",  # 2000B information receiver level
        "NM1*41*2*ACME BILLING*****46*SUBMIT01",  # 2100B information receiver name
        "TRN*2*42",  # 2200B information receiver application trace identifier
        "STC*A1:19:PR*20250306*WQ*125.5",  # 2200B information receiver status
        "HL*3*2*19*1",  # 2000C billing provider of service level
        "NM1*85*2*SPRINGFIELD FAMILY PRACTICE*****XX*1234567893",  # 2100C billing provider name
        "TRN*1*42-1",  # 2200C provider of service information trace identifier
        "STC*A1:19:PR**WQ*125.5",  # 2200C billing provider status
        "HL*4*3*PT",  # 2000D patient level
        "NM1*QC*1*SMITH*JOHN****MI*W123456789",  # 2100D patient name
        "TRN*2*PCN0001",  # 2200D claim status tracking number: CLM01
        claim_stc,  # 2200D claim level status information
        "REF*1K*PAYERCLM0001",  # 2200D payer claim control number
        "DTP*472*D8*20250301",  # 2200D claim level service date
    ]
    if line_stc:  # 2220D is sent for a rejected line only (its STC03 is U)
        body += [
            "SVC*HC:99213*100*****1",  # 2220D service line information
            line_stc,  # 2220D service line level status information
            "REF*FJ*PCN0001-1",  # 2220D service line item identification: the 837 REF*6R
            "DTP*472*D8*20250301",  # 2220D service line date
        ]
    return ack_277(body)


PR_SOURCE = "NM1*PR*2*BIG PAYER*****PI*12345"
AY_SOURCE = "NM1*AY*2*ACME CLEARINGHOUSE*****46*CH0001"


def test_277ca_line_rejection_rejects_an_accepted_claim():
    """A service line rejected in 2220D (A3 / A7 / A8) leaves no claim 'accepted', whatever 2200D says."""
    for category in ("A3:21", "A7:454", "A8:188"):
        text = _277ca(PR_SOURCE, "STC*A2:20:PR*20250306*WQ*125.5", f"STC*{category}*20250306*U")
        assert edi.validate(text) == (True, [])
        (claim,) = edi.parse_277ca(text).claims
        assert claim.statuses[0].accepted  # the claim level itself says accepted
        assert claim.rejected and not claim.accepted, category
        (line,) = claim.rejected_lines
        assert (line.control_number, line.statuses[0].category) == ("PCN0001-1", category[:2])
    (claim,) = edi.parse_277ca(_277ca(PR_SOURCE, "STC*A2:20:PR*20250306*WQ*125.5")).claims
    assert claim.accepted and not claim.rejected and claim.rejected_lines == ()


def test_277ca_payer_is_the_nm1_pr_information_source():
    """2100A NM1*PR names the payer; NM1*AY names the clearinghouse, never the claim's payer."""
    accepted = "STC*A2:20:PR*20250306*WQ*125.5"
    (claim,) = edi.parse_277ca(_277ca(PR_SOURCE, accepted)).claims
    assert (claim.payer_name, claim.payer_id, claim.source_entity) == ("BIG PAYER", "12345", "PR")
    text = _277ca(AY_SOURCE, accepted)
    assert edi.validate(text) == (True, [])
    ack = edi.parse_277ca(text)
    (claim,) = ack.claims
    assert (claim.payer_name, claim.payer_id) == ("", "")
    assert (claim.source_entity, claim.source_name) == ("AY", "ACME CLEARINGHOUSE")
    assert (ack.receivers[0].source_entity, ack.receivers[0].source_name) == ("AY", "ACME CLEARINGHOUSE")


def test_277ca_structure_errors_name_the_segment():
    def with_change(index, segment):
        body = list(ACK_277CA)
        if segment is None:
            del body[index]
        else:
            body[index] = segment
        return ack_277(body)

    refuse = partial(assert_x12_error, edi.parse_277ca)
    # ISA, GS, ST come first: body item i is segment i + 4 of the file
    refuse(with_change(25, None), "claim has no STC", "segment 28 (TRN)")
    refuse(with_change(22, "HL*4*2*PT"), "HL02", "segment 26 (HL)")
    refuse(with_change(22, "HL*9*3*PT"), "HL01", "segment 26 (HL)")
    assert_x12_error(
        edi.parse_277ca, with_change(0, "BHT*0019*00*1*20250306*1200*CH"), "0085", "segment 4 (BHT)"
    )
    assert_x12_error(
        edi.parse_277ca,
        with_change(25, "STC*A2:20:PR*2025-03-06*WQ"),
        "CCYYMMDD",
        "segment 29 (STC)",
    )
    refuse(with_change(28, "DTP*472*D8*2025"), "D8 date or RD8", "segment 32 (DTP)")
    refuse(with_change(25, "STC*:20*20250306*WQ"), "category", "segment 29 (STC)")
    refuse(with_change(26, "CLM*X*1"), "not allowed", "segment 30 (CLM)")
    refuse(with_change(10, "QTY*90*1.5"), "whole number", "segment 14 (QTY)")


# --------------------------------------------------------------------------------------------
# Envelopes, truncation, foreign and garbage input


@pytest.mark.parametrize("parse", [edi.parse_999, edi.parse_277ca], ids=["999", "277ca"])
def test_shared_negative_files_are_refused(parse, shared_dir):
    files = sorted((shared_dir / "x12" / "negative").glob("*.edi"))
    assert len(files) == 4
    for path in files:
        with pytest.raises(edi.X12Error) as caught:
            parse(path.read_bytes())
        assert ERROR_FORMAT.match(str(caught.value)), (path.name, str(caught.value))


def test_shared_negative_file_messages(shared_dir):
    negative = shared_dir / "x12" / "negative"
    messages = {}
    for path in negative.glob("*.edi"):
        with pytest.raises(edi.X12Error) as caught:
            edi.parse_999(path.read_text())
        messages[path.name] = str(caught.value)
    not_x12 = "segment 1 (?): not an X12 interchange: the data does not start with ISA"
    assert messages["bad_file.edi"] == not_x12
    terminator = messages["segment_terminator.edi"]
    assert terminator.startswith("segment 1 (ISA): the file ends before the IEA")
    assert messages["error_validation.edi"] == (
        "segment 2 (GS): functional group 'HPO' is not a 999 acknowledgement (GS01 FA expected)"
    )
    assert messages["unknown_segment_error.edi"] == (
        "segment 2 (GS): functional group 'HS' is not a 999 acknowledgement (GS01 FA expected)"
    )


def test_foreign_x12_is_refused(shared_dir):
    era = (shared_dir / "x12" / "samples" / "X221-era-sample.edi").read_text()
    assert_x12_error(edi.parse_999, era, "is not a 999", "segment 2 (GS)")
    assert_x12_error(edi.parse_277ca, era, "is not a 277CA", "segment 2 (GS)")
    claim = (shared_dir / "x12" / "samples" / "X222-commercial-health-insurance.edi").read_text()
    assert_x12_error(edi.parse_999, claim, "'HC' is not a 999", "segment 2 (GS)")
    assert_x12_error(edi.parse_999, ack_277(ACK_277CA), "'HN' is not a 999")
    assert_x12_error(edi.parse_277ca, ack_999(ACCEPTED_999), "'FA' is not a 277CA")
    status_277 = envelope("HN", "005010X212", [("277", ACK_277CA)])  # a claim status response
    assert_x12_error(edi.parse_277ca, status_277, "version '005010X212' is not a 277CA")
    wrong_set = envelope("FA", "005010X231A1", [("997", ACCEPTED_999)])
    assert_x12_error(edi.parse_999, wrong_set, "transaction set '997'", "segment 3 (ST)")


def test_truncated_files_are_refused():
    text = ack_999(REJECTED_999)
    assert_x12_error(edi.parse_999, text[: len(text) // 2], "ends inside a segment")
    without_iea = text[: text.index("IEA*")]
    assert_x12_error(edi.parse_999, without_iea, "ends before the IEA", "segment 14 (GE)")
    without_trailers = text[: text.index("~SE*") + 1]
    assert_x12_error(edi.parse_999, without_trailers, "ends before the SE", "segment 12 (AK9)")
    assert_x12_error(edi.parse_999, text[:80], "truncated interchange header", "segment 1 (ISA)")
    assert_x12_error(edi.parse_999, text[:106], "ends before the IEA", "segment 1 (ISA)")


def test_count_and_control_number_mismatches_are_refused():
    text = ack_999(ACCEPTED_999)
    refuse = partial(assert_x12_error, edi.parse_999)
    refuse(text.replace("SE*6*0001", "SE*7*0001"), "SE01 counts 7", "segment 8 (SE)")
    refuse(text.replace("SE*6*0001", "SE*6*0002"), "SE02", "segment 8 (SE)")
    refuse(text.replace("GE*1*101", "GE*2*101"), "GE01 counts 2", "segment 9 (GE)")
    assert_x12_error(edi.parse_999, text.replace("GE*1*101", "GE*1*102"), "GE02", "segment 9 (GE)")
    assert_x12_error(edi.parse_999, text.replace("IEA*1*", "IEA*2*"), "IEA01", "segment 10 (IEA)")
    assert_x12_error(
        edi.parse_999,
        text.replace("IEA*1*000000101", "IEA*1*000000102"),
        "IEA02",
        "segment 10 (IEA)",
    )
    assert_x12_error(edi.parse_999, text + "GS*FA~", "after the IEA", "segment 11 (GS)")
    two_st_one_se = text.replace("SE*6*0001~", "")
    assert_x12_error(edi.parse_999, two_st_one_se, "no SE trailer", "segment 8 (GE)")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("", "does not start with ISA"),
        ("   \n", "does not start with ISA"),
        ("hello world", "does not start with ISA"),
        (b"\xff\xfe\x00garbage", "not ASCII"),
        ("ISA*00*short~", "truncated interchange header"),
        ("ISA" + "*" * 102 + ":~", "ISA delimiters"),
        ("ISA*00*" + "x" * 99, "not fixed width"),
        (ack_999(ACCEPTED_999).replace("~ST*", "~##*1~ST*"), "not a valid segment identifier"),
    ],
)
def test_garbage_is_refused(data, fragment):
    assert_x12_error(edi.parse_999, data, fragment)
    assert_x12_error(edi.parse_277ca, data, fragment)


def test_x12_error_carries_position_and_segment():
    bad_status = ack_999(ACCEPTED_999).replace("IK5*A", "IK5*Z")
    error = assert_x12_error(edi.parse_999, bad_status, "IK501")
    assert (error.position, error.segment_id) == (6, "IK5")
    assert error.detail == "IK501 must be A, E, M, R, W or X"
    assert isinstance(error, ValueError)


def test_crlf_after_terminators_and_bytes_input():
    text = ack_999(ACCEPTED_999).replace("~", "~\r\n")
    assert edi.parse_999(text.encode("ascii")).groups[0].status == "A"
