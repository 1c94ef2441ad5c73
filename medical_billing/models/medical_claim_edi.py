# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Electronic claims (``medical.claim``): the 837P batches that carry a claim, the findings an
acknowledgement (999 / 277CA) leaves on it, and the company check of what the 837P and CMS-1500 put out."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Findings written when an acknowledgement turns a claim back: code -> (title, severity).
ACK_EDITS = {
    "ACK_999_REJECTED": ("Rejected by the receiver's 999 (file syntax)", "error"),
    "ACK_277CA_REJECTED": ("Rejected by the 277CA claim acknowledgement", "error"),
}
# Links of a claim the CMS-1500 and the 837P read (as superuser): checked for their company first.
LINKS_PUT_OUT = (
    "patient_id",
    "coverage_id",
    "payer_id",
    "billing_provider_id",
    "rendering_provider_id",
    "referring_provider_id",
    "facility_id",
    "prior_authorization_id",
    "encounter_id",
    "primary_claim_id",
    "original_claim_id",
)


class MedicalClaim(models.Model):
    # One file per concern of the claim (see medical_claim.py), merged by Odoo into one model.
    _inherit = "medical.claim"  # pylint: disable=consider-merging-classes-inherited

    batch_ids = fields.Many2many(
        "medical.claim.batch",
        "medical_claim_batch_claim_rel",
        "claim_id",
        "batch_id",
        string="837P Batches",
        readonly=True,
        copy=False,
        check_company=True,
    )
    batch_id = fields.Many2one(
        "medical.claim.batch",
        string="Last Batch",
        compute="_compute_batch_id",
        store=True,
        index="btree_not_null",
        check_company=True,
        help="The 837P batch that carried (or will carry) this claim last.",
    )
    edi_transaction_number = fields.Char(
        string="Transaction Set",
        readonly=True,
        copy=False,
        help="ST02 of the transaction set of the 837P file that carried the claim last: the 999 "
        "acknowledgement answers per transaction set.",
    )
    clearinghouse_trace_number = fields.Char(
        readonly=True, copy=False, help="The clearinghouse's id of the claim (277CA REF*D9)."
    )

    @api.depends("batch_ids")
    def _compute_batch_id(self):
        for claim in self:
            claim.batch_id = max(claim.batch_ids.ids) if claim.batch_ids else False

    # ------------------------------------------------------------------ actions

    def action_add_to_batch(self):
        """Put ready claims into the draft 837P batch of their receiver (created when there is none)."""
        batches = self.env["medical.claim.batch"]._add_claims_to_batches(self, strict=True)
        return batches._action_open()

    def action_view_batch(self):
        self.ensure_one()
        return self.batch_id._action_open()

    # ------------------------------------------------------------------ acknowledgements and output

    def _add_ack_findings(self, edit_code, messages):
        """Record why an acknowledgement turned claims back: ``messages`` is {claim id: text}.

        A finding on the claim (the work queue shows it) and a note in its chatter.
        """
        findings = []
        for claim in self:
            message = messages.get(claim.id)
            if not message:
                continue
            if claim.encounter_id:
                findings.append(
                    {
                        "claim_id": claim.id,
                        "encounter_id": claim.encounter_id.id,
                        "company_id": claim.company_id.id,
                        "edit_code": edit_code,
                        "severity": ACK_EDITS[edit_code][1],
                        "message": message,
                    }
                )
        if findings:
            self.env["medical.edit.finding"].sudo().create(findings)
        self._message_log_batch(
            {claim.id: messages[claim.id] for claim in self if messages.get(claim.id)},
        )

    def _check_linked_companies(self):
        """Refuse to print or send a claim linked to a record of another practice.

        Links are company-checked when written; this also stops data that got there another way, before the
        CMS-1500 and the 837P read the links (of the claim, its coverage and the claims of the payers before)
        as superuser. The message names the claims by number only.
        """
        claims = self.sudo()
        todo = claims.primary_claim_id - claims
        while todo:
            claims |= todo
            todo = todo.primary_claim_id - claims
        foreign = claims._medical_foreign_links(LINKS_PUT_OUT)
        foreign_coverages = claims.coverage_id._medical_foreign_links()
        fields_by_claim = {}
        for claim, name in foreign:
            fields_by_claim.setdefault(claim.id, []).append(claim._fields[name]._description_string(self.env))
        for coverage, name in foreign_coverages:
            label = _("coverage's %(field)s", field=coverage._fields[name]._description_string(self.env))
            for claim in claims.filtered(lambda c, cov=coverage: c.coverage_id == cov):
                fields_by_claim.setdefault(claim.id, []).append(label)
        if not fields_by_claim:
            return
        lines = []
        for claim in self.sudo():
            found, previous, seen = [], claim, set()
            while previous and previous.id not in seen:
                seen.add(previous.id)
                found += fields_by_claim.get(previous.id, [])
                previous = previous.primary_claim_id
            if found:
                lines.append(
                    _(
                        "- %(claim)s: %(fields)s.",
                        claim=claim.patient_control_number,
                        fields=", ".join(dict.fromkeys(found)),
                    )
                )
        raise UserError(
            _(
                "These claims are linked to records of another practice; they are neither printed nor sent. "
                "Correct them first.\n%(claims)s",
                claims="\n".join(lines[:20]),
            )
        )
