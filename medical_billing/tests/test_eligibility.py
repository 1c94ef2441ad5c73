# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.medical_billing import edi

from .edi_common import EdiCommon


class EligibilityCommon(EdiCommon):
    """A clearinghouse with a 270/271 folder pair, a front desk user and a biller; 271 answers built as the
    005010X279A1 examples do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder_root = Path(tempfile.mkdtemp(prefix="medical-eligibility-"))
        cls.addClassCleanup(shutil.rmtree, cls.folder_root, True)
        cls.outbox = cls.folder_root / "out"
        cls.inbox = cls.folder_root / "in"
        cls.outbox.mkdir()
        cls.inbox.mkdir()
        cls.receiver.folder_ids = [
            Command.create(
                {"transaction_set": "270", "outbox_path": str(cls.outbox), "inbox_path": str(cls.inbox)}
            )
        ]
        cls.front_desk = cls.make_user("elig_front_desk", "medical_coding.medical_coding_group_front_desk")
        cls.biller = cls.make_user("elig_biller", "medical_coding.medical_coding_group_biller")

    def tearDown(self):
        for folder in (self.outbox, self.inbox):
            for path in folder.rglob("*"):
                if path.is_file():
                    path.unlink()
        super().tearDown()

    # ------------------------------------------------------------------ helpers

    def check(self, coverage=None, user=None):
        """The front desk's *Check eligibility* on a coverage: the sent request."""
        coverage = (coverage or self.coverage).with_user(user or self.front_desk)
        action = coverage.action_request_eligibility()
        request = self.env["medical.eligibility.request"].browse(action["res_id"])
        self.assertEqual(request.state, "sent")
        return request

    def outbox_270(self, request):
        path = self.outbox / f"270-{request.file_reference}.x12"
        self.assertTrue(path.is_file(), list(self.outbox.iterdir()))
        return path.read_text()

    def make_271(self, request, *body, subscriber=None, source_aaa=None, control=None, trace=None):
        trace = trace or request.trace_number
        control = control or f"{(request.id * 7) % 999999999:09d}"
        segments = [
            f"ISA*00*{'':10}*00*{'':10}*ZZ*{'ACMECH':<15}*ZZ*{'PRACTICE01':<15}*250101*1200*^*00501*{control}"
            "*0*T*:",
            "GS*HB*ACMECH*PRACTICE01*20250101*1200*1*X*005010X279A1",
            "ST*271*0001*005010X279A1",
            f"BHT*0022*11*{request.file_reference}*20250101*1200",
            "HL*1**20*1",
            "NM1*PR*2*ACME HEALTH*****PI*ACME1",
            *([source_aaa] if source_aaa else []),
        ]
        if subscriber is not False:
            segments += [
                "HL*2*1*21*1",
                "NM1*1P*2*TEST PRACTICE*****XX*" + self.practice.medical_billing_npi,
                "HL*3*2*22*0",
                f"TRN*2*{trace}*9123456789",
                "NM1*IL*1*ONE*TEST****MI*ACM123456789",
                *(subscriber or ["REF*6P*GRP001*ACME WIDGETS INC", "DTP*346*D8*20240101"]),
                *body,
            ]
        count = len(segments) - 2 + 1
        segments += [f"SE*{count}*0001", "GE*1*1", f"IEA*1*{control}"]
        return ("~\n".join(segments) + "~\n").encode("ascii")

    def import_271(self, data, user=None, filename="answer.271"):
        return self.env["medical.importer"].with_user(user or self.biller).import_file("271", data, filename)


