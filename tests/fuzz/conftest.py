# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Property-based fuzzing of the file readers (hypothesis): no database.

``make test`` runs a sample of each reader (profile ``sample``); ``make fuzz`` sets ``MEDICAL_FUZZ=1``
for the ``fuzz`` profile, at least 10,000 cases per reader.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,  # time is bounded per case by a signal alarm (see test_fuzz_readers.bounded)
    "database": None,  # nothing written beside the repository
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
    "print_blob": True,  # a failure prints the blob that reproduces it (@reproduce_failure)
}
settings.register_profile("sample", max_examples=int(os.environ.get("MEDICAL_FUZZ_SAMPLE", "200")), **_COMMON)
settings.register_profile(
    "fuzz", max_examples=int(os.environ.get("MEDICAL_FUZZ_EXAMPLES", "10000")), **_COMMON
)
FUZZ_PROFILE = "fuzz" if os.environ.get("MEDICAL_FUZZ") else "sample"


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """Override pytest-odoo's registry loading: these tests need no database."""
    yield
