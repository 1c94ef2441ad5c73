# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import os
import tempfile
import zipfile

import odoo
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import tagged

from .common import MedicalCodingCase

NCCI = (
    b"Column1/Column2 Edits\t\t\t\t\t\t\r\n"
    b"0001A\t36591\t\t20220101\t20231231\t0\tMisuse of Column Two code with Column One code\r\n"
)
MUE_HEADER = (
    b'"HCPCS/\r\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\r\n'
)
MUE_NAME = "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"


@tagged("post_install", "-at_install")
class TestImportRobustness(MedicalCodingCase):
    """Over RPC ``medical.importer.import_file`` takes file content only; a refused file writes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        handle, cls.path = tempfile.mkstemp(suffix=".txt", prefix="ccipra-v322r0-f1-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(NCCI)

    @classmethod
    def tearDownClass(cls):
        os.unlink(cls.path)
        super().tearDownClass()

    def rpc(self, user, method, *args):
        """Call a method the way the RPC layer does: public methods only, positional arguments as sent."""
        importer = self.env["medical.importer"].with_user(user)
        get_public_method(importer, method)
        return odoo.api.call_kw(importer, method, list(args), {})

    def test_rpc_path_is_content_never_a_server_file(self):
        for kind in ("ncci-ptp", "mue", "hcpcs", "cpt"):
            with self.subTest(kind=kind), self.assertRaises(UserError) as caught:
                self.rpc(self.user_manager, "import_file", kind, self.path, "x.txt", "2026-07-01")
            self.assertIn(
                "Nothing was imported" if kind in ("ncci-ptp", "mue") else "nothing was changed",
                str(caught.exception),
            )
        self.assertFalse(self.env["medical.ncci.edit"].search_count([]))
        self.assertFalse(self.env["medical.mue"].search_count([]))

    def test_rpc_cannot_reach_the_path_import(self):
        with self.assertRaisesRegex(AccessError, "Private methods .* cannot be called remotely"):
            self.rpc(self.user_manager, "_import_path", "ncci-ptp", self.path)
        self.assertFalse(self.env["medical.ncci.edit"].search_count([]))

    def test_rpc_refuses_content_that_is_not_a_file(self):
        with self.assertRaises(UserError) as caught:
            self.rpc(self.user_manager, "import_file", "ncci-ptp", ["/etc/passwd"], "x.txt")
        self.assertEqual(str(caught.exception), "Give the content of the file to import, not a list.")

    def test_command_line_path_import(self):
        counts = self.env["medical.importer"]._import_path("ncci-ptp", self.path)
        self.assertEqual(counts["created"], 1)
        edit = self.env["medical.ncci.edit"].search([])
        self.assertEqual((edit.column1_code, edit.column2_code, edit.release), ("0001A", "36591", "v322r0"))

    def test_mue_nul_byte_and_non_ascii_digit_write_nothing(self):
        good = b"0001U,1,1 Line Edit,Nature of Service/Procedure\r\n"
        for bad, message in (
            (b"0002U,\xb2,1 Line Edit,x\r\n", "Line 4 of %s: the MUE value '\xb2' is not a whole number"),
            (b"0002U,1,1 Line Edit,x\x00y\r\n", "Line 4 of %s: the line holds a NUL byte"),
            (
                b"0002U," + b"9" * 12 + b",1 Line Edit,x\r\n",
                "Line 4 of %s: the MUE value '999999999999' is not",
            ),
        ):
            with self.subTest(bad=bad), self.assertRaises(UserError) as caught:
                self.env["medical.importer"].import_file("mue", MUE_HEADER + good + bad, MUE_NAME)
            self.assertIn(message % MUE_NAME, str(caught.exception))
            self.assertIn("Nothing was imported", str(caught.exception))
        self.assertFalse(self.env["medical.mue"].search_count([]))
        self.assertFalse(self.env["medical.import.log"].search_count([("kind", "=", "mue")]))

    def test_damaged_zip_is_a_user_error_and_writes_nothing(self):
        for kind, member in (("ncci-ptp", "ccipra-v322r0-f1.txt"), ("hcpcs", "HCPC2019_CONTR_ANWEB.txt")):
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(member, NCCI * 20)
            data = buffer.getvalue()
            damaged = data[:60] + bytes(b ^ 0x5A for b in data[60:120]) + data[120:]
            with self.subTest(kind=kind), self.assertRaises(UserError) as caught:
                self.env["medical.importer"].import_file(kind, damaged, "release.zip")
            self.assertIn("damaged", str(caught.exception))
        self.assertFalse(self.env["medical.ncci.edit"].search_count([]))
        self.assertFalse(self.env["medical.import.log"].search_count([]))