@tagged("post_install", "-at_install")
class TestEligibility(EligibilityCommon):
    """270 out from a coverage or an encounter, 271 in by trace number; results on coverage, visit, claim."""

    # ------------------------------------------------------------------ 270

    def test_check_from_coverage_writes_a_270_to_the_outbox(self):
        request = self.check()
        self.assertEqual(request.coverage_id, self.coverage)
        self.assertEqual(request.service_type_codes, "30")
        self.assertEqual(request.date_service, fields.Date.context_today(request))
        self.assertEqual(request.receiver_id, self.receiver)
        self.assertTrue(request.trace_number.startswith("ELG"))
        text = self.outbox_270(request)
        self.assertIn(f"TRN*1*{request.trace_number}*1123456789~", text)
        self.assertIn("NM1*PR*2*ACME HEALTH*****PI*ACME1~", text)
        self.assertIn(
            f"NM1*1P*2*{self.practice.name.upper()}*****XX*{self.practice.medical_billing_npi}~", text
        )
        self.assertIn("NM1*IL*1*ONE*TEST*PATIENT***MI*ACM123456789~", text)
        self.assertIn("REF*6P*GRP001~", text)
        self.assertIn("DMG*D8*19700517*F~", text)
        self.assertIn(f"DTP*291*D8*{request.date_service:%Y%m%d}~", text)
        self.assertIn("EQ*30~", text)
        parsed = edi.x12_common.read_interchange(
            text, functional_id="HS", set_id="270", versions=("005010X279A1",), kind="270"
        )
        self.assertEqual(len(parsed[1]), 1)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "medical.eligibility.request"), ("res_id", "=", request.id)]
        )
        self.assertEqual(attachment.raw.decode("ascii"), text)

    def test_dependent_patient_is_sent_under_the_subscriber(self):
        parent = self._make_patient("Parent Subscriber")
        child = self._make_patient("Child Patient")
        coverage = self._make_coverage(child, relationship="19", subscriber_id=parent.id, member_id="ACM555")
        text = self.outbox_270(self.check(coverage))
        self.assertIn("HL*3*2*22*1~\nNM1*IL*1*SUBSCRIBER*PARENT****MI*ACM555~", text)
        self.assertIn("HL*4*3*23*0~\nTRN*1*", text)
        self.assertIn("NM1*03*1*PATIENT*CHILD~\nDMG*D8*19700517*F~\nINS*N*19~", text)

    def test_missing_folder_or_payer_id_refuses_before_anything_is_written(self):
        self.payer.payer_code = False
        with self.assertRaisesRegex(UserError, r"ELG\d+: the payer has no electronic payer id"):
            self.check()
        self.assertFalse(list(self.outbox.iterdir()))
        self.payer.payer_code = "ACME1"
        self.receiver.folder_ids.unlink()
        with self.assertRaisesRegex(UserError, "Acme Clearinghouse has no 270/271 folders"):
            self.check()

    # ------------------------------------------------------------------ 271

    def test_active_answer_fills_the_request_and_the_coverage(self):
        request = self.check()
        counts = self.import_271(
            self.make_271(
                request,
                "EB*1**30**ACME GOLD PPO",
                "EB*B*IND*30*PR*ACME GOLD PPO*27*35*****Y",
                "EB*B*IND*30*PR*ACME GOLD PPO*27*70*****N",
            )
        )
        self.assertEqual((counts["total"], counts["answered"], counts["requests"]), (1, 1, request.name))
        self.assertEqual((request.state, request.result), ("answered", "active"))
        self.assertEqual(request.plan_name, "ACME GOLD PPO")
        self.assertEqual((request.group_number, request.group_name), ("GRP001", "ACME WIDGETS INC"))
        self.assertEqual(str(request.coverage_date_start), "2024-01-01")
        self.assertEqual(request.copay_amount, 35.0, "the in-network copay")
        self.assertEqual(len(request.benefit_ids), 3)
        self.assertEqual(request.benefit_ids[1].name, "Co-Payment")
        self.assertEqual(request.benefit_ids[1].period, "visit")
        self.assertEqual(self.coverage.eligibility_result, "active")
        self.assertEqual(self.coverage.eligibility_date, request.date_answered)
        self.assertEqual(self.coverage.eligibility_ids[0].reference, request.trace_number)
        self.assertEqual(request.coverage_eligibility_id, self.coverage.eligibility_ids[0])

    def test_inactive_answer(self):
        request = self.check()
        self.import_271(self.make_271(request, "EB*6**30", "MSG*COVERAGE TERMINATED"))
        self.assertEqual((request.state, request.result), ("answered", "inactive"))
        self.assertEqual(self.coverage.eligibility_result, "inactive")
        self.assertEqual(request.benefit_ids.note, "COVERAGE TERMINATED")

    def test_deductible_met_and_not_met_coinsurance_and_out_of_pocket(self):
        request = self.check()
        self.import_271(
            self.make_271(
                request,
                "EB*1**30",
                "EB*C*IND*30***23*1500*****Y",
                "EB*C*IND*30***29*0*****Y",
                "EB*C*FAM*30***23*3000*****Y",
                "EB*C*FAM*30***29*1200*****Y",
                "EB*G*IND*30***23*6000*****Y",
                "EB*G*IND*30***29*4250.75*****Y",
                "EB*A*IND*30***27**0.2****Y",
            )
        )
        self.assertEqual(request.deductible_amount, 1500.0)
        self.assertEqual(request.deductible_remaining, 0.0)
        self.assertTrue(request.deductible_met, "individual deductible met")
        self.assertEqual(request.out_of_pocket_amount, 6000.0)
        self.assertEqual(request.out_of_pocket_remaining, 4250.75)
        self.assertEqual(request.coinsurance_percent, 20.0)
        family = request.benefit_ids.filtered(lambda b: b.coverage_level == "FAM" and b.period == "remaining")
        self.assertEqual(family.amount, 1200.0, "family deductible not met")

    def test_deductible_not_met(self):
        request = self.check()
        self.import_271(self.make_271(request, "EB*1**30", "EB*C*IND*30***23*500", "EB*C*IND*30***29*320"))
        self.assertEqual((request.deductible_amount, request.deductible_remaining), (500.0, 320.0))
        self.assertFalse(request.deductible_met)

    def test_prior_authorisation_required_and_non_covered(self):
        request = self.check()
        self.import_271(self.make_271(request, "EB*1**30", "EB*CB**30********Y", "EB*I**AL^MH"))
        self.assertTrue(request.prior_auth_required)
        self.assertEqual(request.non_covered_service_types, "AL, MH")

    def test_other_payer_named_suggests_a_secondary_coverage(self):
        request = self.check()
        self.import_271(
            self.make_271(
                request,
                "EB*1**30",
                "EB*R**30*C1",
                "LS*2120",
                "NM1*PR*2*BETA INSURANCE*****PI*BETA7",
                "LE*2120",
            )
        )
        self.assertEqual(request.other_payers, "BETA INSURANCE (BETA7)")

    def test_rejection_with_follow_up_action(self):
        request = self.check()
        counts = self.import_271(self.make_271(request, subscriber=["AAA*Y**75*C"]))
        self.assertEqual(counts["errors"], 1)
        self.assertEqual((request.state, request.result), ("error", "not_found"))
        self.assertEqual(request.rejection_reason, "75 subscriber / insured not found")
        self.assertEqual(request.follow_up_action, "please correct and resubmit")
        self.assertEqual(self.coverage.eligibility_result, "not_found")

    def test_payer_rejection_without_subscriber_answers_its_270_file(self):
        request = self.check()
        self.import_271(self.make_271(request, subscriber=False, source_aaa="AAA*Y**42*R"))
        self.assertEqual((request.state, request.result), ("error", "error"))
        self.assertEqual(request.rejection_reason, "42 unable to respond at current time")
        self.assertEqual(request.follow_up_action, "resubmission allowed")
        retry = self.env["medical.eligibility.request"].browse(request.action_retry()["res_id"])
        self.assertEqual((retry.state, retry.coverage_id), ("draft", self.coverage))

    def test_unknown_or_answered_trace_refuses_the_whole_file(self):
        request = self.check()
        with self.assertRaisesRegex(
            UserError, r"segment 9 \(HL\): trace number ELGNOPE matches no eligibility"
        ):
            self.import_271(self.make_271(request, "EB*1**30", trace="ELGNOPE"))
        self.assertEqual(request.state, "sent")
        refused = self.env["medical.import.log"].search([("kind", "=", "271"), ("state", "=", "refused")])
        self.assertEqual(len(refused), 1)
        self.assertNotIn("ONE", refused.error)
        self.import_271(self.make_271(request, "EB*1**30"))
        with self.assertRaisesRegex(UserError, f"eligibility request {request.name} was already answered"):
            self.import_271(self.make_271(request, "EB*6**30", control="000000999"))
        self.assertEqual(request.result, "active")

    def test_broken_271_is_refused_naming_the_segment(self):
        request = self.check()
        data = self.make_271(request, "EB*ZZ**30")
        with self.assertRaisesRegex(UserError, r"segment 14 \(EB\): EB01 is not an eligibility"):
            self.import_271(data)
        self.assertEqual(request.state, "sent")

    # ------------------------------------------------------------------ walls

    def test_workflow_fields_change_only_through_actions(self):
        request = self.check()
        as_front_desk = request.with_user(self.front_desk)
        with self.assertRaisesRegex(UserError, "change only through its actions"):
            as_front_desk.write({"state": "answered"})
        with self.assertRaisesRegex(UserError, "change only through its actions"):
            as_front_desk.write({"result": "active"})
        with self.assertRaisesRegex(UserError, "cannot be changed: check again instead"):
            as_front_desk.write({"date_service": request.date_service + timedelta(days=1)})
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self.env["medical.eligibility.request"].with_user(self.front_desk).create(
                {"coverage_id": self.coverage.id, "state": "answered", "result": "active"}
            )
        with self.assertRaisesRegex(UserError, "Only draft eligibility requests can be deleted"):
            request.unlink()
        self.assertEqual(request.state, "sent")

    def test_other_company_cannot_answer_or_see_a_request(self):
        request = self.check()
        company_b = self.setup_other_company(name="Other Practice")["company"]
        biller_b = self.make_user("elig_biller_b", "medical_coding.medical_coding_group_biller", company_b)
        with self.assertRaisesRegex(UserError, "matches no eligibility request of yours"):
            self.import_271(self.make_271(request, "EB*6**30"), user=biller_b)
        self.assertEqual(request.state, "sent")
        Request = self.env["medical.eligibility.request"].with_user(biller_b)
        self.assertFalse(Request.search([("id", "=", request.id)]))

    # ------------------------------------------------------------------ encounter, claim

    def test_encounter_check_shows_the_copay_to_collect(self):
        encounter = self.make_encounter(check=False)
        self.assertEqual(encounter.copay_to_collect, 25.0, "the coverage's copay before any answer")
        encounter.with_user(self.front_desk).action_request_eligibility()
        request = encounter.eligibility_request_ids
        self.assertEqual((request.encounter_id, request.date_service), (encounter, encounter.date_service))
        self.assertEqual(request.provider_id, self.provider)
        self.assertIn(f"NM1*1P*1*PROVIDER*TEST****XX*{self.provider.npi}~", self.outbox_270(request))
        self.import_271(self.make_271(request, "EB*1**30", "EB*B**30^98***27*40"), user=self.front_desk)
        encounter.invalidate_recordset(["copay_to_collect", "eligibility_result"])
        self.assertEqual(encounter.copay_to_collect, 40.0)
        self.assertEqual(encounter.eligibility_result, "active")

    def test_claim_with_inactive_answer_is_blocked(self):
        claim = self.make_claim()
        request = self.env["medical.eligibility.request"].create(
            {"coverage_id": self.coverage.id, "date_service": claim.date_service}
        )
        request.action_send()
        self.import_271(self.make_271(request, "EB*6**30"))
        claim.action_validate()
        self.assertEqual(claim.state, "draft")
        finding = claim.finding_ids.filtered(lambda f: f.edit_code == "CLM_ELIGIBILITY_INACTIVE")
        self.assertEqual(finding.severity, "error")
        self.assertEqual(
            finding.message,
            f"Acme Health answered on {claim.date_service} that the coverage is inactive "
            f"(check {request.trace_number}).",
        )

    def test_claim_without_active_eligibility_warns_but_validates(self):
        self.coverage.eligibility_ids.unlink()
        claim = self.make_claim()
        claim.action_validate()
        self.assertEqual(claim.state, "ready")
        finding = claim.finding_ids
        self.assertEqual((finding.edit_code, finding.severity), ("CLM_ELIGIBILITY_MISSING", "warning"))
        self.assertEqual(
            finding.message,
            "The Acme Health coverage has no active eligibility check on or before the date of service.",
        )
        # An active answer for a later day does not count for this visit.
        self.coverage.eligibility_ids = [
            Command.create({"result": "active", "date_service": claim.date_service + timedelta(days=1)})
        ]
        self.assertEqual(self.coverage._latest_eligibility_on({(self.coverage.id, claim.date_service)}), {})

    # ------------------------------------------------------------------ crons and folders

    def test_cron_checks_tomorrows_visits_and_picks_up_the_answers(self):
        tomorrow = fields.Date.context_today(self.coverage) + timedelta(days=1)
        encounter = self.make_encounter(check=False, date_service=tomorrow)
        Request = self.env["medical.eligibility.request"]
        requests = Request._cron_check_tomorrow()
        self.assertEqual(requests.encounter_id, encounter)
        self.assertEqual(requests.state, "sent")
        self.assertFalse(Request._cron_check_tomorrow(), "a visit is checked once")
        (self.inbox / "a-answer.271").write_bytes(self.make_271(requests, "EB*1**30"))
        (self.inbox / "b-junk.271").write_bytes(b"not an X12 file")
        outcomes = self.env["medical.edi.receiver.folder"]._cron_pick_up()
        self.assertEqual(outcomes["a-answer.271"]["answered"], 1)
        self.assertIn("not an X12 interchange", outcomes["b-junk.271"])
        self.assertEqual(requests.state, "answered")
        self.assertTrue((self.inbox / "processed" / "a-answer.271").is_file())
        self.assertTrue((self.inbox / "refused" / "b-junk.271").is_file())
        self.assertFalse([p for p in self.inbox.iterdir() if p.is_file()])

    def test_271_is_an_import_kind(self):
        self.assertIn("271", dict(self.env["medical.importer"]._import_kinds()))
