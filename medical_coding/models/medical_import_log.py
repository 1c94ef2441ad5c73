# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import time

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

COUNT_KEYS = ("total", "created", "updated", "ended", "unchanged")


class MedicalImportLog(models.Model):
    """One successful file import: what came in, when, by whom, what it changed, and the file itself."""

    _name = "medical.import.log"
    _inherit = ["medical.company.check.mixin"]
    _description = "File Import History"
    _order = "date desc, id desc"
    _rec_name = "filename"
    _check_company_auto = True

    kind = fields.Selection(selection="_selection_kind", required=True, readonly=True)
    filename = fields.Char(string="File", readonly=True)
    label = fields.Char(string="Release", readonly=True, help="The release the file holds, as read from it.")
    attachment_id = fields.Many2one(
        "ir.attachment", string="Original File", readonly=True, ondelete="set null"
    )
    file = fields.Binary(related="attachment_id.datas", string="Download")
    effective = fields.Date(string="Effective Date", readonly=True)
    company_id = fields.Many2one(
        "res.company",
        string="Practice",
        readonly=True,
        index="btree_not_null",
        help="The practice whose file this is. Empty for shared reference data (code sets, edit tables), "
        "which holds no patient data.",
    )
    user_id = fields.Many2one(
        "res.users", string="Imported By", readonly=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(string="Imported On", readonly=True, default=fields.Datetime.now)
    duration = fields.Float(string="Duration (s)", digits=(16, 2), readonly=True)
    count_total = fields.Integer(string="Rows", readonly=True)
    count_created = fields.Integer(string="Created", readonly=True)
    count_updated = fields.Integer(string="Updated", readonly=True)
    count_ended = fields.Integer(string="End-dated", readonly=True)
    count_unchanged = fields.Integer(string="Unchanged", readonly=True)
    summary = fields.Text(readonly=True, help="Every count the import returned.")
    state = fields.Selection(
        [
            ("queued", "Waiting"),
            ("running", "Importing"),
            ("failed", "Failed"),
            ("done", "Imported"),
            ("unchanged", "No Change"),
        ],
        readonly=True,
        default="done",
        help="No Change: the file matched what the database already held. Waiting, Importing, Failed: a "
        "large file imported in the background.",
    )
    progress_ids = fields.One2many("medical.import.progress", "log_id", string="Progress Rows")
    progress = fields.Float(compute="_compute_progress", help="Percentage of a background import done.")
    progress_message = fields.Char(compute="_compute_progress")
    error = fields.Text(readonly=True, help="Why a background import failed (nothing was imported).")

    @api.depends("state", "progress_ids.progress", "progress_ids.message")
    def _compute_progress(self):
        for log in self:
            if log.state in ("queued", "running"):
                progress = log.sudo().progress_ids[:1]
                log.progress = progress.progress
                log.progress_message = progress.message
            else:
                log.progress = 0 if log.state == "failed" else 100
                log.progress_message = False

    @api.model
    def _selection_kind(self):
        return self.env["medical.importer"]._import_kinds()

    @api.model_create_multi
    def create(self, vals_list):
        """The file of a practice (it carries patient data) is kept in the importing practice."""
        practice_kinds = self.env["medical.importer"]._practice_kinds()
        for vals in vals_list:
            if vals.get("kind") in practice_kinds and not vals.get("company_id"):
                vals["company_id"] = self.env.company.id
        return super().create(vals_list)

    @api.constrains("kind", "company_id")
    def _check_practice_file_company(self):
        practice_kinds = self.env["medical.importer"]._practice_kinds()
        if any(log.kind in practice_kinds and not log.company_id for log in self):
            raise ValidationError(_("The history of a file carrying patient data belongs to a practice."))

    @api.model
    def _record(self, kind, data, filename, effective, counts, duration):
        """Create the history record of an import and keep ``data`` as its attachment; the queued
        import being run (context ``medical_import_job_id``) becomes that record."""
        values = {f"count_{key}": counts[key] for key in COUNT_KEYS if isinstance(counts.get(key), int)}
        changed = [counts.get(key) for key in ("created", "updated", "ended") if key in counts]
        job = self.browse(self.env.context.get("medical_import_job_id")).exists()
        if job:
            job.write(
                {
                    **values,
                    "effective": fields.Date.to_date(effective) or False,
                    "label": counts.get("label") or False,
                    "duration": duration,
                    "summary": self._summary(counts),
                    "state": "unchanged" if changed and not any(changed) else "done",
                    "company_id": job.company_id.id
                    if kind in self.env["medical.importer"]._practice_kinds()
                    else False,
                }
            )
            return job
        log = self.create(
            {
                **values,
                "kind": kind,
                "filename": filename,
                "label": counts.get("label") or False,
                "effective": fields.Date.to_date(effective) or False,
                "duration": duration,
                "summary": self._summary(counts),
                "state": "unchanged" if changed and not any(changed) else "done",
            }
        )
        if data:
            log.attachment_id = self.env["ir.attachment"].create(
                {
                    "name": filename or f"{kind}-import",
                    "raw": data,
                    "res_model": self._name,
                    "res_id": log.id,
                }
            )
        return log

    @api.model
    def _summary(self, counts):
        return "\n".join(
            f"{key}: {value}"
            for key, value in counts.items()
            if isinstance(value, (int, float, str)) and not isinstance(value, bool)
        )

    # ------------------------------------------------------------------
    # Queued (background) imports
    # ------------------------------------------------------------------

    @api.model
    def _queue(self, kind, data, filename, effective):
        """Queue the import of ``data`` for the cron, as the current user in the current company.

        The caller checked the user may start it; the import itself runs as that user (their rights
        apply then). Returns the queued record."""
        job = self.sudo().create(
            {
                "kind": kind,
                "filename": filename,
                "effective": effective or False,
                "user_id": self.env.uid,
                "company_id": self.env.company.id,
                "state": "queued",
                "progress_ids": [Command.create({"message": _("Waiting for the import job to start")})],
            }
        )
        if data:
            job.attachment_id = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": filename or f"{kind}-import",
                        "raw": data,
                        "res_model": self._name,
                        "res_id": job.id,
                    }
                )
            )
        self.env.ref("medical_coding.ir_cron_medical_code_import")._trigger()
        return job

    @api.model
    def _cron_run_queued_imports(self):
        """Run the oldest queued import; the cron commits after each and runs again while some wait."""
        jobs = self.sudo().search([("state", "=", "queued")], order="id")
        if jobs:
            jobs[0]._run_queued()
            # the import wrote with SQL and through other users' environments: read everything afresh
            self.env.invalidate_all()
        self.env["ir.cron"]._notify_progress(done=1 if jobs else 0, remaining=max(len(jobs) - 1, 0))

    def _run_queued(self):
        """Import the queued file in a savepoint: success turns this record into the import's history,
        a refusal marks it failed with the reason (nothing imported)."""
        self.ensure_one()
        report = self._progress_reporter()
        report(0, _("Reading the file"))
        # as the user who asked, in the practice they worked in
        importer = (
            self.env["medical.importer"]
            .with_user(self.user_id)
            .with_company(self.company_id)
            .with_context(medical_import_progress=report, medical_import_job_id=self.id)
        )
        data = self.attachment_id.raw or None
        try:
            with self.env.cr.savepoint():
                importer.import_file(self.kind, data, self.filename, self.effective)
        except (UserError, ValidationError) as exc:
            self.invalidate_recordset()
            self.write({"state": "failed", "error": exc.args[0]})
        except Exception as exc:  # the job must end failed, never stay queued
            # only the kind of error: its text may quote the file (patient data in an acknowledgement);
            # the importing user reads it on the record
            _logger.error("Background import %s (id %s) failed: %s", self.kind, self.id, type(exc).__name__)
            self.invalidate_recordset()
            self.write(
                {"state": "failed", "error": _("Unexpected error: %s", exc), "progress_message": False}
            )

    def _progress_reporter(self):
        """A ``(fraction, message)`` callback storing the progress at most twice a second.

        It writes through its own cursor, committed at once, so the user sees it while the import's
        transaction is still open. It writes the job's :class:`medical.import.progress` row, never the job
        itself: the import's transaction writes the job at its end, and two transactions writing one row
        would fail (repeatable read). Before the job is committed (in a test) it finds no row, harmlessly.
        """
        progress_id = self.sudo().progress_ids[:1].id
        last = [0.0]

        def report(fraction, message=""):
            now = time.monotonic()
            if now - last[0] < 0.5 and 0 < fraction < 1:
                return
            last[0] = now
            with self.env.registry.cursor() as cr:
                cr.execute(
                    "UPDATE medical_import_progress SET progress = %s, message = %s WHERE id = %s",
                    [round(100 * fraction, 1), message or None, progress_id],
                )

        return report
