# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models
from odoo.exceptions import AccessError


class ReportRemittanceEob(models.AbstractModel):
    """The explanation of benefits of one remittance claim, for the patient file: the payer's payment,
    service line by service line, with its adjustments and what the patient owes."""

    _name = "report.medical_billing.report_remittance_eob"
    _description = "Explanation of Benefits (835)"

    @api.model
    def _get_report_values(self, docids, data=None):
        # The EOB names the patient and the services: for the billing staff only, whoever asks for it.
        if not (self.env.su or self.env.user.has_group("medical_coding.medical_coding_group_biller")):
            raise AccessError(_("Only billers and medical managers may print explanations of benefits."))
        rclaims = self.env["medical.remittance.claim"].browse(docids)
        rclaims.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "medical.remittance.claim",
            "docs": rclaims,
            "eobs": [self._eob(rclaim) for rclaim in rclaims],
        }

    @api.model
    def _eob(self, rclaim):
        """The values of one EOB: the lines with their adjustments, the claim-level adjustments apart."""
        adjustments = rclaim.adjustment_ids
        lines = [
            {
                "line": line,
                "adjustments": line.adjustment_ids,
                "patient": sum(line.adjustment_ids.filtered(lambda a: a.group_code == "PR").mapped("amount")),
            }
            for line in rclaim.line_ids
        ]
        claim_level = adjustments.filtered(lambda a: not a.line_id)
        return {
            "rclaim": rclaim,
            "remittance": rclaim.remittance_id,
            "company": rclaim.company_id,
            "lines": lines,
            "claim_adjustments": claim_level,
            "patient_total": sum(adjustments.filtered(lambda a: a.group_code == "PR").mapped("amount")),
            "allowed_total": sum(rclaim.line_ids.mapped("allowed_amount")),
            "remarks": ", ".join(
                code for code in [rclaim.remark_codes, *rclaim.line_ids.mapped("remark_codes")] if code
            ),
        }
