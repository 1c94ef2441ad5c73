# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Code-set imports of the real CMS files (../shared), through pytest-odoo on the database of ``make test``.

Moved from medical_coding/tests/test_code_set_import.py: addon tests never read ../shared.
"""

import os
from datetime import date
from pathlib import Path

from odoo.exceptions import UserError

from odoo.addons.medical_coding.tests.code_set_common import CodeSetCase, cpt_csv

HCPCS_FILE = "HCPC2019_CONTR_ANWEB.txt"


#: the real CMS and X12 files beside the repository, as tests/conftest.py finds them
SHARED = Path(os.environ.get("MEDICAL_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")


def shared_file(*parts):
    """Bytes of a shared CMS file; its absence is a failure, never a skip."""
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        raise AssertionError(f"The shared test file {path} is missing")
    return path.read_bytes()


class TestCodeSetFiles(CodeSetCase):
    """HCPCS from the real CMS 2019 file, places of service, bad files."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hcpcs = shared_file("cms", "hcpcs", HCPCS_FILE)

    def test_hcpcs_2019_file(self):
        hand_made = self.code("modifier", "25") or self.Code.create(
            {"system": "modifier", "code": "25", "name": "Significant E/M service (CPT modifier)"}
        )
        result = self.importer.import_file("hcpcs", self.hcpcs, HCPCS_FILE)
        self.assertEqual((result["total"], result["created"], result["ended"]), (6800, 6800, 0))
        self.assertEqual(self.count("hcpcs", "origin = 'hcpcs'"), 6440)
        self.assertEqual(self.count("modifier", "origin = 'hcpcs'"), 360)
        ad = self.code("modifier", "AD")
        self.assertEqual(ad.name, "Md supervision, >4 anes proc")
        self.assertEqual(
            ad.description,
            "Medical supervision by a physician: more than four concurrent anesthesia procedures",
        )
        self.assertEqual(ad.date_start, date(1984, 1, 1))
        g0503 = self.code("hcpcs", "G0503")
        self.assertTrue(g0503.description.endswith("are prepared for discharge from active treatment"))
        self.assertEqual((g0503.date_start, g0503.date_end), (date(2017, 1, 1), date(2017, 12, 31)))
        self.assertFalse(g0503.is_valid_on(date(2018, 1, 1)))
        self.assertTrue(g0503.is_valid_on(date(2017, 6, 1)))
        self.assertEqual(
            self.count("hcpcs", "date_end IS NOT NULL") + self.count("modifier", "date_end IS NOT NULL"), 515
        )
        self.assertTrue(
            all(
                self.Code.browse(r[0]).code.startswith("J11")
                for r in self.Code.name_search("j11", [("system", "=", "hcpcs")])
            )
        )
        # searchable by the words of the long description, not only of the abbreviated short one
        found = self.Code.search(
            [("display_name", "ilike", "concurrent anesthesia"), ("system", "=", "modifier")]
        )
        self.assertIn(ad, found)

        # the same file again: nothing to do; a hand-made (CPT) modifier is never end-dated by a CMS file
        again = self.importer.import_file("hcpcs", self.hcpcs, HCPCS_FILE)
        self.assertEqual((again["created"], again["updated"], again["ended"]), (0, 0, 0))
        self.assertFalse(hand_made.date_end)

        # a later release without G0008: end-dated the day before it takes effect, kept
        lines = self.hcpcs.split(b"\r\n")
        later = b"\r\n".join(line for line in lines if not line.startswith(b"G0008"))
        result = self.importer.import_file("hcpcs", later, "HCPC2020_CONTR_ANWEB.txt", date(2020, 1, 1))
        self.assertEqual((result["created"], result["updated"], result["ended"]), (0, 0, 1))
        g0008 = self.code("hcpcs", "G0008")
        self.assertEqual(g0008.date_end, date(2019, 12, 31))
        self.assertFalse(hand_made.date_end)

    def test_modifiers_only(self):
        result = self.importer.import_file("modifiers", self.hcpcs, HCPCS_FILE)
        self.assertEqual((result["total"], result["created"]), (360, 360))
        self.assertEqual(self.count("modifier", "origin = 'hcpcs'"), 360)
        self.assertEqual(self.count("hcpcs", "origin = 'hcpcs'"), 0)
        self.assertEqual(self.code("modifier", "RT").name, "Right side")

    def test_pos_shipped_and_imported(self):
        shipped = self.Code.search([("system", "=", "pos")])
        self.assertEqual(len(shipped), 52)
        office = self.env.ref("medical_coding.medical_code_pos_11")
        self.assertEqual((office.code, office.name, office.origin), ("11", "Office", "pos"))
        xml = shared_file("cms", "pos", "cs-CMS-PlaceofServiceCodes.xml")
        result = self.importer.import_file("pos", xml, "cs-CMS-PlaceofServiceCodes.xml")
        # same codes and names as shipped: the CMS definitions are added as long descriptions
        self.assertEqual((result["created"], result["updated"], result["ended"]), (0, 52, 0))
        self.assertTrue(office.description.startswith("Location, other than a hospital"))
        tsv = shared_file("cms", "pos", "place_of_service_codes.derived.tsv")
        result = self.importer.import_file("pos", tsv, "place_of_service_codes.tsv")
        self.assertEqual((result["created"], result["updated"], result["ended"]), (0, 0, 0))

    def test_bad_files_are_refused_with_their_line(self):
        self.importer.import_file("cpt", cpt_csv(("99213", "Visit", "Invented")), "cpt.csv")
        before = self.snapshot()
        lines = self.hcpcs.split(b"\r\n")
        number = next(i for i, line in enumerate(lines) if line[:5] == b"J1100")
        lines[number] = lines[number][:268] + b"2019XX01" + lines[number][276:]
        cases = [
            (
                "hcpcs",
                b"\r\n".join(lines),
                f"Line {number + 1}: code added date (columns 269-276) '2019XX01'",
            ),
            ("hcpcs", self.hcpcs[: len(self.hcpcs) // 2], "truncated"),
            ("modifiers", b"not a HCPCS file\n", "no HCPCS record found"),
            ("cpt", cpt_csv(("99213", "a", "b"), ("99x14", "c", "d")), "Line 3: '99x14' in the first column"),
            ("cpt", b"99213,a,b\n99214,\xff\x81,c\n", "Line 2: byte 0xff cannot be read as text"),
            (
                "icd10cm",
                b"<?xml version='1.0'?>\n<ICD10CM.tabular>\n<chapter>\n",
                "Line 4: the file is not well-formed",
            ),
            ("icd10cm", self.hcpcs, "Line 1: the file is not well-formed XML"),
            ("pos", b"11\tOffice\n1\tHome\n", "Line 2: place of service '1' is not a two-digit code"),
        ]
        for kind, data, message in cases:
            with self.subTest(kind=kind, message=message), self.assertRaises(UserError) as caught:
                self.importer.import_file(kind, data, "bad-file.txt")
            self.assertIn(message, str(caught.exception))
            self.assertIn("bad-file.txt was not imported, nothing was changed", str(caught.exception))
            self.assertEqual(self.snapshot(), before)
        with self.assertRaisesRegex(
            UserError, "Choose the file to import: this kind has no built-in release"
        ):
            self.importer.import_file("cpt", None)
        with self.assertRaisesRegex(UserError, "Unknown import kind nope"):
            self.importer.import_file("nope", b"x")
