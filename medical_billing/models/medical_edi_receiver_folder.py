# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import logging
import os
import posixpath
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..edi.x12_kind import interchange_kind

_logger = logging.getLogger(__name__)

TRANSACTION_SETS = [("270", "270 eligibility requests out, 271 responses in")]
# The import kind of a folder's inbox files; an 835 dropped in an inbox is imported as one (edi/x12_kind.py).
INBOX_KINDS = {"270": "271"}
TRANSPORTS = [("local", "Folders on the Odoo server"), ("sftp", "SFTP")]
# Where picked-up inbox files go, inside the inbox folder.
PROCESSED, REFUSED = "processed", "refused"
# SFTP credentials live in system parameters (readable by administrators only), per folder pair.
SFTP_SECRETS = ("username", "password", "private_key")
SFTP_TIMEOUT = 30


def _secret_key(folder_id, name):
    return f"medical_billing.sftp.folder_{folder_id}.{name}"


class _LocalFiles:
    """The folder pair on the Odoo server's disk."""

    def __init__(self, folder):
        self.folder = folder

    def put(self, filename, data):
        directory = self.folder._directory(self.folder.outbox_path, self.folder.env._("outbox"))
        target = directory / filename
        if target.exists():
            raise self.folder._exists_error(filename)
        handle, temporary = tempfile.mkstemp(prefix=".part-", dir=directory)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            raise

    def names(self):
        directory = self.folder._directory(self.folder.inbox_path, self.folder.env._("inbox"))
        return [p.name for p in sorted(directory.iterdir()) if p.is_file() and not p.name.startswith(".")]

    def fetch(self, name):
        return (Path(self.folder.inbox_path) / name).read_bytes()

    def done(self, name, refused):
        path = Path(self.folder.inbox_path) / name
        target_dir = path.parent / (REFUSED if refused else PROCESSED)
        target_dir.mkdir(exist_ok=True)
        target = target_dir / name
        if target.exists():
            target = target_dir / f"{path.stem}-{fields.Datetime.now():%Y%m%d%H%M%S}{path.suffix}"
        os.replace(path, target)


