"""Load medical_coding/codesets as a plain package (``medical_codesets``), without importing Odoo."""

import importlib.util
import sys
from pathlib import Path

import pytest

CODESETS = Path(__file__).resolve().parents[2] / "medical_coding" / "codesets"


def _load():
    if "medical_codesets" in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        "medical_codesets", CODESETS / "__init__.py", submodule_search_locations=[str(CODESETS)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["medical_codesets"] = module
    spec.loader.exec_module(module)


_load()


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
