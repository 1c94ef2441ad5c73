"""Load medical_coding/edits as a plain package (``medical_edits``), without importing Odoo."""

import importlib.util
import sys
from pathlib import Path

EDITS = Path(__file__).resolve().parents[2] / "medical_coding" / "edits"


def _load():
    if "medical_edits" in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        "medical_edits", EDITS / "__init__.py", submodule_search_locations=[str(EDITS)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["medical_edits"] = module
    spec.loader.exec_module(module)


_load()
