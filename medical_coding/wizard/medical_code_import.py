import base64
import logging
import threading
import time

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

#: files larger than this (bytes) are imported by a background job that reports its progress
BACKGROUND_BYTES_PARAM = "medical_coding.import_background_bytes"
BACKGROUND_BYTES_DEFAULT = 1_000_000


class MedicalCodeImport(models.TransientModel):
    """Upload a code-set file (or any kind of ``medical.importer``) and import it.

    Small files are imported at once. Large ones (the ICD-10-CM XML, the HCPCS file) go to a background
    job: the form then shows a progress bar until the job has finished, and the error if it failed.
    Either way the import is all-or-nothing.
    """

    _name = "medical.code.import"
    _description = "Import a Code Set"

    kind = fields.Selection(selection="_selection_kind", required=True, default="icd10cm")
    file = fields.Binary(attachment=False, help="Leave empty for ICD-10-CM to load the release shipped.")
    filename = fields.Char()
    effective = fields.Date(
        string="Effective Date",
        help="The date the release takes effect. Codes it no longer lists end the day before. "
        "Empty: the date the file tells (ICD-10-CM, HCPCS), else today.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Waiting"),
            ("running", "Importing"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="draft",
        required=True,
    )
    progress = fields.Float(readonly=True)
    progress_message = fields.Char(readonly=True)
    error = fields.Text(readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    log_id = fields.Many2one("medical.import.log", string="History Record", readonly=True)
    result = fields.Text(related="log_id.summary", string="Result")
    help_text = fields.Html(compute="_compute_help_text")

    @api.model
    def _selection_kind(self):
        return self.env["medical.importer"]._import_kinds()

    @api.depends("kind")
    def _compute_help_text(self):
        texts = {
            "icd10cm": _(
                "The CDC ICD-10-CM tabular XML (icd10cm-tabular-&lt;year&gt;.xml, or the CDC zip holding "
                "it). Leave the file empty to load the April 1, 2026 release shipped with the suite."
            ),
            "hcpcs": _(
                "The CMS HCPCS file in the fixed-width contractor layout (HCPC&lt;year&gt;_CONTR_ANWEB.txt, "
                "or the CMS zip). Imports the Level II procedures and the modifiers."
            ),
            "modifiers": _("The CMS HCPCS contractor file: only its modifiers are imported."),
            "cpt": _(
                "The CPT file your practice licenses from the AMA, as CSV: code, short descriptor, "
                "long descriptor (a header row is fine)."
            ),
            "pos": _("The CMS place-of-service list as a FHIR CodeSystem XML or a tab-separated file."),
        }
        for wizard in self:
            wizard.help_text = texts.get(wizard.kind) and f"<p>{texts[wizard.kind]}</p>"

    def _data(self):
        self.ensure_one()
        raw = self.with_context(bin_size=False).file
        return base64.b64decode(raw) if raw else None

    def _runs_in_background(self, data):
        limit = int(
            self.env["ir.config_parameter"].sudo().get_param(BACKGROUND_BYTES_PARAM, BACKGROUND_BYTES_DEFAULT)
        )
        if data is None:
            source = self.env["medical.importer"]._import_default_source(self.kind)
            size = len(source[0]) if source else 0
        else:
            size = len(data)
        return size > limit

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Import a Code Set"),
        }

    def action_import(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(_("This import has already been started."))
        data = self._data()
        if self._runs_in_background(data):
            self.write(
                {
                    "state": "queued",
                    "progress": 0,
                    "progress_message": _("Waiting for the import job to start"),
                }
            )
            self.env.ref("medical_coding.ir_cron_medical_code_import")._trigger()
            return self._reopen()
        result = self.env["medical.importer"].import_file(self.kind, data, self.filename, self.effective)
        self.write({"state": "done", "progress": 100, "log_id": result["log_id"], "progress_message": False})
        return self._reopen()

    def action_refresh(self):
        self.ensure_one()
        return self._reopen()

    def action_new(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "name": _("Import a Code Set"),
            "context": {"default_kind": self.kind},
        }

    def action_open_log(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "medical.import.log",
            "res_id": self.log_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Background job
    # ------------------------------------------------------------------

    @api.model
    def _cron_run_queued_imports(self):
        """Run the queued imports, one transaction each, reporting progress on the wizard as it goes."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        for job in self.search([("state", "=", "queued")], order="id"):
            job._run_queued(auto_commit)

    def _run_queued(self, auto_commit=True):
        self.ensure_one()
        self.write({"state": "running", "progress": 0, "progress_message": _("Reading the file")})
        if auto_commit:
            # the form shows the job running
            self.env.cr.commit()  # pylint: disable=invalid-commit
        # as the user who asked, in the practice they worked in
        importer = self.env["medical.importer"].with_user(self.create_uid).with_company(self.company_id)
        reporter = self._progress_reporter(auto_commit)
        try:
            with self.env.cr.savepoint():
                result = importer.with_context(medical_import_progress=reporter).import_file(
                    self.kind, self._data(), self.filename, self.effective
                )
        except (UserError, ValidationError) as exc:
            if auto_commit:
                self.env.cr.rollback()
                self.env.invalidate_all()
            self.write({"state": "failed", "error": exc.args[0], "progress_message": False})
        except Exception as exc:
            # only the kind of error: its text may quote the file (patient data in an acknowledgement);
            # the importing user reads it on the form
            _logger.error("Background import %s (id %s) failed: %s", self.kind, self.id, type(exc).__name__)
            if auto_commit:
                self.env.cr.rollback()
                self.env.invalidate_all()
            self.write(
                {"state": "failed", "error": _("Unexpected error: %s", exc), "progress_message": False}
            )
        else:
            if auto_commit:
                # the codes first, then the form
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.write(
                {"state": "done", "progress": 100, "log_id": result["log_id"], "progress_message": False}
            )
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _progress_reporter(self, auto_commit):
        """A ``(fraction, message)`` callback storing the progress at most twice a second.

        In a real job it writes through its own cursor, committed at once, so the user sees it while the
        import's transaction is still open; that transaction never writes the wizard before it commits.
        """
        wizard_id = self.id
        last = [0.0]

        def report(fraction, message=""):
            now = time.monotonic()
            if now - last[0] < 0.5 and fraction < 1:
                return
            last[0] = now
            values = {"progress": round(100 * fraction, 1), "progress_message": message or False}
            if not auto_commit:
                self.browse(wizard_id).write(values)
                return
            with self.env.registry.cursor() as cr:
                cr.execute(
                    "UPDATE medical_code_import SET progress = %s, progress_message = %s WHERE id = %s",
                    [values["progress"], values["progress_message"] or None, wizard_id],
                )

        return report
