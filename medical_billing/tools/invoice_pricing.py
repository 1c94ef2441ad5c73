# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How a billed charge becomes the quantity and unit price of one invoice line."""


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
