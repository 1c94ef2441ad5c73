# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The 271 reader on mutated files: it returns a result or raises X12Error, nothing else, within a time bound
(no database). ``make test`` runs a sample; ``make fuzz`` (MEDICAL_FUZZ=1) runs 10,000 cases, as for the other
readers (tests/fuzz).

hypothesis is a test-only dependency (pinned in requirements-test.txt with the fuzz tests of the readers).
"""

import os

import medical_billing_edi as edi
import pytest
from test_ack_robustness import time_bound
from test_eligibility import RECEIVER, SOURCE, SUBSCRIBER, envelope_271

pytest.importorskip("hypothesis", reason="hypothesis (requirements-test.txt) is not installed")
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SAMPLES = [
    envelope_271(
        *SOURCE, *RECEIVER, *SUBSCRIBER, "EB*1**30**GOLD", "EB*B**98*HM**27*10", "EB*C*IND*30***29*0"
    ),
    envelope_271(*SOURCE, "AAA*Y**42*R", *RECEIVER, *SUBSCRIBER[:3], "AAA*N**75*C"),
    envelope_271(*SOURCE, *RECEIVER, *SUBSCRIBER, "EB*R**30", "LS*2120", "NM1*PR*2*XYZ", "LE*2120"),
]
ALPHABET = "*~:^0123456789ABCEHILNPRSTY \n-."


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(SAMPLES))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["replace", "delete", "insert", "truncate", "swap"]))
        if not text:
            break
        pos = draw(st.integers(0, len(text) - 1))
        if kind == "replace":
            text = text[:pos] + draw(st.sampled_from(ALPHABET)) + text[pos + 1 :]
        elif kind == "delete":
            text = text[:pos] + text[pos + 1 :]
        elif kind == "insert":
            text = text[:pos] + draw(st.text(ALPHABET, max_size=6)) + text[pos:]
        elif kind == "truncate":
            text = text[:pos]
        else:
            lines = text.split("~\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "~\n".join(lines)
    return text


EXAMPLES = int(os.environ.get("MEDICAL_FUZZ_EXAMPLES", "10000")) if os.environ.get("MEDICAL_FUZZ") else 150
TIME_BOUND = float(os.environ.get("MEDICAL_FUZZ_TIME_BOUND", "3"))  # seconds per case, on a loaded machine


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_271_reader_never_crashes_on_mutated_files(text):
    try:
        with time_bound(TIME_BOUND):
            parsed = edi.parse_271(text)
    except edi.X12Error as error:
        assert str(error).startswith("segment ")
    else:
        for answer in parsed.responses:
            assert answer.status in ("active", "inactive", "rejected", "unknown")
