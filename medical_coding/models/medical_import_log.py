from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

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
        [("done", "Imported"), ("unchanged", "No Change")],
        readonly=True,
        default="done",
        help="No Change: the file matched what the database already held.",
    )

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
        """Create the history record of an import and keep ``data`` as its attachment."""
        values = {f"count_{key}": counts[key] for key in COUNT_KEYS if isinstance(counts.get(key), int)}
        changed = [counts.get(key) for key in ("created", "updated", "ended") if key in counts]
        log = self.create(
            {
                **values,
                "kind": kind,
                "filename": filename,
                "label": counts.get("label") or False,
                "effective": fields.Date.to_date(effective) or False,
                "duration": duration,
                "summary": "\n".join(
                    f"{key}: {value}"
                    for key, value in counts.items()
                    if isinstance(value, (int, float, str)) and not isinstance(value, bool)
                ),
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
