# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the code-set tests: users per role, small files and counters."""

import warnings

from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL


def simple_icd_10_cm():
    """The ``simple_icd_10_cm`` module (it warns about deprecated importlib calls when imported)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as module
    return module


def cpt_csv(*rows, header=True):
    """A tiny CPT file in the licensed-CSV layout, with invented descriptors (no AMA text ships)."""
    lines = ["code,short descriptor,long descriptor"] if header else []
    lines += [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


class CodeSetCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.importer = cls.env["medical.importer"]
        cls.Code = cls.env["medical.code"].with_context(active_test=False)
        cls.manager = new_test_user(
            cls.env, login="cs_manager", groups="base.group_user,medical_coding.medical_coding_group_manager"
        )
        cls.coder = new_test_user(
            cls.env, login="cs_coder", groups="base.group_user,medical_coding.medical_coding_group_coder"
        )

    def count(self, system, where="TRUE", params=()):
        """Rows of ``system`` in the table, counted in SQL (what the bulk writer really wrote)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT count(*) FROM medical_code WHERE system = %s AND (%s)", system, SQL(where, *params))
        )
        return self.env.cr.fetchone()[0]

    def code(self, system, code):
        return self.Code.search([("system", "=", system), ("code", "=", code)])

    def snapshot(self):
        """Every code with its descriptions and dates, to prove a refused file changed nothing."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT system, code, name, description, billable, parent_id, date_start, date_end, write_date"
            "  FROM medical_code ORDER BY id"
        )
        rows = self.env.cr.fetchall()
        self.env.cr.execute("SELECT count(*) FROM medical_import_log")
        return rows, self.env.cr.fetchone()[0]
