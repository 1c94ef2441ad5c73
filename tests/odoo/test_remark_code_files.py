# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The CMS remark code (RARC) list of ../shared imported through the importer (kind ``rarc-codes``), with
pytest-odoo on the database of ``make test``: every code loaded, the shipped ones updated to the CMS
wording, the deactivated ones end-dated. Addon tests never read ../shared."""

import os
from datetime import date
from pathlib import Path

from odoo.addons.medical_coding.tests.code_set_common import CodeSetCase

#: the real CMS and X12 files beside the repository, as tests/conftest.py finds them
SHARED = Path(os.environ.get("MEDICAL_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")
RARC_FILE = "rarc_hippo_2011.derived.tsv"


def shared_file(*parts):
    """Bytes of a shared CMS file; its absence is a failure, never a skip."""
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        raise AssertionError(f"The shared test file {path} is missing")
    return path.read_bytes()


class TestRemarkCodeFiles(CodeSetCase):
    """As a Medical Manager (CodeSetCase's ``manager``), through the importer as the wizard and the command
    call it."""

    def test_cms_rarc_list_import(self):
        Remark = self.env["medical.remark.code"].with_context(active_test=False)
        shipped = Remark.search_count([])
        self.assertGreaterEqual(shipped, 40)
        data = shared_file("cms", "remit", RARC_FILE)
        counts = self.importer.with_user(self.manager).import_file("rarc-codes", data, RARC_FILE)
        self.assertEqual(counts["total"], 824)
        self.assertEqual(counts["created"], 824 - shipped)
        self.assertEqual(counts["updated"] + counts["unchanged"], shipped)
        self.assertEqual(Remark.search_count([]), 824)
        self.assertEqual(Remark.search_count([("date_end", "!=", False)]), 73)
        n115 = Remark.search([("code", "=", "N115")])
        self.assertTrue(
            n115.description.startswith("This decision was based on a Local Coverage Determination (LCD)."),
            n115.description,
        )
        self.assertEqual(n115.date_start, date(2002, 5, 30))
        log = self.env["medical.import.log"].browse(counts["log_id"])
        self.assertEqual((log.kind, log.label), ("rarc-codes", "RARC"))
        again = self.importer.with_user(self.manager).import_file("rarc-codes", data, RARC_FILE)
        self.assertEqual((again["created"], again["updated"], again["unchanged"]), (0, 0, 824))
