# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The denial actions that go back to the payer: a corrected claim (frequency 7, replacing the denied one)
or the same claim resubmitted as is. The denial follows the claim: it is won when a remittance pays it."""

from odoo import _, fields, models

from odoo.addons.medical_coding.models.workflow import workflow_action


class MedicalDenial(models.Model):
    _inherit = "medical.denial"  # pylint: disable=consider-merging-classes-inherited

    replacement_claim_id = fields.Many2one(
        "medical.claim",
        string="Corrected Claim",
        readonly=True,
        copy=False,
        check_company=True,
        help="The frequency-7 claim replacing the denied one: the denial is won when it is paid.",
    )

    @workflow_action
    def action_corrected_claim(self):
        """Start a corrected claim (frequency 7, quoting the payer's claim number) pre-filled from the
        denied claim; its validation re-runs the coding and payer edits. The denial follows it."""
        self._check_biller()
        self.ensure_one()
        self._check_state(("new", "in_progress"), _("Only a denial being worked can get a corrected claim"))
        claim = self.claim_id
        claim.action_replace()
        replacement = self.env["medical.claim"].search(
            [("original_claim_id", "=", claim.id), ("frequency", "=", "7")], order="id desc", limit=1
        )
        self.write({"replacement_claim_id": replacement.id, "state": "resubmitted"})
        self.message_post(body=_("Corrected claim %s started.", replacement._get_html_link()))
        return replacement.get_formview_action()

    def _followed_claim(self):
        self.ensure_one()
        return self.replacement_claim_id or self.claim_id


class MedicalClaim(models.Model):
    _inherit = "medical.claim"  # pylint: disable=consider-merging-classes-inherited

    @workflow_action
    def action_resubmit_as_is(self):
        """Send a denied claim again unchanged (the payer erred): back to ready, collected by the next 837P
        batch; its invoice stays posted (the payer still owes it)."""
        self._move_state(
            ("denied", "partial"),
            {"state": "ready", "date_submitted": False, "edi_transaction_number": False},
            _("Only a denied or partially paid claim is resubmitted as is."),
        )
        for claim in self:
            claim.message_post(
                body=_("Resubmitted as is after the payer's denial: ready for the next batch.")
            )
        return True

    @workflow_action
    def _sync_from_remittances(self, new_rclaims):
        result = super()._sync_from_remittances(new_rclaims)
        self._close_won_denials()
        return result

    def _close_won_denials(self):
        """Resubmitted denials whose claim (or corrected claim) is now paid are won."""
        if not self:
            return
        denials = self.env["medical.denial"].search(
            [
                ("state", "=", "resubmitted"),
                "|",
                ("replacement_claim_id", "in", self.ids),
                "&",
                ("replacement_claim_id", "=", False),
                ("claim_id", "in", self.ids),
            ]
        )
        won = denials.filtered(lambda d: d._followed_claim().state == "paid")
        if won:
            won.write({"state": "won", "date_closed": fields.Date.context_today(self)})
            for denial in won:
                denial.message_post(
                    body=_("Won: claim %s paid.", denial._followed_claim().patient_control_number)
                )
