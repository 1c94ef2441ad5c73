# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from collections import Counter
from datetime import date

from odoo.tests import tagged

from odoo.addons.medical_coding.codesets import icd10cm

from .code_set_common import CodeSetCase, simple_icd_10_cm


@tagged("post_install", "-at_install")
class TestIcd10cmImport(CodeSetCase):
    """The full April 2026 ICD-10-CM release, imported once for the class, then re-imported."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.result = cls.importer.import_file("icd10cm")
        cls.data, cls.filename = icd10cm.packaged_source()

    def test_counts_and_billable_code_by_code(self):
        self.assertEqual(
            {k: self.result[k] for k in ("total", "created", "updated", "ended")},
            {"total": 98505, "created": 98505, "updated": 0, "ended": 0},
        )
        self.assertEqual(self.count("icd10cm"), 98505)
        self.assertEqual(self.count("icd10cm", "billable"), 74719)  # the FY2026 valid-code count
        sicd = simple_icd_10_cm()
        self.env.cr.execute(
            """SELECT c.code, c.level, c.billable, p.code, c.display_code, c.name
                 FROM medical_code c LEFT JOIN medical_code p ON p.id = c.parent_id
                WHERE c.system = 'icd10cm'"""
        )
        rows = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        package_codes = sicd.get_all_codes(with_dots=False)
        doubles = {code for code, count in Counter(package_codes).items() if count > 1}
        disagree = set()
        for name in package_codes:
            # a block named like its only category (B20) is stored by its range (B20-B20)
            code = f"{name}-{name}" if name in doubles and f"{name}-{name}" in rows else name
            for key in [code, name] if name in doubles else [code]:
                level, billable, parent, display_code, label = rows[key]
                block = level == "block"
                valid = sicd.is_leaf(name) and (sicd.is_category(name) or sicd.is_subcategory(name))
                if billable != (valid and not block):
                    disagree.add(key)
                expected_parent = sicd.get_parent(name, prioritize_blocks=block).replace(".", "") or None
                if level == "category" and "-" not in expected_parent:
                    expected_parent = f"{expected_parent}-{expected_parent}"
                self.assertEqual(parent, expected_parent, key)
                dotted = f"{name[:3]}.{name[3:]}" if level == "code" else key  # add_dot() scans the list
                self.assertEqual(display_code, dotted)
                self.assertTrue(label)
        # billable: a category or subcategory without children; a range heading never is, not one with nothing
        # filed under it (C00-C96) nor one named like its only category (B20-B20)
        self.assertFalse(disagree, "billable agrees with the release's valid codes entry by entry")
        for heading in ("C00-C96", "B20-B20", "F99-F99"):
            self.assertFalse(rows[heading][1], heading)
        self.assertTrue(rows["B20"][1] and rows["F99"][1])
        valid_codes = {
            code
            for code in package_codes
            if sicd.is_leaf(code) and (sicd.is_category(code) or sicd.is_subcategory(code))
        }
        self.assertEqual(len(valid_codes), 74719)

    def test_hierarchy(self):
        j209 = self.code("icd10cm", "J209")
        self.assertEqual(j209.display_code, "J20.9")
        self.assertEqual(j209.display_name, "J20.9 Acute bronchitis, unspecified")
        self.assertTrue(j209.billable)
        chain = [j209.parent_id, j209.parent_id.parent_id, j209.parent_id.parent_id.parent_id]
        self.assertEqual([c.code for c in chain], ["J20", "J20-J22", "10"])
        self.assertEqual([c.level for c in chain], ["category", "block", "chapter"])
        self.assertFalse(any(c.billable for c in chain))
        self.assertFalse(chain[2].parent_id)
        self.assertEqual(chain[2].name, "Diseases of the respiratory system (J00-J99)")
        self.assertIn(j209, chain[0].child_ids)
        self.assertFalse(j209.date_start or j209.date_end, "a first load leaves the dates open")
        self.assertEqual(j209.origin, "icd10cm")

    def test_seventh_character_codes(self):
        code = self.code("icd10cm", "S52521A")
        self.assertTrue(code.billable)
        self.assertEqual(code.display_code, "S52.521A")
        self.assertEqual(code.parent_id.code, "S52521")
        self.assertFalse(code.parent_id.billable)
        self.assertTrue(code.name.endswith("initial encounter for closed fracture"))
        self.assertTrue(self.code("icd10cm", "T07XXXA").billable)  # placeholder X up to the 6th character
        self.assertFalse(self.code("icd10cm", "S061X7D"), "S06 codes with 6th character 7 take A only")

    def test_search_by_code_and_words(self):
        Code = self.env["medical.code"].with_user(self.coder)
        icd = [("system", "=", "icd10cm")]
        j209 = self.code("icd10cm", "J209")
        for query in ("J20.9", "j209", "J20.9 ", "j20.9"):
            self.assertEqual([r[0] for r in Code.name_search(query, icd)], [j209.id], query)
        s52521a = self.code("icd10cm", "S52521A")
        self.assertEqual(Code.name_search("S52.521A", icd), [(s52521a.id, s52521a.display_name)])
        self.assertTrue(
            s52521a.display_name.startswith("S52.521A Torus fracture of lower end of right radius")
        )
        prefix = Code.name_search("J20", icd, limit=100)
        self.assertIn(j209.id, [r[0] for r in prefix])
        self.assertTrue(all(re.match(r"J20", name) for _id, name in prefix), prefix)
        words = Code.search([("display_name", "ilike", "bronch acute"), *icd])
        self.assertIn(j209, words)
        for name in words.mapped("name"):
            self.assertTrue(re.search("bronch", name, re.I) and re.search("acute", name, re.I), name)
        # a many2one restricted to billable diagnoses, as a coder's encounter form has it
        billable = Code.name_search("J20", [*icd, ("billable", "=", True)], limit=100)
        self.assertNotIn(self.code("icd10cm", "J20").id, [r[0] for r in billable])
        self.assertIn(j209.id, [r[0] for r in billable])
        self.env.cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'medical_code__name_index'")
        self.assertIn("gin_trgm_ops", self.env.cr.fetchone()[0])

    def test_reimport_same_release_changes_nothing(self):
        self.env.cr.execute("SELECT max(write_date) FROM medical_code WHERE system = 'icd10cm'")
        before = self.env.cr.fetchone()[0]
        result = self.importer.import_file("icd10cm", self.data, self.filename)
        self.assertEqual(
            {k: result[k] for k in ("total", "created", "updated", "ended", "unchanged")},
            {"total": 98505, "created": 0, "updated": 0, "ended": 0, "unchanged": 98505},
        )
        self.assertEqual(self.count("icd10cm"), 98505)
        self.env.cr.execute("SELECT max(write_date) FROM medical_code WHERE system = 'icd10cm'")
        self.assertEqual(self.env.cr.fetchone()[0], before, "no row was rewritten")
        self.assertEqual(self.env["medical.import.log"].browse(result["log_id"]).state, "unchanged")

    def test_newer_release_updates_ends_and_restores(self):
        j208 = self.code("icd10cm", "J208")
        newer = self.data.replace(
            b"<desc>Acute bronchitis, unspecified</desc>", b"<desc>Acute bronchitis, not specified</desc>"
        )
        newer, removed = re.subn(
            rb"\s*<diag>\s*<name>J20\.8</name>.*?</diag>", b"", newer, count=1, flags=re.S
        )
        self.assertEqual(removed, 1)
        newer = newer.replace(
            b"<name>J20.9</name>",
            b"<name>J20.A</name><desc>Acute bronchitis due to an invented organism</desc></diag><diag>"
            b"<name>J20.9</name>",
        )
        result = self.importer.import_file("icd10cm", newer, "icd10cm-tabular-2027.xml", date(2026, 10, 1))
        self.assertEqual((result["created"], result["updated"], result["ended"]), (1, 1, 1))
        self.assertEqual(self.count("icd10cm"), 98506, "the missing code is kept")
        self.assertEqual(self.code("icd10cm", "J209").name, "Acute bronchitis, not specified")
        self.assertEqual(j208.date_end, date(2026, 9, 30))
        self.assertTrue(j208.active)
        self.assertFalse(j208.is_valid_on(date(2026, 10, 1)))
        self.assertTrue(j208.is_valid_on(date(2026, 9, 30)))
        j20a = self.code("icd10cm", "J20A")
        self.assertEqual((j20a.display_code, j20a.parent_id.code, j20a.billable), ("J20.A", "J20", True))
        self.assertEqual(j20a.date_start, date(2026, 10, 1), "a code new in a later release starts with it")
        # the April release again: J20.8 comes back, J20.A leaves, J20.9 gets its description back
        result = self.importer.import_file("icd10cm", self.data, self.filename, date(2027, 4, 1))
        self.assertEqual((result["created"], result["updated"], result["ended"]), (0, 2, 1))
        self.assertFalse(j208.date_end)
        self.assertEqual(self.code("icd10cm", "J209").name, "Acute bronchitis, unspecified")
        self.assertEqual(j20a.date_end, date(2027, 3, 31))

    def test_history_keeps_the_file(self):
        log = self.env["medical.import.log"].browse(self.result["log_id"])
        self.assertEqual((log.kind, log.filename, log.state), ("icd10cm", icd10cm.PACKAGE_FILE, "done"))
        self.assertEqual(log.effective, date(2026, 4, 1))
        self.assertEqual(log.label, "ICD-10-CM 2026 (April 1, 2026)")
        self.assertEqual((log.count_total, log.count_created, log.count_ended), (98505, 98505, 0))
        self.assertEqual(log.user_id, self.env.user)
        self.assertEqual(log.attachment_id.raw, self.data)
        self.assertEqual((log.attachment_id.res_model, log.attachment_id.res_id), (log._name, log.id))
