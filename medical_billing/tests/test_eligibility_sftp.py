# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import getpass
import importlib.util
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_eligibility import EligibilityCommon

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
SSH_KEYGEN = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestEligibilitySftp(EligibilityCommon):
    """The 270 / 271 folder pair on an SFTP server: a local OpenSSH server on 127.0.0.1 started by the test,
    with its own host key (pinned) and a client key; skipped, with the reason, where sshd cannot run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if importlib.util.find_spec("paramiko") is None:
            raise unittest.SkipTest("SFTP tests skipped: the Python package paramiko is not installed")
        if not Path(SSHD).is_file() or not Path(SSH_KEYGEN).is_file():
            raise unittest.SkipTest("SFTP tests skipped: OpenSSH server (sshd) is not installed")
        cls.ssh_dir = Path(tempfile.mkdtemp(prefix="medical-sftp-"))
        cls.addClassCleanup(shutil.rmtree, cls.ssh_dir, True)
        cls.remote_out = cls.ssh_dir / "remote-out"
        cls.remote_in = cls.ssh_dir / "remote-in"
        cls.remote_out.mkdir()
        cls.remote_in.mkdir()
        for name in ("host_key", "client_key", "other_key"):
            subprocess.run(
                [SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(cls.ssh_dir / name)],
                check=True,
                capture_output=True,
            )
        authorized = cls.ssh_dir / "authorized_keys"
        authorized.write_text((cls.ssh_dir / "client_key.pub").read_text())
        authorized.chmod(0o600)
        cls.port = _free_port()
        config = cls.ssh_dir / "sshd_config"
        config.write_text(
            f"Port {cls.port}\nListenAddress 127.0.0.1\nHostKey {cls.ssh_dir / 'host_key'}\n"
            f"PidFile {cls.ssh_dir / 'sshd.pid'}\nAuthorizedKeysFile {authorized}\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
            "UsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\nSubsystem sftp internal-sftp\n"
        )
        log = open(cls.ssh_dir / "sshd.log", "wb")  # closed by the class cleanup
        cls.addClassCleanup(log.close)
        try:
            cls.sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=log)
        except OSError as error:
            raise unittest.SkipTest(f"SFTP tests skipped: sshd cannot run here ({error})")
        cls.addClassCleanup(cls._stop_sshd)
        for _attempt in range(50):
            if cls.sshd.poll() is not None:
                reason = (cls.ssh_dir / "sshd.log").read_text(errors="replace").strip()[-300:]
                raise unittest.SkipTest(f"SFTP tests skipped: sshd cannot run here ({reason})")
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise unittest.SkipTest("SFTP tests skipped: sshd did not start listening")
        cls.host_key = " ".join((cls.ssh_dir / "host_key.pub").read_text().split()[:2])
        cls.receiver.folder_ids.unlink()
        cls.receiver.folder_ids = [
            Command.create(
                {
                    "transaction_set": "270",
                    "transport": "sftp",
                    "outbox_path": str(cls.remote_out),
                    "inbox_path": str(cls.remote_in),
                    "sftp_host": "127.0.0.1",
                    "sftp_port": cls.port,
                    "sftp_host_key": cls.host_key,
                    "sftp_username": getpass.getuser(),
                    "sftp_private_key": (cls.ssh_dir / "client_key").read_text(),
                }
            )
        ]
        cls.folder = cls.receiver.folder_ids

    @classmethod
    def _stop_sshd(cls):
        cls.sshd.terminate()
        try:
            cls.sshd.wait(timeout=10)
        except subprocess.TimeoutExpired:
            cls.sshd.kill()
            cls.sshd.wait()

    def tearDown(self):
        for folder in (self.remote_out, self.remote_in):
            for path in folder.rglob("*"):
                if path.is_file():
                    path.unlink()
        super().tearDown()

    def test_270_out_and_271_in_through_sftp(self):
        request = self.check()
        sent = self.remote_out / f"270-{request.file_reference}.x12"
        self.assertTrue(sent.is_file(), list(self.remote_out.iterdir()))
        self.assertIn(f"TRN*1*{request.trace_number}*", sent.read_text())
        self.assertFalse([p for p in self.remote_out.iterdir() if p.name.startswith(".part-")])
        (self.remote_in / "answer.271").write_bytes(self.make_271(request, "EB*1**30", "EB*B**30***27*20"))
        outcomes = self.env["medical.edi.receiver.folder"]._cron_pick_up()
        self.assertEqual(outcomes["answer.271"]["answered"], 1)
        self.assertEqual((request.state, request.result, request.copay_amount), ("answered", "active", 20.0))
        self.assertTrue((self.remote_in / "processed" / "answer.271").is_file())

    def test_other_host_key_is_refused_before_anything_is_sent(self):
        other = " ".join((self.ssh_dir / "other_key.pub").read_text().split()[:2])
        self.folder.sftp_host_key = other
        with self.assertRaisesRegex(UserError, "presented a host key that is not the pinned one"):
            self.check()
        self.assertFalse(list(self.remote_out.iterdir()))
        self.assertFalse(self.env["medical.eligibility.request"].search([("state", "=", "sent")]))

    def test_credentials_are_for_administrators_only(self):
        key = f"medical_billing.sftp.folder_{self.folder.id}.private_key"
        self.assertIn("OPENSSH PRIVATE KEY", self.env["ir.config_parameter"].sudo().get_param(key))
        manager = self.make_user("sftp_manager", "medical_coding.medical_coding_group_manager")
        folder = self.folder.with_user(manager)
        self.assertEqual(folder.transport, "sftp")
        with self.assertRaises(AccessError):
            folder.read(["sftp_private_key"])
        with self.assertRaises(AccessError):
            folder.write({"sftp_password": "guess"})
        with self.assertRaises(AccessError):
            self.env["ir.config_parameter"].with_user(manager).search([("key", "=", key)]).read(["value"])
        admin = self.make_user("sftp_admin", "base.group_system,medical_coding.medical_coding_group_manager")
        self.assertEqual(self.folder.with_user(admin).sftp_username, getpass.getuser())
