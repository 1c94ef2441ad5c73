# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``odoo-bin medical_import --kind 835``: remittances posted from the shell, with an exit status a script can
act on: 0 posted, 1 refused (nothing changed), 2 posted with exceptions left for the biller."""

import subprocess
import sys
from pathlib import Path

from test_medical_import_command import medical_import, query, throwaway  # noqa: F401 - the fixture

SCRIPT = Path(__file__).with_name("make_submitted_claims.py")


def test_835_exit_status_posted_refused_exceptions(throwaway, tmp_path):  # noqa: F811
    made = subprocess.run(
        [sys.executable, str(SCRIPT), *throwaway, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    first, second = made.stdout.split()

    result = medical_import(throwaway, "--kind", "835", "--file", str(tmp_path / "paid.835"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "imported 835: total 1," in result.stdout
    assert "exceptions 0" in result.stdout
    assert query(throwaway, "SELECT trace_number, state, amount FROM medical_remittance") == [
        ("EFT1001", "posted", 240.0)
    ]
    assert query(throwaway, "SELECT state FROM medical_claim WHERE patient_control_number = %s", first) == [
        ("paid",)
    ]

    # the same payment again: refused, nothing changed, kept in the history with the reason
    again = tmp_path / "again.835"
    again.write_bytes((tmp_path / "paid.835").read_bytes())
    result = medical_import(throwaway, "--kind", "835", "--file", str(again))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "again.835 was refused, nothing was changed." in result.stderr
    assert query(throwaway, "SELECT count(*) FROM medical_remittance") == [(1,)]
    assert query(throwaway, "SELECT state FROM medical_import_log WHERE filename = 'again.835'") == [
        ("refused",)
    ]

    # a claim the payer pays for another patient: posted and committed, the exception left: exit 2
    result = medical_import(throwaway, "--kind", "835", "--file", str(tmp_path / "exception.835"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "imported 835: total 1," in result.stdout
    assert "1 exception(s) left to resolve in the database." in result.stdout
    rows = query(
        throwaway,
        """SELECT r.trace_number, r.state, c.patient_control_number, c.match_state
             FROM medical_remittance_claim c JOIN medical_remittance r ON r.id = c.remittance_id
            WHERE r.trace_number = 'EFT1002'""",
    )
    assert rows == [("EFT1002", "posted", second, "exception")]
