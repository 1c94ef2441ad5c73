# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .code_set_common import CodeSetCase, cpt_csv


@tagged("post_install", "-at_install")
class TestCodeSetImport(CodeSetCase):
    """CPT from a practice CSV, who imports. The imports of the real CMS files (HCPCS, places of service)
    and the refusal of bad files are in the repository's tests/odoo/test_code_set_files.py."""

    def test_cpt_csv(self):
        first = cpt_csv(
            ("99213", "Office visit est low", "Invented descriptor one"), ("99214", "Visit mod", "Two")
        )
        result = self.importer.import_file("cpt", first, "cpt-2026.csv", date(2026, 1, 1))
        self.assertEqual((result["created"], result["updated"], result["ended"]), (2, 0, 0))
        code = self.code("cpt", "99213")
        self.assertEqual(
            (code.name, code.description, code.display_code),
            ("Office visit est low", "Invented descriptor one", "99213"),
        )
        code.patient_description = "Office visit"
        second = cpt_csv(("99213", "Office visit est low", "Invented descriptor changed"), header=False)
        result = self.importer.import_file("cpt", second, "cpt-2027.csv", date(2027, 1, 1))
        self.assertEqual((result["created"], result["updated"], result["ended"]), (0, 1, 1))
        self.assertEqual(code.description, "Invented descriptor changed")
        self.assertEqual(code.patient_description, "Office visit", "the practice's own words stay")
        self.assertEqual(self.code("cpt", "99214").date_end, date(2026, 12, 31))
        result = self.importer.import_file("cpt", first, "cpt-2026.csv", date(2027, 7, 1))
        self.assertEqual((result["created"], result["updated"], result["ended"]), (0, 2, 0))
        self.assertFalse(self.code("cpt", "99214").date_end, "a code that comes back is in force again")

    def test_only_managers_import(self):
        data = cpt_csv(("99213", "Visit", "Invented"))
        with self.assertRaises(AccessError):
            self.importer.with_user(self.coder).import_file("cpt", data, "cpt.csv")
        result = self.importer.with_user(self.manager).import_file("cpt", data, "cpt.csv")
        log = self.env["medical.import.log"].browse(result["log_id"])
        self.assertEqual(log.with_user(self.manager).user_id, self.manager)
        self.assertEqual(log.with_user(self.manager).attachment_id.raw, data)
        with self.assertRaises(AccessError):
            log.with_user(self.coder).read(["filename"])
        # coders read and find codes (many2one fields), they do not change them
        code = self.code("cpt", "99213").with_user(self.coder)
        self.assertEqual(code.display_name, "99213 Visit")
        with self.assertRaises(AccessError):
            code.write({"name": "Changed"})
