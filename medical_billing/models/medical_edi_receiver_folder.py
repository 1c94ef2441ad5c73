import logging
import os
import tempfile
from pathlib import Path

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

TRANSACTION_SETS = [("270", "270 eligibility requests out, 271 responses in")]
# Where picked-up inbox files go, inside the inbox folder.
PROCESSED, REFUSED = "processed", "refused"


class MedicalEdiReceiverFolder(models.Model):
    """An outbox / inbox folder pair of a receiver for one transaction set.

    Files for the receiver are written to the outbox; its answers are picked up from the inbox, then moved
    to ``processed/`` or ``refused/`` inside it (a refused file is also kept in the import history).
    """

    _name = "medical.edi.receiver.folder"
    _description = "Clearinghouse Folders"
    _order = "receiver_id, transaction_set"
    _check_company_auto = True

    receiver_id = fields.Many2one(
        "medical.edi.receiver", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="receiver_id.company_id", store=True, index=True)
    transaction_set = fields.Selection(TRANSACTION_SETS, required=True, default="270")
    outbox_path = fields.Char(string="Outbox Folder", required=True, help="Absolute path on the Odoo server.")
    inbox_path = fields.Char(string="Inbox Folder", required=True, help="Absolute path on the Odoo server.")

    _sql_constraints = [
        (
            "transaction_set_unique",
            "unique(receiver_id, transaction_set)",
            "A receiver has one folder pair per transaction set.",
        )
    ]

    @api.constrains("outbox_path", "inbox_path")
    def _check_paths(self):
        for folder in self:
            for path in (folder.outbox_path, folder.inbox_path):
                if not path or not os.path.isabs(path) or ".." in Path(path).parts:
                    raise ValidationError(_("The outbox and inbox folders must be absolute paths."))

    # ------------------------------------------------------------------ files

    def _directory(self, path, what):
        directory = Path(path)
        if not directory.is_dir():
            raise UserError(
                _(
                    "The %(what)s folder of %(receiver)s does not exist on the server: %(path)s",
                    what=what,
                    receiver=self.receiver_id.name,
                    path=path,
                )
            )
        return directory

    def _write_outbox(self, filename, data):
        """Write ``data`` as ``filename`` in the outbox, whole or not at all (temporary file, then rename)."""
        self.ensure_one()
        directory = self._directory(self.outbox_path, _("outbox"))
        target = directory / filename
        if target.exists():
            raise UserError(_("%(file)s is already in the outbox of %(receiver)s.", file=filename,
                              receiver=self.receiver_id.name))  # fmt: skip
        handle, temporary = tempfile.mkstemp(prefix=".part-", dir=directory)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target

    def _inbox_files(self):
        """(path, filename) of the files waiting in the inbox, oldest name first."""
        self.ensure_one()
        directory = self._directory(self.inbox_path, _("inbox"))
        return [
            (entry, entry.name)
            for entry in sorted(directory.iterdir())
            if entry.is_file() and not entry.name.startswith(".")
        ]

    @api.model
    def _file_done(self, path, refused):
        target_dir = path.parent / (REFUSED if refused else PROCESSED)
        target_dir.mkdir(exist_ok=True)
        target = target_dir / path.name
        if target.exists():
            target = target_dir / f"{path.stem}-{fields.Datetime.now():%Y%m%d%H%M%S}{path.suffix}"
        os.replace(path, target)
        return target

    def _pick_up(self):
        """Import each inbox file of these folders as its answer kind (271); return {filename: outcome}."""
        Importer = self.env["medical.importer"]
        outcomes = {}
        for folder in self:
            kind = {"270": "271"}[folder.transaction_set]
            for path, filename in folder._inbox_files():
                data = path.read_bytes()
                try:
                    with self.env.cr.savepoint():
                        counts = Importer.import_file(kind, data, filename)
                except UserError as error:
                    folder._file_done(path, refused=True)
                    outcomes[filename] = error.args[0]
                    _logger.info("%s %s refused, moved to %s/", kind, filename, REFUSED)
                    continue
                folder._file_done(path, refused=False)
                outcomes[filename] = counts
                _logger.info("%s %s imported (history #%s)", kind, filename, counts.get("log_id"))
        return outcomes

    @api.model
    def _cron_pick_up(self):
        """Cron: import the answers waiting in every inbox folder."""
        return self.search([])._pick_up()


class MedicalEdiReceiver(models.Model):
    _inherit = "medical.edi.receiver"

    folder_ids = fields.One2many("medical.edi.receiver.folder", "receiver_id", string="Folders")

    def _eligibility_folder(self):
        self.ensure_one()
        folder = self.folder_ids.filtered(lambda f: f.transaction_set == "270")[:1]
        if not folder:
            raise UserError(
                _(
                    "%(receiver)s has no 270/271 folders: give it an outbox and an inbox folder "
                    "for eligibility requests.",
                    receiver=self.name,
                )
            )
        return folder