class _SftpFiles:
    """The folder pair on the clearinghouse's SFTP server (host key pinned, never learnt)."""

    def __init__(self, folder, sftp):
        self.folder = folder
        self.sftp = sftp

    def _exists(self, path):
        try:
            self.sftp.stat(path)
        except OSError:
            return False
        return True

    def put(self, filename, data):
        target = posixpath.join(self.folder.outbox_path, filename)
        if self._exists(target):
            raise self.folder._exists_error(filename)
        temporary = posixpath.join(self.folder.outbox_path, f".part-{filename}")
        with self.sftp.open(temporary, "wb") as stream:
            stream.write(data)
        self.sftp.posix_rename(temporary, target)

    def names(self):
        import stat

        entries = self.sftp.listdir_attr(self.folder.inbox_path)
        return sorted(
            e.filename for e in entries if stat.S_ISREG(e.st_mode or 0) and not e.filename.startswith(".")
        )

    def fetch(self, name):
        with self.sftp.open(posixpath.join(self.folder.inbox_path, name), "rb") as stream:
            return stream.read()

    def done(self, name, refused):
        target_dir = posixpath.join(self.folder.inbox_path, REFUSED if refused else PROCESSED)
        if not self._exists(target_dir):
            self.sftp.mkdir(target_dir)
        target = posixpath.join(target_dir, name)
        if self._exists(target):
            target = posixpath.join(target_dir, f"{fields.Datetime.now():%Y%m%d%H%M%S}-{name}")
        self.sftp.posix_rename(posixpath.join(self.folder.inbox_path, name), target)


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
    transport = fields.Selection(TRANSPORTS, required=True, default="local")
    outbox_path = fields.Char(
        string="Outbox Folder", required=True, help="Absolute path, on the Odoo server or the SFTP server."
    )
    inbox_path = fields.Char(
        string="Inbox Folder", required=True, help="Absolute path, on the Odoo server or the SFTP server."
    )
    sftp_host = fields.Char(string="SFTP Host")
    sftp_port = fields.Integer(string="SFTP Port", default=22)
    sftp_host_key = fields.Char(
        string="Pinned Host Key",
        help="The server's public host key as the clearinghouse gives it (e.g. 'ssh-ed25519 AAAA...'): any "
        "other key is refused.",
    )
    # Credentials: kept in system parameters, readable and writable by administrators only.
    sftp_username = fields.Char(
        string="SFTP User", compute="_compute_sftp_secrets", inverse="_inverse_sftp_username",
        groups="base.group_system",
    )  # fmt: skip
    sftp_password = fields.Char(
        string="SFTP Password", compute="_compute_sftp_secrets", inverse="_inverse_sftp_password",
        groups="base.group_system",
    )  # fmt: skip
    sftp_private_key = fields.Text(
        string="SFTP Private Key", compute="_compute_sftp_secrets", inverse="_inverse_sftp_private_key",
        groups="base.group_system", help="OpenSSH private key (PEM), unencrypted; used before the password.",
    )  # fmt: skip

    _sql_constraints = [
        (
            "transaction_set_unique",
            "unique(receiver_id, transaction_set)",
            "A receiver has one folder pair per transaction set.",
        )
    ]

    def _compute_sftp_secrets(self):
        params = self.env["ir.config_parameter"].sudo()
        for folder in self:
            for name in SFTP_SECRETS:
                value = params.get_param(_secret_key(folder.id, name)) if folder.id else False
                folder[f"sftp_{name}"] = value or False

    def _inverse_secret(self, name):
        params = self.env["ir.config_parameter"].sudo()
        for folder in self:
            params.set_param(_secret_key(folder.id, name), folder[f"sftp_{name}"] or False)

    def _inverse_sftp_username(self):
        self._inverse_secret("username")

    def _inverse_sftp_password(self):
        self._inverse_secret("password")

    def _inverse_sftp_private_key(self):
        self._inverse_secret("private_key")

    @api.ondelete(at_uninstall=False)
    def _unlink_secrets(self):
        params = self.env["ir.config_parameter"].sudo()
        keys = [_secret_key(folder.id, name) for folder in self for name in SFTP_SECRETS]
        params.search([("key", "in", keys)]).unlink()

    @api.constrains("transport", "sftp_host", "sftp_port", "sftp_host_key")
    def _check_sftp(self):
        for folder in self.filtered(lambda f: f.transport == "sftp"):
            if not folder.sftp_host or not 0 < folder.sftp_port < 65536:
                raise ValidationError(_("Give the SFTP host and port."))
            parts = (folder.sftp_host_key or "").split()
            if len(parts) < 2 or not parts[0].startswith(("ssh-", "ecdsa-")):
                raise ValidationError(
                    _("Pin the SFTP server's host key: its type and key, e.g. 'ssh-ed25519 AAAA...'.")
                )

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

    def _exists_error(self, filename):
        return UserError(
            _(
                "%(file)s is already in the outbox of %(receiver)s.",
                file=filename,
                receiver=self.receiver_id.name,
            )
        )

    @contextmanager
    def _files(self):
        """The folder pair's files, on disk or through an SFTP session closed afterwards."""
        self.ensure_one()
        if self.transport != "sftp":
            yield _LocalFiles(self)
            return
        transport = self._sftp_connect()
        try:
            import paramiko

            yield _SftpFiles(self, paramiko.SFTPClient.from_transport(transport))
        finally:
            transport.close()

    def _sftp_connect(self):
        """An authenticated SSH transport to the pinned host (credentials read as superuser)."""
        try:
            import paramiko
        except ImportError:
            raise UserError(_("SFTP needs the Python package paramiko (requirements.txt).")) from None
        receiver = self.receiver_id.name
        params = self.env["ir.config_parameter"].sudo()
        secrets = {name: params.get_param(_secret_key(self.id, name)) or "" for name in SFTP_SECRETS}
        where = f"{self.sftp_host}:{self.sftp_port}"
        try:
            sock = socket.create_connection((self.sftp_host, self.sftp_port), timeout=SFTP_TIMEOUT)
        except OSError as error:
            raise UserError(
                _("Cannot reach the SFTP server of %(receiver)s (%(where)s): %(error)s",
                  receiver=receiver, where=where, error=error.strerror or error)
            ) from None  # fmt: skip
        transport = paramiko.Transport(sock)
        try:
            transport.start_client(timeout=SFTP_TIMEOUT)
            key = transport.get_remote_server_key()
            pinned = (self.sftp_host_key or "").split()
            if pinned[:2] != [key.get_name(), key.get_base64()]:
                raise UserError(
                    _(
                        "The SFTP server of %(receiver)s (%(where)s) presented a host key that is not the "
                        "pinned one: nothing was sent or read. Check the key with the clearinghouse.",
                        receiver=receiver,
                        where=where,
                    )
                )
            username = secrets["username"]
            if not username:
                raise UserError(_("The SFTP credentials of %(receiver)s are not set.", receiver=receiver))
            if secrets["private_key"]:
                transport.auth_publickey(username, self._sftp_private_key(secrets["private_key"]))
            elif secrets["password"]:
                transport.auth_password(username, secrets["password"])
            else:
                raise UserError(_("The SFTP credentials of %(receiver)s are not set.", receiver=receiver))
        except UserError:
            transport.close()
            raise
        except (paramiko.SSHException, OSError):
            transport.close()
            raise UserError(
                _("The SFTP server of %(receiver)s (%(where)s) refused the connection or the credentials.",
                  receiver=receiver, where=where)
            ) from None  # fmt: skip
        return transport

    @api.model
    def _sftp_private_key(self, text):
        import paramiko

        for key_class in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
            try:
                return key_class.from_private_key(io.StringIO(text))
            except (paramiko.SSHException, ValueError):
                continue
        raise UserError(_("The SFTP private key is not an unencrypted OpenSSH key."))

    def _write_outbox(self, filename, data):
        """Write ``data`` as ``filename`` in the outbox, whole or not at all (temporary name, then rename)."""
        self.ensure_one()
        with self._files() as files:
            files.put(filename, data)

    def _pick_up(self):
        """Import each inbox file of these folders as its answer kind (271), or as a remittance (835) when
        its envelope says so; return {filename: outcome}.

        Each file is imported in its own savepoint, in the folder's practice, then moved to ``processed/``
        or ``refused/`` (a refused file is also kept in the import history with the reason).
        """
        outcomes = {}
        for folder in self:
            Importer = self.env["medical.importer"].with_company(folder.company_id)
            with folder._files() as files:
                for name in files.names():
                    data = files.fetch(name)
                    kind = interchange_kind(data, INBOX_KINDS[folder.transaction_set])
                    try:
                        with self.env.cr.savepoint():
                            counts = Importer.import_file(kind, data, name)
                    except UserError as error:
                        files.done(name, refused=True)
                        outcomes[name] = error.args[0]
                        _logger.info("%s %s refused, moved to %s/", kind, name, REFUSED)
                        continue
                    files.done(name, refused=False)
                    outcomes[name] = counts
                    _logger.info("%s %s imported (history #%s)", kind, name, counts.get("log_id"))
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
