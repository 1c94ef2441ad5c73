# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import os
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MedicalCodingCase

NCCI_NAME = "ccipra-v322r0-f1.excerpt.txt"
MUE_NAME = "MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"


def ncci_file():
    """An NCCI PTP practitioner file in the CMS layout, written here: six header lines, then 154 edits
    (the pairs the tests look at, and generated ones), CRLF."""
    header = [
        "NCCI PTP practitioner edits: a file written for these tests\t\t\t\t\t\t",
        "Column1/Column2 Edits\t\t\t\t\t\t",
        "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale",
        "\t\tprior to 1996\tDate\tDate\t0=not allowed\t",
        "\t\t\t\t*=no data\t1=allowed\t",
        "\t\t\t\t\t9=not applicable\t",
    ]
    edits = ["0001A\t36591\t\t20220101\t20231231\t0\tCPT Manual or CMS manual coding instruction"]
    edits += [
        f"2{number:04d}\t3{number:04d}\t\t2021{1 + number % 12:02d}01\t*\t{number % 2}\tStandards of care"
        for number in range(152)
    ]
    edits.append("0001U\t81166\t\t20190101\t*\t1\tMisuse of Column Two code with Column One code")
    return "".join(line + "\r\n" for line in header + edits).encode()


def mue_file():
    """A practitioner MUE table in the CMS layout, written here: the quoted notice, the two-line header,
    then 44 rows."""
    notice = '"A table written for these tests.\n\nIt has the layout of the CMS practitioner MUE table.",,,'
    header = '"HCPCS/\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale'
    policy, clinical = "2 Date of Service Edit: Policy", "3 Date of Service Edit: Clinical"
    rows = [
        f"0001U,1,{policy},Code Descriptor / CPT Instruction",
        f"0002M,1,{clinical},Nature of Analyte",
        f"0009U,2,{clinical},Nature of Analyte",
        f"0019M,1,{policy},Code Descriptor / CPT Instruction",
    ]
    rows += [f"8{number:04d},{1 + number % 4},1 Line Edit,Anatomic Consideration" for number in range(40)]
    return "".join(line + "\r\n" for line in [notice, header, *rows]).encode("latin-1")


