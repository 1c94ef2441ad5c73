# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How a billed charge becomes one invoice line: its quantity and unit price, at no tax."""

from odoo import Command


def invoice_quantity_price(line):
    """(quantity, unit price) of the invoice line billing ``line``'s charge exactly.

    ``line`` is one record with ``units``, ``charge_amount`` and ``currency_id`` (a claim line or an encounter
    procedure billed to the patient).
    """
    line.ensure_one()
    digits = line.env["decimal.precision"].precision_get("Product Price")
    if line.units and float(line.units).is_integer():
        price = round(line.charge_amount / line.units, digits)
        if line.currency_id.is_zero(price * line.units - line.charge_amount):
            return line.units, price
    # The charge does not divide into equal unit prices: one line at the full charge.
    return 1.0, line.charge_amount


def invoice_line_command(line, product, label, link_field):
    """The invoice line creation command billing ``line``'s charge, linked back to it by ``link_field``."""
    quantity, price_unit = invoice_quantity_price(line)
    return Command.create(
        {
            "product_id": product.id,
            "name": label,
            "quantity": quantity,
            "price_unit": price_unit,
            "tax_ids": [Command.set([])],
            link_field: line.id,
        }
    )
