# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Batches of patient documents (the paper statements of a run, the deposit slips of a day) as one PDF,
also with the wkhtmltopdf of the Linux distributions (built without the patched Qt): that one cannot print
several documents in one run ("Exit with code 1, due to unknown error", no file), so each document is
printed alone and Odoo merges them, in the order asked (the mailing order)."""

import functools
import subprocess
from collections import OrderedDict

from odoo import models
from odoo.tools.misc import find_in_path

ONE_BY_ONE = {
    "medical_billing.report_medical_statement",
    "medical_billing.report_medical_patient_deposit",
}


@functools.cache
def wkhtmltopdf_patched():
    """Whether the wkhtmltopdf of this machine is built with the patched Qt (prints several documents)."""
    try:
        version = subprocess.run(
            [find_in_path("wkhtmltopdf"), "--version"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "patched qt" in version.lower()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        report = self._get_report(report_ref)
        if (
            report.report_name in ONE_BY_ONE
            and res_ids
            and len(res_ids) > 1
            and len(set(res_ids)) == len(res_ids)
            and not wkhtmltopdf_patched()
        ):
            streams = OrderedDict()
            for res_id in res_ids:
                streams.update(super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=[res_id]))
            return streams
        return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
