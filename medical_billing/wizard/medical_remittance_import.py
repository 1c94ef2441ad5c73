# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing > Remittances > Import: several 835 files at once, each imported on its own (a refused file does
not stop the others, and is kept in the import history with its reason), then a summary per file."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

RESULTS = [("posted", "Posted"), ("exceptions", "Exceptions Left"), ("refused", "Refused")]


class MedicalRemittanceImport(models.TransientModel):
    _name = "medical.remittance.import"
    _description = "Import Remittances (835)"

    attachment_ids = fields.Many2many(
        "ir.attachment",
        "medical_remittance_import_attachment_rel",
        "wizard_id",
        "attachment_id",
        string="835 Files",
    )
    state = fields.Selection([("choose", "Choose"), ("done", "Done")], default="choose", required=True)
    file_ids = fields.One2many("medical.remittance.import.file", "wizard_id", string="Files", readonly=True)
    remittance_ids = fields.Many2many(
        "medical.remittance",
        "medical_remittance_import_remittance_rel",
        "wizard_id",
        "remittance_id",
        string="Remittances",
        readonly=True,
    )
    count_posted = fields.Integer(string="Posted", compute="_compute_counts")
    count_exceptions = fields.Integer(string="With Exceptions", compute="_compute_counts")
    count_refused = fields.Integer(string="Refused", compute="_compute_counts")

    @api.depends("file_ids.result")
    def _compute_counts(self):
        for wizard in self:
            results = wizard.file_ids.mapped("result")
            wizard.count_posted = results.count("posted")
            wizard.count_exceptions = results.count("exceptions")
            wizard.count_refused = results.count("refused")

    def action_import(self):
        """Import each file as an 835 in its own savepoint; keep the outcome of each."""
        self.ensure_one()
        if not self.attachment_ids:
            raise UserError(_("Choose the 835 files to import."))
        Importer = self.env["medical.importer"]
        Remittance = self.env["medical.remittance"]
        rows = []
        remittances = Remittance
        for attachment in self.attachment_ids.sorted("id"):
            name = attachment.name
            with self.env.cr.savepoint():
                try:
                    # the importer rolls the file back and keeps the refusal in the history itself
                    counts = Importer.import_file("835", attachment.raw, name)
                except UserError as error:
                    rows.append({"filename": name, "result": "refused", "message": error.args[0]})
                    continue
            found = (
                Remittance.search([("import_log_id", "=", counts.get("log_id"))])
                if counts.get("log_id")
                else Remittance
            )
            remittances |= found
            exceptions = counts.get("exceptions", 0)
            rows.append(
                {
                    "filename": name,
                    "result": "exceptions" if exceptions else "posted",
                    "remittance_count": counts.get("remittances", len(found)),
                    "claim_count": counts.get("total", 0),
                    "exception_count": exceptions,
                    "denial_count": counts.get("denials", 0),
                    "amount": counts.get("amount", 0.0),
                    "import_log_id": counts.get("log_id"),
                    "message": _(
                        "%(remittances)s remittance(s), %(claims)s claim(s), %(exceptions)s exception(s)",
                        remittances=counts.get("remittances", len(found)),
                        claims=counts.get("total", 0),
                        exceptions=exceptions,
                    ),
                }
            )
        self.write(
            {
                "state": "done",
                "file_ids": [fields.Command.clear()] + [fields.Command.create(row) for row in rows],
                "remittance_ids": [fields.Command.set(remittances.ids)],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Remittances Imported"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_view_remittances(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Remittances"),
            "res_model": "medical.remittance",
            "view_mode": "list,form",
            "domain": [("id", "in", self.remittance_ids.ids)],
        }


class MedicalRemittanceImportFile(models.TransientModel):
    _name = "medical.remittance.import.file"
    _description = "Imported Remittance File"
    _order = "id"

    wizard_id = fields.Many2one("medical.remittance.import", required=True, ondelete="cascade")
    filename = fields.Char(string="File")
    result = fields.Selection(RESULTS, required=True)
    message = fields.Text(help="What was posted, or why the file was refused (nothing of it was posted).")
    remittance_count = fields.Integer(string="Remittances")
    claim_count = fields.Integer(string="Claims")
    exception_count = fields.Integer(string="Exceptions")
    denial_count = fields.Integer(string="Denials")
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id)
    amount = fields.Monetary()
    import_log_id = fields.Many2one("medical.import.log", string="Import History")
