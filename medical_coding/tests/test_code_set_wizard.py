# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.medical_coding.cli import medical_import

from .code_set_common import CodeSetCase, cpt_csv

SMALL_ICD = b"""<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2027</version>
  <chapter>
    <name>10</name>
    <desc>Diseases of the respiratory system (J00-J99)</desc>
    <section id="J20-J22">
      <desc>Other acute lower respiratory infections (J20-J22)</desc>
      <diag>
        <name>J20</name>
        <desc>Acute bronchitis</desc>
        <diag>
          <name>J20.9</name>
          <desc>Acute bronchitis, unspecified</desc>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""


@tagged("post_install", "-at_install")
class TestCodeSetWizard(CodeSetCase):
    """The upload wizard (at once, and as a background job with progress) and the command's internals."""

    def _wizard(self, kind, data, filename, **values):
        wizard = self.env["medical.code.import"].with_user(self.manager)
        self.assertEqual(Form(wizard).kind, "icd10cm", "the form opens on ICD-10-CM")
        return wizard.create({"kind": kind, "file": base64.b64encode(data), "filename": filename, **values})

    def test_small_file_is_imported_at_once(self):
        wizard = self._wizard(
            "cpt", cpt_csv(("99213", "Visit", "Invented")), "cpt.csv", effective=date(2026, 1, 1)
        )
        action = wizard.action_import()
        self.assertEqual((action["res_model"], action["res_id"]), ("medical.code.import", wizard.id))
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.log_id.count_created, 1)
        self.assertEqual(wizard.log_id.effective, date(2026, 1, 1))
        self.assertIn("created: 1", wizard.result)
        self.assertEqual(self.code("cpt", "99213").name, "Visit")
        self.assertEqual(wizard.action_open_log()["res_id"], wizard.log_id.id)
        with self.assertRaisesRegex(UserError, "This import has already been started"):
            wizard.action_import()

    def test_bad_file_shows_the_line_and_imports_nothing(self):
        wizard = self._wizard("cpt", cpt_csv(("99213", "a", "b"), ("9921", "c", "d")), "cpt.csv")
        with self.assertRaisesRegex(UserError, "Line 3: '9921' in the first column is not a CPT code"):
            wizard.action_import()
        self.assertFalse(self.code("cpt", "99213"))

    def test_large_file_runs_in_background_with_progress(self):
        self.env["ir.config_parameter"].sudo().set_param("medical_coding.import_background_bytes", "100")
        wizard = self._wizard("icd10cm", SMALL_ICD, "icd10cm-tabular-2027.xml")
        wizard.action_import()
        self.assertEqual(wizard.state, "queued")
        self.assertFalse(self.code("icd10cm", "J209"), "nothing imported before the job runs")
        self.env["medical.import.log"]._cron_run_queued_imports()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.progress, 100)
        self.assertEqual(wizard.log_id.user_id, self.manager, "the job imports as the user who asked")
        self.assertEqual(self.code("icd10cm", "J209").parent_id.code, "J20")

        failing = self._wizard(
            "icd10cm", SMALL_ICD.replace(b"<name>J20.9</name>", b"<name>K20.9</name>"), "bad.xml"
        )
        failing.action_import()
        self.env["medical.import.log"]._cron_run_queued_imports()
        self.assertEqual(failing.state, "failed")
        self.assertIn("Line 12: code K20.9 is filed under J20", failing.error)
        self.assertFalse(failing.log_id)

    def test_live_progress_bar_is_in_the_web_client(self):
        # the form's progress bar reloads the wizard while the job runs (static/src/js); checked in a browser
        # by hand, here only that the asset is served (no browser on every machine)
        paths = [path for path, *_rest in self.env["ir.asset"]._get_asset_paths("web.assets_backend", {})]
        self.assertTrue(
            any(p.endswith("medical_coding/static/src/js/import_progress_field.js") for p in paths)
        )
        arch = self.env.ref("medical_coding.medical_code_import_view_form").arch
        self.assertIn('widget="medical_import_progress"', arch)

    def test_command_line_internals(self):
        options, odoo_args = medical_import.split_args(
            [
                "-c",
                "/etc/odoo.conf",
                "-d",
                "db1",
                "--kind",
                "cpt",
                "--file",
                "/tmp/cpt.csv",
                "--effective",
                "2026-01-01",
            ]
        )
        self.assertEqual(
            (options.kind, str(options.file), options.effective), ("cpt", "/tmp/cpt.csv", date(2026, 1, 1))
        )
        self.assertEqual(odoo_args, ["-c", "/etc/odoo.conf", "-d", "db1"])
        kinds = self.env["medical.importer"]._import_kinds()
        self.assertTrue({"icd10cm", "hcpcs", "cpt", "pos", "modifiers"} <= {kind for kind, _label in kinds})
        parser = medical_import.build_parser(kinds)
        with self.assertRaises(SystemExit):
            parser.parse_known_args(["--kind", "nope"])
        self.assertIn("icd10cm", parser.format_help())
        counts = medical_import.run_import(
            self.env, "cpt", cpt_csv(("99215", "Visit high", "Invented")), "cpt.csv"
        )
        self.assertEqual(counts["created"], 1)
        self.assertEqual(medical_import.format_counts("cpt", counts).split(",")[0], "cpt: total 1")
