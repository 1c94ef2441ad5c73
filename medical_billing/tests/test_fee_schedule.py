# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import MedicalBillingCommon


@tagged("post_install", "-at_install")
class TestFeeSchedule(MedicalBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cpt_99213 = cls.codes["cpt_99213"]
        cls.cpt_20610 = cls.codes["cpt_20610"]
        cls.mod_50 = cls.codes["mod_50"]
        cls.mod_rt = cls.codes["mod_rt"]
        cls.payer = cls.env["res.partner"].create(
            {"name": "Fee Test Payer", "is_payer": True, "is_company": True}
        )
        # Fresh schedules for these tests: the common ones are archived.
        (cls.charge_master | cls.contract).active = False
        cls.charge_master = cls.env["medical.fee.schedule"].create(
            {
                "name": "Charge master",
                "schedule_type": "charge",
                "line_ids": [
                    Command.create(
                        {"code_id": cls.cpt_99213.id, "amount": 120.0, "date_end": date(2025, 12, 31)}
                    ),
                    Command.create(
                        {"code_id": cls.cpt_99213.id, "amount": 130.0, "date_start": date(2026, 1, 1)}
                    ),
                    Command.create({"code_id": cls.cpt_20610.id, "amount": 200.0}),
                    Command.create(
                        {"code_id": cls.cpt_20610.id, "modifier_id": cls.mod_50.id, "amount": 300.0}
                    ),
                ],
            }
        )
        cls.contract = cls.env["medical.fee.schedule"].create(
            {
                "name": "Acme contract",
                "schedule_type": "contract",
                "payer_id": cls.payer.id,
                "date_start": date(2026, 1, 1),
                "line_ids": [Command.create({"code_id": cls.cpt_99213.id, "amount": 88.5})],
            }
        )

    def rates(self, items, payer=None, company=None):
        return self.env["medical.fee.schedule"]._get_rates(company or self.env.company, items, payer=payer)

    def test_charge_master_by_date_and_modifier(self):
        no_mod = self.env["medical.code"]
        rates = self.rates(
            [
                ("old", self.cpt_99213, no_mod, date(2025, 6, 1)),
                ("new", self.cpt_99213, no_mod, date(2026, 6, 1)),
                ("plain", self.cpt_20610, self.mod_rt, date(2026, 6, 1)),
                ("bilateral", self.cpt_20610, self.mod_rt | self.mod_50, date(2026, 6, 1)),
            ]
        )
        self.assertEqual(rates, {"old": 120.0, "new": 130.0, "plain": 200.0, "bilateral": 300.0})

    def test_contract_rates(self):
        no_mod = self.env["medical.code"]
        items = [
            ("before", self.cpt_99213, no_mod, date(2025, 6, 1)),
            ("in", self.cpt_99213, no_mod, date(2026, 6, 1)),
            ("unpriced", self.cpt_20610, no_mod, date(2026, 6, 1)),
        ]
        self.assertEqual(self.rates(items, payer=self.payer), {"in": 88.5})
        other_payer = self.payer.copy({"name": "Other"})
        self.assertEqual(self.rates(items, payer=other_payer), {})

    def test_archived_and_other_company_schedules_ignored(self):
        no_mod = self.env["medical.code"]
        item = [("k", self.cpt_20610, no_mod, date(2026, 6, 1))]
        other = self.setup_other_company()["company"]
        self.assertEqual(self.rates(item, company=other), {})
        self.charge_master.active = False
        self.assertEqual(self.rates(item), {})

    def test_service_products_created_once(self):
        codes = self.cpt_99213 | self.cpt_20610
        products = codes._get_service_products()
        self.assertEqual(len(set(products.values())), 2)
        product = products[self.cpt_99213]
        self.assertEqual(product.type, "service")
        self.assertFalse(product.taxes_id)
        self.assertFalse(product.company_id)
        self.assertEqual(product.default_code, "99213")
        self.assertEqual(codes._get_service_products()[self.cpt_99213], product)
        self.assertEqual(
            product.product_tmpl_id.get_product_accounts()["income"],
            self.env.company._medical_income_account(),
        )
