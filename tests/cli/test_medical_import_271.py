# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``odoo-bin medical_import --kind 271``: the eligibility responses go through the same command."""

from test_medical_import_command import medical_import, query, throwaway  # noqa: F401 - the fixture


def test_271_kind_is_listed_and_a_foreign_file_is_refused(throwaway, tmp_path):  # noqa: F811
    result = medical_import(throwaway, "--help")
    assert result.returncode == 0, result.stderr
    assert "  271 " in result.stdout and "271 eligibility response" in result.stdout
    answer = tmp_path / "answer.271"
    answer.write_bytes(b"ISA*00*not really an interchange~")
    result = medical_import(throwaway, "--kind", "271", "--file", str(answer))
    assert result.returncode == 1
    assert "answer.271 was refused, nothing was changed." in result.stderr
    assert "segment 1 (ISA): truncated interchange header" in result.stderr
    assert query(throwaway, "SELECT state FROM medical_import_log WHERE kind = '271'") == [("refused",)]
