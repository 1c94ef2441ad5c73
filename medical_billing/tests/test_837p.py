# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""837P batches from claims: the files validate in pyx12 and read back with their claims, loops and
control numbers; batches per receiver, their sequences, and the command line that writes them.

Over 500 lines: most tests write a file and read it back loop by loop (subscriber, patient, other
payers, lines), which takes room; they share the payers and claims set up once for the class.
"""

import os
import stat
import tempfile
from datetime import timedelta
from pathlib import Path

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.medical_billing.cli.medical_837 import generate_pending, write_private
from odoo.addons.medical_billing.tools.person_name import split_person_name

from .edi_common import EdiCommon

OTHER_NPI = "1245319599"
REFERRING_NPI = "1444444446"
FACILITY_NPI = "1987654328"


@tagged("post_install", "-at_install")
class Test837P(EdiCommon):
    """837P batches: generated files validate in pyx12 and read back with the claims and control numbers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second_payer = cls.env["res.partner"].create(
            {
                "name": "Beta Secondary Insurance",
                "is_company": True,
                "is_payer": True,
                "payer_code": "BETA2",
                "claim_filing_indicator": "BL",
            }
        )

    # ------------------------------------------------------------------ the loops

    def test_primary_claim_patient_is_subscriber(self):
        claim = self.ready_claims()
        batch, text, segs = self.generate(claim)
        self.assertEnvelope(batch, segs)
        self.assertEqual(claim.state, "submitted")
        self.assertEqual(claim.date_submitted, self.today)
        self.assertEqual(claim.batch_id, batch)
        self.assertEqual(claim.edi_transaction_number, batch.transaction_control_numbers)
        # 1000A / 1000B
        submitter = self.find(segs, "NM1", NM101="41")[0]
        self.assertEqual(submitter.get_value("NM109"), "SUB123")
        self.assertEqual(self.find(segs, "PER")[0].get_value("PER04"), "9165550100")
        self.assertEqual(self.find(segs, "NM1", NM101="40")[0].get_value("NM109"), "ACMECH")
        # 2000A / 2010AA: the practice, with its taxonomy, NPI, ZIP+4 and tax id
        self.assertEqual(self.find(segs, "HL")[0].format(), "HL*1**20*1~")
        self.assertEqual(self.find(segs, "PRV")[0].format(), "PRV*BI*PXC*207Q00000X~")
        billing = self.find(segs, "NM1", NM101="85")[0]
        self.assertEqual(billing.get_value("NM109"), self.practice.medical_billing_npi)
        self.assertEqual(self.find(segs, "N4")[0].get_value("N403"), "958142001")
        self.assertEqual(self.find(segs, "REF", REF01="EI")[0].get_value("REF02"), "123456789")
        # 2000B / 2010BA / 2010BB: the patient is the subscriber, no 2000C
        self.assertEqual(self.find(segs, "HL", HL03="22")[0].get_value("HL04"), "0")
        self.assertFalse(self.find(segs, "HL", HL03="23"))
        self.assertEqual(self.find(segs, "SBR")[0].format(), "SBR*P*18*GRP001******CI~")
        subscriber = self.find(segs, "NM1", NM101="IL")[0]
        self.assertEqual(
            [subscriber.get_value(f"NM1{n:02d}") for n in (3, 4, 8, 9)], ["ONE", "TEST", "MI", "ACM123456789"]
        )
        self.assertEqual(self.find(segs, "DMG")[0].format(), "DMG*D8*19700517*F~")
        self.assertEqual(self.find(segs, "NM1", NM101="PR")[0].get_value("NM109"), "ACME1")
        # 2300: the claim
        clm = self.find(segs, "CLM")[0]
        self.assertEqual(clm.get_value("CLM01"), claim.patient_control_number)
        self.assertEqual(clm.get_value("CLM02"), "300")
        self.assertEqual(clm.get_value("CLM05"), "11:B:1")
        self.assertEqual(self.find(segs, "HI")[0].format(), "HI*ABK:M1711*ABF:J209~")
        self.assertFalse(self.find(segs, "REF", REF01="F8"))
        # the rendering provider is the billing NPI: no 2310B
        self.assertFalse(self.find(segs, "NM1", NM101="82"))
        # 2400: lines with modifiers, pointers, date and line control number
        self.assertEqual(
            [seg.format() for seg in self.find(segs, "SV1")],
            ["SV1*HC:99213:25*100*UN*1***2~", "SV1*HC:20610:RT*200*UN*1***1~"],
        )
        dos = self.dos.strftime("%Y%m%d")
        self.assertEqual([seg.get_value("DTP03") for seg in self.find(segs, "DTP", DTP01="472")], [dos, dos])
        self.assertEqual(
            [seg.get_value("REF02") for seg in self.find(segs, "REF", REF01="6R")],
            claim.line_ids.sorted("sequence").mapped("line_control_number"),
        )
        self.assertTrue(text.endswith("~"))

    def test_dependent_patient_gets_2000c(self):
        parent = self._make_patient("Mary Parent")
        child = self._make_patient("Tom Kid")
        child.birthdate = "2015-02-03"
        child.gender = "m"
        self._make_coverage(child, relationship="19", subscriber_id=parent.id, member_id="ACM555")
        claim = self.ready_claims(patient=child)
        batch, _text, segs = self.generate(claim)
        self.assertEnvelope(batch, segs)
        self.assertEqual(self.find(segs, "HL", HL03="22")[0].get_value("HL04"), "1")
        self.assertEqual(self.find(segs, "SBR")[0].format(), "SBR*P**GRP001******CI~")
        subscriber = self.find(segs, "NM1", NM101="IL")[0]
        self.assertEqual(subscriber.get_value("NM103"), "PARENT")
        self.assertEqual(subscriber.get_value("NM109"), "ACM555")
        hl_patient = self.find(segs, "HL", HL03="23")[0]
        self.assertEqual(hl_patient.get_value("HL02"), self.find(segs, "HL", HL03="22")[0].get_value("HL01"))
        self.assertEqual(self.find(segs, "PAT")[0].format(), "PAT*19~")
        patient = self.find(segs, "NM1", NM101="QC")[0]
        self.assertEqual([patient.get_value("NM103"), patient.get_value("NM104")], ["KID", "TOM"])
        self.assertEqual(self.find(segs, "DMG")[-1].format(), "DMG*D8*20150203*M~")
        ids = [seg.get_seg_id() for seg in segs]
        self.assertLess(ids.index("PAT"), ids.index("CLM"))

    def test_dependant_patient_loops_segment_by_segment(self):
        """005010X222A1: for a dependant, 2010BA names the subscriber only; the patient's address and birth
        date go in 2010CA. The subscriber's own address and birth date are on file and still not sent."""
        parent = self._make_patient("Mary Parent")
        parent.write({"birthdate": "1968-09-10", "street": "5 Oak Avenue", "zip": "95816"})
        child = self._make_patient("Tom Kid")
        child.write({"birthdate": "2015-02-03", "gender": "m"})
        self._make_coverage(child, relationship="19", subscriber_id=parent.id, member_id="ACM555")
        claim = self.ready_claims(patient=child)
        _batch, text, _segs = self.generate(claim)
        segments = [seg.strip() for seg in text.split("~")]
        start = next(i for i, seg in enumerate(segments) if seg.startswith("HL*2*"))
        end = next(i for i, seg in enumerate(segments) if seg.startswith("CLM*"))
        self.assertEqual(
            segments[start:end],
            [
                "HL*2*1*22*1",  # 2000B subscriber level, with a patient level below it
                "SBR*P**GRP001******CI",  # 2000B SBR02 blank: the subscriber is not the patient
                "NM1*IL*1*PARENT*MARY****MI*ACM555",  # 2010BA subscriber: name and member id, no N3/N4/DMG
                "NM1*PR*2*ACME HEALTH*****PI*ACME1",  # 2010BB payer
                "HL*3*2*23*0",  # 2000C patient level
                "PAT*19",  # 2000C relationship: child
                "NM1*QC*1*KID*TOM",  # 2010CA patient name
                "N3*1 MAIN STREET",  # 2010CA patient address
                "N4*SACRAMENTO*CA*95814",  # 2010CA city, state, ZIP
                "DMG*D8*20150203*M",  # 2010CA patient birth date and sex
            ],
        )
        self.assertNotIn("19680910", text)
        self.assertNotIn("5 OAK AVENUE", text)

    def test_subscriber_patient_loops_segment_by_segment(self):
        """005010X222A1: when the subscriber is the patient, 2010BA carries the address and birth date."""
        claim = self.ready_claims()
        _batch, text, _segs = self.generate(claim)
        segments = [seg.strip() for seg in text.split("~")]
        start = next(i for i, seg in enumerate(segments) if seg.startswith("HL*2*"))
        end = next(i for i, seg in enumerate(segments) if seg.startswith("CLM*"))
        self.assertEqual(
            segments[start:end],
            [
                "HL*2*1*22*0",  # 2000B subscriber level, no patient level
                "SBR*P*18*GRP001******CI",  # 2000B SBR02 = 18: the subscriber is the patient
                "NM1*IL*1*ONE*TEST*PATIENT***MI*ACM123456789",  # 2010BA subscriber name and member id
                "N3*1 MAIN STREET",  # 2010BA subscriber address
                "N4*SACRAMENTO*CA*95814",  # 2010BA city, state, ZIP
                "DMG*D8*19700517*F",  # 2010BA subscriber birth date and sex
                "NM1*PR*2*ACME HEALTH*****PI*ACME1",  # 2010BB payer
            ],
        )

    def test_secondary_claim_carries_the_primary_payment_and_adjustments(self):
        primary = self.ready_claims()
        self.generate(primary)
        primary.payer_claim_control_number = "ACMEICN777"
        primary.action_accept()
        line_99213, line_20610 = primary.line_ids.sorted("sequence")
        line_99213.write(
            {
                "amount_paid": 60.0,
                "adjustment_ids": [
                    Command.create(
                        {"claim_id": primary.id, "group_code": "CO", "reason_code": "45", "amount": 25.0}
                    ),
                    Command.create(
                        {"claim_id": primary.id, "group_code": "PR", "reason_code": "1", "amount": 15.0}
                    ),
                ],
            }
        )
        line_20610.write(
            {
                "amount_paid": 150.0,
                "adjustment_ids": [
                    Command.create(
                        {"claim_id": primary.id, "group_code": "CO", "reason_code": "45", "amount": 30.0}
                    ),
                    Command.create(
                        {"claim_id": primary.id, "group_code": "PR", "reason_code": "2", "amount": 20.0}
                    ),
                ],
            }
        )
        primary.date_adjudicated = self.today - timedelta(days=2)
        primary.action_record_adjudication()
        self.assertEqual(primary.state, "paid")
        self._make_coverage(self.patient, payer=self.second_payer, priority="secondary", member_id="BETA9876")
        action = primary.action_create_secondary_claim()
        secondary = self.env["medical.claim"].browse(action["res_id"])
        self.assertEqual(secondary.primary_claim_id, primary)
        self.assertEqual(secondary.payer_id, self.second_payer)
        self.assertEqual(secondary.payer_responsibility, "secondary")
        self.assertEqual(secondary.line_ids.mapped("amount_paid"), [0.0, 0.0])
        self.assertEqual(secondary.line_ids.primary_line_id, primary.line_ids)
        with self.assertRaises(UserError) as caught:
            primary.action_create_secondary_claim()  # one next-payer claim per claim
        self.assertIn("already has its next payer's claim", str(caught.exception))
        secondary.action_validate()
        self.assertEqual(secondary.state, "ready", secondary.finding_ids.mapped("message"))

        batch, text, segs = self.generate(secondary)
        self.assertEnvelope(batch, segs)
        sbrs = self.find(segs, "SBR")
        self.assertEqual([s.get_value("SBR01") for s in sbrs], ["S", "P"])
        self.assertEqual(sbrs[0].get_value("SBR09"), "BL")
        self.assertEqual(sbrs[1].format(), "SBR*P*18*GRP001******CI~")
        self.assertEqual(self.find(segs, "AMT", AMT01="D")[0].get_value("AMT02"), "210")
        self.assertEqual(len(self.find(segs, "OI")), 1)
        self.assertEqual(self.find(segs, "NM1", NM101="IL")[1].get_value("NM109"), "ACM123456789")
        payers = self.find(segs, "NM1", NM101="PR")
        self.assertEqual([p.get_value("NM109") for p in payers], ["BETA2", "ACME1"])
        self.assertEqual(self.find(segs, "REF", REF01="F8")[0].get_value("REF02"), "ACMEICN777")
        self.assertEqual(
            [s.format() for s in self.find(segs, "SVD")],
            ["SVD*ACME1*60*HC:99213:25**1~", "SVD*ACME1*150*HC:20610:RT**1~"],
        )
        self.assertEqual(
            [s.format() for s in self.find(segs, "CAS")],
            ["CAS*CO*45*25~", "CAS*PR*1*15~", "CAS*CO*45*30~", "CAS*PR*2*20~"],
        )
        adjudicated = (self.today - timedelta(days=2)).strftime("%Y%m%d")
        self.assertEqual({s.get_value("DTP03") for s in self.find(segs, "DTP", DTP01="573")}, {adjudicated})
        ids = [seg.get_seg_id() for seg in segs]
        self.assertLess(ids.index("OI"), ids.index("LX"))
        self.assertIn("LX*2~SV1*HC:20610:RT*200*UN*1***1~", text)

    def adjudicate(self, claim, lines, claim_level=()):
        """Record a payer's adjudication by hand: ``lines`` [(paid, [(group, reason, amount)])] in order."""
        if claim.state == "submitted":
            claim.action_accept()
        for line, (paid, adjustments) in zip(claim.line_ids.sorted("sequence"), lines, strict=True):
            line.write(
                {
                    "amount_paid": paid,
                    "adjustment_ids": [
                        Command.create({"claim_id": claim.id, "group_code": g, "reason_code": r, "amount": a})
                        for g, r, a in adjustments
                    ],
                }
            )
        claim.write(
            {
                "adjustment_ids": [
                    Command.create({"group_code": g, "reason_code": r, "amount": a})
                    for g, r, a in claim_level
                ],
                "date_adjudicated": self.today - timedelta(days=1),
            }
        )
        claim.action_record_adjudication()

    def test_tertiary_claim_carries_both_previous_payers(self):
        third_payer = self.env["res.partner"].create(
            {
                "name": "Gamma Tertiary",
                "is_payer": True,
                "payer_code": "GAMMA3",
                "claim_filing_indicator": "CI",
            }
        )
        self._make_coverage(self.patient, payer=self.second_payer, priority="secondary", member_id="BETA1")
        self._make_coverage(self.patient, payer=third_payer, priority="tertiary", member_id="GAMMA1")
        primary = self.ready_claims()
        self.generate(primary)
        # a claim-level adjustment too: the primary paid 210 on its lines less 10 at the claim level
        self.adjudicate(
            primary,
            [
                (60.0, [("CO", "45", 25.0), ("PR", "1", 15.0)]),
                (150.0, [("CO", "45", 30.0), ("PR", "2", 20.0)]),
            ],
            claim_level=[("OA", "23", 10.0)],
        )
        secondary = self.env["medical.claim"].browse(primary.action_create_secondary_claim()["res_id"])
        secondary.action_validate()
        self.generate(secondary)
        self.adjudicate(
            secondary,
            [
                (15.0, [("OA", "23", 60.0), ("CO", "45", 20.0), ("PR", "2", 5.0)]),
                (20.0, [("OA", "23", 150.0), ("CO", "45", 30.0)]),
            ],
        )
        tertiary = self.env["medical.claim"].browse(secondary.action_create_secondary_claim()["res_id"])
        self.assertEqual(tertiary.payer_id, third_payer)
        tertiary.action_validate()
        self.assertEqual(tertiary.state, "ready", tertiary.finding_ids.mapped("message"))
        _batch, text, segs = self.generate(tertiary)
        self.assertEqual([s.get_value("SBR01") for s in self.find(segs, "SBR")], ["T", "P", "S"])
        self.assertEqual([s.get_value("AMT02") for s in self.find(segs, "AMT", AMT01="D")], ["200", "35"])
        self.assertIn("SBR*P*18*GRP001******CI~CAS*OA*23*10~AMT*D*200~", text)
        self.assertEqual(
            [s.format() for s in self.find(segs, "SVD")],
            [
                "SVD*ACME1*60*HC:99213:25**1~",
                "SVD*BETA2*15*HC:99213:25**1~",
                "SVD*ACME1*150*HC:20610:RT**1~",
                "SVD*BETA2*20*HC:20610:RT**1~",
            ],
        )

    def test_secondary_claim_needs_the_primary_adjudication(self):
        primary = self.ready_claims()
        with self.assertRaisesRegex(UserError, "no recorded adjudication"):
            primary.action_create_secondary_claim()

    def test_replacement_and_void_carry_the_payer_claim_number(self):
        first, second = self.ready_claims(2)
        self.generate(first | second)
        first.payer_claim_control_number = "ICN-REPLACE-1"
        second.payer_claim_control_number = "ICN-VOID-2"
        replacement = self.env["medical.claim"].browse(first.action_replace()["res_id"])
        replacement.action_validate()
        self.assertEqual(replacement.state, "ready", replacement.finding_ids.mapped("message"))
        void = self.env["medical.claim"].browse(second.action_void()["res_id"])
        self.assertEqual(void.state, "ready")
        batch, _text, segs = self.generate(replacement | void)
        self.assertEnvelope(batch, segs)
        blocks = self.claim_blocks(segs)
        for claim, frequency, number in ((replacement, "7", "ICN-REPLACE-1"), (void, "8", "ICN-VOID-2")):
            block = blocks[claim.patient_control_number]
            self.assertEqual(block[0].get_value("CLM05"), f"11:B:{frequency}")
            refs = [
                s.get_value("REF02")
                for s in block
                if s.get_seg_id() == "REF" and s.get_value("REF01") == "F8"
            ]
            self.assertEqual(refs, [number])

    def test_drug_line_with_ndc(self):
        claim = self.make_claim(
            lines=[("cpt_96372", [], 1, "A", 40.0), ("hcpcs_j1100", [], 8, "A", 40.0)],
            diagnoses=("dx_knee",),
        )
        drug = claim.line_ids.filtered(lambda ln: ln.code_id == self.codes["hcpcs_j1100"])
        drug.write({"ndc_code": "00009047613", "ndc_quantity": 2.0, "ndc_unit": "ML"})
        claim.action_validate()
        self.assertEqual(claim.state, "ready", claim.finding_ids.mapped("message"))
        _batch, text, segs = self.generate(claim)
        self.assertEqual(self.find(segs, "LIN")[0].format(), "LIN**N4*00009047613~")
        self.assertEqual(self.find(segs, "CTP")[0].format(), "CTP****2*ML~")
        self.assertIn("SV1*HC:J1100*40*UN*8***1~DTP*472", text)
        ids = [seg.get_seg_id() for seg in segs]
        self.assertEqual(ids.count("LIN"), 1)

    def test_rendering_referring_and_facility(self):
        rendering = self.env["res.partner"].create(
            {"name": "Dr. Li Chen", "is_provider": True, "npi": OTHER_NPI, "taxonomy_code": "207X00000X"}
        )
        referring = self.env["res.partner"].create(
            {"name": "Okafor, Grace A.", "is_provider": True, "npi": REFERRING_NPI}
        )
        facility = self.env["res.partner"].create(
            {
                "name": "River Valley Outpatient",
                "is_company": True,
                "is_facility": True,
                "npi": FACILITY_NPI,
                "street": "2 River Road",
                "city": "Sacramento",
                "state_id": self.state_ca.id,
                "zip": "95816-4400",
                "country_id": self.us.id,
            }
        )
        claim = self.ready_claims(
            provider_id=rendering.id, referring_provider_id=referring.id, facility_id=facility.id
        )
        _batch, _text, segs = self.generate(claim)
        rendering_nm1 = self.find(segs, "NM1", NM101="82")[0]
        self.assertEqual(rendering_nm1.format(), f"NM1*82*1*CHEN*LI****XX*{OTHER_NPI}~")
        self.assertEqual(self.find(segs, "PRV", PRV01="PE")[0].format(), "PRV*PE*PXC*207X00000X~")
        self.assertEqual(
            self.find(segs, "NM1", NM101="DN")[0].format(), f"NM1*DN*1*OKAFOR*GRACE*A***XX*{REFERRING_NPI}~"
        )
        self.assertEqual(
            self.find(segs, "NM1", NM101="77")[0].format(),
            f"NM1*77*2*RIVER VALLEY OUTPATIENT*****XX*{FACILITY_NPI}~",
        )
        nm1s = [seg.get_value("NM101") for seg in segs if seg.get_seg_id() == "NM1"]
        self.assertEqual(nm1s[-3:], ["DN", "82", "77"])  # 2310A, 2310B, 2310C in order
        self.assertEqual(self.find(segs, "N4")[-1].get_value("N403"), "958164400")

    def test_prior_authorization_is_sent(self):
        claim = self.make_claim()
        claim.prior_authorization = "AUTH-55"
        claim.action_validate()
        _batch, _text, segs = self.generate(claim)
        self.assertEqual(self.find(segs, "REF", REF01="G1")[0].get_value("REF02"), "AUTH-55")

    def test_batch_of_many_claims_in_several_transaction_sets(self):
        self.receiver.max_claims_per_transaction = 7
        patients = [self._make_patient(f"Patient Number{n}") for n in range(5)]
        for patient in patients:
            self._make_coverage(patient, member_id=f"M{patient.id}")
        claims = self.env["medical.claim"]
        for patient in patients:
            claims |= self.ready_claims(4, patient=patient)
        self.assertEqual(len(claims), 20)
        batch, _text, segs = self.generate(claims)
        self.assertEnvelope(batch, segs)
        self.assertEqual(len(batch.transaction_control_numbers.split(",")), 3)
        self.assertEqual(batch.claim_count, 20)
        self.assertAlmostEqual(batch.amount_total, 20 * 300.0)
        # every claim once, with its amount, in the transaction set recorded on it
        current, seen = None, {}
        for seg in segs:
            if seg.get_seg_id() == "ST":
                current = seg.get_value("ST02")
            elif seg.get_seg_id() == "CLM":
                seen[seg.get_value("CLM01")] = (current, seg.get_value("CLM02"))
        self.assertEqual(seen, {c.patient_control_number: (c.edi_transaction_number, "300") for c in claims})
        # the subscriber level groups the claims of one subscriber (4 per patient)
        self.assertEqual(len(self.find(segs, "HL", HL03="22")), 5 + 2)  # two patients straddle two sets
        self.assertEqual(set(claims.mapped("state")), {"submitted"})

    # ------------------------------------------------------------------ the batch

    def test_control_numbers_are_never_reused(self):
        first = self.ready_claims()
        batch1, *_rest = self.generate(first)
        numbers1 = (batch1.interchange_control_number, batch1.group_control_number)
        batch1.action_generate()  # generated, not sent: written again with new numbers
        self.assertGreater(batch1.interchange_control_number, numbers1[0])
        self.assertGreater(batch1.group_control_number, numbers1[1])
        self.assertEqual(
            len(
                self.env["ir.attachment"].search(
                    [("res_model", "=", "medical.claim.batch"), ("res_id", "=", batch1.id)]
                )
            ),
            1,
        )
        batch2, _text, segs = self.generate(self.ready_claims())
        self.assertGreater(batch2.interchange_control_number, batch1.interchange_control_number)
        self.assertGreater(int(batch2.transaction_control_numbers), int(batch1.transaction_control_numbers))
        self.assertEnvelope(batch2, segs)
        sequences = (
            self.env["ir.sequence"]
            .sudo()
            .search([("code", "like", "medical.edi."), ("company_id", "=", self.practice.id)])
        )
        self.assertEqual(len(sequences), 3)

    def test_each_company_has_its_own_sequences(self):
        Receiver = self.env["medical.edi.receiver"]
        company_b = self.env["res.company"].create({"name": "Other Practice"})
        Receiver._next_control_numbers(self.practice)
        numbers_b = Receiver._next_control_numbers(company_b)
        self.assertEqual(numbers_b, (1, 1, 1))

    def test_sent_batch_is_not_generated_again(self):
        batch, *_rest = self.generate(self.ready_claims())
        batch.action_mark_sent()
        self.assertEqual(batch.state, "sent")
        self.assertTrue(batch.date_sent)
        with self.assertRaisesRegex(UserError, "not generated again"):
            batch.action_generate()
        with self.assertRaises(UserError) as caught:
            batch.write({"claim_ids": [Command.clear()]})
        self.assertIn("The claims of a generated batch are those of its file", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            batch.unlink()
        self.assertIn("Only draft batches can be deleted", str(caught.exception))

    def test_reset_generated_batch_gives_claims_back(self):
        claim = self.ready_claims()
        batch, *_rest = self.generate(claim)
        batch.action_reset_draft()
        self.assertEqual(batch.state, "draft")
        self.assertFalse(batch.attachment_id)
        self.assertEqual(claim.state, "ready")

    def test_bad_data_is_refused_and_nothing_changes(self):
        claim = self.ready_claims()
        self.practice.zip = "95814"  # the billing provider needs a ZIP+4 in an 837P
        self.coverage.member_id = "ACM*1"  # a delimiter in an element
        batch = self.env["medical.claim.batch"]._add_claims_to_batches(claim, strict=True)
        with self.assertRaises(UserError) as caught:
            batch.action_generate()
        message = caught.exception.args[0]
        self.assertIn("billing provider ZIP code must have 9 digits", message)
        self.assertIn(f"{claim.patient_control_number}: subscriber member id must be", message)
        self.assertEqual(batch.state, "draft")
        self.assertEqual(claim.state, "ready")
        self.assertFalse(batch.attachment_id)

    def test_pending_batches_per_receiver(self):
        other_receiver = self.env["medical.edi.receiver"].create(
            {
                "name": "Beta Direct",
                "receiver_code": "BETADIRECT",
                "sender_code": "PRACTICE01",
                "receiver_interchange_code": "BETA",
                "submitter_code": "S2",
                "contact_name": "Billing Office",
                "contact_email": "billing@example.com",
                "payer_ids": [Command.set(self.second_payer.ids)],
            }
        )
        acme = self.ready_claims(2)
        beta_patient = self._make_patient("Beta Person")
        self._make_coverage(beta_patient, payer=self.second_payer, member_id="B1")
        beta = self.ready_claims(patient=beta_patient)
        batches = self.env["medical.claim.batch"]._create_pending_batches()
        self.assertEqual(len(batches), 2)
        self.assertEqual(batches.filtered(lambda b: b.receiver_id == self.receiver).claim_ids, acme)
        self.assertEqual(batches.filtered(lambda b: b.receiver_id == other_receiver).claim_ids, beta)
        # running it again adds nothing; a new ready claim joins the draft batch of its receiver
        self.assertFalse(self.env["medical.claim.batch"]._create_pending_batches())
        late = self.ready_claims()
        again = self.env["medical.claim.batch"]._create_pending_batches()
        self.assertEqual(again, batches.filtered(lambda b: b.receiver_id == self.receiver))
        self.assertIn(late, again.claim_ids)
        with self.assertRaisesRegex(UserError, "already in batch"):
            late.action_add_to_batch()

    def test_add_to_batch_refuses_claims_not_ready(self):
        claim = self.make_claim()
        with self.assertRaisesRegex(UserError, "not ready"):
            claim.action_add_to_batch()

    def test_command_line_writes_the_pending_files(self):
        claims = self.ready_claims(2)
        with tempfile.TemporaryDirectory() as folder:
            umask = os.umask(0)  # the most permissive umask: the files are still the owner's only
            try:
                written, failures = generate_pending(self.env, Path(folder), [self.practice.id])
            finally:
                os.umask(umask)
            self.assertEqual(failures, [])
            self.assertEqual(len(written), 1)
            data = written[0].read_bytes()
            self.assertEqual(stat.S_IMODE(written[0].stat().st_mode), 0o600)
            # a file already there (another run, another umask) is made private too
            written[0].chmod(0o644)
            write_private(written[0], data)
            self.assertEqual(stat.S_IMODE(written[0].stat().st_mode), 0o600)
            self.assertEqual(written[0].read_bytes(), data)
        batch = claims.batch_id
        self.assertEqual(batch.state, "sent")
        self.assertEqual(data, batch.attachment_id.raw)
        self.assertEqual(set(claims.mapped("state")), {"submitted"})

    def test_forms(self):
        with Form(self.env["medical.edi.receiver"]) as form:
            form.name = "Second Clearinghouse"
            form.receiver_code = "SECOND"
            form.sender_code = "PRACTICE01"
            form.receiver_interchange_code = "SECOND"
            form.submitter_code = "S9"
            form.contact_name = "Billing Office"
            form.contact_email = "billing@example.com"
            form.payer_ids.add(self.second_payer)
        receiver = form.record
        self.assertEqual(receiver.company_id, self.practice)
        self.assertFalse(receiver.is_default)
        claims = self.ready_claims(2)
        with Form(self.env["medical.claim.batch"]) as form:
            form.receiver_id = self.receiver
            form.claim_ids.add(claims[0])
        batch = form.record
        self.assertEqual(batch.claim_ids, claims[0])
        self.assertEqual(claims[0].batch_id, batch)
        batch.action_generate()
        form = Form(batch)
        self.assertEqual(form.state, "generated")
        self.assertEqual(form.claim_count, 1)
        claim_form = Form(claims[0])
        self.assertEqual(claim_form.batch_id, batch)
        self.assertEqual(receiver.action_view_batches()["domain"], [("receiver_id", "=", receiver.id)])

    def test_person_names(self):
        self.assertEqual(split_person_name("Dr. Ana Maria Rivera"), ("Rivera", "Ana", "Maria", ""))
        self.assertEqual(split_person_name("Okafor, Grace A."), ("Okafor", "Grace", "A", ""))
        self.assertEqual(split_person_name("John Smith Jr."), ("Smith", "John", "", "Jr"))
        self.assertEqual(split_person_name("Cher"), ("Cher", "", "", ""))
