# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Acknowledgement imports of the real X12 and CMS files (../shared), through pytest-odoo on the database
of ``make test``. Moved from medical_billing/tests/test_acks.py: addon tests never read ../shared.
"""

import os
from pathlib import Path

from odoo.exceptions import UserError

from odoo.addons.medical_billing.tests import test_acks as acks
from odoo.addons.medical_billing.tests.edi_common import EdiCommon

#: the real CMS and X12 files beside the repository, as tests/conftest.py finds them
SHARED = Path(os.environ.get("MEDICAL_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")


def shared_file(*parts):
    """A file of the shared test vectors; its absence fails the test (never a skip)."""
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        raise AssertionError(f"The shared test vectors are missing: expected {path}")
    return path


class TestAckFiles(EdiCommon):
    # the acknowledgement helpers of the addon's own tests
    envelope = acks.TestAcknowledgements.envelope
    ack_999 = acks.TestAcknowledgements.ack_999
    import_refused = acks.TestAcknowledgements.import_refused
    sent_batch = acks.TestAcknowledgements.sent_batch

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Importer = cls.env["medical.importer"]
        cls.Log = cls.env["medical.import.log"]

    def test_negative_x12_files_are_refused_naming_the_segment(self):
        claims = self.ready_claims()
        batch, _text = self.sent_batch(claims)
        paths = sorted(shared_file("x12", "negative", "bad_file.edi").parent.glob("*.edi"))
        for path in paths:
            message = self.import_refused("999", path.read_bytes())
            self.assertRegex(message.split("\n", 1)[1], r"^segment \d+ \([A-Z0-9?]{1,3}\): ")
        self.assertEqual(batch.state, "sent")
        self.assertFalse(batch.ack_status)
        self.assertEqual(self.Log.search_count([("state", "=", "refused")]), len(paths))

    def test_claim_status_code_lists_import(self):
        Code = self.env["medical.claim.status.code"]
        self.assertEqual(Code.search_count([("list", "=", "category")]), 9)  # A0-A8 shipped
        categories = shared_file("cms", "remit", "claim_status_category_codes.derived.tsv").read_bytes()
        counts = self.Importer.import_file("claim-status-codes", categories, "categories.tsv")
        self.assertEqual(counts["total"], 47)
        self.assertEqual(counts["created"] + counts["updated"] + counts["unchanged"], 47)
        self.assertEqual(counts["created"], 38)
        statuses = shared_file("cms", "remit", "claim_status_codes.derived.tsv").read_bytes()
        counts = self.Importer.import_file("claim-status-codes", statuses, "statuses.tsv")
        self.assertEqual((counts["total"], counts["created"]), (749, 749))
        code_4 = Code.search([("list", "=", "status"), ("code", "=", "4")])
        self.assertEqual(str(code_4.date_end), "2008-07-01")
        again = self.Importer.import_file("claim-status-codes", statuses, "statuses.tsv")
        self.assertEqual(again["unchanged"], 749)
        self.assertEqual(self.Log.browse(again["log_id"]).state, "unchanged")
        with self.assertRaisesRegex(UserError, "Line 1: this is not a claim status code list"):
            self.Importer.import_file("claim-status-codes", b"a,b,c\n1,2,3\n", "bad.tsv")
