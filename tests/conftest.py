# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Repository-level test configuration.

Tests that read the real CMS and X12 files find ``../shared`` beside the repository root
(``MEDICAL_SHARED_DIR`` names another place, e.g. for a git worktree).
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MEDICAL_SHARED_DIR") or REPO.parent / "shared")

# The engines that need no ORM, imported as packages of their own: the addons' ``__init__`` imports Odoo,
# these must not (``import medical_billing_edi as edi`` in the tests).
PLAIN_PACKAGES = {
    "medical_codesets": REPO / "medical_coding" / "codesets",
    "medical_edits": REPO / "medical_coding" / "edits",
    "medical_billing_edi": REPO / "medical_billing" / "edi",
    "medical_billing_edits": REPO / "medical_billing" / "edits",
}


def _load_plain_packages():
    for name, folder in PLAIN_PACKAGES.items():
        if name in sys.modules:
            continue
        spec = importlib.util.spec_from_file_location(
            name, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)


_load_plain_packages()


@pytest.fixture(scope="session")
def shared_dir():
    """The folder of real CMS and X12 files; its absence is a failure, never a skip."""
    if not SHARED.is_dir():
        pytest.fail(f"The shared test vectors are missing: expected them at {SHARED}")
    return SHARED
