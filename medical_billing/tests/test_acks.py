# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from pathlib import Path

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.medical_billing.edi import x12_ack_writer as ack_writer
from odoo.addons.medical_billing.edi.x12_common import tokenize
from odoo.addons.medical_coding.cli.medical_import import run_import

from .edi_common import EdiCommon

#: small claim status code lists written for these tests (the real ones are read by tests/odoo)
DATA = Path(__file__).resolve().parent / "data"


@tagged("post_install", "-at_install")
class TestAcknowledgements(EdiCommon):
    """999 and 277CA files update the right batches and claims; anything else is refused and kept."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Importer = cls.env["medical.importer"]
        cls.Log = cls.env["medical.import.log"]

    # ------------------------------------------------------------------ builders

    def envelope(
        self, functional_id, version, set_id, bodies, control="000000101", group="7001", sender=None
    ):
        """An interchange from the clearinghouse to us around transaction set bodies (no ST/SE)."""
        text = ack_writer.interchange(
            functional_id,
            version,
            [(set_id, body) for body in bodies],
            sender=sender or self.receiver.receiver_interchange_code,
            receiver=self.receiver.sender_code,
            control=control,
            group=group,
        )
        return text.encode("ascii")

    def ack_999(self, batch, statuses=None, errors=None, control="000000101"):
        """A 999 answering every transaction set of ``batch``: ``statuses`` {ST02: A/E/R}, default A."""
        statuses, errors = statuses or {}, errors or {}
        answers = [
            (st, statuses.get(st, "A"), errors.get(st, []))
            for st in batch.transaction_control_numbers.split(",")
        ]
        body = ack_writer.ack_999_body(batch.group_control_number, answers)
        return self.envelope("FA", "005010X231A1", "999", [body], control=control)

    def ack_277(self, outcomes, control="000000201", source="NM1*PR*2*ACME HEALTH*****PI*ACME1"):
        """A 277CA from the payer: ``outcomes`` [(claim, STC01, action, extra segments)]."""
        total = float(sum(claim.amount_total for claim, *_rest in outcomes))
        body = ack_writer.ack_277ca_body(
            ack_writer.Source277(source=source, provider_npi=self.practice.medical_billing_npi),
            [
                ack_writer.ClaimAck277(
                    patient_control_number=claim.patient_control_number,
                    status=stc,
                    action=action,
                    amount=float(claim.amount_total),
                    extra=extra,
                )
                for claim, stc, action, extra in outcomes
            ],
            total=total,
        )
        return self.envelope("HN", "005010X214", "277", [body], control=control, group="8001")

    def import_refused(self, kind, data, filename="ack.x12"):
        """Import a file that must be refused; return the message (the refusal record stays)."""
        try:
            self.Importer.import_file(kind, data, filename)
        except UserError as error:
            return error.args[0]
        self.fail("the file was imported")

    def sent_batch(self, claims):
        batch, text, _segs = self.generate(claims)
        batch.action_mark_sent()
        return batch, text

    # ------------------------------------------------------------------ 999

    def test_999_accepts_the_batch(self):
        claims = self.ready_claims(2)
        batch, _text = self.sent_batch(claims)
        counts = self.Importer.import_file("999", self.ack_999(batch), "accepted.999")
        self.assertEqual(counts["sets_accepted"], 1)
        self.assertEqual(counts["claims_rejected"], 0)
        self.assertEqual(batch.state, "acknowledged")
        self.assertEqual(batch.ack_status, "accepted")
        self.assertEqual(set(claims.mapped("state")), {"submitted"})
        log = self.Log.browse(counts["log_id"])
        self.assertEqual(log.state, "done")
        self.assertEqual(log.kind, "999")
        self.assertEqual(log.claim_batch_ids, batch)
        self.assertEqual(batch.ack_log_ids, log)
        self.assertEqual(log.edi_interchange_key, "999:ZZ:ACMECH:000000101")
        self.assertTrue(log.attachment_id.raw.startswith(b"ISA"))

    def test_999_rejected_transaction_set_sends_its_claims_back(self):
        self.receiver.max_claims_per_transaction = 2
        claims = self.ready_claims(4)
        batch, text = self.sent_batch(claims)
        _first_set, second_set = batch.transaction_control_numbers.split(",")
        in_second = claims.filtered(lambda c: c.edi_transaction_number == second_set)
        self.assertEqual(len(in_second), 2)
        faulty = in_second.sorted("id")[0]
        # position of the faulty claim's CLM, counted from its ST
        position = None
        for seg in tokenize(text):
            if seg.id == "ST" and seg[2] == second_set:
                start = seg.position
            elif seg.id == "CLM" and seg[1] == faulty.patient_control_number:
                position = seg.position - start + 1
        errors = {second_set: [f"IK3*CLM*{position}*2300*8", "IK4*2*782*6*30A"]}
        counts = self.Importer.import_file(
            "999", self.ack_999(batch, {second_set: "R"}, errors), "partial.999"
        )
        self.assertEqual((counts["sets_accepted"], counts["sets_rejected"]), (1, 1))
        self.assertEqual(counts["claims_rejected"], 2)
        self.assertEqual(batch.ack_status, "partial")
        self.assertEqual(set((claims - in_second).mapped("state")), {"submitted"})
        self.assertEqual(set(in_second.mapped("state")), {"ready"})
        for claim in in_second:
            finding = claim.finding_ids
            self.assertEqual(finding.edit_code, "ACK_999_REJECTED")
            self.assertEqual(finding.severity, "error")
            self.assertIn(f"rejected transaction set {second_set} of batch {batch.name}", finding.message)
            self.assertIn(f"Segment CLM at position {position} (loop 2300)", finding.message)
            self.assertIn(
                "Element CLM02 (data element 782): invalid character in data element", finding.message
            )
        self.assertIn("The error is in this claim", faulty.finding_ids.message)
        self.assertIn("another claim", (in_second - faulty).finding_ids.message)
        # blocked until corrected: not collected into the next batch
        self.assertFalse(self.env["medical.claim.batch"]._create_pending_batches())
        with self.assertRaisesRegex(UserError, "blocking findings"):
            faulty.action_add_to_batch()
        faulty.action_reset_draft()
        faulty.action_validate()
        self.assertEqual(faulty.state, "ready")
        self.assertFalse(faulty.finding_ids)
        self.assertEqual(self.env["medical.claim.batch"]._create_pending_batches().claim_ids, faulty)

    def test_999_context_names_the_claim_in_error(self):
        """CTX*CLM01 of an IK3 (005010X231A1 loop 2100) points the error at that claim, even for a segment
        of the subscriber loop (2010BA), which comes before the claim's CLM in the file."""
        other = self._make_patient("Second Patient")
        self._make_coverage(other, member_id="ACM987654321")
        first = self.ready_claims()
        second = self.ready_claims(patient=other)
        batch, text = self.sent_batch(first | second)
        (st,) = batch.transaction_control_numbers.split(",")
        for seg in tokenize(text):
            if seg.id == "ST":
                start = seg.position
            elif seg.id == "NM1" and seg[1] == "IL" and seg[9] == "ACM987654321":
                position = seg.position - start + 1  # the second claim's 2010BA subscriber name
        errors = {
            st: [
                f"IK3*NM1*{position}*2010*8",  # 2100: NM1 of loop 2010BA in error
                f"CTX*CLM01:{second.patient_control_number}",  # 2100 business unit identifier: the claim
                "IK4*9*67*7",  # 2110: NM109 invalid
            ]
        }
        self.Importer.import_file("999", self.ack_999(batch, {st: "R"}, errors), "ctx.999")
        # the whole set was rejected: both claims go back, the error points at the second only
        self.assertEqual(set((first | second).mapped("state")), {"ready"})
        self.assertIn(
            f"Segment NM1 at position {position} (loop 2010) of claim {second.patient_control_number}",
            second.finding_ids.message,
        )
        self.assertIn("The error is in this claim", second.finding_ids.message)
        self.assertNotIn("The error is in this claim", first.finding_ids.message)
        self.assertIn(
            f"The error is in another claim of the same transaction set ({second.patient_control_number}): "
            "this claim can be validated and sent again as it is.",
            first.finding_ids.message,
        )

    def test_999_accepted_with_an_error_noted_in_one_claim(self):
        """IK5*E: the set is accepted; an error whose CTX names a claim is noted on that claim only."""
        claims = self.ready_claims(2)
        batch, _text = self.sent_batch(claims)
        (st,) = batch.transaction_control_numbers.split(",")
        named, other = claims.sorted("id")
        errors = {
            st: [
                "IK3*REF*30*2300*I9",  # 2100: a REF of loop 2300 the guide does not use here
                f"CTX*CLM01:{named.patient_control_number}",  # 2100 business unit identifier: the claim
            ]
        }
        self.Importer.import_file("999", self.ack_999(batch, {st: "E"}, errors), "noted.999")
        self.assertEqual(batch.ack_status, "accepted")
        self.assertEqual(set(claims.mapped("state")), {"submitted"})
        self.assertFalse(claims.finding_ids)
        note = named.message_ids.filtered(lambda m: "with an error noted in this claim" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn(
            f"Segment REF at position 30 (loop 2300) of claim {named.patient_control_number}", note.body
        )
        self.assertFalse(other.message_ids.filtered(lambda m: "error noted" in (m.body or "")))
        self.assertIn("accepted with errors noted", batch.ack_message)

    def test_999_of_a_whole_rejected_group(self):
        claims = self.ready_claims(2)
        batch, _text = self.sent_batch(claims)
        data = self.envelope(
            "FA",
            "005010X231A1",
            "999",
            [[f"AK1*HC*{batch.group_control_number}*005010X222A1", "AK9*R*1*1*0*2"]],
        )
        counts = self.Importer.import_file("999", data, "group.999")
        self.assertEqual(counts["claims_rejected"], 2)
        self.assertEqual(batch.ack_status, "rejected")
        self.assertEqual(set(claims.mapped("state")), {"ready"})
        self.assertIn("Group: functional group version not supported.", claims[0].finding_ids.message)

    def test_999_already_imported_is_refused_and_kept(self):
        claims = self.ready_claims()
        batch, _text = self.sent_batch(claims)
        data = self.ack_999(batch, {batch.transaction_control_numbers: "R"})
        self.Importer.import_file("999", data, "first.999")
        self.assertEqual(claims.state, "ready")
        message = self.import_refused("999", data, "again.999")
        self.assertRegex(message, r"segment 1 \(ISA\): this file was already imported")
        # the same interchange number from the same clearinghouse, another content
        other = data.replace(b"*250305*0800*", b"*250306*0900*")
        message = self.import_refused("999", other, "renamed.999")
        self.assertIn("interchange 000000101 from ACMECH was already imported", message)
        self.assertEqual(claims.state, "ready")
        self.assertEqual(len(claims.finding_ids), 1)
        refused = self.Log.search([("state", "=", "refused"), ("kind", "=", "999")])
        self.assertEqual(refused.mapped("filename"), ["renamed.999", "again.999"])
        self.assertTrue(all(log.attachment_id.raw for log in refused))
        self.assertIn("already imported", refused[0].error)

    def test_999_for_another_batch_or_bad_file_is_refused(self):
        claims = self.ready_claims()
        batch, _text = self.sent_batch(claims)
        good = self.ack_999(batch)
        unknown_group = good.replace(f"AK1*HC*{batch.group_control_number}*".encode(), b"AK1*HC*999999*")
        cases = [
            (
                unknown_group,
                r"^segment 4 \(AK1\): no batch sent to ACMECH as PRACTICE01 has group control number",
            ),
            (
                good.replace(b"AK2*837*", b"AK2*837*9"),
                r"segment 5 \(AK2\): transaction set 837 9\d+ is not in batch",
            ),
            (good[:-20], r"segment \d+ \(\w*\): the data ends inside a segment"),
            (b"hello world", r"segment 1 \(\?\): not an X12 interchange"),
            (
                self.ack_277([(claims, "A1:19:PR", "WQ", [])]),
                r"segment 2 \(GS\): functional group 'HN' is not a 999",
            ),
            (
                self.ack_999(batch).replace(b"*PRACTICE01     *", b"*SOMEONEELSE    *"),
                r"^segment 4 \(AK1\): no batch sent to ACMECH as SOMEONEELSE",
            ),
        ]
        for data, pattern in cases:
            message = self.import_refused("999", data)
            self.assertRegex(message.split("\n", 1)[1], pattern)
        self.assertEqual(batch.state, "sent")
        self.assertFalse(batch.ack_status)
        self.assertEqual(claims.state, "submitted")
        self.assertEqual(self.Log.search_count([("state", "=", "refused")]), len(cases))
        # the right file still goes in after all that
        self.Importer.import_file("999", good, "good.999")
        self.assertEqual(batch.ack_status, "accepted")
        # and a second 999 for the same batch is refused
        message = self.import_refused("999", self.ack_999(batch, control="000000102"))
        self.assertIn(f"batch {batch.name} was already acknowledged", message)

    def test_999_through_the_wizard_and_the_command_line(self):
        claims = self.ready_claims(2)
        batch, _text = self.sent_batch(claims[0])
        wizard = self.env["medical.code.import"].create(
            {"kind": "999", "file": base64.b64encode(self.ack_999(batch)), "filename": "w.999"}
        )
        self.assertIn("group control number", wizard.help_text)
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.log_id.claim_batch_ids, batch)
        batch2, _text = self.sent_batch(claims[1])
        counts = run_import(self.env, "999", self.ack_999(batch2, control="000000102"), "cli.999")
        self.assertEqual(batch2.ack_status, "accepted")
        self.assertTrue(counts["log_id"])

    def test_a_biller_imports_acknowledgements(self):
        biller = self.make_user("edi_biller", "medical_coding.medical_coding_group_biller")
        front_desk = self.make_user("edi_front", "medical_coding.medical_coding_group_front_desk")
        claims = self.ready_claims()
        batch, _text = self.sent_batch(claims)
        with self.assertRaises(AccessError):
            self.Importer.with_user(front_desk).import_file("999", self.ack_999(batch), "x.999")
        self.Importer.with_user(biller).import_file("999", self.ack_999(batch), "x.999")
        self.assertEqual(batch.ack_status, "accepted")

    # ------------------------------------------------------------------ 277CA

    def load_status_codes(self):
        for name in ("claim_status_categories.tsv", "claim_status_codes.tsv"):
            data = (DATA / name).read_bytes()
            self.Importer.import_file("claim-status-codes", data, name)

    def test_277ca_accepts_and_rejects_claims(self):
        self.load_status_codes()
        good, bad, noted = self.ready_claims(3)
        batch, _text = self.sent_batch(good | bad | noted)
        self.Importer.import_file("999", self.ack_999(batch), "ok.999")
        bad_line = bad.line_ids.sorted("sequence")[0]
        data = self.ack_277(
            [
                (good, "A2:20:PR", "WQ", ["REF*1K*PAYER-ICN-1", "REF*D9*TRACE-1", "DTP*472*D8*20250301"]),
                (
                    bad,
                    "A7:562:85",
                    "U",
                    [
                        "REF*D9*TRACE-2",
                        "SVC*HC:99213:25*100*****1",
                        "STC*A7:454*20250306*U",
                        f"REF*FJ*{bad_line.line_control_number}",
                    ],
                ),
                (noted, "A1:19:PR", "WQ", []),
            ]
        )
        counts = self.Importer.import_file("277ca", data, "payer.277")
        self.assertEqual((counts["accepted"], counts["rejected"]), (2, 1))
        self.assertEqual(good.state, "accepted")
        self.assertEqual(good.payer_claim_control_number, "PAYER-ICN-1")
        self.assertEqual(good.clearinghouse_trace_number, "TRACE-1")
        self.assertEqual(noted.state, "accepted")
        self.assertEqual(bad.state, "rejected")
        finding = bad.finding_ids
        self.assertEqual(finding.edit_code, "ACK_277CA_REJECTED")
        self.assertIn("A7:562 Acknowledgement/Rejected for Invalid Information", finding.message)
        self.assertIn("Entity's National Provider Identifier (NPI)", finding.message)
        self.assertIn("(billing provider)", finding.message)
        self.assertIn(f"Service line 1 ({bad_line.line_control_number}): A7:454", finding.message)
        # the billing work queue shows the rejection
        queue = self.env.ref("medical_billing.medical_claim_action_work_queue")
        self.assertIn("search_default_work_queue", queue.context)
        self.assertIn(bad, self.env["medical.claim"].search([("state", "in", ("rejected", "denied"))]))
        self.assertIn(
            bad, self.env["medical.claim"].search([("finding_ids.edit_code", "=", "ACK_277CA_REJECTED")])
        )
        log = self.Log.browse(counts["log_id"])
        self.assertEqual(log.claim_batch_ids, batch)

    def test_277ca_line_rejection_rejects_the_claim(self):
        """2220D: a line rejected (A7) under a claim-level acceptance (A2) rejects the claim, naming it."""
        claim = self.ready_claims()
        batch, _text = self.sent_batch(claim)
        self.Importer.import_file("999", self.ack_999(batch), "ok.999")
        second_line = claim.line_ids.sorted("sequence")[1]
        data = self.ack_277(
            [
                (
                    claim,
                    "A2:20:PR",  # 2200D: the claim level is accepted
                    "WQ",
                    [
                        "REF*1K*PAYER-ICN-9",
                        "SVC*HC:20610:RT*200*****1",  # 2220D service line
                        "STC*A7:454*20250306*U",  # 2220D: the line is rejected
                        f"REF*FJ*{second_line.line_control_number}",  # 2220D: the 837 REF*6R
                    ],
                )
            ]
        )
        counts = self.Importer.import_file("277ca", data, "line.277")
        self.assertEqual((counts["accepted"], counts["rejected"]), (0, 1))
        self.assertEqual(claim.state, "rejected")
        finding = claim.finding_ids
        self.assertEqual(finding.edit_code, "ACK_277CA_REJECTED")
        self.assertIn("claim rejected.", finding.message)
        self.assertIn(
            f"The claim level was accepted but service line 2 (control number "
            f"{second_line.line_control_number}) was rejected (A7:454)",
            finding.message,
        )

    def test_277ca_from_a_clearinghouse_does_not_name_it_payer(self):
        """2100A NM1*AY is the clearinghouse: the claim's payer is never taken from it."""
        claim = self.ready_claims()
        self.sent_batch(claim)
        data = self.ack_277([(claim, "A3:21", "U", [])], source="NM1*AY*2*ACME CLEARINGHOUSE*****46*ACMECH")
        self.Importer.import_file("277ca", data, "ch.277")
        self.assertEqual(claim.state, "rejected")
        self.assertTrue(
            claim.finding_ids.message.startswith("277CA from ACME CLEARINGHOUSE (clearinghouse) (interchange")
        )

    def test_277ca_of_a_claim_not_ours_is_refused(self):
        claims = self.ready_claims(2)
        self.sent_batch(claims)
        data = self.ack_277([(claims[0], "A2:20:PR", "WQ", [])])
        data = data.replace(claims[0].patient_control_number.encode(), b"NOTOURS123")
        message = self.import_refused("277ca", data)
        self.assertRegex(message, r"segment \d+ \(TRN\): claim NOTOURS123 is not one of our claims")
        self.assertEqual(set(claims.mapped("state")), {"submitted"})
        message = self.import_refused("277ca", self.ack_999(claims.batch_id))
        self.assertIn("(GS): functional group 'FA' is not a 277CA", message)

    def test_277ca_without_status_code_list_still_explains_the_category(self):
        claim = self.ready_claims()
        self.sent_batch(claim)
        self.Importer.import_file("277ca", self.ack_277([(claim, "A3:21", "U", [])]), "a3.277")
        self.assertEqual(claim.state, "rejected")
        self.assertIn("A3:21 Acknowledgement/Returned as unprocessable claim", claim.finding_ids.message)
