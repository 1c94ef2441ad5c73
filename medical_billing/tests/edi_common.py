# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the 837P and acknowledgement tests: a practice able to send files (ZIP+4 address), a
default receiver (clearinghouse), helpers making ready claims, generating batches, reading files back."""

import io

from pyx12.x12file import X12Reader

from odoo import Command

from odoo.addons.medical_billing import edi

from .common import MedicalBillingCommon


class EdiCommon(MedicalBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.practice.zip = "95814-2001"
        cls.receiver = cls.env["medical.edi.receiver"].create(
            {
                "name": "Acme Clearinghouse",
                "company_id": cls.practice.id,
                "is_default": True,
                "receiver_code": "ACMECH",
                "sender_code": "PRACTICE01",
                "receiver_interchange_code": "ACMECH",
                "submitter_name": "Test Practice Billing",
                "submitter_code": "SUB123",
                "contact_name": "Billing Office",
                "contact_phone": "916-555-0100",
            }
        )

    # ------------------------------------------------------------------ claims

    @classmethod
    def ready_claims(cls, count=1, **encounter_values):
        """``count`` validated (ready) claims of new checked encounters."""
        encounters = cls.env["medical.encounter"]
        for _n in range(count):
            encounters |= cls.make_encounter(**encounter_values)
        encounters.action_create_claims()
        claims = encounters.claim_ids
        claims.action_validate()
        for claim in claims:
            assert claim.state == "ready", claim.finding_ids.mapped("message")
        return claims

    def generate(self, claims, receiver=None):
        """Batch ``claims``, generate the file, check it with pyx12; return (batch, text, segments)."""
        Batch = self.env["medical.claim.batch"]
        if receiver:
            batch = Batch.create(
                {
                    "receiver_id": receiver.id,
                    "company_id": receiver.company_id.id,
                    "claim_ids": [Command.set(claims.ids)],
                }
            )
        else:
            batch = Batch._add_claims_to_batches(claims, strict=True)
        self.assertEqual(len(batch), 1)
        batch.action_generate()
        self.assertEqual(batch.state, "generated")
        text = batch.attachment_id.raw.decode("ascii")
        ok, errors = edi.validate(text)
        self.assertTrue(ok, errors)
        return batch, text, self.read_back(text)

    def read_back(self, text):
        """The segments as pyx12's own reader reads them, with no reader error."""
        segments = []
        with X12Reader(io.StringIO(text)) as reader:
            for seg in reader:
                self.assertEqual(reader.pop_errors(), [], seg.format())
                segments.append(seg)
            reader.cleanup()
            self.assertEqual(reader.pop_errors(), [])
        return segments

    @staticmethod
    def find(segments, seg_id, **where):
        """Segments with this id whose elements (``REF01="6R"``) match."""
        return [
            seg
            for seg in segments
            if seg.get_seg_id() == seg_id and all(seg.get_value(ref) == v for ref, v in where.items())
        ]

    @staticmethod
    def claim_blocks(segments):
        """``{CLM01: [segments of the claim, from CLM to the next CLM / HL / SE]}``."""
        blocks, current = {}, None
        for seg in segments:
            seg_id = seg.get_seg_id()
            if seg_id == "CLM":
                current = blocks[seg.get_value("CLM01")] = []
            elif seg_id in ("HL", "SE"):
                current = None
            if current is not None:
                current.append(seg)
        return blocks

    def assertEnvelope(self, batch, segments):
        """ISA13 / GS06 / ST02 of the file are the batch's, and the trailers agree with them."""
        isa, iea = segments[0], segments[-1]
        self.assertEqual(isa.get_value("ISA13"), f"{batch.interchange_control_number:09d}")
        self.assertEqual(iea.get_value("IEA02"), isa.get_value("ISA13"))
        self.assertEqual(isa.get_value("ISA06").strip(), batch.receiver_id.sender_code)
        self.assertEqual(isa.get_value("ISA08").strip(), batch.receiver_id.receiver_interchange_code)
        self.assertEqual(isa.get_value("ISA15"), batch.receiver_id.usage_indicator)
        gs = self.find(segments, "GS")[0]
        self.assertEqual(gs.get_value("GS06"), str(batch.group_control_number))
        self.assertEqual(gs.get_value("GS08"), "005010X222A1")
        self.assertEqual(self.find(segments, "GE")[0].get_value("GE02"), str(batch.group_control_number))
        sts = [seg.get_value("ST02") for seg in self.find(segments, "ST")]
        self.assertEqual(sts, batch.transaction_control_numbers.split(","))
        self.assertEqual([seg.get_value("SE02") for seg in self.find(segments, "SE")], sts)
        bht = self.find(segments, "BHT")[0]
        self.assertTrue(bht.get_value("BHT03").startswith(batch.name))
