# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tests of medical_coding/codesets (imported as ``medical_codesets`` by tests/conftest.py): no database."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """Override pytest-odoo's registry loading: these tests need no database."""
    yield


@pytest.fixture(scope="session")
def icd_packaged():
    """The ICD-10-CM XML shipped by simple-icd-10-cm, and our parse of it."""
    from medical_codesets import icd10cm

    data, filename = icd10cm.packaged_source()
    return data, filename, icd10cm.parse(data, filename)


@pytest.fixture(scope="session")
def hcpcs_2019(shared_dir):
    path = shared_dir / "cms" / "hcpcs" / "HCPC2019_CONTR_ANWEB.txt"
    return path.read_bytes()
