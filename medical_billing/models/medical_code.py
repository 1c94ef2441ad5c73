# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields, models


class MedicalCode(models.Model):
    _inherit = "medical.code"

    product_id = fields.Many2one(
        "product.product",
        string="Service Product",
        copy=False,
        ondelete="set null",
        help="The service product billed for this procedure code: its income account receives the revenue "
        "and invoice analysis groups by it. Created the first time the code is billed.",
    )

    def _get_service_products(self):
        """{code: product.product} of the codes, creating the missing service products in one batch."""
        missing = self.filtered(lambda c: not c.product_id)
        if missing:
            category = self.env.ref(
                "medical_billing.product_category_medical_services", raise_if_not_found=False
            )
            products = (
                self.env["product.product"]
                .sudo()
                .create(
                    [
                        {
                            "name": code.display_name,
                            "default_code": code.display_code or code.code,
                            "type": "service",
                            "categ_id": category.id if category else False,
                            "sale_ok": True,
                            "purchase_ok": False,
                            "list_price": 0.0,
                            # Physician services are not subject to sales tax.
                            "taxes_id": [Command.set([])],
                            "supplier_taxes_id": [Command.set([])],
                            "company_id": False,
                        }
                        for code in missing
                    ]
                )
            )
            for code, product in zip(missing, products, strict=False):
                code.sudo().product_id = product
        return {code: code.product_id for code in self}
