# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import test_encounter_edits
from . import test_partner
from . import test_encounter_lines
from . import test_security
from . import test_edit_import
from . import test_code_set_icd10cm
from . import test_code_set_import
from . import test_code_set_wizard
from . import test_workflow
from . import test_company_walls
from . import test_import_robustness
from . import test_coverage_policy
from . import test_quality
