# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``odoo-bin medical_import`` run as an administrator would, against a throwaway copy of the test database.

The copy (``createdb -T`` of the database of ``make test``) lets the command commit for real without touching
the database the other tests read; it is dropped at the end.
"""

import configparser
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

ODOO = "import odoo.cli, sys; sys.argv[0] = 'odoo-bin'; odoo.cli.main()"


@pytest.fixture(scope="module")
def throwaway(request):
    """(addons path, database) of a fresh copy of the test database; a run without ``make test`` fails."""
    conf = request.config.getoption("--odoo-config", default=None)
    if not conf:
        pytest.fail("These tests copy the database of `make test` (pytest --odoo-config=...).")
    parser = configparser.ConfigParser()
    parser.read(conf)
    addons_path, source = parser["options"]["addons_path"], parser["options"]["db_name"]
    import odoo

    odoo.sql_db.close_db(source)  # CREATE DATABASE … TEMPLATE needs the source without connections
    database = f"{source}_cli_{uuid.uuid4().hex[:6]}"
    subprocess.run(["createdb", "-T", source, database], check=True)
    yield addons_path, database
    subprocess.run(["dropdb", "--if-exists", database], check=False)
    shutil.rmtree(Path(odoo.tools.config["data_dir"]) / "filestore" / database, ignore_errors=True)


def medical_import(throwaway, *args, config=None):
    addons_path, database = throwaway
    command = [sys.executable, "-c", ODOO, f"--addons-path={addons_path}", "medical_import", *args]
    command += ["-c", str(config)] if config else ["-d", database]
    command += ["--log-level=warn", "--no-http"]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def query(throwaway, sql, *params):
    with psycopg2.connect(dbname=throwaway[1]) as connection, connection.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def test_help_lists_the_kinds_of_the_database(throwaway):
    result = medical_import(throwaway, "--help")
    assert result.returncode == 0, result.stderr
    for kind in ("icd10cm", "hcpcs", "modifiers", "cpt", "pos"):
        assert f"  {kind} " in result.stdout, result.stdout
    assert "--effective" in result.stdout and "-c CONFIG" in result.stdout


def test_unknown_kind_and_bad_date_are_refused(throwaway):
    result = medical_import(throwaway, "--kind", "icd9")
    assert result.returncode == 2
    assert "invalid choice: 'icd9'" in result.stderr
    result = medical_import(throwaway, "--kind", "cpt", "--effective", "2026-13-01")
    assert result.returncode == 2
    assert "'2026-13-01' is not a date in the form YYYY-MM-DD" in result.stderr


def test_import_commits_and_keeps_the_file(throwaway, tmp_path):
    csv = tmp_path / "cpt-licensed.csv"
    csv.write_bytes(b"code,short,long\r\n99213,Invented short,Invented long\r\n0001U,Invented PLA,\r\n")
    result = medical_import(throwaway, "--kind", "cpt", "--file", str(csv), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "dry run, rolled back: cpt: total 2, created 2" in result.stdout
    assert query(throwaway, "SELECT count(*) FROM medical_code WHERE system = 'cpt'") == [(0,)]

    result = medical_import(throwaway, "--kind", "cpt", "--file", str(csv), "--effective", "2026-01-01")
    assert result.returncode == 0, result.stderr
    assert "imported cpt: total 2, created 2, updated 0, ended 0, unchanged 0" in result.stdout
    rows = query(throwaway, "SELECT code, name, origin FROM medical_code WHERE system = 'cpt' ORDER BY code")
    assert rows == [("0001U", "Invented PLA", "cpt"), ("99213", "Invented short", "cpt")]
    [(kind, filename, effective, created, file_size)] = query(
        throwaway,
        """SELECT log.kind, log.filename, log.effective::text, log.count_created, att.file_size
             FROM medical_import_log log JOIN ir_attachment att ON att.id = log.attachment_id
            WHERE log.filename = %s""",
        csv.name,
    )
    assert (kind, filename, effective, created, file_size) == (
        "cpt",
        csv.name,
        "2026-01-01",
        2,
        csv.stat().st_size,
    )


def test_bad_file_exits_1_naming_the_line_and_changes_nothing(throwaway, tmp_path):
    csv = tmp_path / "cpt-bad.csv"
    csv.write_bytes(b"99214,Invented,Invented\r\n99215,Invented,Invented\r\n9921X,Bad,Bad\r\n")
    result = medical_import(throwaway, "--kind", "cpt", "--file", str(csv))
    assert result.returncode == 1
    assert "cpt-bad.csv was not imported, nothing was changed." in result.stderr
    assert "Line 3: '9921X' in the first column is not a CPT code" in result.stderr
    assert query(throwaway, "SELECT count(*) FROM medical_code WHERE code IN ('99214', '99215')") == [(0,)]


def test_unreadable_file_is_refused(throwaway, tmp_path):
    missing = tmp_path / "nowhere.csv"
    result = medical_import(throwaway, "--kind", "cpt", "--file", str(missing))
    assert result.returncode == 2
    assert f"cannot read {missing}: No such file or directory" in result.stderr


def test_config_file_and_shared_pos_list(throwaway, tmp_path, shared_dir):
    config = tmp_path / "odoo.conf"
    config.write_text(f"[options]\naddons_path = {throwaway[0]}\ndb_name = {throwaway[1]}\n")
    xml = shared_dir / "cms" / "pos" / "cs-CMS-PlaceofServiceCodes.xml"
    result = medical_import(throwaway, "--kind", "pos", "--file", str(xml), config=config)
    assert result.returncode == 0, result.stderr
    assert "imported pos: total 52, created 0, updated 52, ended 0" in result.stdout
    [(description,)] = query(
        throwaway, "SELECT description FROM medical_code WHERE system = 'pos' AND code = '11'"
    )
    assert description.startswith("Location, other than a hospital")


def test_acknowledgement_is_kept_in_the_practice_given(throwaway, tmp_path):
    result = medical_import(throwaway, "--kind", "999", "--company", "999999")
    assert result.returncode == 2
    assert "no company with id 999999" in result.stderr
    [(company_id,)] = query(throwaway, "SELECT min(id) FROM res_company")
    bad = tmp_path / "practice.999"
    bad.write_bytes(b"hello world")
    result = medical_import(throwaway, "--kind", "999", "--file", str(bad), "--company", str(company_id))
    assert result.returncode == 1
    assert "practice.999 was refused, nothing was changed." in result.stderr
    # the refusal is kept with the file, in the practice's history
    assert query(
        throwaway, "SELECT state, company_id FROM medical_import_log WHERE filename = 'practice.999'"
    ) == [("refused", company_id)]


def test_coverage_policies_import_and_refusal(throwaway, tmp_path):
    csv = tmp_path / "policies.csv"
    csv.write_bytes(
        b"reference,title,procedures,covered,frequency_units,frequency_window,frequency_period\n"
        b"NCD 999.9,Invented lab policy,83036,E11* R73.01-R73.09,1,90,days\n"
        b"NCD 999.9,Invented lab policy,82947,E11*,,,\n"
    )
    result = medical_import(throwaway, "--kind", "policy", "--file", str(csv))
    assert result.returncode == 0, result.stderr
    assert "imported policy: total 1, created 1, updated 0, rules 2" in result.stdout
    rows = query(
        throwaway,
        """SELECT r.procedure_codes, r.covered_diagnoses, r.frequency_window
             FROM medical_coverage_policy_rule r JOIN medical_coverage_policy p ON p.id = r.policy_id
            WHERE p.reference = 'NCD 999.9' ORDER BY r.id""",
    )
    assert rows == [("83036", "E11* R73.01-R73.09", 90), ("82947", "E11*", 0)]
    bad = tmp_path / "policies-bad.csv"
    bad.write_bytes(b"reference,procedures,sex\nNCD 999.8,83036,\nNCD 999.8,82947,other\n")
    result = medical_import(throwaway, "--kind", "policy", "--file", str(bad))
    assert result.returncode == 1
    assert "policies-bad.csv was not imported, nothing was changed." in result.stderr
    assert "Line 3: the sex limit is male or female, not other" in result.stderr
    assert query(throwaway, "SELECT count(*) FROM medical_coverage_policy WHERE reference = 'NCD 999.8'") == [
        (0,)
    ]


def test_quality_measures_of_a_year(throwaway, shared_dir):
    single_source = shared_dir / "cms" / "quality" / "qpp-single-source-2025.json"
    result = medical_import(throwaway, "--kind", "quality", "--file", str(single_source), "--year", "20x5")
    assert result.returncode == 2
    assert "'20x5' is not a year like 2025" in result.stderr
    result = medical_import(
        throwaway,
        "--kind",
        "quality",
        "--file",
        str(single_source),
        "--year",
        "2025",
        "--effective",
        "2025-01-01",
    )
    assert result.returncode == 2
    assert "give either --year or --effective, not both" in result.stderr
    result = medical_import(throwaway, "--kind", "quality", "--file", str(single_source), "--year", "2025")
    assert result.returncode == 0, result.stderr
    assert "imported quality: total 25, created 25, updated 0, unchanged 0" in result.stdout
    assert query(throwaway, "SELECT count(*) FROM medical_quality_measure WHERE year = 2025") == [(25,)]
    assert query(
        throwaway, "SELECT effective::text FROM medical_import_log WHERE filename = %s", single_source.name
    ) == [("2025-01-01",)]


def test_cms_remark_code_list(throwaway, shared_dir):
    """The CMS RARC list from the shell (kind rarc-codes): every code, the deactivated ones end-dated."""
    rarc = shared_dir / "cms" / "remit" / "rarc_hippo_2011.derived.tsv"
    shipped = query(throwaway, "SELECT count(*) FROM medical_remark_code")[0][0]
    result = medical_import(throwaway, "--kind", "rarc-codes", "--file", str(rarc))
    assert result.returncode == 0, result.stderr
    assert f"imported rarc-codes: total 824, created {824 - shipped}, updated " in result.stdout, (
        result.stdout
    )
    assert query(throwaway, "SELECT count(*), count(date_end) FROM medical_remark_code") == [(824, 73)]
    assert query(throwaway, "SELECT description FROM medical_remark_code WHERE code = 'M15'") == [
        (
            "Separately billed services/tests have been bundled as they are considered components of the "
            "same procedure. Separate payment is not allowed.",
        )
    ]
