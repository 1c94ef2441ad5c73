# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
from datetime import date, datetime

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.medical_billing.edi import x12_ack_writer as ack_writer
from odoo.addons.medical_billing.edi.x12_common import tokenize

from .edi_common import EdiCommon

PATIENT_FIRST, PATIENT_LAST = "Zebulon", "Quixotic"
CHILD_FIRST = "Thaddeus"
SUBSCRIBER_FIRST, SUBSCRIBER_LAST = "Philippa", "Wrenfield"
MEMBER_IDS = ("QZX771234509", "QZX880011223", "QZX990044556")
BIRTH_DATES = (date(1961, 7, 23), date(2014, 11, 29), date(1958, 2, 17))


def _date_forms(day):
    """A birth date as it may be written: ISO, X12, US and European forms, with and without zero padding."""
    forms = {
        day.isoformat(),
        day.strftime("%Y%m%d"),
        day.strftime("%m/%d/%Y"),
        day.strftime("%d/%m/%Y"),
        day.strftime("%m-%d-%Y"),
        day.strftime("%Y/%m/%d"),
        f"{day.month}/{day.day}/{day.year}",
        day.strftime("%b %d, %Y"),
        day.strftime("%d %b %Y"),
    }
    return forms


class _Capture(logging.Handler):
    """Every record, formatted as a server log line would be (message with its arguments, traceback)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@tagged("post_install", "-at_install")
class TestLogPrivacy(EdiCommon, HttpCase):
    """Nothing personal in the server log: the main flows and their error paths, run as a user through
    JSON-RPC (Odoo logs every UserError it returns at WARNING), never log a patient's name, member id,
    birth date or diagnosis code; the log names records by their reference (claim number, encounter)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "log_privacy_manager",
            groups="base.group_user,medical_coding.medical_coding_group_manager,account.group_account_manager",
            password="log_privacy_manager",
            company_id=cls.practice.id,
            company_ids=[Command.set(cls.practice.ids)],
        )

    def setUp(self):
        super().setUp()
        self.capture = _Capture()
        root = logging.getLogger()
        root.addHandler(self.capture)
        self.addCleanup(root.removeHandler, self.capture)
        # our addons log at DEBUG too while the test runs (the rest logs at its configured level)
        for name in ("odoo.addons.medical_billing", "odoo.addons.medical_coding"):
            logger = logging.getLogger(name)
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(logging.DEBUG)

    # ------------------------------------------------------------------ helpers

    def call(self, model, method, *args, **kwargs):
        """``model.method(*args)`` as the web client calls it; the error message a user sees, or None."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        }
        response = self.url_open(
            "/web/dataset/call_kw", json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        response.raise_for_status()
        error = response.json().get("error")
        return error["data"]["message"] if error else None

    def personal_data(self, claims):
        """Every patient name, member id, birth date (several forms) and diagnosis code (with and without
        its dot) of the test data."""
        values = {PATIENT_FIRST, PATIENT_LAST, CHILD_FIRST, SUBSCRIBER_FIRST, SUBSCRIBER_LAST, *MEMBER_IDS}
        for day in BIRTH_DATES:
            values |= _date_forms(day)
        for code in claims.encounter_id.diagnosis_ids.code_id:
            values |= {code.code, code.display_code}
        return values

    def assertNothingPersonal(self, values):
        found = sorted(
            (value, line) for line in self.capture.lines for value in values if value.lower() in line.lower()
        )
        self.assertFalse(found, "personal data in the server log")

    # ------------------------------------------------------------------ the flows

    def test_flows_log_nothing_personal(self):
        patient = self._make_patient(f"{PATIENT_FIRST} {PATIENT_LAST}")
        patient.birthdate = BIRTH_DATES[0]
        self._make_coverage(patient, member_id=MEMBER_IDS[0])
        subscriber = self._make_patient(f"{SUBSCRIBER_FIRST} {SUBSCRIBER_LAST}")
        subscriber.birthdate = BIRTH_DATES[2]
        child = self._make_patient(f"{CHILD_FIRST} {PATIENT_LAST}")
        child.birthdate = BIRTH_DATES[1]
        self._make_coverage(child, relationship="19", subscriber_id=subscriber.id, member_id=MEMBER_IDS[1])
        self.authenticate("log_privacy_manager", "log_privacy_manager")

        # medical_coverage.py: the error paths a user meets
        coverage_values = {
            "patient_id": patient.id,
            "payer_id": self.payer.id,
            "company_id": self.practice.id,
            "member_id": MEMBER_IDS[2],
            "relationship": "18",
            "priority": "primary",
            "date_start": str(self.dos),
        }
        overlap = message = self.call("medical.coverage", "create", coverage_values)
        self.assertIn("primary coverage in force over these dates: end it before adding another one", message)
        message = self.call(
            "medical.coverage",
            "create",
            {**coverage_values, "priority": "tertiary", "subscriber_id": child.id},
        )
        self.assertIn("the subscriber must be the patient", message)
        message = self.call(
            "medical.coverage",
            "create",
            {**coverage_values, "priority": "tertiary", "date_end": "2000-01-01"},
        )
        self.assertIn("cannot end before it starts", message)

        # encounters with diagnoses, claims, the 837P batch
        claims = self.ready_claims(patient=patient) | self.ready_claims(patient=child)
        message = self.call("medical.encounter", "action_create_claims", claims.encounter_id.ids)
        self.assertIn("Only checked encounters (coding edits passed) can be billed", message)
        batch, text, _segments = self.generate(claims)
        batch.action_mark_sent()
        self.assertIn(MEMBER_IDS[0], text)  # the file itself carries them: the log must not

        # medical_claim_edi.py: the next payer's claim of a claim not adjudicated, then of one adjudicated
        # with no coverage after it
        first = claims.filtered(lambda c: c.patient_id == patient)
        second = claims - first
        message = self.call("medical.claim", "action_create_secondary_claim", first.ids)
        self.assertIn(f"Claim {first.patient_control_number} has no recorded adjudication yet", message)
        first.action_accept()
        for line in first.line_ids:
            half = line.charge_amount / 2
            line.write(
                {
                    "amount_paid": half,
                    "adjustment_ids": [
                        Command.create({"group_code": "PR", "reason_code": "1", "amount": half})
                    ],
                }
            )
        first.action_record_adjudication()
        no_next_coverage = self.call("medical.claim", "action_create_secondary_claim", first.ids)
        self.assertIn("has no coverage after Acme Health in force on the date of service", no_next_coverage)

        # the acknowledgements: a 999 rejecting the dependant's claim for its member id (echoed in IK404)
        segments = tokenize(text)
        start = next(seg.position for seg in segments if seg.id == "ST")
        position = next(
            seg.position for seg in segments if seg.id == "NM1" and seg[1] == "IL" and seg[9] == MEMBER_IDS[1]
        )
        errors = [
            f"IK3*NM1*{position - start + 1}*2010*8",
            f"CTX*CLM01:{second.patient_control_number}",
            f"IK4*9*67*7*{MEMBER_IDS[1]}",
        ]
        envelope = {"sender": self.receiver.receiver_interchange_code, "receiver": self.receiver.sender_code}
        ack = ack_writer.ack_999(
            batch.group_control_number,
            [(batch.transaction_control_numbers, "R", errors)],
            control=101,
            group=7001,
            **envelope,
        )
        self.env["medical.importer"].import_file("999", ack.encode(), "privacy.999")
        self.assertEqual(second.state, "ready")
        self.assertIn(MEMBER_IDS[1], second.finding_ids.message)  # the biller sees it; the log does not

        # a 277CA naming the patient (2100D) and rejecting the first claim's line, through the web client
        claim = ack_writer.ClaimAck277(
            patient_control_number=first.patient_control_number,
            status="A2:20:PR",
            last_name=PATIENT_LAST.upper(),
            first_name=PATIENT_FIRST.upper(),
            member_id=MEMBER_IDS[0],
            extra=("SVC*HC:99213:25*100*****1", "STC*A7:454*20250306*U"),
        )
        ack = ack_writer.ack_277ca(
            ack_writer.Source277(process_date=None, provider_npi=self.practice.medical_billing_npi),
            [claim],
            control=201,
            group=8001,
            created=datetime(2025, 3, 6, 8, 0),
            **envelope,
        )
        self.assertIsNone(self.call("medical.importer", "import_file", "277ca", ack, "privacy.277"))

        # a refused acknowledgement, through the web client
        message = self.call("medical.importer", "import_file", "277ca", "ISA*garbage~", "bad.277")
        self.assertIn("bad.277 was refused", message)

        values = self.personal_data(claims)
        self.assertTrue({"J209", "J20.9", "M1711", "M17.11"} <= values)
        self.assertNothingPersonal(values)
        # positive control: the handler did capture the server's lines, the user errors among them
        warnings = [line for line in self.capture.lines if line.startswith("WARNING odoo.http:")]
        self.assertGreaterEqual(len(warnings), 5, self.capture.lines)
        self.assertTrue(any(first.patient_control_number in line for line in warnings))
        # the messages name the claim, or nobody
        self.assertTrue(no_next_coverage.startswith(f"Claim {first.patient_control_number}: the patient has"))
        self.assertTrue(overlap.startswith("The patient already has a primary coverage"))
