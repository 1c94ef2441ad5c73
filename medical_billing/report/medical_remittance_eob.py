# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models
from odoo.exceptions import AccessError

from ..edi.rarc_codes import split_remark_codes


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
        known = self._remark_descriptions(rclaim)
        lines = [
            {
                "line": line,
                "remarks": [(code, known.get(code, False)) for code in split_remark_codes(line.remark_codes)],
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
            "remarks": self._remarks(rclaim, known),
        }

    @api.model
    def _remark_descriptions(self, rclaim):
        """``{code: description}`` of the remark codes the claim and its lines link (those of the list)."""
        linked = rclaim.sudo().remark_code_ids | rclaim.sudo().line_ids.remark_code_ids
        return {remark.code: remark.description for remark in linked}

    @api.model
    def _remarks(self, rclaim, known):
        """``[(code, description or False)]`` of the remark codes of the claim (MOA / MIA) and of its lines
        (LQ*HE), each once, in the payer's order."""
        remarks = {}
        for record in [rclaim, *rclaim.line_ids]:
            for code in split_remark_codes(record.remark_codes):
                remarks.setdefault(code, known.get(code, False))
        return list(remarks.items())
