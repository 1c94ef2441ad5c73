# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data of the remittances (``demo/medical_remittance_demo.xml``): 835 files written with the project's
835 writer for the demo claims, imported and posted like a clearinghouse drop, and the bank deposit of the
EFT one on the bank statement (matched with the remittance)."""

from datetime import timedelta

from odoo import api, fields, models

from ..edi.x12_835_writer import EraClaim, EraService, era_835, era_835_body
from ..tools.person_name import split_person_name


class MedicalRemittance(models.Model):
    # One file per concern of the remittance (see medical_remittance.py), merged by Odoo into one model.
    _inherit = "medical.remittance"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _demo_post_remittance(self, xml_id, payment, claims):
        """Demo data: import (and so post) an ERA of the demo payer and give its remittance the xml id
        ``medical_billing.<xml_id>``.

        ``payment``: {"trace", "method" (ACH / CHK), "days_ago", "payer_name", "payer_id"}; ``claims``: one
        (claim xml id, CLP02 status, [(paid, [(group, reason, amount)]) per claim line in line order]) per
        claim paid. A reversal (status 22) takes the earlier payment's amounts with opposite signs.
        """
        if self.env.ref(f"medical_billing.{xml_id}", raise_if_not_found=False):
            return
        company = self.env.company
        era_claims = []
        for claim_xml_id, status, lines in claims:
            claim = self.env.ref(f"medical_billing.{claim_xml_id}")
            era_claims.append(self._demo_era_claim(claim, status, lines))
        paid_on = fields.Date.context_today(self) - timedelta(days=payment["days_ago"])
        body = era_835_body(
            era_claims,
            trace=payment["trace"],
            payer_name=payment["payer_name"],
            payer_id=payment["payer_id"],
            payee_name=company.name.upper()[:60],
            payee_npi=company.medical_billing_npi,
            method=payment["method"],
            paid_on=paid_on,
        )
        text = era_835(
            [body],
            control=payment["control"],
            sender=payment["payer_id"],
            receiver="MAINSTFAMILY",
            created=fields.Datetime.now(),
            line_breaks=True,
        )
        self.env["medical.importer"].import_file("835", text.encode("ascii"), f"{payment['trace']}.835")
        remittance = self.search(
            [("company_id", "=", company.id), ("trace_number", "=", payment["trace"])], limit=1
        )
        self.env["ir.model.data"].create(
            {
                "module": "medical_billing",
                "name": xml_id,
                "model": self._name,
                "res_id": remittance.id,
                "noupdate": True,
            }
        )

    @api.model
    def _demo_era_claim(self, claim, status, lines):
        """The CLP of a demo claim: its lines' SVCs with the paid amounts and adjustments of ``lines``."""
        sign = -1 if status == "22" else 1
        services = []
        patient_amount = 0.0
        for line, (paid, adjustments) in zip(claim.line_ids.sorted("sequence"), lines, strict=True):
            services.append(
                EraService(
                    code=line.code_id.code,
                    charge=sign * line.charge_amount,
                    paid=sign * paid,
                    modifiers=tuple(line._modifiers().mapped("code")),
                    date_service=claim.date_service,
                    adjustments=[(group, reason, sign * amount) for group, reason, amount in adjustments],
                    allowed=None
                    if status == "22"
                    else paid + sum(a for g, _r, a in adjustments if g == "PR"),
                )
            )
            patient_amount += sum(sign * amount for group, _r, amount in adjustments if group == "PR")
        last, first = split_person_name(claim.patient_id.name)[:2]
        return EraClaim(
            pcn=claim.patient_control_number,
            charge=sign * claim.amount_total,
            paid=round(sum(service.paid for service in services), 2),
            status=status,
            patient_amount=round(patient_amount, 2),
            payer_claim_number=f"ACME-{claim.date_service:%Y}-{claim.id:06d}",
            services=services,
            patient=(last.upper(), first.upper()),
            member_id=claim.member_id or "UNKNOWN",
        )

    @api.model
    def _demo_bank_deposit(self, remittance_xml_id, xml_id, label):
        """Demo data: the bank statement line of a remittance's deposit, a day after the payment (created
        like an imported one, so it is matched with the remittance at once)."""
        if self.env.ref(f"medical_billing.{xml_id}", raise_if_not_found=False):
            return
        remittance = self.env.ref(f"medical_billing.{remittance_xml_id}")
        journal = remittance.company_id._medical_deposit_journal()
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": journal.id,
                "date": remittance.date_payment + timedelta(days=1),
                "amount": remittance.amount,
                "payment_ref": label,
            }
        )
        self.env["ir.model.data"].create(
            {
                "module": "medical_billing",
                "name": xml_id,
                "model": st_line._name,
                "res_id": st_line.id,
                "noupdate": True,
            }
        )
