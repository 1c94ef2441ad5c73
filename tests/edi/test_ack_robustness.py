# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""999 / 277CA readers under hostile input: only X12Error, bounded numbers, no runaway CPU or memory."""

import signal
from contextlib import contextmanager

import medical_billing_edi as edi
import pytest
from medical_billing_edi import x12_ack_writer


@contextmanager
def time_bound(seconds=2):
    """Fail instead of hanging when a parse takes longer than ``seconds`` (CPU-burning inputs)."""

    def expired(signum, frame):
        raise AssertionError(f"the parse took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def envelope(functional_id, version, set_id, body):
    return x12_ack_writer.interchange(functional_id, version, [(set_id, body)])


def ack_999(body):
    return envelope("FA", "005010X231A1", "999", body)


def ack_277(body):
    return envelope("HN", "005010X214", "277", body)


# Loops 2000A-2200B of a 277CA (the writer's default payer and submitter), total 225.50.
HEAD_277 = x12_ack_writer.ack_277ca_head(x12_ack_writer.Source277(), 225.5)


def provider(number, parent):
    return [
        f"HL*{number}*{parent}*19*1",
        "NM1*85*2*SPRINGFIELD FAMILY PRACTICE*****XX*1234567893",
        "TRN*1*42-1",
        "STC*A1:19:PR**WQ*225.5",
    ]


def patient(number, parent, pcn):
    return [
        f"HL*{number}*{parent}*PT",
        "NM1*QC*1*SMITH*JOHN****MI*W123456789",
        f"TRN*2*{pcn}",
        "STC*A2:20:PR*20250306*WQ*125.5",
    ]


def refused(parse, data, fragment):
    with time_bound(), pytest.raises(edi.X12Error) as caught:
        parse(data)
    assert type(caught.value) is edi.X12Error
    assert fragment in str(caught.value), str(caught.value)
    return str(caught.value)


def test_999_count_of_4301_digits_is_refused_not_a_valueerror():
    body = ["AK1*HC*42*005010X222A1", "AK2*837*0001*005010X222A1", "IK5*A", "AK9*A*" + "1" * 4301 + "*1*1"]
    message = refused(edi.parse_999, ack_999(body), "AK902) has more than 15 digits")
    assert message.startswith("segment 7 (AK9): number of transaction sets included")
    assert "1111111111111111" not in message


@pytest.mark.parametrize(
    "ik4, fragment",
    [
        ("IK4*" + "9" * 5000 + "*782*6", "IK401 element position must be a number"),
        ("IK4*\u00b2*782*6", "IK401 element position must be a number"),
        ("IK4*2:\u00b2*782*6", "IK401-2 must be a number"),
        ("IK4*2:1:" + "7" * 5000 + "*782*6", "IK401-3 must be a number"),
    ],
)
def test_999_element_positions_are_ascii_and_bounded(ik4, fragment):
    body = [
        "AK1*HC*43*005010X222A1",
        "AK2*837*0001*005010X222A1",
        "IK3*CLM*22*2300*8",
        ik4,
        "IK5*R*5",
        "AK9*R*1*1*0",
    ]
    refused(edi.parse_999, ack_999(body), fragment)


def test_999_segment_position_of_4301_digits_is_refused():
    body = ["AK1*HC*43*005010X222A1", "AK2*837*0001*005010X222A1", "IK3*CLM*" + "2" * 4301 + "*2300*8"]
    body += ["IK5*R*5", "AK9*R*1*1*0"]
    refused(edi.parse_999, ack_999(body), "segment 6 (IK3): segment position in transaction set (IK302)")


@pytest.mark.parametrize(
    "quantity", ["1E1000000", "1E999999999999", "1e5", "+1", "Infinity", "NaN", "1" * 21]
)
def test_277ca_quantities_with_exponents_or_absurd_length_are_refused(quantity):
    body = [*HEAD_277, f"QTY*90*{quantity}", *provider(3, 2), *patient(4, 3, "PCN0001")]
    message = refused(edi.parse_277ca, ack_277(body), "segment 14 (QTY): quantity (QTY02)")
    assert quantity not in message


@pytest.mark.parametrize("amount", ["1E1000000", "12.5E3", "--5", "1" * 25])
def test_277ca_amounts_with_exponents_or_absurd_length_are_refused(amount):
    body = [*HEAD_277, *provider(3, 2), *patient(4, 3, "PCN0001")]
    body[-1] = f"STC*A2:20:PR*20250306*WQ*{amount}"
    refused(edi.parse_277ca, ack_277(body), "total charge (STC04)")


def test_277ca_plain_numbers_still_parse():
    body = [*HEAD_277, "QTY*90*2", "AMT*YU*-.5", *provider(3, 2), *patient(4, 3, "PCN0001")]
    ack = edi.parse_277ca(ack_277(body))
    assert ack.receivers[0].accepted_count == 2
    assert str(ack.receivers[0].accepted_amount) == "-0.5"
    assert [c.patient_control_number for c in ack.claims] == ["PCN0001"]


def test_277ca_hl_parent_pointing_at_a_closed_level_is_refused():
    """HL 6 names provider HL 3 as its parent, but receiver HL 4 closed it: no TypeError."""
    body = [
        *HEAD_277,
        *provider(3, 2),
        *patient(4, 3, "PCN0001"),
        "HL*5*1*21*1",
        "NM1*41*2*OTHER BILLING*****46*SUBMIT02",
        "TRN*2*43",
        "STC*A1:19:PR*20250306*WQ*100",
        *patient(6, 3, "PCN0002"),
    ]
    refused(edi.parse_277ca, ack_277(body), "segment 26 (HL): HL02 does not point at the parent level")


@pytest.mark.parametrize("parent", ["", "9", "1"])
def test_277ca_hl_parent_pointing_nowhere_is_refused(parent):
    body = [*HEAD_277, *provider(3, parent), *patient(4, 3, "PCN0001")]
    refused(edi.parse_277ca, ack_277(body), "segment 14 (HL): HL02 does not point at the parent level")
