# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tests of medical_billing/edi (imported as ``medical_billing_edi`` by tests/conftest.py): no database."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """Override pytest-odoo's registry loading: these tests need no database."""
    yield
