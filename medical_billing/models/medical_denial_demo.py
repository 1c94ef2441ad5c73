# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data of the denials (``demo/medical_denial_demo.xml``): Samantha's visits denied by an ERA of Acme
for reasons of every category, then worked to every state of the denial workflow."""

from datetime import timedelta

from odoo import Command, api, fields, models

from ..edi.x12_835_writer import era_835, era_835_body

# (state the denial is worked to, CARC, days ago of the visit)
DEMO_DENIALS = [
    ("in_progress", "197", 40),
    ("resubmitted", "16", 42),
    ("appealed", "50", 44),
    ("transferred", "96", 46),
    ("written_off", "29", 48),
    ("won", "18", 50),
    ("lost", "151", 52),
    ("closed", "27", 54),
]


class MedicalDenial(models.Model):
    _inherit = "medical.denial"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _demo_denials(self):
        """Demo data: one denied visit per state of the workflow (the EFT ERA's denial stays new)."""
        if self.env.ref("medical_billing.remittance_denials_demo", raise_if_not_found=False):
            return
        ref = self.env.ref
        company = self.env.company
        today = fields.Date.context_today(self)
        encounters = self.env["medical.encounter"].create(
            [
                {
                    "patient_id": ref("medical_coding.patient_sam_demo").id,
                    "date_service": today - timedelta(days=days),
                    "provider_id": ref("medical_coding.provider_rivera_demo").id,
                    "facility_id": ref("medical_coding.facility_main_clinic_demo").id,
                    "diagnosis_ids": [
                        Command.create(
                            {"sequence": 1, "code_id": ref("medical_coding.code_icd_j209_demo").id}
                        )
                    ],
                    "procedure_ids": [
                        Command.create(
                            {
                                "sequence": 1,
                                "code_id": ref("medical_coding.code_cpt_99214_demo").id,
                                "units": 1,
                                "diagnosis_pointers": "A",
                                "charge_amount": 165.0,
                            }
                        )
                    ],
                }
                for _state, _carc, days in DEMO_DENIALS
            ]
        )
        encounters.action_check()
        encounters.action_create_claims()
        claims = encounters.claim_ids.sorted(lambda c: -c.date_service.toordinal())
        claims.action_validate()
        claims.action_submit()
        Remittance = self.env["medical.remittance"]
        era_claims = []
        for claim, (state, carc, _days) in zip(claims, DEMO_DENIALS, strict=True):
            line = claim.line_ids[:1]
            # the patient's share after the denial (PR) is the only one transferred to the patient
            group = "PR" if state == "transferred" else "CO"
            era_claims.append(
                Remittance._demo_era_claim(claim, "4", [(0.0, [(group, carc, line.charge_amount)])])
            )
        body = era_835_body(
            era_claims,
            trace="884420260399",
            payer_name="ACME HEALTH PLANS",
            payer_id="ACME1",
            payee_name=company.name.upper()[:60],
            payee_npi=company.medical_billing_npi,
            method="NON",
            paid_on=today - timedelta(days=30),
        )
        text = era_835([body], control=835000399, sender="ACME1", receiver="MAINSTFAMILY", line_breaks=True)
        self.env["medical.importer"].import_file("835", text.encode("ascii"), "884420260399.835")
        remittance = Remittance.search(
            [("company_id", "=", company.id), ("trace_number", "=", "884420260399")], limit=1
        )
        self.env["ir.model.data"].create(
            {
                "module": "medical_billing",
                "name": "remittance_denials_demo",
                "model": "medical.remittance",
                "res_id": remittance.id,
                "noupdate": True,
            }
        )
        biller = ref("base.user_admin")
        for claim, (state, _carc, _days) in zip(claims, DEMO_DENIALS, strict=True):
            denial = claim.denial_ids[:1]
            denial.user_id = biller
            denial.action_start()
            if state == "resubmitted":
                denial.action_resubmit()
                claim.action_submit()  # sent again in the next batch
            elif state in ("appealed", "lost"):
                denial.action_appeal()
                if state == "lost":
                    denial.action_lost()
            elif state == "transferred":
                denial.action_transfer_to_patient()
            elif state == "written_off":
                denial.action_write_off()  # above the practice's amount: asked, then approved by admin
                if denial.writeoff_requested_by_id and denial.writeoff_requested_by_id != biller:
                    denial.with_user(biller).action_approve_write_off()
            elif state == "won":
                denial.action_resubmit()
                claim.action_submit()
                denial.action_won()
            elif state == "closed":
                denial.action_close("Coverage ended before the visit: billed to the patient's new plan.")
