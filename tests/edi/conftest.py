"""Load ``medical_billing/edi`` as a package of its own.

The addon's ``__init__`` imports Odoo; the EDI layer must not, so these tests import it without
running the addon: ``import medical_billing_edi as edi`` in the test modules.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

EDI_DIR = Path(__file__).resolve().parents[2] / "medical_billing" / "edi"
MODULE_NAME = "medical_billing_edi"


def _load_edi():
    if MODULE_NAME in sys.modules:
        return sys.modules[MODULE_NAME]
    spec = importlib.util.spec_from_file_location(
        MODULE_NAME, EDI_DIR / "__init__.py", submodule_search_locations=[str(EDI_DIR)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module
    spec.loader.exec_module(module)
    return module


_load_edi()


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """Override pytest-odoo's registry loading: these tests need no database."""
    yield