@tagged("post_install", "-at_install")
class TestEditTableImport(MedicalCodingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ncci_bytes = ncci_file()
        cls.mue_bytes = mue_file()
        cls.importer = cls.env["medical.importer"]

    def counts(self, *args, **kwargs):
        """The counts of an import, without the keys other layers add (e.g. the history record)."""
        result = self.importer.import_file(*args, **kwargs)
        return {key: result[key] for key in ("rows", "created", "updated", "unchanged")}

    def test_kinds_are_registered(self):
        kinds = dict(self.importer._import_kinds())
        self.assertIn("ncci-ptp", kinds)
        self.assertIn("mue", kinds)

    def test_ncci_real_excerpt_idempotent(self):
        counts = self.counts("ncci-ptp", self.ncci_bytes, NCCI_NAME)
        self.assertEqual(counts, {"rows": 154, "created": 154, "updated": 0, "unchanged": 0})
        Edit = self.env["medical.ncci.edit"]
        edit = Edit.search([("column1_code", "=", "0001A"), ("column2_code", "=", "36591")])
        self.assertEqual(edit.modifier_indicator, "0")
        self.assertEqual(edit.date_start, date(2022, 1, 1))
        self.assertEqual(edit.date_end, date(2023, 12, 31))
        self.assertEqual(edit.release, "v322r0")
        self.assertEqual(edit.rationale, "CPT Manual or CMS manual coding instruction")
        open_ended = Edit.search([("column1_code", "=", "0001U"), ("column2_code", "=", "81166")])
        self.assertFalse(open_ended.date_end)
        write_dates = dict(Edit.search([]).mapped(lambda e: (e.id, e.write_date)))
        again = self.counts("ncci-ptp", self.ncci_bytes, NCCI_NAME)
        self.assertEqual(again, {"rows": 154, "created": 0, "updated": 0, "unchanged": 154})
        self.assertEqual(dict(Edit.search([]).mapped(lambda e: (e.id, e.write_date))), write_dates)

    def test_ncci_new_release_updates_by_pair_and_date(self):
        self.importer.import_file("ncci-ptp", self.ncci_bytes, NCCI_NAME)
        text = self.ncci_bytes.replace(
            b"0001A\t36591\t\t20220101\t20231231\t0\t", b"0001A\t36591\t\t20220101\t20241231\t1\t"
        )
        text += b"0001A\t36591\t\t20250101\t*\t0\tMisuse of Column Two code with Column One code\r\n"
        counts = self.counts("ncci-ptp", text, "ccipra-v330r0-f1.txt")
        self.assertEqual(counts, {"rows": 155, "created": 1, "updated": 1, "unchanged": 153})
        rows = self.env["medical.ncci.edit"].search(
            [("column1_code", "=", "0001A"), ("column2_code", "=", "36591")], order="date_start"
        )
        self.assertEqual(rows.mapped("modifier_indicator"), ["1", "0"])
        self.assertEqual(rows[0].date_end, date(2024, 12, 31))
        self.assertEqual(rows.mapped("release"), ["v330r0", "v330r0"])

    def test_ncci_bad_row_names_the_line_and_writes_nothing(self):
        lines = self.ncci_bytes.split(b"\r\n")
        fields = lines[99].split(b"\t")
        fields[3] = b"2020-01-01"
        lines[99] = b"\t".join(fields)
        with self.assertRaises(UserError) as error:
            self.importer.import_file("ncci-ptp", b"\r\n".join(lines), NCCI_NAME)
        self.assertIn("Line 100", str(error.exception))
        self.assertIn("effective date", str(error.exception))
        self.assertFalse(self.env["medical.ncci.edit"].search_count([]))

    def test_ncci_zip_of_parts(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("ccipra-v322r0-f1.txt", self.ncci_bytes)
            archive.writestr(
                "ccipra-v322r0-f2.txt",
                b"Column1/Column2 Edits\r\n99213\t36415\t*\t19960101\t*\t0\tMisuse\r\n",
            )
            archive.writestr("readme.pdf", b"%PDF")
        counts = self.importer.import_file("ncci-ptp", buffer.getvalue(), "ccipra-v322r0.zip")
        self.assertEqual(counts["created"], 155)
        edit = self.env["medical.ncci.edit"].search([("column1_code", "=", "99213")])
        self.assertTrue(edit.prior_1996)

    def test_ncci_from_path_and_base64_is_not_assumed(self):
        # a server path is read only by the command line's private entry point (never over RPC)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / NCCI_NAME
            path.write_bytes(self.ncci_bytes)
            counts = self.importer._import_path("ncci-ptp", os.fspath(path))
        self.assertEqual(counts["created"], 154)
        with self.assertRaisesRegex(UserError, "the file holds no NCCI PTP edit"):
            self.importer.import_file("ncci-ptp", base64.b64encode(b"junk\r\n" * 30), "x.txt")

    def test_imported_edits_are_used_by_the_check(self):
        self.importer.import_file("ncci-ptp", self.ncci_bytes, NCCI_NAME)
        self.importer.import_file("mue", self.mue_bytes, MUE_NAME)
        Code = self.env["medical.code"]
        for code in ("0001A", "36591", "0001U"):
            Code.create({"system": "cpt", "code": code, "name": f"CPT {code}"})
        self.codes.update({c.code: c for c in Code.search([("code", "in", ["0001A", "36591", "0001U"])])})
        encounter = self.make_encounter(
            ["dx_bronchitis"],
            [{"code": "0001A", "diagnosis_pointers": "A"}, {"code": "36591", "diagnosis_pointers": "A"}],
            date_service=date(2023, 6, 1),
        )
        encounter.action_check()
        self.assertEqual(encounter.finding_ids.mapped("edit_code"), ["NCCI_PTP"])
        encounter.date_service = date(2024, 1, 1)  # the edit was deleted 2023-12-31
        encounter.action_check()
        self.assertFalse(encounter.finding_ids)
        mue = self.make_encounter(
            ["dx_bronchitis"],
            [{"code": "0001U", "diagnosis_pointers": "A", "units": 2}],
            date_service=date(2026, 7, 1),
        )
        mue.action_check()
        self.assertEqual(mue.finding_ids.mapped("edit_code"), ["MUE"])
        mue.date_service = date(2026, 6, 30)  # before the table's effective date
        mue.action_check()
        self.assertFalse(mue.finding_ids)

    def test_mue_real_excerpt_idempotent(self):
        counts = self.importer.import_file("mue", self.mue_bytes, MUE_NAME)
        self.assertEqual(counts["created"], 44)
        self.assertEqual(counts["effective"], "2026-07-01")
        row = self.env["medical.mue"].search([("code", "=", "0002M")])
        self.assertEqual(
            (row.mue_value, row.adjudication_indicator, row.date_start), (1, "3", date(2026, 7, 1))
        )
        self.assertEqual(row.rationale, "Nature of Analyte")
        again = self.importer.import_file("mue", self.mue_bytes, MUE_NAME)
        self.assertEqual((again["created"], again["updated"], again["unchanged"]), (0, 0, 44))

    def test_mue_new_table_and_correction(self):
        self.importer.import_file("mue", self.mue_bytes, MUE_NAME)
        changed = self.mue_bytes.replace(b"0009U,2,3 Date", b"0009U,3,3 Date")
        counts = self.importer.import_file("mue", changed, MUE_NAME)
        self.assertEqual((counts["created"], counts["updated"], counts["unchanged"]), (0, 1, 43))
        counts = self.importer.import_file("mue", changed, "mue.csv", effective="2026-10-01")
        self.assertEqual(counts["created"], 44)
        rows = self.env["medical.mue"].search([("code", "=", "0009U")], order="date_start")
        self.assertEqual(rows.mapped("mue_value"), [3, 3])

    def test_mue_bad_rows(self):
        bad = self.mue_bytes.replace(b"0019M,1,2 Date", b"0019M,x,2 Date")
        with self.assertRaises(UserError) as error:
            self.importer.import_file("mue", bad, MUE_NAME)
        self.assertRegex(str(error.exception), r"Line \d+ of .*MUE value")
        self.assertFalse(self.env["medical.mue"].search_count([]))
        with self.assertRaises(UserError) as error:
            self.importer.import_file("mue", self.mue_bytes, "mue.csv")
        self.assertIn("effective date", str(error.exception))
        with self.assertRaisesRegex(UserError, "Give the CMS practitioner MUE table"):
            self.importer.import_file("mue", None, None)
