"""The claims-out command lines, run as an operator would, against the test database of ``make test``.

``odoo-bin medical_837`` writes the pending 837P files (none on a fresh database, but the command must be
found, open the database and say so); ``odoo-bin medical_import --kind 999`` refuses a broken file naming
the segment, with exit code 1.
"""

import configparser
import subprocess
import sys
import uuid

import psycopg2
import pytest
from medical_billing_edi import x12_ack_writer

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
