# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The patient statement in the customer portal: the signed link of the statement (no account needed)."""

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class StatementPortal(CustomerPortal):
    @http.route(["/my/statements/<int:statement_id>"], type="http", auth="public", website=False)
    def portal_medical_statement(
        self, statement_id, access_token=None, report_type=None, download=False, **kw
    ):
        try:
            statement = self._document_check_access("medical.statement", statement_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._show_report(
            model=statement,
            report_type=report_type if report_type in ("html", "pdf") else "html",
            report_ref="medical_billing.action_report_medical_statement",
            download=download,
        )
