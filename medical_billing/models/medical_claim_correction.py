# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Corrections of a claim (``medical.claim``): back to draft, cancel before the payer has it, and the
replacement (frequency 7) or void (frequency 8) once it has."""

from odoo import _, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.models.workflow import workflow_action

from .medical_claim import AT_PAYER_STATES


class MedicalClaim(models.Model):
    # One file per concern of the claim (see medical_claim.py), merged by Odoo into one model.
    _inherit = "medical.claim"  # pylint: disable=consider-merging-classes-inherited

    @workflow_action
    def action_reset_draft(self):
        """Back to draft to correct a claim the payer has not adjudicated (ready or rejected).

        Its invoice goes back to draft too (and is posted again at validation), unless payments are on it.
        """
        self._lock_for_update()
        if any(c.state not in ("ready", "rejected") for c in self):
            raise UserError(_("Only ready or rejected claims go back to draft; correct the others."))
        self._check_entries_resettable()
        if any(c.payment_state not in ("not_paid", "invoicing_legacy") for c in self):
            raise UserError(
                _("A payment is reconciled with this claim's invoice: correct the claim instead.")
            )
        self._check_no_live_next_payer()
        # The dates stay: revalidation posts the same invoice, in its period, under its number.
        (self.invoice_id | self.transfer_move_id).filtered(lambda m: m.state == "posted").button_draft()
        self.write({"state": "draft"})
        return True

    @workflow_action
    def action_cancel(self):
        """Cancel claims the payer never received; their encounters can be billed again."""
        self._lock_for_update()
        if any(c.state not in ("draft", "ready", "rejected") for c in self):
            raise UserError(_("A claim the payer received is corrected by a void, not cancelled."))
        if any(c.frequency == "8" for c in self):
            raise UserError(_("A void cannot be cancelled: its original claim is already voided."))
        if any(c.frequency == "7" and c.state != "draft" for c in self):
            raise UserError(
                _("A validated replacement has taken its original's place: reset it to draft to correct it.")
            )
        for claim in self.filtered(lambda c: c.frequency == "7" and c.original_claim_id.state == "replaced"):
            # Its original was taken out of the books when it was validated, while the payer holds it.
            raise UserError(
                _(
                    "Claim %(claim)s took the place of claim %(original)s in the books when it was "
                    "validated: validate it again and send it, it cannot be cancelled.",
                    claim=claim.patient_control_number,
                    original=claim.original_claim_id.patient_control_number,
                )
            )
        self._check_entries_resettable()
        invoices = self.invoice_id
        if any(c.payment_state not in ("not_paid", "invoicing_legacy") for c in self):
            raise UserError(_("A payment is reconciled with this claim's invoice: void the claim instead."))
        self._check_no_live_next_payer()
        # The balance moved from the previous payer goes back to it.
        invoices |= self.transfer_move_id
        invoices.filtered(lambda m: m.state == "posted").button_draft()
        invoices.filtered(lambda m: m.state == "draft").button_cancel()
        self.write({"state": "cancel"})
        self._release_encounters()
        return True

    # ------------------------------------------------------------------ actions: corrections

    def action_replace(self):
        """Start a corrected claim (frequency 7) replacing this one at the payer.

        The copy is a draft: correct it, then validate it. Only then the original is marked replaced and
        its invoice reversed, and the corrected charges invoiced.
        """
        self._lock_for_update()
        self.ensure_one()
        self._check_correctable()
        self._check_no_live_next_payer()
        replacement = self.copy(
            {
                "frequency": "7",
                "original_claim_id": self.id,
                "payer_claim_control_number": self.payer_claim_control_number,
                "primary_claim_id": self.primary_claim_id.id,
            }
        )
        if self.primary_claim_id:
            # A next payer's claim: its replacement bills the same balance the previous payer left.
            sources = self.line_ids.sorted(lambda ln: (ln.sequence, ln.id))
            copies = replacement.line_ids.sorted(lambda ln: (ln.sequence, ln.id))
            for source, line in zip(sources, copies, strict=True):
                line.primary_line_id = source.primary_line_id
        self.message_post(body=_("Replacement claim %s started.", replacement._get_html_link()))
        return replacement.get_formview_action()

    @workflow_action
    def action_void(self):
        """Void claims at the payer: a frequency 8 claim to send, and a credit note reversing the invoice."""
        self._lock_for_update()
        self._check_correctable()
        self._check_no_live_next_payer()
        voids = self.env["medical.claim"]
        for claim in self:
            voids |= claim.copy(
                {
                    "frequency": "8",
                    "original_claim_id": claim.id,
                    "payer_claim_control_number": claim.payer_claim_control_number,
                }
            )
        self._reverse_invoices(_("Void of claim %s"))
        self.write({"state": "voided"})
        # A void has no charges of its own: it goes to the payer as is.
        voids.write({"state": "ready"})
        for claim, void in zip(self, voids, strict=True):
            claim.message_post(body=_("Voided by claim %s.", void._get_html_link()))
        self._release_encounters()
        if len(voids) == 1:
            return voids.get_formview_action()
        return True

    def _check_correctable(self):
        for claim in self:
            if claim.state not in AT_PAYER_STATES:
                raise UserError(
                    _(
                        "Claim %(claim)s has not been received by the payer: reset it to draft or cancel it.",
                        claim=claim.patient_control_number,
                    )
                )
            if claim.frequency == "8":
                raise UserError(_("A void cannot be corrected."))
            if not claim.payer_claim_control_number:
                raise UserError(
                    _(
                        "Claim %(claim)s has no payer claim number: record it (from the acknowledgement "
                        "or the remittance) first, a replacement or void must quote it.",
                        claim=claim.patient_control_number,
                    )
                )

    def _release_encounters(self):
        """Encounters of cancelled or voided claims can be billed again (or cancelled), when no other
        live claim bills them."""
        encounters = self.encounter_id
        live = self.search(
            [
                ("encounter_id", "in", encounters.ids),
                ("state", "not in", ("cancel", "replaced", "voided")),
                ("frequency", "!=", "8"),
            ]
        )
        free = encounters - live.encounter_id
        if free:
            free.sudo().write({"state": "checked"})
            free._message_log_batch(
                dict.fromkeys(
                    free.ids, _("Its claim was cancelled or voided: the encounter can be billed again.")
                )
            )
