# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: files larger than this (bytes) are imported by a background job that reports its progress
BACKGROUND_BYTES_PARAM = "medical_coding.import_background_bytes"
BACKGROUND_BYTES_DEFAULT = 1_000_000


class MedicalCodeImport(models.TransientModel):
    """Upload a code-set file (or any kind of ``medical.importer``) and import it.

    Small files are imported at once. Large ones (the ICD-10-CM XML, the HCPCS file) are queued on the
    import history (:meth:`medical.import.log._queue`, run by a cron): the form then shows the progress
    of that record until the job has finished, and the error if it failed. Either way the import is
    all-or-nothing. The wizard only shows the job: vacuuming it never stops or loses an import.
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
    year = fields.Integer(
        string="Performance Year",
        help="Quality measures: the MIPS performance year the file is for (default: the year in its name).",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Waiting"),
            ("running", "Importing"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        compute="_compute_state",
    )
    job_id = fields.Many2one(
        "medical.import.log", string="Import", readonly=True, help="The import started by this form."
    )
    progress = fields.Float(related="job_id.progress")
    progress_message = fields.Char(related="job_id.progress_message")
    error = fields.Text(related="job_id.error")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    log_id = fields.Many2one("medical.import.log", string="History Record", compute="_compute_state")
    result = fields.Text(related="log_id.summary", string="Result")
    help_text = fields.Html(compute="_compute_help_text")

    @api.depends("job_id.state")
    def _compute_state(self):
        for wizard in self:
            job_state = wizard.job_id.state
            wizard.state = "done" if job_state in ("done", "unchanged") else job_state or "draft"
            wizard.log_id = wizard.job_id if wizard.state == "done" else False

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
            "quality": _(
                "A JSON file of CMS's qpp-measures-data for one performance year: the claims single source "
                "(qpp-single-source-&lt;year&gt;.json, the criteria), the measures data (titles) or the "
                "benchmarks (deciles). Import each once; a later year imports beside the earlier ones."
            ),
        }
        for wizard in self:
            wizard.help_text = texts.get(wizard.kind) and f"<p>{texts[wizard.kind]}</p>"

    def _data(self):
        self.ensure_one()
        raw = self.with_context(bin_size=False).file
        return base64.b64decode(raw) if raw else None

    def _effective(self):
        """The effective date given to the import: the performance year's January 1 for quality measures."""
        if self.kind == "quality" and self.year:
            if not 2000 <= self.year <= 2100:
                raise UserError(_("%s is not a performance year.", self.year))
            return date(self.year, 1, 1)
        return self.effective

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
        effective = self._effective()
        if self._runs_in_background(data):
            job = self.env["medical.import.log"]._queue(self.kind, data, self.filename, effective)
        else:
            result = self.env["medical.importer"].import_file(self.kind, data, self.filename, effective)
            job = self.env["medical.import.log"].browse(result["log_id"])
        self.job_id = job
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
