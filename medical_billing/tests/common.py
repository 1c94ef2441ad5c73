# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shared fixtures of the medical_billing tests: a practice (company with the generic chart, NPI, tax id,
address), codes, a payer with a contract, a patient with a primary coverage, a charge master, and helpers
that build checked encounters and claims."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.medical_coding.edits.npi import complete_npi

CODES = [
    # (key, system, code, name)
    ("dx_bronchitis", "icd10cm", "J209", "Acute bronchitis, unspecified"),
    ("dx_knee", "icd10cm", "M1711", "Unilateral primary osteoarthritis, right knee"),
    ("cpt_99213", "cpt", "99213", "CPT 99213"),
    ("cpt_20610", "cpt", "20610", "CPT 20610"),
    ("cpt_96372", "cpt", "96372", "CPT 96372"),
    ("hcpcs_j1100", "hcpcs", "J1100", "Dexamethasone sodium phosphate, 1 mg"),
    ("mod_25", "modifier", "25", "Significant, separately identifiable E/M service"),
    ("mod_rt", "modifier", "RT", "Right side"),
    ("mod_50", "modifier", "50", "Bilateral procedure"),
    ("pos_11", "pos", "11", "Office"),
]


class MedicalBillingCommon(AccountTestInvoicingCommon):
    """AccountTestInvoicingCommon whose user is also a medical manager (configures and bills)."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("medical_coding.medical_coding_group_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["medical.claim"])
        cls.dos = cls.today - timedelta(days=10)
        cls.state_ca = cls.env.ref("base.state_us_5")
        cls.us = cls.env.ref("base.us")
        cls.codes = cls._ensure_codes()
        cls.practice = cls.env.company
        cls._setup_practice(cls.practice)
        cls.payer = cls.env["res.partner"].create(
            {
                "name": "Acme Health",
                "is_company": True,
                "is_payer": True,
                "payer_code": "ACME1",
                "claim_filing_indicator": "CI",
                "timely_filing_days": 180,
                "street": "1 Payer Plaza",
                "city": "Hartford",
                "zip": "06103",
                "state_id": cls.env.ref("base.state_us_7").id,
                "country_id": cls.us.id,
            }
        )
        cls.provider = cls.env["res.partner"].create(
            {
                "name": "Dr Test Provider",
                "is_provider": True,
                "npi": "1234567893",
                "taxonomy_code": "207Q00000X",
            }
        )
        cls.patient = cls._make_patient("Test Patient One")
        cls.coverage = cls._make_coverage(cls.patient)
        cls.charge_master = cls.env["medical.fee.schedule"].create(
            {
                "name": "Charge master",
                "schedule_type": "charge",
                "line_ids": [
                    Command.create({"code_id": cls.codes["cpt_99213"].id, "amount": 100.0}),
                    Command.create({"code_id": cls.codes["cpt_20610"].id, "amount": 200.0}),
                    Command.create(
                        {
                            "code_id": cls.codes["cpt_20610"].id,
                            "modifier_id": cls.codes["mod_50"].id,
                            "amount": 300.0,
                        }
                    ),
                    Command.create({"code_id": cls.codes["hcpcs_j1100"].id, "amount": 5.0}),
                    Command.create({"code_id": cls.codes["cpt_96372"].id, "amount": 40.0}),
                ],
            }
        )
        cls.contract = cls.env["medical.fee.schedule"].create(
            {
                "name": "Acme contract",
                "schedule_type": "contract",
                "payer_id": cls.payer.id,
                "line_ids": [
                    Command.create({"code_id": cls.codes["cpt_99213"].id, "amount": 72.5}),
                    Command.create({"code_id": cls.codes["cpt_20610"].id, "amount": 150.0}),
                ],
            }
        )
        cls.income = cls.practice._medical_income_account()

    @classmethod
    def _ensure_codes(cls):
        Code = cls.env["medical.code"].with_context(active_test=False)
        existing = {(c.system, c.code): c for c in Code.search([("code", "in", [v[2] for v in CODES])])}
        codes = {}
        for key, system, code, name in CODES:
            record = existing.get((system, code))
            values = {"name": name, "billable": True, "date_start": False, "date_end": False, "active": True}
            if record:
                record.write(values)
            else:
                record = Code.create({"system": system, "code": code, **values})
            codes[key] = record
        return codes

    @classmethod
    def _setup_practice(cls, company):
        company.write(
            {
                "medical_billing_npi": complete_npi("123456789"),
                "medical_tax_id": "12-3456789",
                "medical_taxonomy_code": "207Q00000X",
                "street": "10 Practice Way",
                "city": "Sacramento",
                "state_id": cls.state_ca.id,
                "zip": "95814",
                "country_id": cls.us.id,
            }
        )

    @classmethod
    def _make_patient(cls, name, company=None):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_patient": True,
                "company_id": (company or cls.env.company).id,
                "birthdate": "1970-05-17",
                "gender": "f",
                "street": "1 Main Street",
                "city": "Sacramento",
                "state_id": cls.state_ca.id,
                "zip": "95814",
                "country_id": cls.us.id,
            }
        )

    @classmethod
    def _make_coverage(cls, patient, payer=None, **values):
        """A coverage whose eligibility the front desk found active (by phone) from its first day on."""
        date_start = values.get("date_start") or cls.dos - timedelta(days=365)
        checks = [Command.create({"result": "active", "date_service": date_start, "reference": "PHONE"})]
        return cls.env["medical.coverage"].create(
            {
                "eligibility_ids": checks,
                "patient_id": patient.id,
                "payer_id": (payer or cls.payer).id,
                "company_id": patient.company_id.id,
                "plan_name": "Acme PPO",
                "member_id": "ACM123456789",
                "group_number": "GRP001",
                "relationship": "18",
                "priority": "primary",
                "date_start": cls.dos - timedelta(days=365),
                "copay_amount": 25.0,
                **values,
            }
        )

    @classmethod
    def make_encounter(
        cls, patient=None, lines=None, diagnoses=("dx_knee", "dx_bronchitis"), check=True, **values
    ):
        """A checked encounter. ``lines``: (code key, [modifier keys], units, pointers[, charge])."""
        if lines is None:
            lines = [("cpt_99213", ["mod_25"], 1, "B"), ("cpt_20610", ["mod_rt"], 1, "A")]
        procedure_cmds = []
        for index, line in enumerate(lines, start=1):
            code, modifiers, units, pointers = line[:4]
            vals = {
                "sequence": index,
                "code_id": cls.codes[code].id,
                "units": units,
                "diagnosis_pointers": pointers,
            }
            for position, modifier in enumerate(modifiers, start=1):
                vals[f"modifier{position}_id"] = cls.codes[modifier].id
            if len(line) > 4:
                vals["charge_amount"] = line[4]
            procedure_cmds.append(Command.create(vals))
        patient = patient or cls.patient
        encounter = cls.env["medical.encounter"].create(
            {
                "patient_id": patient.id,
                "company_id": patient.company_id.id,
                "date_service": cls.dos,
                "provider_id": cls.provider.id,
                "place_of_service_id": cls.codes["pos_11"].id,
                "diagnosis_ids": [
                    Command.create({"sequence": index, "code_id": cls.codes[code].id})
                    for index, code in enumerate(diagnoses, start=1)
                ],
                "procedure_ids": procedure_cmds,
                **values,
            }
        )
        if check:
            encounter.action_check()
            assert encounter.state == "checked", encounter.finding_ids.mapped("message")
        return encounter

    @classmethod
    def make_claim(cls, **encounter_values):
        """A draft claim of a new checked encounter."""
        encounter = cls.make_encounter(**encounter_values)
        encounter.action_create_claims()
        return encounter.claim_ids

    def assertMoveLines(self, move, expected):
        """``expected``: (account, partner, debit, credit) tuples in any order; debits must equal credits."""
        actual = sorted(
            (line.account_id.id, line.partner_id.id, line.debit, line.credit) for line in move.line_ids
        )
        wanted = sorted(
            (account.id, partner.id, debit, credit) for account, partner, debit, credit in expected
        )
        self.assertEqual(actual, wanted)
        self.assertAlmostEqual(
            sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit")), places=2
        )

    def assertReceivablesMatchClaims(self, partners):
        """Each partner's open receivable equals the open balances of the claims billing it."""
        for partner in partners:
            lines = self.env["account.move.line"].search(
                [
                    ("partner_id", "=", partner.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                ]
            )
            claims = self.env["medical.claim"].search([("payer_id", "=", partner.id)])
            self.assertAlmostEqual(
                sum(lines.mapped("amount_residual")), sum(claims.mapped("amount_residual")), places=2
            )

    @classmethod
    def make_user(cls, login, groups, company=None):
        company = company or cls.env.company
        return new_test_user(
            cls.env,
            login,
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
