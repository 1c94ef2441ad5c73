# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The claims-out command lines, run as an operator would, against the test database of ``make test``.

``odoo-bin medical_837`` writes the pending 837P files (none on a fresh database, but the command must be
found, open the database and say so); with ready claims (made in a pytest-odoo test, rolled back after),
the command's ``generate_pending`` really writes one file per batch, readable by the owner only, holding
every claim. ``odoo-bin medical_import --kind 999`` refuses a broken file naming the segment, with exit
code 1.
"""

import configparser
import stat
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg2
import pytest
from medical_billing_edi import x12_ack_writer

from odoo.addons.medical_billing.cli.medical_837 import generate_pending
from odoo.addons.medical_billing.tests.edi_common import EdiCommon

ODOO = "import odoo.cli, sys; sys.argv[0] = 'odoo-bin'; odoo.cli.main()"


@pytest.fixture(scope="module")
def odoo_options(request):
    """(addons path, database) of the test run; running without ``make test`` is a failure, not a skip."""
    conf = request.config.getoption("--odoo-config", default=None)
    if not conf:
        pytest.fail("These tests run against the database of `make test` (pytest --odoo-config=...).")
    parser = configparser.ConfigParser()
    parser.read(conf)
    return parser["options"]["addons_path"], parser["options"]["db_name"]


def run_odoo(odoo_options, *args):
    addons_path, database = odoo_options
    command = [sys.executable, "-c", ODOO, f"--addons-path={addons_path}", *args, "-d", database]
    command += ["--log-level=warn", "--no-http"]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def test_medical_837_writes_the_pending_files(odoo_options, tmp_path):
    result = run_odoo(odoo_options, "medical_837", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "medical_837: 0 file(s) written, 0 batch(es) failed" in result.stdout
    assert list(tmp_path.iterdir()) == []


class TestMedical837WritesReadyClaims(EdiCommon):
    """The files the command writes, on a database with ready claims (the test's own, rolled back)."""

    def test_files_really_written_for_the_ready_claims(self):
        claims = self.ready_claims(2)
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            written, failures = generate_pending(self.env, out, [self.practice.id])
            self.assertEqual(failures, [])
            self.assertEqual(sorted(out.iterdir()), sorted(written))
            self.assertEqual(len(written), 1)
            path = written[0]
            self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
            text = path.read_bytes().decode("ascii")
        batch = claims.batch_id
        self.assertEqual((len(batch), batch.state), (1, "sent"))
        self.assertEqual(text.encode("ascii"), batch.attachment_id.raw)
        self.assertTrue(text.startswith("ISA*"))
        for claim in claims:
            self.assertIn(f"CLM*{claim.patient_control_number}*", text)
        self.assertEqual(set(claims.mapped("state")), {"submitted"})


def test_medical_837_needs_an_output_folder(odoo_options, tmp_path):
    result = run_odoo(odoo_options, "medical_837", "--out", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "is not a folder" in result.stderr


def test_medical_import_refuses_a_truncated_999(odoo_options, tmp_path):
    broken = tmp_path / f"truncated-{uuid.uuid4().hex[:8]}.999"
    whole = x12_ack_writer.ack_999(101, [("0001", "A", ())]).encode()
    broken.write_bytes(whole[: whole.index(b"ST*999*0001*") + len(b"ST*999*0001*0050")])
    result = run_odoo(odoo_options, "medical_import", "--kind", "999", "--file", str(broken))
    assert result.returncode == 1
    assert f"{broken.name} was refused, nothing was changed." in result.stderr
    assert "segment 3 (ST): the data ends inside a segment" in result.stderr
    # the command rolled its transaction back, the refusal record (its own transaction) stayed, with the file
    with psycopg2.connect(dbname=odoo_options[1]) as connection, connection.cursor() as cr:
        cr.execute(
            """
            SELECT log.state, log.error, att.id IS NOT NULL
              FROM medical_import_log log LEFT JOIN ir_attachment att ON att.id = log.attachment_id
             WHERE log.filename = %s
            """,
            [broken.name],
        )
        rows = cr.fetchall()
    assert len(rows) == 1
    state, error, has_file = rows[0]
    assert (state, has_file) == ("refused", True)
    assert "segment 3 (ST)" in error
